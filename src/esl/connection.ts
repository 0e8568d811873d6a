// The event-socket connection dynconf runs on: inbound mode, authenticated, subscribed to the events
// dynconf uses, decoding each one with decode.ts and handing typed events to listeners. Commands are
// the opaque objects of commands.ts; every command has a mandatory timeout and returns an error value
// instead of throwing. The parts: transport.ts (socket, reconnects, framing), session.ts (auth and
// subscriptions), reply-queue.ts (replies matched to commands in order), jobs.ts (bgapi results).
//
// Replays. Commands are pipelined (each written at once, replies matched in order); after a reconnect
// every command that was waiting for the session or for its reply when the socket dropped is sent
// again, and a command whose caller already got a timeout may still reach FreeSWITCH later. So a
// command with effects may run late or twice, and callers check before they act:
// - originate always carries a fresh `origination_uuid` of ours. After a timeout or a reconnect, ask
//   `exists(uuid)` before originating again: `true` means the first attempt lives (use it or kill
//   it); a leg that appears later still carries our uuid and `dynconf_*` variables in its events, so
//   it is recognised and killed instead of being left behind.
// - uuid_kill twice is harmless (`-ERR No such channel!`). Transfers and bridges are only worth
//   sending while `state === 'connected'`; after a reconnect, rebuild what is true from
//   `showChannelsJson()`, `conferenceJsonList()` and `getVariable()` before acting on old results.
import { randomUUID } from 'node:crypto';
import { type Clock, realClock } from '../clock.js';
import type { Logger } from '../log.js';
import {
  type ApiCommand,
  type AppCommand,
  apiFrame,
  bgapiFrame,
  type EslFrame,
  encodeFrame,
  sendmsgFrame,
} from './commands.js';
import { createDecodeCounters, decodeJsonBody, decodePlainEvent } from './decode.js';
import type { DecodeCounters, DynconfEvent } from './events.js';
import { BackgroundJobs } from './jobs.js';
import { type ConnectionState, type LinkProblem, type LinkStatus, LinkWatch } from './link-status.js';
import { type ReactionSample, ReactionTracker } from './reaction.js';
import { type Backoff, DEFAULT_BACKOFF, seededRandom, seedOf } from './reconnect.js';
import { ReplyQueue } from './reply-queue.js';
import type { CommandError } from './result.js';
import { SessionStart } from './session.js';
import { EslTransport, type Reply } from './transport.js';

export type { ConnectionState, LinkProblem, LinkStatus } from './link-status.js';
export { DEFAULT_CUSTOM_SUBCLASSES, SUBSCRIBED_EVENTS } from './session.js';

/** FreeSWITCH answers at once on accept; a peer silent this long is not an event socket at work. */
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

export interface StateChange {
  readonly state: ConnectionState;
  readonly previous: ConnectionState;
  /** Successful reconnections so far (0 for the first connection). */
  readonly reconnects: number;
}

export interface EslConnectionOptions {
  host: string;
  port: number;
  /** Event socket password (never logged). */
  password: string;
  logger: Logger;
  /** Extra CUSTOM subclasses, e.g. `dynconf::star0` (fired by the `*0` bind_meta_app). */
  customSubclasses?: readonly string[];
  /**
   * Waits between connection attempts (reconnect.ts; default: at most 100 ms before the first retry,
   * growing ×2 to at most 1 s however long FreeSWITCH is away; 30 s after a refused password).
   */
  backoff?: Backoff;
  /**
   * Give up one connection attempt after this long, then try again at once (default: the longest wait
   * between attempts, at least 1 s): a host that drops packets is asked again as often as one that refuses.
   */
  connectTimeoutMs?: number;
  /** From connecting to FreeSWITCH's answer to the password (default 10 s): a silent peer is left. */
  handshakeTimeoutMs?: number;
  /** Time source for reconnect delays and command timeouts (default: the wall clock). */
  clock?: Clock;
  /**
   * Draws the jitter of the reconnect waits (values in [0, 1)). Default: on the wall clock, Math.random;
   * on any other clock a generator seeded from the host and the clock's time at construction (not the port:
   * tests listen on ephemeral ones), so a test on a virtual clock waits the same run after run.
   */
  random?: () => number;
  /**
   * Measurement hook (benchmarks): called for each DTMF key with the time from reading it to writing
   * the first command about its channel. Off (and free) when not given.
   */
  onReaction?: (sample: ReactionSample) => void;
}

