// The controller's event loop: every decoded event goes to the session it belongs to (registry.ts);
// events of no session may start one — flow 1 when an inbound call marked dynconf_role=admin parks,
// flow 2 when `*0` is pressed in a marked two-party call (escalation.ts). Dialplan noise (hash, export,
// set, …) routes nowhere and is dropped. One session's failure never reaches another.
import type { Snapshot } from 'xstate';
import { type Flow, restoreSession, type SessionEvent } from '../../machines/index.js';
import type { Clock } from '../clock.js';
import { type Config, PinVerifier } from '../config/index.js';
import {
  cancelScheduledTasks,
  getVariable,
  kill,
  transferToExtension,
  unsetVariable,
} from '../esl/commands.js';
import type { ChannelInfo, DynconfEvent } from '../esl/events.js';
import type { Logger } from '../log.js';
import { fallbackFor } from '../recovery/fallback.js';
import { ADMIN_MARKS, MARK } from '../recovery/marks.js';
import {
  legFacts,
  type MarkedAdmin,
  orphansOf,
  planRecovery,
  type RecoveryPlan,
  straysOf,
} from '../recovery/plan.js';
import type { LegFacts } from '../recovery/reconcile.js';
import { readSwitchState, type SwitchState } from '../recovery/switch-state.js';
import { createRoomName } from '../rooms.js';
import { ChannelTable } from './channels.js';
import { Commander, type CommanderCounters, type EslPort } from './commander.js';
import { createCounters, type RuntimeCounters } from './counters.js';
import { type Escalation, EscalationWatcher, STAR0_SUBCLASS } from './escalation.js';
import { type LockoutCounters, PinGuard } from './lockout.js';
import { SessionRegistry } from './registry.js';
import {
  ACCESS_FALLBACK,
  Session,
  type SessionFacts,
  type SessionInit,
  type SessionView,
} from './session.js';
import { type RuntimeSettings, runtimeSettings } from './settings.js';
import { DeadlineTimers } from './timers.js';

/** The channel variable the access-number dialplan sets on administrator calls. */
export const ROLE_VARIABLE = MARK.role;

/**
 * Clock ms to wait before reading FreeSWITCH's state: `show channels` lags the events by 0.1–0.25 s
 * (trace README), and the event subscriptions go out first after a (re)connection.
 */
export const RECOVERY_SETTLE_MS = 300;
/** Clock ms before a recovery that could not read FreeSWITCH's state tries again. */
export const RECOVERY_RETRY_MS = 2_000;

/** Why FreeSWITCH's state is read. */
export type RecoveryReason = 'start' | 'reconnect' | 'unknown-admin' | 'retry';

/** What one recovery found and did. */
export interface RecoveryReport {
  readonly reason: RecoveryReason;
  readonly ok: boolean;
  readonly error?: string;
  readonly channels: number;
  /** Sessions of this controller checked against FreeSWITCH. */
  readonly checked: number;
  /** Sessions rebuilt from their snapshot. */
  readonly restored: number;
  /** Sessions rebuilt in a safe state (snapshot of another machine version, or unreadable). */
  readonly fallbacks: number;
  /** Callers of the access number without a session, taken on. */
  readonly accessCallers: number;
  /** Legs hung up because no session wanted them. */
  readonly orphansHungUp: number;
}

/** What drain() left behind. */
export interface DrainReport {
  /** Sessions when the drain started. */
  readonly sessions: number;
  /** Sessions not in a safe place when the time ran out (0 when everything settled). */
  readonly unsettled: number;
}

export interface RuntimeOptions {
  readonly config: Config;
  readonly port: EslPort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Sees every event sent to a session's machine (metrics). */
  readonly observe?: (sessionId: string, event: SessionEvent) => void;
}

export interface RuntimeStats extends RuntimeCounters {
  readonly activeSessions: number;
  readonly commands: CommanderCounters;
  readonly pinGuard: LockoutCounters;
}

export class Runtime {
  readonly settings: RuntimeSettings;
  readonly #config: Config;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #commander: Commander;
  readonly #registry = new SessionRegistry<Session>();
  readonly #channels = new ChannelTable();
  readonly #timers: DeadlineTimers;
  readonly #guard: PinGuard;
  readonly #pins: PinVerifier;
  readonly #counters = createCounters();
  readonly #escalations: EscalationWatcher;
  /** Channels a session is being set up for: their events wait here, then go to the new session. */
  readonly #pending = new Map<string, DynconfEvent[]>();
  readonly #finishedListeners = new Set<(session: Session) => void>();
  readonly #observe: RuntimeOptions['observe'];
  #stopped = false;
  /** Shutting down: no new session starts (see drain()). */
  #draining = false;
  /** Events held while a recovery reads FreeSWITCH's state; replayed once the sessions are rebuilt. */
  #held: DynconfEvent[] | undefined;
  #recovery: Promise<RecoveryReport> | undefined;
  #recoverAgain: RecoveryReason | undefined;
  /** Clock ms of the first reconnect not yet made up for by a recovery (events were lost before it). */
  #lostEventsSince: number | undefined;
  #retryArmed = false;

