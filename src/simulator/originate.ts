// Outbound legs: resolving a dial string to a phone, and the phone's behaviour over time
// (180/183/200/486/603/503/no response), as trace 05 and 09 show them.
import { randomUUID } from 'node:crypto';
import type { Channel } from './model/channel.js';
import type { Core } from './model/core.js';
import { STEP_MS } from './model/timing.js';
import type { PhoneBehaviour } from './types.js';

export interface DialRequest {
  /** The dial string without its `{...}` variables: `user/801`, `sofia/gateway/gsm/0612...`. */
  target: string;
  vars: Map<string, string>;
  originator?: Channel;
  uuid?: string;
  timeoutSec: number;
  ignoreEarlyMedia: boolean;
}

export type DialResult = { ok: true; leg: Channel } | { ok: false; cause: string; leg?: Channel };

export interface DialHooks {
  onProgress?(leg: Channel): void;
  onEarlyMedia?(leg: Channel): void;
  onResult(result: DialResult): void;
}

type Resolution =
  | { kind: 'fail'; cause: string }
  | {
      kind: 'sofia';
      name: string;
      dest: string;
      behaviour: PhoneBehaviour;
      supervision: boolean;
      user?: string;
    }
  | { kind: 'voicemail'; dest: string; box: string; afterMs: number }
  | {
      kind: 'loopback';
      dest: string;
      context: string;
      dialplan: string;
      app?: { app: string; data: string };
    };

/** SIP port of a test phone: stable per extension, so names look like real registrations. */
export function phonePort(ext: string): number {
  const n = Number.parseInt(ext.replace(/\D/g, '').slice(-3), 10);
  return 6000 + (Number.isFinite(n) ? n : 0);
}

export class Originator {
  constructor(private readonly core: Core) {}

  private resolve(dialTarget: string): Resolution {
    const cfg = this.core.config;
    // several destinations (`a,b` simultaneous, `a|b` in turn): only the first is dialled
    const target = dialTarget.split(/[,|]/)[0] ?? dialTarget;
    const slash = target.indexOf('/');
    const endpoint = slash < 0 ? target : target.slice(0, slash);
    const rest = slash < 0 ? '' : target.slice(slash + 1);
    if (endpoint === 'error') return { kind: 'fail', cause: rest.toUpperCase() || 'NORMAL_CLEARING' };
    if (endpoint === 'user') {
      const user = rest.split('@')[0] ?? '';
      const behaviour = cfg.directory.get(user);
      if (behaviour === undefined || behaviour.kind === 'no-such-user')
        return { kind: 'fail', cause: 'SUBSCRIBER_ABSENT' };
      if (behaviour.kind === 'unregistered') return { kind: 'fail', cause: 'USER_NOT_REGISTERED' };
      if (behaviour.kind === 'voicemail') {
        return { kind: 'voicemail', dest: user, box: user, afterMs: behaviour.afterMs ?? 0 };
      }
      return {
        kind: 'sofia',
        name: `sofia/internal/${user}@127.0.0.1:${phonePort(user)}`,
        dest: user,
        behaviour,
        supervision: true,
        user,
      };
    }
    if (endpoint === 'sofia') {
      const parts = rest.split('/');
      if (parts[0] === 'gateway') {
        const gwName = parts[1] ?? '';
        const number = parts.slice(2).join('/');
        const gw = cfg.gateways.get(gwName);
        if (gw === undefined || number === '') return { kind: 'fail', cause: 'INVALID_GATEWAY' };
        return {
          kind: 'sofia',
          name: `sofia/gateway/${gwName}/${number}`,
          dest: number,
          behaviour: gw.numbers?.[number] ?? gw.farEnd ?? { kind: 'answer' },
          supervision: gw.answerSupervision ?? true,
        };
      }
      const uri = parts.slice(1).join('/');
      const [user = '', host = ''] = uri.split('@');
      const explicit = cfg.sipEndpoints.get(uri) ?? cfg.sipEndpoints.get(host);
      const local =
        host === cfg.domain || host.startsWith(`${cfg.domain}:`) ? cfg.directory.get(user) : undefined;
      const behaviour: PhoneBehaviour = explicit ?? local ?? { kind: 'unreachable' };
      if (behaviour.kind === 'no-such-user') return { kind: 'fail', cause: 'SUBSCRIBER_ABSENT' };
      if (behaviour.kind === 'unregistered') return { kind: 'fail', cause: 'USER_NOT_REGISTERED' };
      return {
        kind: 'sofia',
        name: `sofia/${parts[0] ?? 'internal'}/${uri}`,
        dest: user,
        behaviour,
        supervision: true,
      };
    }
    if (endpoint === 'loopback') {
      // loopback/app=voicemail:default 127.0.0.1 1000 runs one application on the inner leg
      const appMatch = /^app=([^:]+):?(.*)$/s.exec(rest);
      if (appMatch !== null) {
        const app = appMatch[1] ?? '';
        return {
          kind: 'loopback',
          dest: app,
          context: 'default',
          dialplan: 'inline',
          app: { app, data: appMatch[2] ?? '' },
        };
      }
      const [dest = '', context = 'default', dialplan = 'XML'] = rest.split('/');
      if (dest === '') return { kind: 'fail', cause: 'CHAN_NOT_IMPLEMENTED' };
      return { kind: 'loopback', dest, context, dialplan };
    }
    return { kind: 'fail', cause: 'CHAN_NOT_IMPLEMENTED' };
  }

