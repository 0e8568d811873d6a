// The switch core: channels, the application stack of each channel, hangup and transfer, DTMF routing.
// Everything runs on the simulator's clock; commands reply first and act STEP_MS later, as FreeSWITCH does.
import { randomUUID } from 'node:crypto';
import { type Clock, type TimerHandle, VirtualClock } from '../../clock.js';
import type { Logger } from '../../log.js';
import { liveTables } from '../api/show.js';
import { breakers } from '../apps/playback.js';
import { APPS, AppContext } from '../apps/registry.js';
import { leaveBridge } from '../bridge.js';
import { Conferences } from '../conference/conferences.js';
import { type ResolvedDialplan, routeDestination } from '../dialplan.js';
import type { EventBus } from '../events/bus.js';
import type { EventData, HeaderValue } from '../events/event.js';
import { Originator } from '../originate.js';
import { Scheduler } from '../scheduler.js';
import type { SoundFiles } from '../sounds.js';
import type { GatewayOptions, HeardItem, PhoneBehaviour } from '../types.js';
import { Q850 } from './causes.js';
import { type CallerProfile, Channel, type Endpoint } from './channel.js';
import { CoreDb } from './core-db.js';
import type { DtmfSource, Frame, StopReason } from './frame.js';
import { STEP_MS } from './timing.js';

export interface SimConfig {
  dialplan: ResolvedDialplan;
  directory: Map<string, PhoneBehaviour>;
  gateways: Map<string, GatewayOptions>;
  sipEndpoints: Map<string, PhoneBehaviour>;
  domain: string;
  soundsDir: string;
  /** The sound files on the switch (`file_exists`, what playback finds). */
  sounds: SoundFiles;
  /** Clock ms a sound file plays when nothing else says how long it is. */
  fileDurationMs: number;
  /** Clock ms the core database (show channels, calls, tasks) trails the switch. */
  coreDbLagMs: number;
}

function appHeaders(frame: Frame, response?: string): Array<[string, string]> {
  const out: Array<[string, string]> = [['Application', frame.app]];
  if (frame.data !== '') out.push(['Application-Data', frame.data]);
  if (response !== undefined) out.push(['Application-Response', response]);
  out.push(['Application-UUID', frame.appUuid]);
  return out;
}

export interface ChannelInit {
  uuid?: string;
  name: string;
  direction: 'inbound' | 'outbound';
  endpoint: Endpoint;
  profile: Omit<CallerProfile, 'profileIndex' | 'profileCreated'>;
  vars?: Array<[string, HeaderValue]>;
  presenceId?: string;
}

export class Core {
  readonly channels = new Map<string, Channel>();
  /** Ended channels, newest last (bounded), so the scripting API can still answer where()/heard(). */
  readonly ended = new Map<string, Channel>();
  readonly conferences: Conferences;
  readonly originator: Originator;
  readonly scheduler: Scheduler;
  /** What `show channels|calls|bridged_calls|tasks` read: trails the switch like FreeSWITCH's database. */
  readonly db: CoreDb;
  readonly startedAt: number;
  sessionsSinceStart = 0;
  peakSessions = 0;
  private memberSeq = 1;
  private readonly timers = new Set<TimerHandle>();
  private readonly changeListeners = new Set<() => void>();
  private closed = false;

  constructor(
    readonly clock: Clock,
    readonly bus: EventBus,
    readonly log: Logger,
    readonly config: SimConfig,
  ) {
    this.startedAt = clock.now();
    this.conferences = new Conferences(this);
    this.originator = new Originator(this);
    this.scheduler = new Scheduler(this);
    this.db = new CoreDb(clock, config.coreDbLagMs, () => liveTables(this));
    bus.subscribe(() => this.db.changed());
  }

  // ---- time ---------------------------------------------------------------------------------------

  nowMicros(): number {
    return Math.round(this.clock.now() * 1000);
  }