export interface CommandOptions {
  /** Mandatory: how long to wait for FreeSWITCH's answer, ms. */
  timeoutMs: number;
}

export type ApiResult =
  | { readonly ok: true; readonly body: string }
  /** `body` is FreeSWITCH's answer when it gave one (`-ERR No such channel!\n`). */
  | { readonly ok: false; readonly error: CommandError; readonly body?: string };

export type BgapiResult =
  | {
      readonly ok: true;
      readonly jobUuid: string;
      /** The whole BACKGROUND_JOB `_body`, e.g. `+OK <uuid>\n` or a JSON list. */
      readonly body: string;
      /** The body without `+OK ` and its trailing newline. */
      readonly reply: string;
    }
  | { readonly ok: false; readonly jobUuid: string; readonly error: CommandError; readonly body?: string };

export type ExecuteResult =
  | { readonly ok: true; readonly eventUuid: string }
  | { readonly ok: false; readonly eventUuid: string; readonly error: CommandError };

export interface ConnectionCounters {
  readonly reconnects: number;
  readonly connectFailures: number;
  readonly authFailures: number;
  readonly events: Readonly<DecodeCounters>;
  /** Frames that are neither replies nor events (log data, rude rejection, …). */
  readonly otherFrames: number;
  /** Connections dropped because the byte stream was not event-socket framing (see TransportHooks). */
  readonly framingErrors: number;
}

type Listener<T> = (value: T) => void;

export class EslConnection {
  #state: ConnectionState = 'connecting';
  #started = false;
  #everConnected = false;
  #reconnects = 0;
  #connectFailures = 0;
  #authFailures = 0;
  #otherFrames = 0;
  #framingErrors = 0;
  #run: Promise<void> | undefined;
  readonly #decodeCounters = createDecodeCounters();
  readonly #eventListeners = new Set<Listener<DynconfEvent>>();
  readonly #stateListeners = new Set<Listener<StateChange>>();
  readonly #logger: Logger;
  readonly #session: SessionStart;
  readonly #transport: EslTransport;
  readonly #replies: ReplyQueue;
  readonly #jobs: BackgroundJobs;
  readonly #reactions: ReactionTracker | undefined;
  readonly #link: LinkWatch;
  readonly #statusListeners = new Set<Listener<LinkStatus>>();
  /** FreeSWITCH answered the current socket's password (accepted or refused). */
  #answered = false;

