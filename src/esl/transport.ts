// The socket under the connection: connects (and reconnects, see reconnect.ts for how often), frames the
// byte stream (framer.ts) as each read comes in, and hands each frame on by its Content-Type: the auth
// request and the replies to the session (connection.ts, reply-queue.ts), events straight to the decoder.
// It knows nothing of commands beyond writing their bytes.
import { connect as netConnect, type Socket } from 'node:net';
import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../log.js';
import { EslFramer, type Frame, FramingError } from './framer.js';
import { type Backoff, jitteredDelay } from './reconnect.js';

export { type Backoff, retryDelay } from './reconnect.js';

/** FreeSWITCH's answer to the oldest command it has not answered yet. */
export type Reply =
  /** Every command but `api`: the outcome is the `Reply-Text` header (`+OK …`, `-ERR …`). */
  | { readonly type: 'command/reply'; readonly text: string | undefined }
  /** `api`: the outcome is the body (the command's output, `-ERR …` on failure). */
  | { readonly type: 'api/response'; readonly body: Buffer };

export interface TransportHooks {
  /** TCP is up; FreeSWITCH will send `auth/request`. */
  socketOpened(): void;
  /** FreeSWITCH asks for the password (`auth/request`): the session starts. */
  authRequested(): void;
  /** A `command/reply` or an `api/response`. */
  reply(reply: Reply): void;
  /**
   * The socket closed (remote close, error, or our own end()). `handshake`: why we closed it ourselves
   * before the session was answered (the peer was silent past `handshakeTimeoutMs`).
   */
  socketClosed(handshake?: string): void;
  /** A connection attempt failed (refused, timed out); the next one starts after `retryInMs`. */
  connectFailed(error: Error, attempt: number, retryInMs: number): void;
  /** A `text/event-json` (`json: true`) or `text/event-plain` body. */
  eventBody(body: Buffer, json: boolean): void;
  /** Any other frame (disconnect notice, rude rejection, log data, …). */
  otherFrame(contentType: string | undefined, body: Buffer): void;
  /**
   * The byte stream is not event-socket framing (a header block that never ends, a Content-Length that is
   * not a number or is over the limit: the framer's FramingError). The socket is
   * closed right after, and the next connection attempt backs off as after a failure.
   */
  framingError(reason: string): void;
  /** A command is being written to the socket (only for measurements; optional). */
  commandWritten?(command: Buffer): void;
}

export interface TransportOptions {
  host: string;
  port: number;
  /**
   * Give up a connection attempt after this long (a host that drops packets never refuses); the next
   * attempt then starts at once, so a silent host is asked again at this pace.
   */
  connectTimeoutMs: number;
  /**
   * From the connection to FreeSWITCH's answer to our password: a peer that accepts and then says nothing
   * (not FreeSWITCH's event socket, or one that hangs) is closed after this long and asked again later.
   */
  handshakeTimeoutMs: number;
  clock: Clock;
  backoff: Required<Backoff>;
  /** Draws the jitter of each wait (values in [0, 1)). */
  random: () => number;
  logger: Logger;
  hooks: TransportHooks;
}

/** How one socket ended, which decides the wait before the next attempt. */
type SocketEnd =
  /** FreeSWITCH accepted the password: the next attempt comes quickly. */
  | 'authenticated'
  /** FreeSWITCH said no (password, ACL): it is there, so asking again soon is pointless. */
  | 'refused'
  /** Closed before the password was answered (FreeSWITCH starting or stopping), or garbage: a failure. */
  | 'failed';

export class EslTransport {
  #running = true;
  #socket: Socket | undefined;
  #connecting: Socket | undefined;
  #wake: (() => void) | undefined;
  #timer: TimerHandle | undefined;
  /** FreeSWITCH accepted our password on the current socket (see sessionAuthenticated()). */
  #authenticated = false;
  /** FreeSWITCH refused this socket's session (see sessionRefused()). */
  #refused = false;
  /** The current socket's deadline for its session to be answered (see handshakeTimeoutMs). */
  #handshake: TimerHandle | undefined;
  /** The current socket sent `auth/request`. */
  #greeted = false;
  readonly #options: TransportOptions;

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  /**
   * Writes one command's bytes; false when there is no socket to write to (the caller keeps the command:
   * the socket's close follows, and with it the replay of what it did not answer).
   */
  write(bytes: Buffer): boolean {
    const socket = this.#socket;
    if (socket === undefined || !socket.writable) return false;
    this.#options.hooks.commandWritten?.(bytes);
    // Commands are pipelined: the ones written in the same turn of the event loop leave in one write.
    if (socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(() => socket.uncork());
    }
    // A failed write shows up as the socket closing; the error itself is only worth a debug line.
    socket.write(bytes, (err) => {
      if (err) this.#options.logger.debug({ err: err.message }, 'event socket write failed');
    });
    return true;
  }

  /** FreeSWITCH accepted our password on this socket: when it ends, the next attempt does not back off. */
  sessionAuthenticated(): void {
    this.#authenticated = true;
    this.#handshake?.cancel();
  }