  /**
   * What a scripted phone does between two actions: `ms` of simulated time pass. On a virtual clock the
   * wait moves the clock itself (everything due meanwhile happens); on a running clock it just waits.
   */
  async pause(ms: number): Promise<void> {
    if (this.clock instanceof VirtualClock) {
      await this.clock.advance(ms);
      return;
    }
    await new Promise<void>((resolve) => this.after(ms, resolve));
  }

  /** Runs `fn` after `ms` of simulated time; owned timers die with their channel. */
  after(ms: number, fn: () => void, owner?: Channel): TimerHandle {
    let handle: TimerHandle | undefined;
    const run = () => {
      if (handle !== undefined) {
        this.timers.delete(handle);
        owner?.timers.delete(handle);
      }
      if (this.closed || owner?.gone === true) return;
      try {
        fn();
      } catch (err) {
        this.log.error({ err }, 'simulator: timer callback failed');
      }
      this.notify();
    };
    const inner = this.clock.setTimer(ms, run);
    handle = {
      cancel: () => {
        inner.cancel();
        if (handle !== undefined) {
          this.timers.delete(handle);
          owner?.timers.delete(handle);
        }
      },
    };
    this.timers.add(handle);
    owner?.timers.add(handle);
    return handle;
  }

  /** Cancels every timer and forgets every channel and room without events (close, crash). */
  wipe(): void {
    for (const t of [...this.timers]) t.cancel();
    this.timers.clear();
    for (const ch of this.channels.values()) {
      ch.gone = true;
      ch.hangupCause = ch.hangupCause ?? 'CRASH';
      this.remember(ch);
    }
    this.channels.clear();
    this.conferences.wipe();
    this.scheduler.wipe();
    this.db.wipe();
    this.notify();
  }

  close(): void {
    this.wipe();
    this.closed = true;
  }

  // ---- change notification (scripting API's waitFor) ------------------------------------------------

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  notify(): void {
    this.db.changed();
    for (const l of [...this.changeListeners]) l();
  }

  // ---- events -------------------------------------------------------------------------------------

  /** Fires a channel event: core headers, `before`, channel data (+variables), `after`. */
  channelEvent(
    name: string,
    ch: Channel,
    opts: {
      vars?: boolean;
      before?: Array<[string, HeaderValue]>;
      after?: Array<[string, HeaderValue]>;
      subclass?: string;
      prefix?: Array<[string, string]>;
    } = {},
  ): EventData {
    const ev = this.bus.create(name, { subclass: opts.subclass, prefix: opts.prefix });
    for (const [k, v] of opts.before ?? []) ev.add(k, v);
    ch.appendTo(ev, opts.vars ?? true);
    for (const [k, v] of opts.after ?? []) ev.add(k, v);
    this.bus.fire(ev);
    return ev;
  }

  hear(ch: Channel, kind: HeardItem['kind'], what: string): void {
    ch.heard.push({ at: this.clock.now(), kind, what });
  }

  nextMemberId(): number {
    return this.memberSeq++;
  }

  // ---- channels -----------------------------------------------------------------------------------

  newChannel(init: ChannelInit): Channel {
    const now = this.nowMicros();
    const uuid = init.uuid ?? randomUUID();
    const ch = new Channel(
      uuid,
      init.name,
      init.direction,
      init.endpoint,
      { ...init.profile, profileIndex: 1, profileCreated: now },
      { created: now, answered: 0, progress: 0, progressMedia: 0, hangup: 0, transfer: 0, bridged: 0 },
    );
    ch.presenceId = init.presenceId;
    ch.setVar('direction', init.direction);
    if (init.direction === 'outbound') ch.setVar('is_outbound', 'true');
    ch.setVar('uuid', uuid);
    ch.setVar('call_uuid', uuid);
    ch.setVar('session_id', String(++this.sessionsSinceStart));
    ch.setVar('channel_name', init.name);
    for (const [k, v] of init.vars ?? []) ch.setVar(k, v);
    this.channels.set(uuid, ch);
    this.peakSessions = Math.max(this.peakSessions, this.channels.size);
    return ch;
  }

  channel(uuid: string): Channel | undefined {
    return this.channels.get(uuid.trim());
  }