  /** Starts an outbound leg; `hooks.onResult` is called once (answer, early media if allowed, or failure). */
  dial(req: DialRequest, hooks: DialHooks): { leg?: Channel } {
    const core = this.core;
    const res = this.resolve(req.target);
    let settled = false;
    const settle = (r: DialResult) => {
      if (settled) return;
      settled = true;
      if (r.ok) r.leg.originating = undefined;
      hooks.onResult(r);
    };
    if (res.kind === 'fail') {
      core.after(3, () => settle({ ok: false, cause: res.cause }));
      return {};
    }
    if (req.uuid !== undefined && (core.channels.has(req.uuid) || core.ended.has(req.uuid))) {
      core.after(3, () => settle({ ok: false, cause: 'DESTINATION_OUT_OF_ORDER' }));
      return {};
    }
    const leg = res.kind === 'sofia' ? this.sofiaLeg(req, res) : this.loopbackLeg(req, res);
    leg.originating = {
      onHangup: (cause) => settle({ ok: false, cause, leg }),
      onAnswer: () => settle({ ok: true, leg }),
      onEarlyMedia: () => {
        hooks.onEarlyMedia?.(leg);
        if (!req.ignoreEarlyMedia) settle({ ok: true, leg });
      },
    };
    const timeoutMs = Math.max(1, req.timeoutSec) * 1000;
    core.after(
      timeoutMs,
      () => {
        if (!settled && leg.answerState !== 'answered') core.hangup(leg, 'NO_ANSWER', 'local');
      },
      leg,
    );
    if (res.kind === 'sofia') this.runBehaviour(leg, res.behaviour, res.supervision, hooks);
    return { leg };
  }

  private baseVars(req: DialRequest): Array<[string, string]> {
    const vars: Array<[string, string]> = [];
    for (const [k, v] of req.originator?.exported ?? []) vars.push([k, v]);
    for (const [k, v] of req.vars) vars.push([k, v]);
    return vars;
  }

  private profileFor(req: DialRequest, dest: string, source: string) {
    const o = req.originator?.profile;
    const cidName = req.vars.get('origination_caller_id_name') ?? o?.callerIdName ?? '';
    const cidNum = req.vars.get('origination_caller_id_number') ?? o?.callerIdNumber ?? '0000000000';
    return {
      callerIdName: cidName,
      callerIdNumber: cidNum,
      origCallerIdName: o === undefined ? undefined : cidName,
      origCallerIdNumber: cidNum,
      calleeIdName: 'Outbound Call',
      calleeIdNumber: dest,
      ani: cidNum,
      destinationNumber: dest,
      source,
      context: 'default',
    };
  }

