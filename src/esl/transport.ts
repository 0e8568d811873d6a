// The socket under esl-lite's FreeSwitchResponse: connects (and reconnects with backoff), frames the
// byte stream with esl-lite's FreeSwitchParser (patched in patches/esl-lite+3.2.0.patch), and hands
// esl-lite only what its command queue needs (auth requests and replies). Events go straight to
// the connection's decoder.
//
// Why not esl-lite's own FreeSwitchClient transport (EslLite): it gives no signal when the socket
// connects, drops or authenticates; it treats every `api/response` as unexpected and closes the
// connection (so `api` cannot be used); it also closes on any event it cannot name. This class keeps
// esl-lite's protocol engine (auth, command queue and reply matching, subscriptions replayed and
// queued commands requeued after a reconnect, timeouts) and owns only the socket.
import { connect as netConnect, type Socket } from 'node:net';
import { FreeSwitchParser, FreeSwitchParserFramingError, type ProcessorInput } from 'esl-lite';
import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../log.js';

/** The `Headers` object esl-lite's parser produces (its class itself is not exported). */
export type FrameHeaders = ProcessorInput['headers'];

/** What esl-lite's FreeSwitchResponse reads from its transport (structurally its EslLite class). */
export type LiteEvent =
  | { event: 'freeswitch_auth_request'; headers: FrameHeaders; body: Buffer }
  | { event: 'freeswitch_command_reply'; headers: FrameHeaders; body: Buffer };

export interface WriteRequest {
  buf: Buffer;
  resolve: (outcome: undefined | Error) => void;
}

export interface Backoff {
  /** First retry delay, ms (default 250). */
  initialMs?: number;
  /** Longest retry delay, ms (default 5000). */
  maxMs?: number;
}

export interface TransportHooks {
  /** TCP is up; FreeSWITCH will send `auth/request`. */
  socketOpened(): void;
  /** The reply to our `auth` (`+OK accepted` or `-ERR invalid`). */
  authReplied(accepted: boolean, replyText: string): void;
  /** The socket closed (remote close, error, or our own end()). */
  socketClosed(): void;
  /** A connection attempt failed; the next one starts after `retryInMs`. */
  connectFailed(error: Error, attempt: number, retryInMs: number): void;
  /** A `text/event-json` (`json: true`) or `text/event-plain` body. */
  eventBody(body: Buffer, json: boolean): void;
  /** Any other frame (disconnect notice, rude rejection, log data, …). */
  otherFrame(contentType: string | undefined, body: Buffer): void;
  /**
   * The byte stream is not event-socket framing (a header block that never ends, a Content-Length that is
   * not a number or is over the limit: the patched parser's FreeSwitchParserFramingError). The socket is
   * closed right after, and the next connection attempt backs off as after a failure.
   */
  framingError(reason: string): void;
  /** A command is being written to the socket (only for measurements; optional). */
  commandWritten?(command: Buffer): void;
}

export interface TransportOptions {
  host: string;
  port: number;
  /** Give up a connection attempt after this long (a host that drops packets never refuses). */
  connectTimeoutMs: number;
  clock: Clock;
  backoff: Required<Backoff>;
  logger: Logger;
  hooks: TransportHooks;
}

/**
 * The body esl-lite gets with every reply. Its send() runs JSON.parse on each reply body and catches the
 * SyntaxError that `+OK\n` or an empty body throws: a costly exception per command. dynconf reads reply
 * headers, and api bodies through apiBody(), never esl-lite's parsed body, so it is handed a body that
 * parses at once.
 */
const REPLY_BODY_FOR_ESL_LITE = Buffer.from('null');

/** Retry delay after `attempt` consecutive failures: initial × 2^(attempt-1), capped. */
export function retryDelay(backoff: Required<Backoff>, attempt: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
}

export class EslTransport {
  #running = true;
  #socket: Socket | undefined;
  #connecting: Socket | undefined;
  #wake: (() => void) | undefined;
  #timer: TimerHandle | undefined;
  /** Raw bodies of `api/response` frames, keyed by the headers object esl-lite hands back to send(). */
  readonly #apiBodies = new WeakMap<object, Buffer>();
  readonly #options: TransportOptions;

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  /** The body of an `api/response` whose headers esl-lite returned from send(), if it was one. */
  apiBody(headers: object): Buffer | undefined {
    return this.#apiBodies.get(headers);
  }

  /** Called by esl-lite for each queued command. Without a socket the write is dropped on purpose:
   * esl-lite keeps the command as "current" and requeues it after the next authentication. */
  write(request: WriteRequest): void {
    const socket = this.#socket;
    if (socket === undefined || !socket.writable) {
      request.resolve(undefined);
      return;
    }
    this.#options.hooks.commandWritten?.(request.buf);
    // Commands are pipelined: the ones written in the same turn of the event loop leave in one write.
    if (socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(() => socket.uncork());
    }
    // The outcome is not handed to esl-lite: it would log the request, and the `auth` request holds
    // the password. A failed write shows up as the socket closing.
    socket.write(request.buf, (err) => {
      if (err) this.#options.logger.debug({ err: err.message }, 'event socket write failed');
      request.resolve(undefined);
    });
  }