  private remember(ch: Channel): void {
    this.ended.set(ch.uuid, ch);
    while (this.ended.size > 500) {
      const first = this.ended.keys().next().value;
      if (first === undefined) break;
      this.ended.delete(first);
    }
  }

  /** 180 Ringing (or ring_ready): CHANNEL_PROGRESS. */
  ringReady(ch: Channel): void {
    if (ch.hangingUp || ch.answerState !== 'ringing' || ch.times.progress > 0) return;
    ch.times.progress = this.nowMicros();
    ch.callState = 'RINGING';
    this.channelEvent('CHANNEL_PROGRESS', ch);
  }

  /** 183 with media (or pre_answer): CHANNEL_PROGRESS_MEDIA, Answer-State early. */
  preAnswer(ch: Channel): void {
    if (ch.hangingUp || ch.answerState !== 'ringing') return;
    const peer = ch.loopbackPeer;
    if (peer !== undefined && ch.direction === 'inbound' && peer.answerState === 'ringing')
      this.preAnswer(peer);
    ch.media = true;
    ch.answerState = 'early';
    ch.callState = 'EARLY';
    ch.times.progressMedia = this.nowMicros();
    this.channelEvent('CHANNEL_PROGRESS_MEDIA', ch);
    ch.originating?.onEarlyMedia?.();
  }

  /** The call is answered (200 OK sent or received): CHANNEL_ANSWER. */
  answer(ch: Channel): void {
    if (ch.hangingUp || ch.answerState === 'answered') return;
    // The outer side of a loopback pair is answered by the inner side's answer, and first (trace 09).
    const peer = ch.loopbackPeer;
    if (peer !== undefined && ch.direction === 'inbound' && peer.answerState !== 'answered')
      this.answer(peer);
    if (ch.direction === 'inbound' && ch.endpoint === 'sofia' && ch.answerState === 'ringing')
      this.preAnswer(ch);
    ch.media = true;
    ch.answerState = 'answered';
    ch.callState = 'ACTIVE';
    ch.times.answered = this.nowMicros();
    ch.setVar('endpoint_disposition', 'ANSWER');
    this.channelEvent('CHANNEL_ANSWER', ch);
    const o = ch.originating;
    o?.onAnswer?.();
    this.notify();
  }

  // ---- applications -------------------------------------------------------------------------------

