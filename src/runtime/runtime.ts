// The controller's event loop: every decoded event goes to the session it belongs to (registry.ts);
// events of no session may start one — flow 1 when an inbound call marked dynconf_role=admin parks,
// flow 2 when `*0` is pressed in a marked two-party call (escalation.ts). Dialplan noise (hash, export,
// set, …) routes nowhere and is dropped. One session's failure never reaches another. Rebuilding from
// FreeSWITCH's state (runtime-recovery.ts) and shutting down (drain.ts) are modules of their own. The
// operator side reaches the runtime through `operator` (operator/desk.ts): the calls it places are the
// runtime's, counted, capped and recovered with the sessions'.
import type { SessionEvent } from '../../machines/index.js';
import type { Clock } from '../clock.js';
import { type Config, PinVerifier, tenantSettings } from '../config/index.js';
import { cancelScheduledTasks, getVariable } from '../esl/commands.js';
import type { ChannelInfo, DynconfEvent } from '../esl/events.js';
import type { HistoryRecorder } from '../history/index.js';
import type { Logger } from '../log.js';
import { createRoomName } from '../rooms.js';
import { RuntimeAudit } from './audit.js';
import { callerOf, lockoutKeyOf } from './caller.js';
import { MARK, ROLE, ROLE_VARIABLE } from './channel-vars.js';
import { ChannelTable } from './channels.js';
import { Commander, type CommanderCounters, type EslPort } from './commander.js';
import { createCounters, type RuntimeCounters } from './counters.js';
import { type DrainReport, drainSessions, refuseAccess } from './drain.js';
import { type Escalation, EscalationWatcher, STAR0_SUBCLASS } from './escalation.js';
import { type LockoutCounters, PinGuard } from './lockout.js';
import { Desk, type OperatorDesk } from './operator/desk.js';
import { OperatorInvitations } from './operator/invitations.js';
import { accepted, type OperatorResult, refusal } from './operator/results.js';
import { OutboundCalls } from './outbound-calls.js';
import { OverloadGuard, turnAway } from './overload.js';
import { SessionRegistry } from './registry.js';
import { type RecoveryReason, type RecoveryReport, RuntimeRecovery } from './runtime-recovery.js';
import { Session, type SessionInit, type SessionView } from './session.js';
import { SessionActors } from './session-actors.js';
import { type RuntimeSettings, runtimeSettings, soundsInUse, warnMissingSounds } from './settings.js';
import { checkSoundFiles, NO_SOUND_FILES, type SoundFiles } from './sound-check.js';
import { DeadlineTimers } from './timers.js';

export type { DrainReport } from './drain.js';
export type { RecoveryReason, RecoveryReport } from './runtime-recovery.js';
export { RECOVERY_RETRY_MS, RECOVERY_SETTLE_MS } from './runtime-recovery.js';

export interface RuntimeOptions {
  readonly config: Config;
  readonly port: EslPort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Sees every event sent to a session's machine (metrics). */
  readonly observe?: (sessionId: string, event: SessionEvent) => void;
  /** The event loop's recent delay in ms, for the overload guard (default: not measured, 0). */
  readonly eventLoopLagMs?: () => number;
  /** The call history to record every session and invitation into, and this node's name on its rows. */
  readonly history?: { readonly recorder: HistoryRecorder; readonly node?: string };
}

export interface RuntimeStats extends RuntimeCounters {
  readonly activeSessions: number;
  readonly commands: CommanderCounters;
  readonly pinGuard: LockoutCounters;
}

export class Runtime {
  readonly settings: RuntimeSettings;
  /** What the operator side may see and do (HTTP API, dashboard). */
  readonly operator: OperatorDesk;
  readonly #config: Config;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #commander: Commander;
  readonly #registry = new SessionRegistry<Session>();
  readonly #actors = new SessionActors();
  readonly #channels = new ChannelTable();
  readonly #timers: DeadlineTimers;
  readonly #guard: PinGuard;
  /** What FreeSWITCH said it has of the prompt files (asked at start and after each reconnect). */
  #sounds: SoundFiles = NO_SOUND_FILES;
  /** Settings and PINs per tenant (key: its context, '' for the top level), built when first needed. */
  readonly #tenants = new Map<string, { settings: RuntimeSettings; pins: PinVerifier }>();
  readonly #counters = createCounters();
  readonly #escalations: EscalationWatcher;
  readonly #recovery: RuntimeRecovery;
  /** The calls the operator places (the sessions' own invitee legs are theirs). */
  readonly #outbound: OutboundCalls;
  readonly #operatorCalls: OperatorInvitations;
  /** Channels a session is being set up for: their events wait here, then go to the new session. */
  readonly #pending = new Map<string, DynconfEvent[]>();
  readonly #finishedListeners = new Set<(session: Session) => void>();
  readonly #observe: RuntimeOptions['observe'];
  readonly #audit: RuntimeAudit | undefined;
  readonly #overload: OverloadGuard;
  #stopped = false;
  /** Shutting down: no new session starts (see drain()). */
  #draining = false;

