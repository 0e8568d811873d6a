// The controller's event loop: every decoded event goes to the session it belongs to (registry.ts);
// events of no session may start one — flow 1 when an inbound call marked dynconf_role=admin parks,
// flow 2 when `*0` is pressed in a marked two-party call (escalation.ts). Dialplan noise (hash, export,
// set, …) routes nowhere and is dropped. One session's failure never reaches another.
import type { SessionEvent } from '../../machines/index.js';
import type { Clock } from '../clock.js';
import { type Config, PinVerifier } from '../config/index.js';
import { cancelScheduledTasks, exists as existsCommand, getVariable } from '../esl/commands.js';
import type { ChannelInfo, DynconfEvent } from '../esl/events.js';
import type { Logger } from '../log.js';
import { createRoomName } from '../rooms.js';
import { ChannelTable } from './channels.js';
import { Commander, type CommanderCounters, type EslPort } from './commander.js';
import { createCounters, type RuntimeCounters } from './counters.js';
import { type Escalation, EscalationWatcher, STAR0_SUBCLASS } from './escalation.js';
import { type LockoutCounters, PinGuard } from './lockout.js';
import { SessionRegistry } from './registry.js';
import { Session, type SessionInit, type SessionView } from './session.js';
import { type RuntimeSettings, runtimeSettings } from './settings.js';
import { DeadlineTimers } from './timers.js';

/** The channel variable the access-number dialplan sets on administrator calls. */
export const ROLE_VARIABLE = 'dynconf_role';

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
   * The event socket is back after a drop: events of the gap are lost, so every session checks which of
   * its legs still exist (`uuid_exists`) and carries on from there. Calls kept their audio meanwhile.
   */
  async resync(): Promise<void> {
    const exists = async (uuid: string): Promise<boolean | undefined> => {
      const reply = await this.#commander.api(existsCommand(uuid), this.#logger);
      if (!reply.ok) return undefined;
      return reply.body.trim() === 'true';
    };
    const sessions = this.#registry.sessions();
    this.#logger.info({ sessions: sessions.length }, 'checking the sessions after a reconnect');
    await Promise.all(
      sessions.map(async (session) => {
        try {
          await session.resync(exists);
        } catch (err) {
          this.#counters.sessionErrors++;
          session.logger.error({ err }, 'resync failed');
        }
      }),
    );
  }

  /** Stops every session (calls go on in FreeSWITCH) and every timer. */
  stop(): void {
    this.#stopped = true;
    for (const session of this.#registry.sessions()) session.dispose();
    this.#timers.cancelAll();
    this.#pending.clear();
  }

  // -----------------------------------------------------------------------------------------------

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
        if (isAdministratorCall(event.channel)) void this.#startAccess(event.channel);
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

  /** Flow 1: an administrator call parked at the access number. */
  async #startAccess(channel: ChannelInfo): Promise<void> {
    const uuid = channel.uuid;
    this.#pending.set(uuid, []);
    try {
      if (!(await this.#takeCall(uuid))) {
        this.#logger.info({ adminUuid: uuid }, 'access call left alone: the dialplan fallback took it');
        return;
      }
      this.#createSession({
        flow: 'access',
        adminUuid: uuid,
        adminParked: true,
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

  /** Flow 2: `*0` in a two-party call. */
  #startEscalation({ presser, otherUuid }: Escalation): void {
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
    const session = new Session(
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
    session.start({ lockedOut: this.#guard.check(init.lockoutKey, this.#clock.now()) });
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
