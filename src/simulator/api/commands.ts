// The `api`/`bgapi` commands the simulator answers, with FreeSWITCH's reply texts (trace README §12).
import { breakers } from '../apps/playback.js';
import { uuidBridge } from '../bridge.js';
import { DialStringError, parseDialString, splitArgs, splitOriginateArgs } from '../dialstring.js';
import { normalizeCause } from '../model/causes.js';
import type { Channel } from '../model/channel.js';
import type { Core } from '../model/core.js';
import { STEP_MS } from '../model/timing.js';
import { show, status } from './show.js';

export type ApiResult = string | Promise<string>;
type Handler = (core: Core, args: string) => ApiResult;

const NO_CHANNEL = '-ERR No such channel!\n';

function words(args: string): string[] {
  return args.split(' ').filter((w) => w !== '');
}

function live(core: Core, uuid: string | undefined): Channel | undefined {
  if (uuid === undefined) return undefined;
  const ch = core.channel(uuid);
  return ch === undefined || ch.hangingUp ? undefined : ch;
}

const uuidKill: Handler = (core, args) => {
  const [uuid, causeText] = words(args);
  const ch = live(core, uuid);
  if (ch === undefined) return NO_CHANNEL;
  const cause = (causeText === undefined ? undefined : normalizeCause(causeText)) ?? 'NORMAL_CLEARING';
  core.hangup(ch, cause, 'local');
  return '+OK\n';
};

const uuidExists: Handler = (core, args) => (live(core, words(args)[0]) === undefined ? 'false' : 'true');

const uuidGetvar: Handler = (core, args) => {
  const [uuid, name] = words(args);
  const ch = live(core, uuid);
  if (ch === undefined) return NO_CHANNEL;
  if (name === undefined) return '-USAGE: <uuid> <var>\n';
  return ch.getVar(name) ?? '_undef_';
};

const uuidSetvar: Handler = (core, args) => {
  const [uuid, name, ...value] = words(args);
  const ch = live(core, uuid);
  if (ch === undefined) return NO_CHANNEL;
  if (name === undefined) return '-USAGE: <uuid> <var> [value]\n';
  ch.setVar(name, value.length === 0 ? undefined : value.join(' '));
  return '+OK\n';
};

const uuidSetvarMulti: Handler = (core, args) => {
  const [uuid, list] = words(args);
  const ch = live(core, uuid);
  if (ch === undefined) return NO_CHANNEL;
  for (const pair of (list ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) ch.setVar(pair.slice(0, eq), pair.slice(eq + 1));
    else if (pair !== '') ch.setVar(pair, undefined);
  }
  return '+OK\n';
};

const uuidDump: Handler = (core, args) => {
  const [uuid, fmt] = words(args);
  const ch = live(core, uuid);
  if (ch === undefined) return NO_CHANNEL;
  const ev = core.bus.create('CHANNEL_DATA');
  ch.appendTo(ev, true);
  return fmt === 'json' ? ev.toJson() : ev.toPlain();
};

const TRANSFER_USAGE = '-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n';

const uuidTransfer: Handler = (core, args) => {
  const w = words(args);
  const [uuid] = w;
  let rest = w.slice(1);
  let mode: 'self' | 'bleg' | 'both' = 'self';
  if (rest[0] === '-bleg' || rest[0] === '-both') {
    mode = rest[0] === '-bleg' ? 'bleg' : 'both';
    rest = rest.slice(1);
  }
  const [dest, dialplan = 'XML', context = 'default'] = rest;
  if (uuid === undefined || dest === undefined) return TRANSFER_USAGE;
  const ch = live(core, uuid);
  if (ch === undefined) return NO_CHANNEL;
  core.flushDtmf(ch);
  if (mode !== 'bleg') ch.transfersPending++;
  core.after(STEP_MS, () => {
    if (mode !== 'bleg') ch.transfersPending--;
    const peer = ch.bridge?.peer;
    if (mode === 'bleg') {
      if (peer !== undefined) core.transfer(peer, dest, dialplan, context);
      return;
    }
    core.transfer(ch, dest, dialplan, context, mode === 'both');
    if (mode === 'both' && peer !== undefined) core.transfer(peer, dest, dialplan, context, true);
  });
  return '+OK\n';
};

const uuidBridgeCmd: Handler = (core, args) => {
  const [a, b] = words(args);
  if (a === undefined || b === undefined) return '-USAGE: <uuid> <other_uuid>\n';
  const cha = live(core, a);
  const chb = live(core, b);
  if (cha === undefined || chb === undefined || cha === chb) return '-ERR Invalid uuid\n';
  uuidBridge(core, cha, chb);
  return `+OK ${chb.uuid}\n`;
};