  constructor(options: EslConnectionOptions) {
    this.#logger = options.logger.child({ module: 'esl', host: options.host, port: options.port });
    this.#session = new SessionStart(options.password, options.customSubclasses ?? []);
    const clock = options.clock ?? realClock;
    const reactions = options.onReaction && new ReactionTracker(options.onReaction);
    this.#reactions = reactions;
    const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#link = new LinkWatch({ clock, logger: this.#logger, refusedMs: backoff.refusedMs });
    const random =
      options.random ??
      (clock === realClock ? Math.random : seededRandom(seedOf(`${options.host}@${clock.now()}`)));
    this.#transport = new EslTransport({
      host: options.host,
      port: options.port,
      connectTimeoutMs: options.connectTimeoutMs ?? Math.max(1000, backoff.maxMs),
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      clock,
      backoff,
      random,
      logger: this.#logger,
      hooks: {
        socketOpened: () => {
          this.#answered = false;
        },
        authRequested: () => this.#session.begin(this.#replies, (ok, text) => this.#onAuthReply(ok, text)),
        reply: (reply) => this.#onReply(reply),
        socketClosed: (handshake) => this.#onSocketClosed(handshake),
        connectFailed: (error) => this.#onConnectFailed(error),
        eventBody: (body, json) => this.#onEventBody(body, json),
        otherFrame: (contentType) => this.#onOtherFrame(contentType),
        framingError: (reason) => this.#onFramingError(reason),
        ...(reactions && {
          commandWritten: (command) => reactions.commandWritten(command, performance.now()),
        }),
      },
    });
    const transport = this.#transport;
    this.#replies = new ReplyQueue((bytes) => transport.write(bytes), clock);
    this.#jobs = new BackgroundJobs(clock);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Successful reconnections after a drop. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** Connected or not, since when, and why not (see link-status.ts). */
  status(): LinkStatus {
    return this.#link.status(this.#state);
  }

  /**
   * Every change of status() worth showing: the state, or the kind of problem (a refused password while
   * still `connecting`). Not each failed attempt. Returns the unsubscribe function.
   */
  onStatusChange(listener: Listener<LinkStatus>): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Starts connecting (and keeps retrying until close()). Calling it again does nothing. */
  start(): void {
    if (this.#started || this.#state === 'closed') return;
    this.#started = true;
    this.#link.started();
    this.#logger.info('connecting to the FreeSWITCH event socket');
    this.#run = this.#transport.run().catch((err: unknown) => {
      this.#logger.error({ err }, 'event socket loop failed');
    });
  }

  /** Closes the socket, stops reconnecting, and fails every pending command with `closed`. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#setState('closed');
    this.#jobs.close();
    this.#replies.close();
    this.#transport.end();
    await this.#run;
  }

  /** Typed events, in the order FreeSWITCH sent them. Returns the unsubscribe function. */
  onEvent(listener: Listener<DynconfEvent>): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** Every state change. Returns the unsubscribe function. */
  onStateChange(listener: Listener<StateChange>): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  counters(): ConnectionCounters {
    return {
      reconnects: this.#reconnects,
      connectFailures: this.#connectFailures,
      authFailures: this.#authFailures,
      events: { ...this.#decodeCounters },
      otherFrames: this.#otherFrames,
      framingErrors: this.#framingErrors,
    };
  }

  /**
   * `api <command>`: waits for the `api/response`. A body starting with `-` (`-ERR …`, `-USAGE …`)
   * is `{ ok: false, error: { kind: 'rejected' } }`. FreeSWITCH runs a connection's commands one after
   * the other, so a slow api command delays the ones after it: use bgapi for anything that can take long
   * (originate).
   */
  async api(command: ApiCommand, options: CommandOptions): Promise<ApiResult> {
    const frame = apiFrame(command);
    if (!frame.ok) return this.#refused(frame.error);
    const sent = await this.#send(frame.command, options.timeoutMs);
    if (!sent.ok) return sent;
    const body = sent.reply.type === 'api/response' ? sent.reply.body.toString('utf8') : '';
    if (body.startsWith('-')) return { ok: false, error: rejected(body), body };
    return { ok: true, body };
  }

  /**
   * `bgapi <command>` with a job uuid (ours, or `options.jobUuid`), then waits for the BACKGROUND_JOB
   * with that `Job-UUID`. `timeoutMs` covers both. `-ERR NO_ANSWER` and the like come back as
   * `{ ok: false, error: { kind: 'rejected', reply: 'NO_ANSWER' } }`.
   */
  async bgapi(command: ApiCommand, options: CommandOptions & { jobUuid?: string }): Promise<BgapiResult> {
    const jobUuid = options.jobUuid ?? randomUUID();
    const frame = bgapiFrame(command, jobUuid);
    if (!frame.ok) return { ...this.#refused(frame.error), jobUuid };
    if (this.#jobs.has(jobUuid)) {
      return { ok: false, jobUuid, error: { kind: 'failed', message: `job ${jobUuid} is already pending` } };
    }
    const job = this.#jobs.wait(jobUuid, options.timeoutMs);
    const sent = await this.#send(frame.command, options.timeoutMs);
    if (!sent.ok) {
      this.#jobs.forget(jobUuid);
      return { ...sent, jobUuid };
    }
    const event = await job;
    if (event === 'timeout') {
      return { ok: false, jobUuid, error: timeout(options.timeoutMs, `BACKGROUND_JOB ${jobUuid}`) };
    }
    if (event === 'closed') return { ok: false, jobUuid, error: closedError() };
    if (!event.ok) return { ok: false, jobUuid, error: rejected(event.body), body: event.body };
    return { ok: true, jobUuid, body: event.body, reply: event.reply };
  }

  /**
   * `sendmsg <uuid>` running an app (or hanging up). Resolves when FreeSWITCH queued it (`+OK`);
   * the app's own progress comes as channel-execute / channel-execute-complete events carrying
   * `applicationUuid === eventUuid`. Never wait for long-running apps (park, conference) to complete.
   */
  async execute(
    uuid: string,
    app: AppCommand,
    options: CommandOptions & { eventUuid?: string },
  ): Promise<ExecuteResult> {
    const eventUuid = options.eventUuid ?? randomUUID();
    const frame = sendmsgFrame(uuid, app, eventUuid);
    if (!frame.ok) return { ...this.#refused(frame.error), eventUuid };
    const sent = await this.#send(frame.command, options.timeoutMs);
    return sent.ok ? { ok: true, eventUuid } : { ok: false, eventUuid, error: sent.error };
  }

  // -------------------------------------------------------------------------------------------

  #refused(error: CommandError): { ok: false; error: CommandError } {
    return { ok: false, error };
  }

  /** Sends a frame and waits for its reply; a `command/reply` of `-ERR …` is the command refused. */
  async #send(
    frame: EslFrame,
    timeoutMs: number,
  ): Promise<{ ok: true; reply: Reply } | { ok: false; error: CommandError }> {
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      return this.#refused({
        kind: 'invalid-input',
        field: 'timeoutMs',
        value: String(timeoutMs),
        reason: 'must be > 0',
      });
    }
    if (this.#state === 'closed') return this.#refused(closedError());
    const outcome = await this.#replies.send(encodeFrame(frame), timeoutMs);
    if (!outcome.ok) {
      if (outcome.reason === 'timeout') {
        return { ok: false, error: timeout(timeoutMs, frame.command.split(' ')[0] ?? '') };
      }
      return this.#refused(closedError());
    }
    const { reply } = outcome;
    if (reply.type === 'command/reply') {
      if (reply.text === undefined)
        return this.#refused({ kind: 'failed', message: 'FreeSWITCH replied without a Reply-Text' });
      if (reply.text.startsWith('-')) return this.#refused(rejected(reply.text));
    }
    return { ok: true, reply };
  }

  #setState(state: ConnectionState): void {
    const previous = this.#state;
    if (previous === state || previous === 'closed') return;
    this.#state = state;
    const change: StateChange = { state, previous, reconnects: this.#reconnects };
    for (const listener of this.#stateListeners) {
      try {
        listener(change);
      } catch (err) {
        this.#logger.error({ err }, 'state listener failed');
      }
    }
    this.#statusChanged();
  }

  #statusChanged(): void {
    if (this.#statusListeners.size === 0) return;
    const status = this.status();
    for (const listener of this.#statusListeners) {
      try {
        listener(status);
      } catch (err) {
        this.#logger.error({ err }, 'status listener failed');
      }
    }
  }

  /** An attempt that gave no session; status listeners hear of it when the kind of problem changed. */
  #attemptFailed(problem: LinkProblem): void {
    if (this.#state === 'closed') return;
    if (this.#link.failed(problem)) this.#statusChanged();
  }

  /** FreeSWITCH is there and says no: not an outage; the transport waits long before asking again. */
  #sessionRefused(problem: LinkProblem): void {
    this.#answered = true;
    this.#transport.sessionRefused();
    this.#attemptFailed(problem);
  }

  #onAuthReply(accepted: boolean, text: string): void {
    if (!accepted) {
      this.#authFailures++;
      this.#sessionRefused({ kind: 'auth-failed', detail: text.trim() || 'no reply text' });
      return;
    }
    this.#answered = true;
    this.#transport.sessionAuthenticated();
    // Commands that waited for the session (or lost their socket) go out first, in order; what the
    // state listeners send comes after them.
    this.#replies.open();
    const reconnect = this.#everConnected;
    if (reconnect) this.#reconnects++;
    this.#everConnected = true;
    this.#link.connected(reconnect);
    this.#setState('connected');
  }

  #onReply(reply: Reply): void {
    if (this.#replies.reply(reply) || this.#state === 'closed') return;
    this.#logger.warn({ type: reply.type }, 'FreeSWITCH sent a reply while no command was waiting for one');
  }

  #onSocketClosed(handshake: string | undefined): void {
    this.#replies.drop();
    if (this.#state === 'closed') return;
    if (this.#state === 'connected') {
      this.#link.lost();
      this.#setState('reconnecting');
    } else if (!this.#answered) {
      // FreeSWITCH starting or stopping accepts and closes before the password is answered: still down.
      this.#attemptFailed({ kind: 'unreachable', detail: handshake ?? 'closed before authentication' });
    }
  }

  #onConnectFailed(error: Error): void {
    this.#connectFailures++;
    // Counted, not logged: LinkWatch says once that FreeSWITCH is unreachable, and once that it is back.
    const code = (error as NodeJS.ErrnoException).code ?? error.message;
    this.#attemptFailed({ kind: 'unreachable', detail: code });
  }

  #onEventBody(body: Buffer, json: boolean): void {
    const readAt = this.#reactions === undefined ? 0 : performance.now();
    let event: DynconfEvent | undefined;
    if (json) {
      event = decodeJsonBody(body, this.#decodeCounters);
    } else {
      event = decodePlainEvent(body.toString('utf8'), this.#decodeCounters);
    }
    if (event === undefined) return;
    this.#reactions?.eventRead(event, readAt);
    if (event.type === 'background-job') this.#jobs.deliver(event);
    for (const listener of this.#eventListeners) {
      try {
        listener(event);
      } catch (err) {
        this.#logger.error({ err, type: event.type }, 'event listener failed');
      }
    }
  }

  #onFramingError(reason: string): void {
    this.#framingErrors++;
    this.#logger.error(
      { reason },
      'event socket stream is not valid event-socket framing; dropping the connection and reconnecting',
    );
  }

  #onOtherFrame(contentType: string | undefined): void {
    this.#otherFrames++;
    if (contentType === 'text/disconnect-notice') this.#logger.debug('FreeSWITCH sent a disconnect notice');
    else if (contentType === 'text/rude-rejection') {
      this.#sessionRefused({ kind: 'rejected', detail: 'text/rude-rejection' });
    } else this.#logger.debug({ contentType }, 'frame ignored');
  }
}

function rejected(text: string): CommandError {
  const reply = text.endsWith('\n') ? text.slice(0, -1) : text;
  return { kind: 'rejected', message: `FreeSWITCH replied ${reply}`, reply };
}

function timeout(timeoutMs: number, what: string): CommandError {
  return { kind: 'timeout', message: `no answer to ${what} within ${timeoutMs} ms`, timeoutMs };
}

function closedError(): CommandError {
  return { kind: 'closed', message: 'the event socket connection is closed' };
}