  private sofiaLeg(req: DialRequest, res: Extract<Resolution, { kind: 'sofia' }>): Channel {
    const core = this.core;
    const leg = core.newChannel({
      uuid: req.uuid,
      name: res.name,
      direction: 'outbound',
      endpoint: 'sofia',
      profile: this.profileFor(req, res.dest, 'src/switch_ivr_originate.c'),
      vars: [
        ['sip_profile_name', 'internal'],
        ['sofia_profile_name', 'internal'],
        ['sip_destination_url', `sip:${res.name.replace(/^sofia\/[^/]+\//, '')}`],
        ...this.baseVars(req),
        ['originate_early_media', req.ignoreEarlyMedia ? 'false' : 'true'],
        ['originate_endpoint', 'sofia'],
      ],
    });
    leg.behaviour = res.behaviour;
    leg.answerSupervision = res.supervision;
    if (req.originator !== undefined) leg.other = { type: 'originator', leg: req.originator };
    leg.state = 'CS_NONE';
    core.channelEvent('CHANNEL_OUTGOING', leg, { vars: false });
    core.after(
      STEP_MS,
      () => {
        leg.state = 'CS_INIT';
        core.channelEvent('CHANNEL_CREATE', leg);
        core.channelEvent('CHANNEL_ORIGINATE', leg);
        leg.state = 'CS_CONSUME_MEDIA';
      },
      leg,
    );
    return leg;
  }

  /** The far end's behaviour, step by step on the clock. */
  private runBehaviour(leg: Channel, b: PhoneBehaviour, supervision: boolean, hooks: DialHooks): void {
    const core = this.core;
    const at = (ms: number, fn: () => void) => core.after(STEP_MS + ms, fn, leg);
    const refuse = (cause: string, status: string) =>
      at(0, () => {
        leg.setVar('sip_term_status', status);
        leg.setVar('sip_term_cause', cause);
        core.hangup(leg, cause, 'remote');
      });
    const ring = () =>
      at(STEP_MS, () => {
        core.ringReady(leg);
        hooks.onProgress?.(leg);
      });
    if (!supervision) {
      // FXO/GSM trunks report "answered" at once, whatever the far end does (SPEC flow 1 §11).
      ring();
      at(3 * STEP_MS, () => {
        core.answer(leg);
        const far = describeFarEnd(b);
        core.hear(leg, 'tone', far);
        if (b.kind === 'answer-then-hangup') {
          core.after(
            (b.afterMs ?? 1000) + b.hangupAfterMs,
            () => core.hangup(leg, 'NORMAL_CLEARING', 'remote'),
            leg,
          );
        }
      });
      return;
    }
    switch (b.kind) {
      case 'busy':
        refuse('USER_BUSY', '486');
        return;
      case 'reject':
        refuse('CALL_REJECTED', '603');
        return;
      case 'unreachable':
        refuse('NORMAL_TEMPORARY_FAILURE', '503');
        return;
      case 'no-response':
        return;
      case 'ring-forever':
        ring();
        return;
      case 'early-media-then-answer':
        at(STEP_MS, () => {
          core.preAnswer(leg);
        });
        at(STEP_MS + (b.afterMs ?? 3000), () => core.answer(leg));
        return;
      case 'answer':
      case 'answer-then-hangup':
      case 'voicemail':
      case 'no-such-user':
      case 'unregistered': {
        ring();
        const answerAfter = 'afterMs' in b && b.afterMs !== undefined ? b.afterMs : 1000;
        at(STEP_MS + answerAfter, () => core.answer(leg));
        if (b.kind === 'answer-then-hangup') {
          at(STEP_MS + answerAfter + b.hangupAfterMs, () => core.hangup(leg, 'NORMAL_CLEARING', 'remote'));
        }
        return;
      }
    }
  }

