// voicemail PROFILE DOMAIN BOX: greeting, beep, recording; `*` or `#` ends it.
import type { TimerHandle } from '../../clock.js';
import type { AppInstance } from '../model/frame.js';
import { STEP_MS } from '../model/timing.js';
import { Player } from './player.js';
import type { AppFactory } from './registry.js';

const MAX_RECORD_MS = 120_000;

export const voicemailApp: AppFactory = (ctx) => {
  const { core, ch } = ctx;
  const box = ctx.data.split(' ')[2] ?? 'default';
  const player = new Player(ctx);
  let recording: string | undefined;
  let timer: TimerHandle | undefined;
  const stopRecording = () => {
    if (recording === undefined) return;
    const path = recording;
    recording = undefined;
    timer?.cancel();
    core.channelEvent('RECORD_STOP', ch, { after: [['Record-File-Path', path]] });
  };
  const record = () => {
    recording = `${core.config.soundsDir.replace(/sounds.*$/, 'storage')}/voicemail/default/${core.config.domain}/${box}/msg_${ch.uuid}.wav`;
    core.channelEvent('RECORD_START', ch, { after: [['Record-File-Path', recording]] });
    timer = ctx.after(MAX_RECORD_MS, () => {
      stopRecording();
      ctx.done();
    });
  };
  player.play('voicemail/vm-person.wav', () => player.play('tone_stream://%(1000,0,640)', record));
  let leaving = false;
  const inst: AppInstance = {
    readsDtmf: () => !leaving,
    // keys pressed while voicemail winds up are swallowed (trace 09: `*#` shows only `*`)
    holdDtmf: () => undefined,
    onDtmf(digit) {
      if (digit !== '*' && digit !== '#') return;
      leaving = true;
      player.stop();
      stopRecording();
      ctx.after(STEP_MS, () => ctx.done());
    },
    stop() {
      player.stop();
      stopRecording();
    },
  };
  return inst;
};