  /**
   * FreeSWITCH refused this socket's session (a wrong password, the event socket's ACL): the socket is
   * closed (FreeSWITCH closes it too, but need not) and the next attempt waits `backoff.refusedMs`.
   */
  sessionRefused(): void {
    this.#refused = true;
    this.#handshake?.cancel();
    this.#socket?.destroy();
  }

  end(): void {
    this.#running = false;
    this.#timer?.cancel();
    this.#wake?.();
    this.#connecting?.destroy();
    this.#socket?.destroy();
  }

  /** Connects, reads, reconnects, until end(); resolves once the last socket is closed. */
  async run(): Promise<void> {
    const { backoff, hooks } = this.#options;
    // Failures in a row: refused connections, attempts that timed out and sessions that ended before
    // authenticating all count, so none of them becomes a busy loop.
    let failures = 0;
    while (this.#running) {
      const opened = await this.#open();
      if (!this.#running) {
        if (!(opened instanceof Error)) opened.destroy();
        break;
      }
      let wait: number;
      if (opened instanceof Error) {
        failures++;
        // An attempt that timed out has waited its turn already: the next one starts at once.
        const timedOut = (opened as NodeJS.ErrnoException).code === 'ETIMEDOUT';
        wait = timedOut ? 0 : this.#retryWait(failures);
        hooks.connectFailed(opened, failures, wait);
      } else {
        const end = await this.#read(opened);
        if (end === 'authenticated') {
          failures = 0;
          wait = this.#retryWait(1);
        } else {
          failures++;
          wait = end === 'refused' ? backoff.refusedMs : this.#retryWait(failures);
        }
      }
      if (this.#running) await this.#sleep(wait);
    }
  }

  #retryWait(failures: number): number {
    return jitteredDelay(this.#options.backoff, failures, this.#options.random);
  }

  /** Reads one socket's frames until it closes; returns how the socket ended. */
  async #read(socket: Socket): Promise<SocketEnd> {
    const { hooks, logger } = this.#options;
    this.#socket = socket;
    this.#authenticated = false;
    this.#refused = false;
    socket.on('error', (err) => logger.debug({ err }, 'event socket error'));
    this.#greeted = false;
    let silent: string | undefined;
    const { handshakeTimeoutMs, clock } = this.#options;
    // A virtual clock cannot see the exchange under way either: it stands still until the session is
    // answered (or the socket closes), so its deadline fires only on a clock that runs by itself.
    const releaseTime = clock.holdTime?.();
    const deadline = clock.setTimer(handshakeTimeoutMs, () => {
      const seconds = `${handshakeTimeoutMs / 1000} s`;
      silent = this.#greeted
        ? `no answer to the password within ${seconds}`
        : `no auth/request within ${seconds} of connecting: is it FreeSWITCH's event socket?`;
      socket.destroy();
    });
    this.#handshake = {
      cancel: () => {
        deadline.cancel();
        releaseTime?.();
      },
    };
    hooks.socketOpened();
    let framingError = false;
    const framer = new EslFramer();
    let draining = false;
    const drain = async () => {
      draining = true;
      // Handled from the microtask queue, not from the read's callback: commands written meanwhile are
      // corked until it has emptied (transport.write()), and leave in one write.
      await null;
      try {
        for (let frame = framer.next(); frame !== undefined; frame = framer.next()) {
          if (frame instanceof FramingError) {
            framingError = true;
            hooks.framingError(frame.message);
            socket.destroy();
            return;
          }
          this.#deliver(frame);
          // What a frame sets off (the command a reaction sends from its leg queue, the step waiting for
          // this reply) gets two turns of the microtask queue before the next frame of the same read is
          // handled, so it is not held up behind the rest of a big read.
          await null;
          await null;
        }
      } catch (err) {
        logger.debug({ err }, 'event socket read ended with an error');
        socket.destroy();
      } finally {
        draining = false;
      }
    };
    // Frames are cut out as each read comes in: no promise per frame beyond the two turns above.
    socket.on('data', (chunk: Buffer) => {
      framer.push(chunk);
      if (!draining) void drain();
    });
    await new Promise<void>((resolve) => {
      if (socket.closed) resolve();
      else socket.once('close', () => resolve());
    });
    this.#socket = undefined;
    this.#handshake?.cancel();
    this.#handshake = undefined;
    hooks.socketClosed(silent);
    // A peer that authenticates and then sends garbage is a failure too: its reconnections back off.
    if (this.#refused) return 'refused';
    return this.#authenticated && !framingError ? 'authenticated' : 'failed';
  }

  #deliver(frame: Frame): void {
    const hooks = this.#options.hooks;
    const contentType = frame.headers.get('Content-Type');
    switch (contentType) {
      case 'auth/request':
        this.#greeted = true;
        hooks.authRequested();
        break;
      case 'command/reply':
        hooks.reply({ type: 'command/reply', text: frame.headers.get('Reply-Text') });
        break;
      case 'api/response':
        hooks.reply({ type: 'api/response', body: frame.body });
        break;
      case 'text/event-json':
        hooks.eventBody(frame.body, true);
        break;
      case 'text/event-plain':
        hooks.eventBody(frame.body, false);
        break;
      default:
        hooks.otherFrame(contentType, frame.body);
    }
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