  /** A loopback pair (trace 09): `-a` is the leg we originate, `-b` runs `dest` through the dialplan. */
  private loopbackLeg(
    req: DialRequest,
    res: Extract<Resolution, { kind: 'loopback' | 'voicemail' }>,
  ): Channel {
    const core = this.core;
    const name = res.dest;
    const a = core.newChannel({
      uuid: req.uuid,
      name: `loopback/${name}-a`,
      direction: 'outbound',
      endpoint: 'loopback',
      profile: this.profileFor(req, name, 'src/switch_ivr_originate.c'),
      vars: [
        ['loopback_leg', 'A'],
        ...(res.kind === 'loopback' && res.app !== undefined
          ? ([['loopback_app', res.app.app]] as Array<[string, string]>)
          : []),
        ...this.baseVars(req),
        ['originate_endpoint', 'loopback'],
      ],
    });
    if (req.originator !== undefined) a.other = { type: 'originator', leg: req.originator };
    a.state = 'CS_NONE';
    // an origination_uuid renames the new leg: CHANNEL_UUID (trace 09; SIP legs have none)
    if (req.uuid !== undefined)
      core.channelEvent('CHANNEL_UUID', a, { before: [['Old-Unique-ID', randomUUID()]] });
    core.channelEvent('CHANNEL_OUTGOING', a, { vars: false });
    a.state = 'CS_INIT';
    core.channelEvent('CHANNEL_CREATE', a);
    core.channelEvent('CHANNEL_ORIGINATE', a);
    a.state = 'CS_CONSUME_MEDIA';
    const context = res.kind === 'loopback' ? res.context : 'default';
    const b = core.newChannel({
      name: `loopback/${name}-b`,
      direction: 'inbound',
      endpoint: 'loopback',
      profile: {
        dialplan: 'XML',
        callerIdName: a.profile.callerIdName,
        callerIdNumber: a.profile.callerIdNumber,
        ani: a.profile.ani,
        destinationNumber: name,
        source: 'mod_loopback',
        context,
      },
      // the inner side carries the outer side's variables too (origination vars such as dynconf_role)
      vars: [...this.baseVars(req), ['loopback_leg', 'B'], ['other_loopback_leg_uuid', a.uuid]],
    });
    a.setVar('other_loopback_leg_uuid', b.uuid);
    a.loopbackPeer = b;
    b.loopbackPeer = a;
    b.state = 'CS_INIT';
    core.channelEvent('CHANNEL_CREATE', b);
    b.state = 'CS_ROUTING';
    b.callState = 'RINGING';
    const start = () => {
      if (res.kind === 'voicemail') {
        b.state = 'CS_EXECUTE';
        b.extension = {
          apps: [
            { app: 'answer', data: '' },
            { app: 'voicemail', data: `default ${core.config.domain} ${res.box}` },
          ],
          next: 0,
        };
        core.runNext(b);
      } else if (res.app !== undefined) {
        b.state = 'CS_EXECUTE';
        b.setVar('loopback_app', res.app.app);
        b.extension = { apps: [{ app: 'pre_answer', data: '' }, res.app], next: 0 };
        core.runNext(b);
      } else {
        core.startExtension(b, res.dest, res.dialplan, res.context);
      }
    };
    // after dial() has hooked the leg up: the inner side's answer is what answers the outer one
    core.after(res.kind === 'voicemail' ? res.afterMs : 0, start, b);
    return a;
  }
}

function describeFarEnd(b: PhoneBehaviour): string {
  switch (b.kind) {
    case 'busy':
      return 'busy tone';
    case 'reject':
    case 'unreachable':
    case 'no-such-user':
    case 'unregistered':
      return 'reorder tone';
    case 'ring-forever':
    case 'no-response':
      return 'ringback';
    default:
      return 'far end';
  }
}