  end(): void {
    this.#running = false;
    this.#timer?.cancel();
    this.#wake?.();
    this.#connecting?.destroy();
    this.#socket?.destroy();
  }

  connect(): AsyncIterable<LiteEvent> {
    return this.#run();
  }

  async *#run(): AsyncGenerator<LiteEvent> {
    // Failures in a row: refused connections and sessions that ended before authenticating (a wrong
    // password makes FreeSWITCH close at once) both back off, so neither becomes a busy loop.
    let failures = 0;
    while (this.#running) {
      const opened = await this.#open();
      if (!this.#running) {
        if (!(opened instanceof Error)) opened.destroy();
        break;
      }
      if (opened instanceof Error) {
        failures++;
        const delay = retryDelay(this.#options.backoff, failures);
        this.#options.hooks.connectFailed(opened, failures, delay);
        await this.#sleep(delay);
        continue;
      }
      const session = yield* this.#frames(opened);
      // A peer that authenticates and then sends garbage is a failure too: its reconnections back off.
      const clean = session.authenticated && !session.framingError;
      failures = clean ? 0 : failures + 1;
      if (this.#running)
        await this.#sleep(
          clean ? this.#options.backoff.initialMs : retryDelay(this.#options.backoff, failures),
        );
    }
  }

  /** Reads one session's frames; returns whether FreeSWITCH accepted our password and how it ended. */
  async *#frames(
    socket: Socket,
  ): AsyncGenerator<LiteEvent, { authenticated: boolean; framingError: boolean }> {
    const { hooks, logger } = this.#options;
    this.#socket = socket;
    socket.on('error', (err) => logger.debug({ err }, 'event socket error'));
    hooks.socketOpened();
    let awaitingAuthReply = false;
    let authenticated = false;
    let framingError = false;
    try {
      for await (const frame of FreeSwitchParser(socket, logger)) {
        if (frame instanceof Error) continue; // bytes left over when the socket closed
        const { headers, body } = frame;
        switch (headers.contentType) {
          case 'auth/request':
            awaitingAuthReply = true;
            yield { event: 'freeswitch_auth_request', headers, body };
            break;
          case 'command/reply':
            if (awaitingAuthReply) {
              awaitingAuthReply = false;
              const text = headers.replyText ?? '';
              authenticated = text.startsWith('+OK');
              hooks.authReplied(authenticated, text);
            }
            yield { event: 'freeswitch_command_reply', headers, body: REPLY_BODY_FOR_ESL_LITE };
            break;
          case 'api/response':
            // esl-lite's send() wants a Reply-Text; the real answer is the body, kept aside.
            this.#apiBodies.set(headers, body);
            headers.set('Reply-Text', '+OK');
            yield { event: 'freeswitch_command_reply', headers, body: REPLY_BODY_FOR_ESL_LITE };
            break;
          case 'text/event-json':
            hooks.eventBody(body, true);
            break;
          case 'text/event-plain':
            hooks.eventBody(body, false);
            break;
          default:
            hooks.otherFrame(headers.contentType, body);
        }
      }
    } catch (err) {
      if (err instanceof FreeSwitchParserFramingError) {
        framingError = true;
        hooks.framingError(err.message);
      } else logger.debug({ err }, 'event socket read ended with an error');
    } finally {
      this.#socket = undefined;
      socket.destroy();
      hooks.socketClosed();
    }
    return { authenticated, framingError };
  }

  /** One connection attempt: the socket, or why it failed (refused, timed out, ended by end()). */
  #open(): Promise<Socket | Error> {
    const { host, port, connectTimeoutMs, clock } = this.#options;
    return new Promise((resolve) => {
      // A virtual clock stands still while the attempt is under way: it cannot see a connect in flight.
      const releaseTime = clock.holdTime?.();
      const socket = netConnect({ host, port });
      this.#connecting = socket;
      let settled = false;
      const settle = (outcome: Socket | Error) => {
        if (settled) return;
        settled = true;
        if (outcome === socket) clock.trackSocket?.(socket, 'client');
        releaseTime?.();
        socket.off('error', onError);
        socket.off('close', onClose);
        socket.off('timeout', onTimeout);
        socket.setTimeout(0);
        this.#connecting = undefined;
        resolve(outcome);
      };
      const fail = (err: Error) => {
        settle(err);
        socket.on('error', () => {}); // late errors of a socket we gave up on
        socket.destroy();
      };
      const onError = (err: Error) => fail(err);
      const onClose = () => fail(new Error('connection attempt closed'));
      const onTimeout = () => {
        const err: NodeJS.ErrnoException = new Error(`no answer within ${connectTimeoutMs} ms`);
        err.code = 'ETIMEDOUT';
        fail(err);
      };
      socket.once('error', onError);
      socket.once('close', onClose);
      socket.setTimeout(connectTimeoutMs);
      socket.once('timeout', onTimeout);
      socket.once('connect', () => {
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 10_000);
        settle(socket);
      });
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#timer?.cancel();
        this.#timer = undefined;
        this.#wake = undefined;
        resolve();
      };
      this.#wake = done;
      this.#timer = this.#options.clock.setTimer(ms, done);
    });
  }
}
