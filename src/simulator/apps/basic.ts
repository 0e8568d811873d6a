// Short dialplan applications: they do their thing and complete at once.
import { splitArgs, splitQuoted } from '../dialstring.js';
import { normalizeCause } from '../model/causes.js';
import { splitAppArgs } from '../model/digit-actions.js';
import type { AppInstance } from '../model/frame.js';
import type { AppContext, AppFactory } from './registry.js';

function assignment(data: string): [string, string] | undefined {
  const eq = data.indexOf('=');
  if (eq <= 0) return undefined;
  return [data.slice(0, eq).trim(), data.slice(eq + 1)];
}

function instant(fn: (ctx: AppContext) => void): AppFactory {
  return (ctx) => {
    fn(ctx);
    ctx.done();
    return undefined;
  };
}

const set = instant((ctx) => {
  const kv = assignment(ctx.data);
  if (kv !== undefined) ctx.ch.setVar(kv[0], kv[1]);
});

const multiset = instant((ctx) => {
  for (const word of splitArgs(ctx.data)) {
    const kv = assignment(word);
    if (kv !== undefined) ctx.ch.setVar(kv[0], kv[1]);
  }
});

const unset = instant((ctx) => ctx.ch.setVar(ctx.data.trim(), undefined));

/** export: set here and hand to every leg this one originates (export_vars). */
const exportApp = instant((ctx) => {
  let data = ctx.data;
  const local = !data.startsWith('nolocal:');
  if (!local) data = data.slice('nolocal:'.length);
  const kv = assignment(data);
  if (kv === undefined) return;
  const [name, value] = kv;
  if (local) ctx.ch.setVar(name, value);
  ctx.ch.exported.set(name, value);
  const list = new Set((ctx.ch.getVar('export_vars') ?? '').split(',').filter((v) => v !== ''));
  list.add(name);
  ctx.ch.setVar('export_vars', [...list].join(','));
});

const noop = instant(() => undefined);

const answer = instant((ctx) => ctx.core.answer(ctx.ch));
const preAnswer = instant((ctx) => ctx.core.preAnswer(ctx.ch));
const ringReady = instant((ctx) => ctx.core.ringReady(ctx.ch));

const hangup: AppFactory = (ctx) => {
  const cause = normalizeCause(ctx.data === '' ? 'NORMAL_CLEARING' : ctx.data) ?? 'NORMAL_CLEARING';
  ctx.core.hangup(ctx.ch, cause, 'local');
  return undefined;
};

const sleep: AppFactory = (ctx) => {
  const ms = Number.parseInt(ctx.data, 10);
  const timer = ctx.after(Number.isFinite(ms) && ms > 0 ? ms : 0, () => ctx.done());
  const inst: AppInstance = {
    readsDtmf: () => true,
    stop: () => timer.cancel(),
  };
  return inst;
};

/** event: fires an event carrying the channel's data (bind_meta_app's `event::` of trace 08). */
const eventApp = instant((ctx) => {
  const headers: Array<[string, string]> = [];
  let name = 'CUSTOM';
  let subclass: string | undefined;
  const pairs = ctx.data.startsWith('^^') ? splitAppArgs(ctx.data) : splitQuoted(ctx.data, ',');
  for (const pair of pairs) {
    const kv = assignment(pair);
    if (kv === undefined) continue;
    if (kv[0] === 'Event-Name') name = kv[1];
    else if (kv[0] === 'Event-Subclass') subclass = kv[1];
    else headers.push(kv);
  }
  ctx.core.channelEvent(name, ctx.ch, { subclass, after: headers });
});

/** bind_meta_app KEY LISTEN FLAGS APP::ARGS */
const bindMetaApp = instant((ctx) => {
  const [key, , , target] = splitArgs(ctx.data);
  if (key === undefined || target === undefined) return;
  const sep = target.indexOf('::');
  const app = sep < 0 ? target : target.slice(0, sep);
  const data = sep < 0 ? '' : target.slice(sep + 2);
  ctx.ch.metaBindings.push({ key, app, data });
});

/** bind_digit_action REALM,DIGITS,STRING[,VALUE][,DTMF TARGET][,EVENT TARGET] (model/digit-actions.ts). */
const bindDigitAction = instant((ctx) => {
  const [realm, digits, action, value = '', dtmfTarget = 'self', eventTarget = 'self'] = ctx.data.split(',');
  if (realm === undefined || digits === undefined || action === undefined || action === '') return;
  const runOn = eventTarget === 'peer' || eventTarget === 'both' ? eventTarget : 'self';
  const binding = { realm, digits, action, value, runOn } as const;
  const { self, peer } = ctx.ch.digitMachines;
  if (dtmfTarget === 'self' || dtmfTarget === 'both') self.bind(binding);
  if (dtmfTarget === 'peer' || dtmfTarget === 'both') peer.bind(binding);
});

/** digit_action_set_realm REALM[,TARGET]: which bindings are in force. */
const digitActionSetRealm = instant((ctx) => {
  const [realm, target = 'self'] = ctx.data.split(',');
  if (realm === undefined || realm === '') return;
  const { self, peer } = ctx.ch.digitMachines;
  if (target === 'self' || target === 'both') self.realm = realm;
  if (target === 'peer' || target === 'both') peer.realm = realm;
});

/** sched_transfer +SECONDS DEST [DIALPLAN] [CONTEXT]: a transfer later; the task's group is the uuid. */
const schedTransfer = instant((ctx) => {
  const [when, dest, dialplan, context] = splitArgs(ctx.data);
  if (when === undefined || dest === undefined) return;
  const now = ctx.core.clock.now();
  const sec = when.startsWith('+') ? Number(when.slice(1)) : Number(when) - now / 1000;
  if (!Number.isFinite(sec)) return;
  const ch = ctx.ch;
  ctx.core.scheduler.add(Math.max(0, sec) * 1000, `transfer ${dest}`, ch.uuid, () => {
    if (!ch.gone && !ch.hangingUp)
      ctx.core.transfer(ch, dest, dialplan ?? 'XML', context ?? ch.profile.context);
  });
});

/** transfer DEST [DIALPLAN] [CONTEXT]: this extension ends, DEST runs. */
const transfer: AppFactory = (ctx) => {
  const [dest, dialplan, context] = splitArgs(ctx.data);
  if (dest === undefined) {
    ctx.done();
    return undefined;
  }
  ctx.core.transfer(ctx.ch, dest, dialplan ?? 'XML', context ?? ctx.ch.profile.context);
  return undefined;
};

export const basicApps: Record<string, AppFactory> = {
  set,
  multiset,
  unset,
  export: exportApp,
  hash: noop,
  log: noop,
  info: noop,
  answer,
  pre_answer: preAnswer,
  ring_ready: ringReady,
  hangup,
  sleep,
  event: eventApp,
  bind_meta_app: bindMetaApp,
  bind_digit_action: bindDigitAction,
  digit_action_set_realm: digitActionSetRealm,
  transfer,
  sched_transfer: schedTransfer,
};