  /** Starts application `app` on the channel (nested inside the running one when `nested`). */
  /** `${var}` (channel variable) and `$${var}` (global) in application data, as FreeSWITCH expands them. */
  expand(ch: Channel, data: string): string {
    const globals: Record<string, string> = {
      domain: this.config.domain,
      domain_name: this.config.domain,
      hold_music: 'local_stream://moh',
    };
    return data.replace(/\$?\$\{([^}]+)\}/g, (_m, name: string) => ch.getVar(name) ?? globals[name] ?? '');
  }

  exec(
    ch: Channel,
    app: string,
    rawData: string,
    opts: { nested?: boolean; appUuid?: string; sendmsg?: Array<[string, string]> } = {},
  ): void {
    if (ch.gone || ch.hangingUp) return;
    const data = this.expand(ch, rawData);
    const frame: Frame = {
      app,
      data,
      appUuid: opts.appUuid ?? randomUUID(),
      nested: opts.nested === true,
      sendmsg: opts.sendmsg,
      finished: false,
    };
    const factory = APPS[app];
    if (factory === undefined) {
      // FreeSWITCH: "Invalid Application" — no CHANNEL_EXECUTE, the channel is hung up.
      this.log.warn({ uuid: ch.uuid, app }, 'simulator: unknown application, hanging up');
      if (frame.nested) {
        frame.silentComplete = true;
        ch.stack.push(frame);
      }
      this.hangup(ch, 'DESTINATION_OUT_OF_ORDER', 'local');
      return;
    }
    if (frame.nested) ch.top?.inst?.suspend?.();
    ch.stack.push(frame);
    // each application starts with no response; one set by a nested playback shows on the outer
    // app's COMPLETE (trace 08: bridge → "FILE PLAYED")
    ch.appResponse = undefined;
    ch.setVar('current_application_data', data === '' ? undefined : data);
    ch.setVar('current_application', app);
    this.channelEvent('CHANNEL_EXECUTE', ch, { after: appHeaders(frame) });
    const inst = factory(new AppContext(this, ch, frame));
    if (!frame.finished) {
      frame.inst = inst;
      this.releaseQueuedDtmf(ch);
    }
  }

  /** The application ended by itself: CHANNEL_EXECUTE_COMPLETE, then the next one runs. */
  finishApp(ch: Channel, frame: Frame, response?: string): void {
    if (frame.finished) return;
    frame.finished = true;
    const at = ch.stack.indexOf(frame);
    if (at >= 0) ch.stack.splice(at, 1);
    this.emitComplete(ch, frame, response);
    if (frame.nested) {
      this.privateCommand(ch, frame);
      if (ch.hangingUp || ch.gone) return;
      const next = ch.pending.shift();
      if (next !== undefined) next();
      else ch.top?.inst?.resume?.();
      return;
    }
    if (!ch.hangingUp && !ch.gone) this.runNext(ch);
  }

  private emitComplete(ch: Channel, frame: Frame, response?: string): void {
    if (frame.silentComplete) return;
    const resp = response ?? ch.appResponse ?? '_none_';
    this.channelEvent('CHANNEL_EXECUTE_COMPLETE', ch, { after: appHeaders(frame, resp) });
  }

  private privateCommand(ch: Channel, frame: Frame): void {
    if (frame.sendmsg === undefined) return;
    this.channelEvent('PRIVATE_COMMAND', ch, { vars: false, prefix: frame.sendmsg });
  }

  /** Leaves every running application (transfer, hangup, bridge), innermost first. */
  unwind(ch: Channel, reason: StopReason): void {
    while (ch.stack.length > 0) {
      const frame = ch.stack.pop() as Frame;
      frame.finished = true;
      frame.inst?.stop(reason);
      this.emitComplete(ch, frame);
      if (frame.nested) this.privateCommand(ch, frame);
    }
    ch.pending.length = 0;
  }

  /** Runs the next application of the channel's extension; hangs up when none is left. */
  runNext(ch: Channel): void {
    if (ch.gone || ch.hangingUp || ch.stack.length > 0 || ch.parkedAfterBridge || ch.bridge) return;
    const ext = ch.extension;
    const next = ext?.apps[ext.next];
    if (ext === undefined || next === undefined) {
      this.hangup(ch, 'NORMAL_CLEARING', 'local');
      return;
    }
    ext.next++;
    this.exec(ch, next.app, next.data);
  }

  /** Routes `dest` in `dialplan` (XML = the emulated dialplan, inline = app:arg list) and runs it. */
  startExtension(ch: Channel, dest: string, dialplan: string, context: string): void {
    const apps = routeDestination(this.config.dialplan, dest, dialplan, context);
    if (apps === undefined || apps.length === 0) {
      this.hangup(ch, 'NO_ROUTE_DESTINATION', 'local');
      return;
    }
    ch.state = 'CS_EXECUTE';
    ch.extension = { apps, next: 0 };
    this.runNext(ch);
  }

  /** Keys injected with uuid_recv_dtmf but not yet read are lost when the channel is transferred. */
  flushDtmf(ch: Channel): void {
    for (const t of ch.pendingDtmf) t.cancel();
    ch.pendingDtmf.length = 0;
    ch.queuedDtmf.length = 0;
  }

  /** Hands keys queued between two applications to what reads keys now (an app, a bridge, a park). */
  releaseQueuedDtmf(ch: Channel): void {
    for (const { digit, source } of ch.queuedDtmf.splice(0)) this.deliverDigit(ch, digit, source);
  }

  /** uuid_transfer: the channel leaves whatever it does and runs `dest`. */
  transfer(ch: Channel, dest: string, dialplan: string, context: string, both = false): void {
    if (ch.gone || ch.hangingUp) return;
    this.flushDtmf(ch);
    // a transferred leg no longer shows its former peer (Other-Leg-*), trace 07/08
    ch.other = undefined;
    const now = this.nowMicros();
    const source = `${Math.floor(now / 1e6)}:${randomUUID()}:bl_xfer:${dest}/${context}/${dialplan}`;
    ch.profile = {
      ...ch.profile,
      destinationNumber: dest,
      dialplan,
      context,
      profileIndex: ch.profile.profileIndex + 1,
      profileCreated: now,
      transferSource: source,
    };
    ch.times.transfer = now;
    const history = ch.getVar('transfer_history');
    ch.setVar('transfer_history', history === undefined ? source : [history, source]);
    ch.setVar('transfer_source', source);
    this.leaveEverything(ch, both ? 'transfer-both' : 'transfer');
    this.startExtension(ch, dest, dialplan, context);
  }

  /** The channel leaves its apps, its bridge and a park_after_bridge park (transfer, uuid_bridge). */
  leaveEverything(ch: Channel, reason: 'transfer' | 'transfer-both'): void {
    const wasParked = ch.parkedAfterBridge;
    if (ch.bridge !== undefined) leaveBridge(this, ch, reason);
    this.unwind(ch, 'transfer');
    if (wasParked && ch.parkedAfterBridge) {
      ch.parkedAfterBridge = false;
      this.channelEvent('CHANNEL_UNPARK', ch);
    }
    ch.stateNumberOverride = undefined;
    ch.state = 'CS_EXECUTE';
  }

  /** park_after_bridge: CS_PARK without a park application (only CHANNEL_PARK, trace 06/10). */
  parkAfterBridge(ch: Channel): void {
    if (ch.gone || ch.hangingUp) return;
    ch.parkedAfterBridge = true;
    ch.state = 'CS_PARK';
    this.channelEvent('CHANNEL_PARK', ch);
    this.hear(ch, 'hold', 'park');
    this.releaseQueuedDtmf(ch);
  }

  // ---- hangup -------------------------------------------------------------------------------------

  /**
   * Hangs the channel up. `by`: 'remote' when the phone ended it (BYE/CANCEL/refusal), 'local' when the
   * switch did (uuid_kill, end of dialplan, timeout). Order as trace README §8.
   */
  hangup(ch: Channel, cause: string, by: 'local' | 'remote' = 'local'): void {
    if (ch.hangingUp || ch.gone) return;
    ch.hangingUp = true;
    ch.hangupBy = by;
    for (const t of [...ch.timers]) t.cancel();
    ch.timers.clear();
    const wasAnswered = ch.answerState === 'answered';
    const wasEarly = ch.answerState === 'early';
    ch.hangupCause = cause;
    ch.answerState = 'hangup';
    ch.stateNumberOverride = 10;
    ch.times.hangup = this.nowMicros();
    if (ch.endpoint === 'sofia') {
      const disposition =
        by === 'remote'
          ? wasAnswered
            ? 'recv_bye'
            : ch.direction === 'outbound'
              ? 'recv_refuse'
              : 'recv_cancel'
          : wasAnswered || (wasEarly && ch.direction === 'inbound')
            ? 'send_bye'
            : ch.direction === 'outbound'
              ? 'send_cancel'
              : 'send_refuse';
      if (by === 'remote') ch.setVar('sip_hangup_disposition', disposition);
      ch.hangupDisposition = disposition;
    }
    this.channelEvent('CHANNEL_HANGUP', ch);
    const originating = ch.originating;
    ch.originating = undefined;
    originating?.onHangup(cause);
    this.unwind(ch, 'hangup');
    if (ch.bridge !== undefined) leaveBridge(this, ch, 'hangup');
    if (ch.parkedAfterBridge) {
      ch.parkedAfterBridge = false;
      this.channelEvent('CHANNEL_UNPARK', ch);
    }
    ch.callState = 'HANGUP';
    ch.state = 'CS_REPORTING';
    ch.stateNumberOverride = 11;
    this.setHangupVariables(ch, cause);
    this.channelEvent('CHANNEL_HANGUP_COMPLETE', ch, { before: [['Hangup-Cause', cause]] });
    ch.stateNumberOverride = 12;
    this.channelEvent('CHANNEL_DESTROY', ch);
    ch.gone = true;
    this.channels.delete(ch.uuid);
    this.remember(ch);
    const partner = ch.loopbackPeer;
    if (partner !== undefined && !partner.hangingUp) {
      this.after(0, () => this.hangup(partner, cause, 'local'), partner);
    }
    this.notify();
  }

  private setHangupVariables(ch: Channel, cause: string): void {
    const t = ch.times;
    const sec = (us: number) => String(Math.floor(us / 1e6));
    ch.setVar('hangup_cause', cause);
    ch.setVar('hangup_cause_q850', String(Q850[cause] ?? 16));
    if (ch.hangupDisposition !== undefined) ch.setVar('sip_hangup_disposition', ch.hangupDisposition);
    ch.setVar('start_epoch', sec(t.created));
    ch.setVar('start_uepoch', String(t.created));
    ch.setVar('answer_epoch', t.answered > 0 ? sec(t.answered) : '0');
    ch.setVar('answer_uepoch', String(t.answered));
    ch.setVar('end_epoch', sec(t.hangup));
    ch.setVar('end_uepoch', String(t.hangup));
    ch.setVar('duration', String(Math.round((t.hangup - t.created) / 1e6)));
    ch.setVar('billsec', t.answered > 0 ? String(Math.round((t.hangup - t.answered) / 1e6)) : '0');
    const last = ch.getVar('current_application');
    if (last !== undefined) ch.setVar('last_app', last);
  }

  // ---- DTMF ---------------------------------------------------------------------------------------

  /** Keys arriving on the leg (from the phone, or injected with uuid_recv_dtmf). */
  receiveDtmf(ch: Channel, digits: string, source: DtmfSource): void {
    for (const d of digits) this.deliverDigit(ch, d, source);
  }

  private deliverDigit(ch: Channel, digit: string, source: DtmfSource, skipMachines = false): void {
    if (ch.gone || ch.hangingUp) return;
    // Dialplan bindings see only keys from the phone, never uuid_recv_dtmf (trace README, "more observed").
    if (source !== 'APP' && !skipMachines && this.digitAction(ch, digit, source)) return;
    if (source !== 'APP' && this.metaKey(ch, digit)) return;
    const top = ch.top;
    if (top !== undefined) {
      if (top.inst === undefined) return;
      if (!top.inst.readsDtmf()) {
        top.inst.holdDtmf?.(digit, source);
        return;
      }
      this.dtmfEvent(ch, digit, source);
      top.inst.onDtmf?.(digit, source);
      return;
    }
    if (ch.bridge !== undefined) {
      this.dtmfEvent(ch, digit, source);
      this.forwardDtmf(ch.bridge.peer, digit);
      return;
    }
    if (ch.parkedAfterBridge) {
      this.dtmfEvent(ch, digit, source);
      return;
    }
    // Between two applications (e.g. park ended, uuid_bridge not yet running) FreeSWITCH keeps the key in
    // the channel's DTMF queue; the next reader dequeues it and only then fires the DTMF event
    // (switch_channel_dequeue_dtmf). A transfer flushes the queue (flushDtmf).
    if (ch.queuedDtmf.length < 128) ch.queuedDtmf.push({ digit, source });
  }

  dtmfEvent(ch: Channel, digit: string, source: DtmfSource): void {
    this.channelEvent('DTMF', ch, {
      vars: false,
      after: [
        ['DTMF-Digit', digit],
        ['DTMF-Duration', source === 'APP' ? '2000' : '2240'],
        ['DTMF-Source', source],
      ],
    });
  }

  /** A key crosses a bridge: the peer's phone hears it; a loopback leg hands it to its inner side. */
  forwardDtmf(peer: Channel, digit: string): void {
    this.hear(peer, 'dtmf', digit);
    const inner = peer.loopbackPeer;
    if (peer.endpoint === 'loopback' && inner !== undefined) this.deliverDigit(inner, digit, 'APP');
  }

  /**
   * bind_digit_action (model/digit-actions.ts): the key goes to the digit machine that watches the presser
   * (its own `self` machine, or its partner's `peer` machine); true when the machine keeps it.
   */
  private digitAction(ch: Channel, digit: string, source: DtmfSource): boolean {
    const partner = ch.bridge?.peer;
    if (partner === undefined) return false;
    const machine = [ch.digitMachines.self, partner.digitMachines.peer].find((m) => m.active().length > 0);
    if (machine === undefined) return false;
    const found = machine.classify(digit);
    machine.timer?.cancel();
    machine.timer = undefined;
    if (found.kind === 'none') {
      this.releaseHeld(ch, machine);
      return false;
    }
    if (found.kind === 'prefix') {
      machine.held.push({ digit, source });
      const timeout = Number(ch.getVar('bind_digit_digit_timeout') ?? 1500) || 1500;
      machine.timer = this.after(timeout, () => this.releaseHeld(ch, machine), ch);
      return true;
    }
    machine.held = [];
    const { action, value } = found.binding;
    ch.setVar('last_matching_digits', found.binding.digits);
    const exec = /^exec(?:\[[^\]]*\])?:(.+)$/.exec(action);
    const app = exec?.[1];
    if (app !== undefined) {
      const { runOn } = found.binding;
      const legs = runOn === 'both' ? [ch, partner] : runOn === 'peer' ? [partner] : [ch];
      this.after(0, () => {
        for (const leg of legs)
          if (!leg.gone && !leg.hangingUp) this.exec(leg, app, value, { nested: true, sendmsg: [] });
      });
    }
    return true;
  }

  /** The held keys were no bound sequence after all: they go on as ordinary keys, in order. */
  private releaseHeld(ch: Channel, machine: Channel['digitMachines']['self']): void {
    machine.timer?.cancel();
    machine.timer = undefined;
    const held = machine.held;
    machine.held = [];
    for (const { digit, source } of held) this.deliverDigit(ch, digit, source, true);
  }

  /** bind_meta_app: `*` arms, the bound key runs the app; true when the key was eaten. */
  private metaKey(ch: Channel, digit: string): boolean {
    const owner = ch.metaBindings.length > 0 ? ch : ch.bridge?.peer;
    if (owner === undefined || owner.metaBindings.length === 0 || ch.bridge === undefined) return false;
    const isA = ch.bridge.role === 'a';
    if (!ch.metaArmed) {
      if (digit !== '*') return false;
      ch.metaArmed = true;
      // the caller's meta key is eaten; the callee's still shows as DTMF (trace 08 part 4)
      if (!isA) this.dtmfEvent(ch, digit, 'RTP');
      return true;
    }
    ch.metaArmed = false;
    const binding = owner.metaBindings.find((b) => b.key === digit);
    if (binding === undefined) return false;
    if (!isA) this.dtmfEvent(ch, digit, 'RTP');
    const peer = ch.bridge.peer;
    const hold = ch.getVar('hold_music') ?? 'silence_stream://-1';
    this.after(STEP_MS, () => {
      // the other side hears hold music while the bound app runs on this side (trace 08 part 4)
      let holdFrame: Frame | undefined;
      if (!peer.gone && !peer.hangingUp) {
        this.exec(peer, 'playback', hold, { nested: true, sendmsg: [] });
        holdFrame = peer.top;
      }
      if (!ch.gone && !ch.hangingUp) this.exec(ch, binding.app, binding.data, { nested: true, sendmsg: [] });
      this.after(STEP_MS, () => {
        const stop = holdFrame?.inst === undefined ? undefined : breakers.get(holdFrame.inst);
        if (holdFrame !== undefined && !holdFrame.finished) stop?.();
      });
    });
    return true;
  }
}
