// Prometheus metrics of one dynconf process, behind a small facade: the runtime and the operator API call
// `invitation(outcome)`, `pinFailure()`, …; gauges (sessions by state, rooms, members, connection) are read
// from their sources when Prometheus scrapes. Every label value comes from a fixed set named here, so no
// caller input (and never a PIN or a dialed number) can become a label.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from '../log.js';

/** How an invitation ended: the keypad flow (machine events) and the operator API use the same words. */
export const INVITATION_OUTCOMES = [
  'answered',
  'no_answer',
  'busy',
  'rejected',
  'unreachable',
  'invalid_number',
  'not_allowed',
  'voicemail',
  'cancelled',
  'failed',
] as const;
export type InvitationOutcome = (typeof INVITATION_OUTCOMES)[number];

/** Who placed the invitation: an administrator from the keypad, or an operator through the HTTP API. */
export type InvitationSource = 'keypad' | 'api';

export type LockoutReason = 'caller' | 'global';

export type CommandKind = 'api' | 'bgapi' | 'sendmsg';
export type CommandResult = 'ok' | 'rejected' | 'timeout' | 'error';

/** States of the administrator's machine, pre-created at 0 so dashboards see every series from the start. */
export const SESSION_STATES = [
  'authenticating',
  'inRoom',
  'dialing',
  'invitation.ringing',
  'invitation.talking',
  'invitation.voicemail',
  'restoringCall',
] as const;

/** What the gauges are read from at scrape time. Each is optional: a missing source reports nothing. */
export interface MetricsSources {
  /** Live administrator sessions with their machine state (`Runtime.sessions()`). */
  sessions?: () => readonly { readonly state: string }[];
  /** Rooms and members now (the room view). */
  rooms?: () => { readonly rooms: number; readonly members: number };
  /** Whether each node's event socket is connected now, by node id (`host:port`). */
  connected?: () => Readonly<Record<string, boolean>>;
  /** Each node's event socket now, by node id: `connected` as above, plus how long it has been down. */
  links?: () => Readonly<Record<string, NodeLinkSample>>;
}

/** One node's event socket at scrape time. */
export interface NodeLinkSample {
  readonly connected: boolean;
  /** Seconds since the socket went down (or since the start, before the first connection); 0 while up. */
  readonly downSeconds: number;
  /** FreeSWITCH refuses the password or turns the connection away (ACL): not down, misconfigured. */
  readonly refused: boolean;
}

export interface MetricsOptions {
  /** Also export Node.js process metrics (`process_*`, `nodejs_*`). Default true. */
  readonly processMetrics?: boolean;
  /** Where a failing source is reported (the scrape goes on without it). */
  readonly logger?: Logger;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const LAG_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Command names are FreeSWITCH api / app names (`uuid_kill`, `playback`): letters, digits, `_` only. */
const COMMAND_NAME = /^[a-z][a-z0-9_]{0,39}$/;

/** What `dynconf_recovery_total` counts. */
export const RECOVERY_FACTS = ['recoveries', 'sessions_restored', 'orphans_hung_up'] as const;
export type RecoveryFact = (typeof RECOVERY_FACTS)[number];

export class DynconfMetrics {
  readonly registry = new Registry();
  readonly #sources: MetricsSources = {};
  readonly #beforeScrape = new Set<() => void>();
  readonly #sessions: Gauge<'state'>;
  readonly #rooms: Gauge;
  readonly #members: Gauge;
  readonly #connected: Gauge<'node'>;
  readonly #downSeconds: Gauge<'node'>;
  readonly #refused: Gauge<'node'>;
  readonly #invitations: Counter<'outcome' | 'source'>;
  readonly #pinFailures: Counter;
  readonly #lockouts: Counter<'reason'>;
  readonly #pinRefused: Counter;
  readonly #reconnects: Counter<'node'>;
  readonly #recovery: Counter<'what'>;
  readonly #overload: Counter;
  readonly #eventLag: Histogram;
  readonly #commands: Histogram<'command' | 'kind' | 'result'>;
  readonly #logger: Logger | undefined;