const uuidRecvDtmf: Handler = (core, args) => {
  const [uuid, digits] = words(args);
  const ch = live(core, uuid);
  if (ch === undefined || uuid === undefined) return '-ERR Cannot locate session!\n';
  if (digits === undefined) return '-USAGE: <uuid> <dtmf_data>\n';
  const keys = digits.replace(/[^0-9*#A-Da-d]/g, '');
  const timer = core.after(
    STEP_MS,
    () => {
      ch.pendingDtmf.splice(ch.pendingDtmf.indexOf(timer), 1);
      core.receiveDtmf(ch, keys, 'APP');
    },
    ch,
  );
  ch.pendingDtmf.push(timer);
  return `+OK ${uuid} received DTMF ${digits}.\n`;
};

const uuidSendDtmf: Handler = (core, args) => {
  const [uuid, digits] = words(args);
  const ch = live(core, uuid);
  if (ch === undefined) return '-ERR Cannot locate session!\n';
  for (const d of digits ?? '') core.hear(ch, 'dtmf', d);
  return '+OK Success\n';
};

const uuidBreak: Handler = (core, args) => {
  const ch = live(core, words(args)[0]);
  if (ch === undefined) return NO_CHANNEL;
  for (const frame of [...ch.stack].reverse()) {
    const br = frame.inst === undefined ? undefined : breakers.get(frame.inst);
    if (br !== undefined) {
      br();
      break;
    }
  }
  return '+OK\n';
};

const uuidBroadcast: Handler = (core, args) => {
  const [uuid, path, leg = 'aleg'] = words(args);
  const ch = live(core, uuid);
  if (ch === undefined || path === undefined) return '-USAGE: <uuid> <path> [aleg|bleg|holdb|both]\n';
  const targets = leg === 'both' ? [ch, ch.bridge?.peer] : leg === 'bleg' ? [ch.bridge?.peer] : [ch];
  const sep = path.indexOf('::');
  const app = sep < 0 ? 'playback' : path.slice(0, sep);
  const data = sep < 0 ? path : path.slice(sep + 2);
  core.after(STEP_MS, () => {
    for (const t of targets) {
      if (t === undefined || t.gone || t.hangingUp) continue;
      const run = () =>
        core.exec(t, app, data, { nested: true, sendmsg: [['Command', `sendmsg ${t.uuid}`]] });
      if (t.top?.nested === true) t.pending.push(run);
      else run();
    }
  });
  return '+OK Message sent successfully\n';
};

const uuidAnswer: Handler = (core, args) => {
  const ch = live(core, words(args)[0]);
  if (ch === undefined) return NO_CHANNEL;
  core.answer(ch);
  return '+OK\n';
};

const uuidPark: Handler = (core, args) => {
  const ch = live(core, words(args)[0]);
  if (ch === undefined) return NO_CHANNEL;
  core.after(STEP_MS, () => core.transfer(ch, 'park', 'inline', ch.profile.context));
  return '+OK\n';
};

/**
 * FreeSWITCH's first pass over api arguments (switch_separate_string on blanks, then
 * cleanup_separated_string): `\s` `\n` `\r` `\t` become a space, newline, CR, tab. Other escapes (`\,`)
 * are left for the split of the `{…}` variables, as FreeSWITCH does.
 */
function unescapeBlankSplit(token: string): string {
  const controls: Record<string, string> = { s: ' ', n: '\n', r: '\r', t: '\t' };
  let out = '';
  for (let i = 0; i < token.length; i++) {
    const ch = token[i] as string;
    const next = token[i + 1];
    if (ch !== '\\' || next === undefined) out += ch;
    else {
      out += controls[next] ?? `${ch}${next}`;
      i++;
    }
  }
  return out;
}

const ORIGINATE_USAGE =
  '-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n';

const originate: Handler = (core, args) => {
  const parsed = splitOriginateArgs(args);
  if (parsed === undefined || parsed.rest.length === 0 || parsed.rest[0] === '') return ORIGINATE_USAGE;
  let dial: ReturnType<typeof parseDialString>;
  try {
    dial = parseDialString(unescapeBlankSplit(parsed.dial));
  } catch (err) {
    if (err instanceof DialStringError) return '-ERR INVALID_NUMBER_FORMAT\n';
    throw err;
  }
  const [exten = '', dialplan, context, cidName, cidNum, timeoutText] = parsed.rest;
  if (cidName !== undefined && !dial.vars.has('origination_caller_id_name'))
    dial.vars.set('origination_caller_id_name', cidName);
  if (cidNum !== undefined && !dial.vars.has('origination_caller_id_number'))
    dial.vars.set('origination_caller_id_number', cidNum);
  const timeoutSec = Number(timeoutText ?? dial.vars.get('originate_timeout') ?? 60) || 60;
  const app = /^&([^(]+)(?:\((.*)\))?$/s.exec(exten);
  return new Promise<string>((resolve) => {
    core.originator.dial(
      {
        target: dial.target,
        vars: dial.vars,
        uuid: dial.vars.get('origination_uuid'),
        timeoutSec,
        ignoreEarlyMedia: dial.vars.get('ignore_early_media') === 'true',
      },
      {
        onResult: (r) => {
          if (!r.ok) {
            resolve(`-ERR ${r.cause}\n`);
            return;
          }
          const leg = r.leg;
          resolve(`+OK ${leg.uuid}\n`);
          // the job's reply goes out before the leg starts its application (trace 05)
          core.after(
            0,
            () => {
              leg.hitDialplan = true;
              leg.state = 'CS_EXECUTE';
              if (app !== null) {
                leg.extension = { apps: [{ app: app[1] ?? 'park', data: app[2] ?? '' }], next: 0 };
                core.runNext(leg);
              } else {
                core.startExtension(leg, exten, dialplan ?? 'XML', context ?? 'default');
              }
            },
            leg,
          );
        },
      },
    );
  });
};

const schedDel: Handler = (core, args) => {
  const target = words(args)[0];
  if (target === undefined) return '-USAGE: <task_id>|<group_id>\n';
  return `+OK Deleted: ${core.scheduler.delete(target)}\n`;
};

const hupall: Handler = (core, args) => {
  const cause = normalizeCause(words(args)[0] ?? 'NORMAL_CLEARING') ?? 'NORMAL_CLEARING';
  for (const ch of [...core.channels.values()]) core.hangup(ch, cause, 'local');
  return `+OK hangup all channels with cause ${cause}\n`;
};

export const API_COMMANDS: Record<string, Handler> = {
  uuid_kill: uuidKill,
  uuid_exists: uuidExists,
  uuid_getvar: uuidGetvar,
  uuid_setvar: uuidSetvar,
  uuid_setvar_multi: uuidSetvarMulti,
  uuid_dump: uuidDump,
  uuid_transfer: uuidTransfer,
  uuid_bridge: uuidBridgeCmd,
  uuid_recv_dtmf: uuidRecvDtmf,
  uuid_send_dtmf: uuidSendDtmf,
  uuid_break: uuidBreak,
  uuid_broadcast: uuidBroadcast,
  uuid_answer: uuidAnswer,
  uuid_park: uuidPark,
  originate,
  hupall,
  sched_del: schedDel,
  conference: (core, args) => core.conferences.api(splitArgs(args)),
  show: (core, args) => show(core, words(args)),
  status: (core) => status(core),
  version: () => 'FreeSWITCH Version 1.10.12-release~64bit (-release 64bit)\n',
  hostname: (core) => core.bus.identity.hostname,
  uptime: (core) => String(Math.floor((core.clock.now() - core.startedAt) / 1000)),
  // Only the variable dynconf reads; anything else is unset, as an unknown global is.
  global_getvar: (core, args) => (args.trim() === 'sound_prefix' ? core.config.sounds.prefix : ''),
  // A plain stat, as FreeSWITCH's: no rate folder, no variables; relative = the switch's working directory.
  file_exists: (core, args) => (core.config.sounds.exists(args.trim()) ? 'true' : 'false'),
  eval: (_core, args) => args,
};

/** Runs one `api` command line (`uuid_kill <uuid>`); fires the API event FreeSWITCH fires for it. */
export function executeApi(core: Core, line: string): { command: string; args: string; result: ApiResult } {
  const trimmed = line.replace(/^\s+/, '');
  const space = trimmed.indexOf(' ');
  const command = space < 0 ? trimmed : trimmed.slice(0, space);
  const args = space < 0 ? '' : trimmed.slice(space + 1).trim();
  const ev = core.bus.create('API');
  ev.add('API-Command', command);
  if (args !== '') ev.add('API-Command-Argument', args);
  core.bus.fire(ev);
  const handler = API_COMMANDS[command];
  if (handler === undefined) return { command, args, result: `-ERR ${command} Command not found!\n` };
  try {
    return { command, args, result: handler(core, args) };
  } catch (err) {
    core.log.error({ err, command }, 'simulator: api command failed');
    return { command, args, result: `-ERR ${command} failed\n` };
  }
}