  constructor(options: RuntimeOptions) {
    this.#config = options.config;
    this.#observe = options.observe;
    this.settings = runtimeSettings(options.config);
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#commander = new Commander(options.port, this.settings.commandTimeoutMs);
    this.#timers = new DeadlineTimers(options.clock);
    this.#guard = new PinGuard(this.settings.lockout);
    this.#pins = new PinVerifier(options.config.adminPins);
    this.#escalations = new EscalationWatcher({
      channels: this.#channels,
      commander: this.#commander,
      clock: options.clock,
      logger: options.logger,
      keySequenceTimeoutMs: this.settings.keySequenceTimeoutMs,
      inSession: (uuid) => this.#registry.sessionOf(uuid) !== undefined || this.#pending.has(uuid),
      start: (escalation) => this.#startEscalation(escalation),
    });
  }

  /** Feeds one decoded FreeSWITCH event. Never throws. */
  handle(event: DynconfEvent): void {
    if (this.#stopped) return;
    if (this.#held !== undefined) {
      this.#held.push(event);
      return;
    }
    try {
      this.#handle(event);
    } catch (err) {
      this.#counters.sessionErrors++;
      this.#logger.error({ err, event: event.type }, 'event handling failed');
    }
  }

  sessions(): SessionView[] {
    return this.#registry.sessions().map((session) => session.view());
  }

  stats(): RuntimeStats {
    return {
      ...this.#counters,
      outcomes: { ...this.#counters.outcomes },
      activeSessions: this.#registry.size,
      commands: this.#commander.counters(),
      pinGuard: this.#guard.counters(),
    };
  }

  /** Called with each session once it has ended and let go of its legs. */
  onSessionFinished(listener: (session: Session) => void): () => void {
    this.#finishedListeners.add(listener);
    return () => this.#finishedListeners.delete(listener);
  }

  /**
   * Rebuilds what the controller knows from FreeSWITCH itself, at start and after every reconnect (events
   * of the gap are lost; calls kept their audio meanwhile). Reads every channel, its variables and every
   * room (recovery/switch-state.ts), then:
   * - every session of this controller is checked against it and carries on (Session.recover);
   * - every administrator's leg with a session mark but no session (the controller restarted) gets its
   *   session back from the snapshot on the leg, or a safe fallback (recovery/fallback.ts);
   * - a caller of the access number nobody serves gets a session (PIN prompt);
   * - a leg whose administrator has no session any more is hung up, unless it is in a room (an invitee
   *   outside a room; flow 2's other party on hold). Events that arrive meanwhile wait, then follow.
   * One recovery at a time; one asked for while another runs follows it.
   */
  recover(reason: RecoveryReason): Promise<RecoveryReport> {
    // Events were lost before the reconnect: the sessions older than it are checked by the next recovery.
    if (reason === 'reconnect') this.#lostEventsSince ??= this.#clock.now();
    if (this.#recovery !== undefined) {
      this.#recoverAgain = reason;
      return this.#recovery;
    }
    const run = (async () => {
      let report = await this.#recoverOnce(reason);
      while (this.#recoverAgain !== undefined && !this.#stopped) {
        const again = this.#recoverAgain;
        this.#recoverAgain = undefined;
        report = await this.#recoverOnce(again);
      }
      return report;
    })().finally(() => {
      this.#recovery = undefined;
    });
    this.#recovery = run;
    return run;
  }

  /**
   * Shutting down (SIGTERM): no new session starts (a caller of the access number is handed to the
   * dialplan's "service unavailable" fallback, a `*0` is ignored), and every session leaves its call in a
   * safe place (Session.drain). Resolves once every session is settled or `timeoutMs` (clock) has passed.
   * The sessions left in their rooms keep their marks: a controller started later resumes them.
   */
  async drain(timeoutMs: number): Promise<DrainReport> {
    this.#draining = true;
    const sessions = this.#registry.sessions();
    this.#logger.info({ sessions: sessions.length }, 'draining: leaving every call in a safe place');
    for (const session of sessions) {
      try {
        session.drain();
      } catch (err) {
        this.#counters.sessionErrors++;
        session.logger.error({ err }, 'drain failed');
      }
    }
    const unsettled = () => this.#registry.sessions().filter((session) => !session.settled);
    const deadline = this.#clock.now() + timeoutMs;
    while (unsettled().length > 0 && this.#clock.now() < deadline && !this.#stopped) {
      await new Promise<void>((resolve) => this.#clock.setTimer(20, resolve));
    }
    const left = unsettled();
    if (left.length > 0) {
      this.#logger.warn(
        { sessions: left.map((s) => ({ id: s.id, state: s.view().state })) },
        'drain: time is up; these sessions were not settled',
      );
    }
    return { sessions: sessions.length, unsettled: left.length };
  }

  /** Stops every session (calls go on in FreeSWITCH) and every timer. */
  stop(): void {
    this.#stopped = true;
    for (const session of this.#registry.sessions()) session.dispose();
    this.#timers.cancelAll();
    this.#pending.clear();
    this.#held = undefined;
  }

  // -----------------------------------------------------------------------------------------------

  async #recoverOnce(reason: RecoveryReason): Promise<RecoveryReport> {
    const empty = {
      reason,
      channels: 0,
      checked: 0,
      restored: 0,
      fallbacks: 0,
      accessCallers: 0,
      orphansHungUp: 0,
    };
    await new Promise<void>((resolve) => this.#clock.setTimer(RECOVERY_SETTLE_MS, resolve));
    if (this.#stopped) return { ...empty, ok: false, error: 'stopped' };
    this.#counters.recoveries++;
    const sessions = this.#registry.sessions().length;
    this.#logger.info(
      { reason, sessions },
      reason === 'reconnect' ? 'checking the sessions after a reconnect' : 'reading FreeSWITCH state',
    );
    this.#held = [];
    try {
      const read = await readSwitchState(this.#commander, this.#logger);
      if (!read.ok) {
        this.#logger.warn({ reason, error: read.error }, 'could not read FreeSWITCH state; trying again');
        this.#retryLater();
        return { ...empty, ok: false, error: read.error };
      }
      // After a reconnect the sessions older than the drop may have lost events and are checked; a
      // session started since saw all of its own.
      const checkBefore = this.#lostEventsSince ?? Number.NEGATIVE_INFINITY;
      this.#lostEventsSince = undefined;
      return this.#rebuild(reason, read.state, checkBefore);
    } finally {
      const held = this.#held ?? [];
      this.#held = undefined;
      for (const event of held) this.handle(event);
    }
  }

  #retryLater(): void {
    if (this.#retryArmed || this.#stopped) return;
    this.#retryArmed = true;
    this.#timers.arm('recovery:retry', this.#clock.now() + RECOVERY_RETRY_MS, () => {
      this.#retryArmed = false;
      void this.recover('retry');
    });
  }

  #rebuild(reason: RecoveryReason, state: SwitchState, checkBefore: number): RecoveryReport {
    const plan = planRecovery(state);
    let checked = 0;
    for (const session of this.#registry.sessions()) {
      if (session.finished || session.startedAt >= checkBefore) continue;
      checked++;
      session.recover(this.#factsFor(session, state, plan));
    }
    let restored = 0;
    let fallbacks = 0;
    for (const [uuid, admin] of plan.admins) {
      if (this.#sessionOfAdmin(uuid) !== undefined || this.#pending.has(uuid)) continue;
      const outcome = this.#restore(admin, state, plan);
      if (outcome === 'restored') restored++;
      else if (outcome === 'fallback') fallbacks++;
    }
    let accessCallers = 0;
    for (const caller of plan.accessCallers) {
      if (this.#registry.sessionOf(caller.uuid) !== undefined || this.#pending.has(caller.uuid)) continue;
      accessCallers++;
      void this.#startAccess(caller.info, false);
    }
    let orphansHungUp = 0;
    for (const [adminUuid, legs] of plan.byAdmin) {
      if (this.#sessionOfAdmin(adminUuid) !== undefined) continue;
      for (const orphan of orphansOf(legs)) {
        orphansHungUp++;
        this.#logger.warn(
          { leg: orphan.uuid, adminUuid, role: orphan.info.variable(MARK.role) },
          'hanging up a leg whose administrator has no session any more',
        );
        void this.#commander.api(kill(orphan.uuid), this.#logger);
      }
    }
    this.#counters.orphansHungUp += orphansHungUp;
    const report: RecoveryReport = {
      reason,
      ok: true,
      channels: state.channels.size,
      checked,
      restored,
      fallbacks,
      accessCallers,
      orphansHungUp,
    };
    this.#logger.info(report, 'FreeSWITCH state taken over');
    return report;
  }

  /** The live session (not yet let go) whose administrator's leg is `uuid`. */
  #sessionOfAdmin(uuid: string): Session | undefined {
    return this.#registry.sessions().find((s) => s.adminUuid === uuid && !s.finished);
  }

  #factsFor(session: Session, state: SwitchState, plan: RecoveryPlan): SessionFacts {
    const facts = (uuid: string): LegFacts => legFacts(state.channels.get(uuid));
    const { context } = session.machine();
    const invitees = new Map<string, LegFacts>();
    for (const legId of Object.keys(context.legs)) invitees.set(legId, facts(legId));
    const adminInfo = state.channels.get(session.adminUuid)?.info;
    return {
      admin: facts(session.adminUuid),
      ...(adminInfo === undefined ? {} : { adminInfo }),
      other: session.otherUuid === undefined ? undefined : facts(session.otherUuid),
      invitees,
      strays: straysOf(
        plan.byAdmin.get(session.adminUuid) ?? [],
        (uuid) => uuid in context.legs || session.leg(uuid) !== undefined,
      ),
    };
  }

  /** An administrator's leg with a session mark and no session: its session back, or a safe fallback. */
  #restore(admin: MarkedAdmin, state: SwitchState, plan: RecoveryPlan): 'restored' | 'fallback' | 'none' {
    const { marks, facts } = admin;
    const log = this.#logger.child({ session: marks.sessionId, adminUuid: facts.uuid });
    const checked = restoreSession(marks.machine);
    let start: { flow: Flow; room: string; snapshot: Snapshot<unknown> };
    if (checked.ok) {
      start = { flow: checked.context.flow, room: checked.context.room, snapshot: checked.snapshot };
    } else {
      const fallback = fallbackFor(marks, {
        settings: this.settings.session,
        now: this.#clock.now(),
        otherAlive: marks.otherUuid !== undefined && state.channels.has(marks.otherUuid),
        freshRoom: () => this.#roomName(),
      });
      log.warn(
        {
          error: checked.error,
          state: marks.state,
          fallback: fallback.kind === 'resume' ? fallback.state : fallback.kind,
        },
        'session snapshot not usable; falling back to a safe state',
      );
      if (fallback.kind === 'hangup') {
        void this.#commander.api(kill(facts.uuid), log);
        return 'fallback';
      }
      if (fallback.kind === 'clear') {
        const unset = (uuid: string, name: string) =>
          void this.#commander.api(unsetVariable(uuid, name), log);
        for (const name of ADMIN_MARKS) unset(facts.uuid, name);
        if (marks.otherUuid !== undefined)
          for (const name of [MARK.admin, MARK.role]) unset(marks.otherUuid, name);
        return 'none';
      }
      start = fallback;
    }
    if (this.#stopped) return 'none';
    const otherUuid = start.flow === 'escalation' ? marks.otherUuid : undefined;
    const session = this.#newSession({
      flow: start.flow,
      room: start.room,
      adminUuid: facts.uuid,
      ...(otherUuid === undefined ? {} : { otherUuid }),
      adminParked: false,
      caller: callerOf(facts.info),
      lockoutKey: lockoutKeyOf(facts.info),
      restore: { id: marks.sessionId, snapshot: start.snapshot },
    });
    session.resume(this.#factsFor(session, state, plan));
    // Taken over while shutting down: it goes to a safe place like the others.
    if (this.#draining) session.drain();
    return checked.ok ? 'restored' : 'fallback';
  }

  #handle(event: DynconfEvent): void {
    this.#channels.observe(event);
    const uuid = 'channel' in event ? event.channel?.uuid : undefined;
    if (uuid !== undefined && this.#pending.has(uuid)) {
      this.#pending.get(uuid)?.push(event);
      return;
    }
    const route = this.#registry.route(event);
    if (route !== undefined) {
      if (route.kind === 'job' && event.type === 'background-job')
        route.session.deliverJob(event, route.inviteeId);
      else if (route.kind === 'room' && event.type === 'conference') route.session.deliverRoomEvent(event);
      else if (route.kind === 'leg') route.session.deliver(event, route.leg);
      return;
    }
    switch (event.type) {
      case 'channel-park':
        if (!isAdministratorCall(event.channel)) break;
        // A session's administrator that this controller does not know: the session is on the leg.
        if (event.channel.variable(MARK.session) !== undefined) void this.recover('unknown-admin');
        else void this.#startAccess(event.channel);
        break;
      case 'dtmf':
        this.#escalations.onDtmf(event);
        break;
      case 'custom':
        if (event.subclass === STAR0_SUBCLASS) this.#escalations.onStar0Event(event);
        break;
      case 'channel-hangup-complete':
        this.#escalations.forget(event.channel.uuid);
        break;
    }
  }

  /**
   * Flow 1: an administrator call parked at the access number (`parked`: seen parking now; a caller found
   * by a recovery may be anywhere in park, e.g. in a prompt the old controller started).
   */
  async #startAccess(channel: ChannelInfo, parked = true): Promise<void> {
    const uuid = channel.uuid;
    if (this.#draining) {
      void this.#refuseAccess(uuid);
      return;
    }
    this.#pending.set(uuid, []);
    try {
      if (!(await this.#takeCall(uuid))) {
        this.#logger.info({ adminUuid: uuid }, 'access call left alone: the dialplan fallback took it');
        return;
      }
      this.#createSession({
        flow: 'access',
        adminUuid: uuid,
        adminParked: parked,
        caller: callerOf(channel),
        lockoutKey: lockoutKeyOf(channel),
        room: this.#roomName(),
      });
    } finally {
      this.#replay(uuid);
    }
  }

  /**
   * Cancels the access number's scheduled "service unavailable" transfer (freeswitch-config/dialplan):
   * `+OK Deleted: 0` means there was nothing to cancel — either the dialplan schedules none, or the fallback
   * has run already, which set dynconf_role=unavailable.
   */
  async #takeCall(uuid: string): Promise<boolean> {
    const reply = await this.#commander.api(cancelScheduledTasks(uuid), this.#logger);
    if (!reply.ok || !/Deleted:\s*0\b/.test(reply.body)) return true;
    const role = await this.#commander.api(getVariable(uuid, ROLE_VARIABLE), this.#logger);
    return role.ok && role.body.trim() === 'admin';
  }

  /**
   * Shutting down: a new caller of the access number hears at once what the dialplan plays when no
   * controller is there ("service unavailable"). If the transfer fails, the dialplan's scheduled fallback
   * still runs.
   */
  async #refuseAccess(uuid: string): Promise<void> {
    const sent = await this.#commander.api(transferToExtension(uuid, ACCESS_FALLBACK), this.#logger);
    this.#logger.info(
      { adminUuid: uuid, ok: sent.ok },
      'shutting down: access call handed to the dialplan fallback',
    );
  }

  /** Flow 2: `*0` in a two-party call. */
  #startEscalation({ presser, otherUuid }: Escalation): void {
    if (this.#draining) {
      this.#logger.info({ adminUuid: presser.uuid }, 'shutting down: *0 ignored, the call goes on');
      return;
    }
    this.#counters.escalations++;
    this.#createSession({
      flow: 'escalation',
      adminUuid: presser.uuid,
      otherUuid,
      adminParked: false,
      caller: callerOf(presser),
      lockoutKey: lockoutKeyOf(presser),
      room: this.#roomName(),
    });
  }

  #createSession(init: SessionInit): void {
    if (this.#stopped) return;
    const session = this.#newSession(init);
    session.start({ lockedOut: this.#guard.check(init.lockoutKey, this.#clock.now()) });
  }

  #newSession(init: SessionInit): Session {
    return new Session(
      {
        commander: this.#commander,
        clock: this.#clock,
        logger: this.#logger,
        settings: this.settings,
        timers: this.#timers,
        registry: this.#registry,
        pins: this.#pins,
        guard: this.#guard,
        counters: this.#counters,
        onFinished: (done) => {
          for (const listener of this.#finishedListeners) listener(done);
        },
        ...(this.#observe === undefined ? {} : { observe: this.#observe }),
      },
      init,
    );
  }

  #replay(uuid: string): void {
    const events = this.#pending.get(uuid) ?? [];
    this.#pending.delete(uuid);
    for (const event of events) this.handle(event);
  }

  #roomName(): string {
    return createRoomName(this.#config.conference.roomPrefix, { now: Math.floor(this.#clock.now()) });
  }
}

function isAdministratorCall(channel: ChannelInfo): boolean {
  return channel.direction === 'inbound' && channel.variable(ROLE_VARIABLE) === 'admin';
}

function callerOf(channel: ChannelInfo): SessionInit['caller'] {
  return {
    ...(channel.callerNumber === undefined ? {} : { number: channel.callerNumber }),
    ...(channel.callerName === undefined ? {} : { name: channel.callerName }),
  };
}

/** The brute-force guard's key: the caller ID, else the network address it came from. */
function lockoutKeyOf(channel: ChannelInfo): string {
  const number = channel.callerNumber?.trim();
  if (number) return `cid:${number}`;
  const address = channel.header('Caller-Network-Addr');
  return address ? `addr:${address}` : 'unknown';
}