  constructor(options: MetricsOptions = {}) {
    this.#logger = options.logger;
    const registers = [this.registry];
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.#sessions = new Gauge({
      name: 'dynconf_sessions',
      help: 'Administrator sessions now, by the state of their machine',
      labelNames: ['state'],
      registers,
    });
    this.#rooms = new Gauge({ name: 'dynconf_rooms', help: 'Conference rooms on FreeSWITCH now', registers });
    this.#members = new Gauge({
      name: 'dynconf_room_members',
      help: 'Members in all conference rooms together now',
      registers,
    });
    this.#connected = new Gauge({
      name: 'dynconf_event_socket_connected',
      help: 'Per FreeSWITCH node (host:port): 1 while its event socket is connected and authenticated, else 0',
      labelNames: ['node'],
      registers,
    });
    this.#downSeconds = new Gauge({
      name: 'dynconf_event_socket_disconnected_seconds',
      help: 'Per FreeSWITCH node (host:port): seconds since its event socket went down (since the start before the first connection); 0 while connected',
      labelNames: ['node'],
      registers,
    });
    this.#refused = new Gauge({
      name: 'dynconf_event_socket_auth_failed',
      help: 'Per FreeSWITCH node (host:port): 1 while FreeSWITCH refuses the event-socket password or its ACL turns dynconf away, else 0',
      labelNames: ['node'],
      registers,
    });
    this.#invitations = new Counter({
      name: 'dynconf_invitations_total',
      help: 'Invitations (calls placed to bring someone into a room), by how they ended and who placed them',
      labelNames: ['outcome', 'source'],
      registers,
    });
    this.#pinFailures = new Counter({
      name: 'dynconf_pin_failures_total',
      help: 'Wrong admin passwords entered',
      registers,
    });
    this.#lockouts = new Counter({
      name: 'dynconf_pin_lockouts_total',
      help: 'Times the brute-force guard locked out a caller ID (caller) or every caller (global)',
      labelNames: ['reason'],
      registers,
    });
    this.#pinRefused = new Counter({
      name: 'dynconf_pin_entries_refused_total',
      help: 'Password entries refused because the caller was locked out',
      registers,
    });
    this.#reconnects = new Counter({
      name: 'dynconf_event_socket_reconnects_total',
      help: 'Per FreeSWITCH node (host:port): times its event socket connected again after a drop',
      labelNames: ['node'],
      registers,
    });
    this.#recovery = new Counter({
      name: 'dynconf_recovery_total',
      help: "Rebuilding from FreeSWITCH's state: recoveries run, sessions restored from their legs, ownerless legs hung up",
      labelNames: ['what'],
      registers,
    });
    this.#overload = new Counter({
      name: 'dynconf_overload_refusals_total',
      help: 'New callers turned away with the busy prompt (or *0 ignored) because the controller was overloaded',
      registers,
    });
    this.#eventLag = new Histogram({
      name: 'dynconf_event_lag_seconds',
      help: "Time from FreeSWITCH's Event-Date-Timestamp to dynconf handling the event",
      buckets: LAG_BUCKETS,
      registers,
    });
    this.#commands = new Histogram({
      name: 'dynconf_command_duration_seconds',
      help: 'Time FreeSWITCH took to answer a command (bgapi: until its background job finished)',
      labelNames: ['command', 'kind', 'result'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    for (const state of SESSION_STATES) this.#sessions.set({ state }, 0);
    for (const outcome of INVITATION_OUTCOMES) {
      this.#invitations.inc({ outcome, source: 'keypad' }, 0);
      this.#invitations.inc({ outcome, source: 'api' }, 0);
    }
    this.#lockouts.inc({ reason: 'caller' }, 0);
    this.#lockouts.inc({ reason: 'global' }, 0);
    for (const what of RECOVERY_FACTS) this.#recovery.inc({ what }, 0);
  }

  /** Where the gauges are read from; later calls add to or replace earlier sources. */
  setSources(sources: MetricsSources): void {
    Object.assign(this.#sources, sources);
  }

  /** Runs `hook` before every scrape (e.g. to bring counters up to date from another component's totals). */
  beforeScrape(hook: () => void): () => void {
    this.#beforeScrape.add(hook);
    return () => this.#beforeScrape.delete(hook);
  }

  invitation(outcome: InvitationOutcome, source: InvitationSource = 'keypad'): void {
    if (!(INVITATION_OUTCOMES as readonly string[]).includes(outcome)) return;
    this.#invitations.inc({ outcome, source: source === 'api' ? 'api' : 'keypad' });
  }

  pinFailure(count = 1): void {
    if (count > 0) this.#pinFailures.inc(count);
  }

  lockout(reason: LockoutReason, count = 1): void {
    if (count > 0) this.#lockouts.inc({ reason: reason === 'global' ? 'global' : 'caller' }, count);
  }

  pinEntryRefused(count = 1): void {
    if (count > 0) this.#pinRefused.inc(count);
  }

  /** `what`: a recovery ran, a session was restored from its leg, or a leg without owner was hung up. */
  recovery(what: RecoveryFact, count = 1): void {
    if (count > 0 && (RECOVERY_FACTS as readonly string[]).includes(what))
      this.#recovery.inc({ what }, count);
  }

  overloadRefusals(count = 1): void {
    if (count > 0) this.#overload.inc(count);
  }

  /** `node`: the node's `host:port` from the configuration (never caller input). */
  reconnect(node: string): void {
    this.#reconnects.inc({ node });
  }

  eventLag(seconds: number): void {
    if (Number.isFinite(seconds)) this.#eventLag.observe(Math.max(0, seconds));
  }

  /** `command` is the api or application name (`uuid_kill`, `originate`, `playback`). */
  commandDuration(command: string, kind: CommandKind, result: CommandResult, seconds: number): void {
    if (!Number.isFinite(seconds)) return;
    const name = COMMAND_NAME.test(command) ? command : 'other';
    this.#commands.observe({ command: name, kind, result }, Math.max(0, seconds));
  }

  /** The Prometheus text exposition of every metric. */
  async text(): Promise<string> {
    for (const hook of this.#beforeScrape) {
      try {
        hook();
      } catch (err) {
        // A failing source must not take the whole scrape down; its metrics stay as they were.
        this.#logger?.warn({ err }, 'metrics source failed');
      }
    }
    this.#readGauges();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #readGauges(): void {
    const { sessions, rooms, connected, links } = this.#sources;
    if (sessions !== undefined) {
      const counts = new Map<string, number>(SESSION_STATES.map((s) => [s, 0]));
      for (const session of this.#safe(sessions) ?? []) {
        const state = stateLabel(session.state);
        if (state !== undefined) counts.set(state, (counts.get(state) ?? 0) + 1);
      }
      this.#sessions.reset();
      for (const [state, n] of counts) this.#sessions.set({ state }, n);
    }
    const roomCounts = rooms === undefined ? undefined : this.#safe(rooms);
    if (roomCounts !== undefined) {
      this.#rooms.set(roomCounts.rooms);
      this.#members.set(roomCounts.members);
    }
    const up = connected === undefined ? undefined : this.#safe(connected);
    if (up !== undefined)
      for (const [node, isUp] of Object.entries(up)) this.#connected.set({ node }, isUp ? 1 : 0);
    const samples = links === undefined ? undefined : this.#safe(links);
    if (samples !== undefined)
      for (const [node, link] of Object.entries(samples)) {
        this.#connected.set({ node }, link.connected ? 1 : 0);
        this.#downSeconds.set({ node }, link.connected ? 0 : Math.max(0, link.downSeconds));
        this.#refused.set({ node }, link.refused ? 1 : 0);
      }
  }

  #safe<T>(read: () => T): T | undefined {
    try {
      return read();
    } catch (err) {
      this.#logger?.warn({ err }, 'metrics source failed');
      return undefined;
    }
  }
}

/** A machine state as a label: the known states, anything else (e.g. a final state) is not counted. */
function stateLabel(state: string): string | undefined {
  return (SESSION_STATES as readonly string[]).find(
    (known) => state === known || state.startsWith(`${known}.`),
  );
}
