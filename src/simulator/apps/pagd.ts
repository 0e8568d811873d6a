// play_and_get_digits, following FreeSWITCH's switch_play_and_get_digits / switch_ivr_read:
// prompt (a key breaks it), digits until a terminator, max digits or a timeout, the regexp check,
// the invalid prompt (keys pressed during it wait for the next try), read_result and <var>_invalid.
// The wait for the first key starts when the prompt has ended, and is at least 1 s (mod_dptools raises
// any shorter timeout, and makes a missing one 1 s).
import type { TimerHandle } from '../../clock.js';
import { splitArgs } from '../dialstring.js';
import type { AppInstance, DtmfSource } from '../model/frame.js';
import { breakers } from './playback.js';
import { Player } from './player.js';
import type { AppFactory } from './registry.js';

/** mod_dptools' play_and_get_digits: `if (timeout <= 1000) timeout = 1000;` (its default is 1000 too). */
const FIRST_KEY_WAIT_FLOOR_MS = 1000;

function int(text: string | undefined, fallback: number): number {
  const n = Number.parseInt(text ?? '', 10);
  return Number.isFinite(n) ? n : fallback;
}

function compile(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined || pattern === '') return undefined;
  try {
    return new RegExp(pattern);
  } catch {
    return /(?!)/; // a pattern FreeSWITCH cannot compile never matches
  }
}

export const playAndGetDigitsApp: AppFactory = (ctx) => {
  const { ch } = ctx;
  const args = splitArgs(ctx.data);
  const min = Math.max(0, int(args[0], 0));
  const max = Math.max(min, int(args[1], 128));
  let triesLeft = Math.max(1, int(args[2], 1));
  const timeout = Math.max(FIRST_KEY_WAIT_FLOOR_MS, int(args[3], FIRST_KEY_WAIT_FLOOR_MS));
  const terminators = args[4] ?? '#';
  const prompt = args[5] ?? '';
  const invalid = args[6] ?? '';
  const varName = args[7] !== undefined && args[7] !== '' ? args[7] : undefined;
  const regexText = args[8];
  const regex = compile(regexText);
  const digitTimeout = int(args[9], timeout) || timeout;

  const player = new Player(ctx);
  let phase: 'prompt' | 'collect' | 'invalid' | 'done' = 'prompt';
  let buffer = '';
  let terminator: string | undefined;
  let timer: TimerHandle | undefined;
  const held: Array<[string, DtmfSource]> = [];

  if (regex !== undefined && varName !== undefined) ch.setVar(`${varName}_invalid`, undefined);

  const reading = () => phase === 'prompt' || phase === 'collect';
  const arm = (ms: number) => {
    timer?.cancel();
    timer = ctx.after(ms, () => endRead('timeout'));
  };

  const startCollect = () => {
    phase = 'collect';
    arm(buffer === '' ? timeout : digitTimeout);
  };

  const startTry = () => {
    buffer = '';
    terminator = undefined;
    ch.setVar('read_result', undefined);
    if (varName !== undefined) ch.setVar(varName, undefined);
    phase = 'prompt';
    // A prompt the switch does not have fails the attempt at once, as wrong digits would.
    if (prompt !== '' && prompt !== 'silence' && !ctx.core.config.sounds.playable(prompt)) {
      ctx.after(0, () => endRead('timeout'));
      return;
    }
    if (prompt === '' || prompt === 'silence') startCollect();
    else player.play(prompt, startCollect);
    // keys pressed during the invalid prompt were kept; they are read now
    for (const [digit, source] of held.splice(0)) {
      if (!reading()) break;
      ctx.core.dtmfEvent(ch, digit, source);
      onDigit(digit);
    }
  };

  const onDigit = (digit: string) => {
    if (phase === 'prompt') {
      player.stop();
      phase = 'collect';
    }
    if (phase !== 'collect') return;
    if (terminators.includes(digit)) {
      terminator = digit;
      endRead('success');
      return;
    }
    buffer += digit;
    if (buffer.length >= max) endRead('success');
    else arm(digitTimeout);
  };

  const endRead = (readStatus: 'success' | 'timeout') => {
    timer?.cancel();
    let status: 'success' | 'timeout' | 'too_small' = readStatus;
    if (terminator !== undefined) ch.setVar('read_terminator_used', terminator);
    if (min > 0 && buffer.length < min) status = 'too_small';
    ch.setVar('read_result', status === 'success' ? 'success' : status === 'timeout' ? 'timeout' : 'failure');
    if (varName !== undefined && buffer !== '') ch.setVar(varName, buffer);

    if (status === 'timeout' && buffer.length >= min) status = 'success';
    if (min === 0 && buffer === '' && terminator !== undefined) {
      finish();
      return;
    }
    if (!(status === 'too_small' && buffer.length === 0) && status === 'success' && buffer !== '') {
      if (regex === undefined || regex.test(buffer)) {
        finish();
        return;
      }
      if (varName !== undefined) {
        ch.setVar(varName, undefined);
        ch.setVar(`${varName}_invalid`, buffer);
      }
    }
    triesLeft--;
    phase = 'invalid';
    const next = () => {
      if (triesLeft > 0) startTry();
      else finish();
    };
    if (invalid === '' || invalid === 'silence' || !ctx.core.config.sounds.playable(invalid)) next();
    else player.play(invalid, next);
  };

  const finish = () => {
    phase = 'done';
    timer?.cancel();
    ctx.done();
  };

  const inst: AppInstance = {
    readsDtmf: reading,
    onDtmf: (digit) => onDigit(digit),
    holdDtmf: (digit, source) => {
      if (phase === 'invalid') held.push([digit, source]);
    },
    stop() {
      timer?.cancel();
      player.stop('done');
      phase = 'done';
      if (ch.getVar('read_result') === undefined) ch.setVar('read_result', 'failure');
    },
  };
  breakers.set(inst, () => player.stop());
  startTry();
  return inst;
};