  constructor(options: RuntimeOptions) {
    this.#config = options.config;
    const lag = options.eventLoopLagMs ?? (() => 0);
    this.#overload = new OverloadGuard(options.config.overload, {
      eventLoopLagMs: lag,
      pendingCommands: () => this.#commander.inFlight,
    });
    this.#audit =
      options.history === undefined
        ? undefined
        : new RuntimeAudit({
            recorder: options.history.recorder,
            clock: options.clock,
            logger: options.logger,
            ...(options.history.node === undefined ? {} : { node: options.history.node }),
            sessionOfRoom: (room) => this.#registry.ownerOfRoom(room)?.id,
          });
    const audit = this.#audit;
    this.#observe =
      audit === undefined
        ? options.observe
        : (sessionId, event) => {
            options.observe?.(sessionId, event);
            audit.observe(sessionId, event);
          };
    this.settings = runtimeSettings(options.config);
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#commander = new Commander(options.port, this.settings.commandTimeoutMs);
    this.#timers = new DeadlineTimers(options.clock);
    this.#guard = new PinGuard(this.settings.lockout);
    this.#outbound = new OutboundCalls({
      counters: this.#counters,
      legsUp: () => this.#registry.inviteeLegsUp() + this.#operatorCalls.legsUp,
    });
    this.#operatorCalls = new OperatorInvitations({
      config: options.config,
      commander: this.#commander,
      outbound: this.#outbound,
      clock: options.clock,
      logger: options.logger,
    });
    this.#operatorCalls.onReport((report) => this.#audit?.operatorCall(report));
    this.operator = new Desk({
      calls: this.#operatorCalls,
      administrators: { returnAdministrator: (uuid, room) => this.#returnAdministrator(uuid, room) },
      channels: this.#channels,
      commander: this.#commander,
      logger: options.logger,
    });
    this.#escalations = new EscalationWatcher({
      channels: this.#channels,
      commander: this.#commander,
      clock: options.clock,
      logger: options.logger,
      keySequenceTimeoutMs: this.settings.keySequenceTimeoutMs,
      detection: options.config.star0.detection,
      inSession: (uuid) => this.#registry.sessionOf(uuid) !== undefined || this.#pending.has(uuid),
      start: (escalation) => this.#startEscalation(escalation),
    });
    this.#recovery = new RuntimeRecovery({
      clock: options.clock,
      logger: options.logger,
      commander: this.#commander,
      timers: this.#timers,
      counters: this.#counters,
      sessionSettings: this.settings.session,
      sessions: () => this.#registry.sessions(),
      channels: this.#channels,
      operatorCalls: this.#operatorCalls,
      inSession: (uuid) => this.#registry.sessionOf(uuid) !== undefined,
      pending: (uuid) => this.#pending.has(uuid),
      stopped: () => this.#stopped,
      draining: () => this.#draining,
      roomName: () => this.#roomName(),
      takeAccessCaller: (channel) => void this.#startAccess(channel, false),
      newSession: (init) => this.#newSession(init),
      handle: (event) => this.handle(event),
    });
  }

  /** Feeds one decoded FreeSWITCH event. Never throws. */
  handle(event: DynconfEvent): void {
    if (this.#stopped) return;
    if (this.#recovery.hold(event)) return;
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
   * Rebuilds what the controller knows from FreeSWITCH itself, at start and after every reconnect
   * (runtime-recovery.ts). One recovery at a time; one asked for while another runs follows it.
   */
  recover(reason: RecoveryReason): Promise<RecoveryReport> {
    if (reason !== 'start' && reason !== 'reconnect') return this.#recovery.recover(reason);
    // A switch that starts or comes back may have other sound files: ask before taking the calls over.
    return this.#checkSounds().then(() => this.#recovery.recover(reason));
  }

  /**
   * Shutting down (SIGTERM): no new session starts (a caller of the access number is handed to the
   * dialplan's "service unavailable" fallback, a `*0` is ignored), and every session leaves its call in a
   * safe place (drain.ts). Resolves once every session is settled or `timeoutMs` (clock) has passed.
   */
  drain(timeoutMs: number): Promise<DrainReport> {
    this.#draining = true;
    // The operator's calls still ringing are hung up, as the sessions' are (nobody would bring them in).
    void this.#operatorCalls.close();
    return drainSessions(
      {
        clock: this.#clock,
        logger: this.#logger,
        counters: this.#counters,
        sessions: () => this.#registry.sessions(),
        stopped: () => this.#stopped,
      },
      timeoutMs,
    );
  }

  /** Stops every session (calls go on in FreeSWITCH) and every timer. */
  stop(): void {
    this.#stopped = true;
    for (const session of this.#registry.sessions()) session.dispose();
    this.#timers.cancelAll();
    this.#pending.clear();
    this.#recovery.stop();
    this.#operatorCalls.stop();
  }

  // -----------------------------------------------------------------------------------------------

  #handle(event: DynconfEvent): void {
    this.#channels.observe(event);
    this.#operatorCalls.observe(event);
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
      void refuseAccess(this.#commander, this.#logger, uuid);
      return;
    }
    if (this.#overloaded(uuid, 'overloaded: access caller turned away with the busy prompt')) {
      const prompt = this.#tenantOf(callerOf(channel).context).settings.prompts.busy;
      turnAway(this.#commander, this.#logger, uuid, prompt);
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
    return role.ok && role.body.trim() === ROLE.admin;
  }

  /** Flow 2: `*0` in a two-party call. */
  #startEscalation({ presser, otherUuid }: Escalation): void {
    if (this.#draining) {
      this.#logger.info({ adminUuid: presser.uuid }, 'shutting down: *0 ignored, the call goes on');
      return;
    }
    if (this.#overloaded(presser.uuid, 'overloaded: *0 ignored, the call goes on')) return;
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

  /** Asks FreeSWITCH which prompt files it has; tenants' settings are rebuilt with the answer. */
  async #checkSounds(): Promise<void> {
    this.#sounds = await checkSoundFiles(this.#commander, this.#logger, soundsInUse(this.#config));
    this.#tenants.clear();
    warnMissingSounds(this.#config, this.#sounds, this.#logger);
  }

  /** The settings and PINs of the tenant whose context the call is in (the top level for any other). */
  #tenantOf(context: string | undefined): { settings: RuntimeSettings; pins: PinVerifier } {
    const tenant = tenantSettings(this.#config, context);
    const key = tenant.tenant ?? '';
    let found = this.#tenants.get(key);
    if (found === undefined) {
      found = {
        settings: runtimeSettings(this.#config, tenant, this.#sounds),
        pins: new PinVerifier(tenant.adminPins),
      };
      this.#tenants.set(key, found);
    }
    return found;
  }

  #newSession(init: SessionInit): Session {
    const { settings, pins } = this.#tenantOf(init.caller.context);
    const session = new Session(
      {
        commander: this.#commander,
        clock: this.#clock,
        logger: this.#logger,
        settings,
        timers: this.#timers,
        registry: this.#registry,
        actors: this.#actors,
        pins,
        guard: this.#guard,
        counters: this.#counters,
        outbound: this.#outbound,
        onFinished: (done) => {
          this.#audit?.sessionEnded(done);
          for (const listener of this.#finishedListeners) listener(done);
        },
        ...(this.#observe === undefined ? {} : { observe: this.#observe }),
      },
      init,
    );
    this.#audit?.sessionStarted(session);
    return session;
  }

  /** True when the overload guard refuses a new session now: counted and logged with what was over its bound. */
  #overloaded(adminUuid: string, message: string): boolean {
    const admission = this.#overload.admit();
    if (admission.ok) return false;
    this.#counters.overloadRefusals++;
    const { lagMs, pendingCommands, reason } = admission;
    this.#logger.warn({ adminUuid, reason, lagMs: Math.round(lagMs), pendingCommands }, message);
    return true;
  }

  /** The operator sends an administrator back to the room, as `*#` would (only while they call someone). */
  #returnAdministrator(
    uuid: string,
    room: string,
  ): OperatorResult<{ readonly uuid: string; readonly room: string }> {
    const session = this.#registry.sessionOf(uuid);
    if (session === undefined || session.adminUuid !== uuid || session.room !== room)
      return refusal('not-found', `no administrator ${uuid} in ${room}`);
    const { state } = session.machine();
    if (!state.startsWith('invitation'))
      return refusal('conflict', `the administrator is not calling anyone now (${state})`);
    session.logger.info('the operator sends the administrator back to the room');
    session.send({ type: 'key.command', command: 'return-alone', at: this.#clock.now() });
    return accepted({ uuid, room: session.room });
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
  return channel.direction === 'inbound' && channel.variable(ROLE_VARIABLE) === ROLE.admin;
}
