// Whether the event socket is up, since when, and why not: what /readyz, /status, the metrics and the
// dashboard show per node, and the few log lines an outage is worth. An outage logs one line when it
// starts (the socket lost, or FreeSWITCH unreachable at start) and one when it ends (with how long it
// lasted); the attempts in between are only counted. A refused password or an ACL rejection is another
// kind of problem, not "down": it is logged once, clearly, when it first appears.
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';

/** `connecting` until the first authentication; `reconnecting` after a drop; `closed` after close(). */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export type LinkProblem =
  /** No session: refused, timed out, or closed before the password was answered (`detail`: the code). */
  | { readonly kind: 'unreachable'; readonly detail: string }
  /** FreeSWITCH refused the password (`detail`: its reply, e.g. `-ERR invalid`). */
  | { readonly kind: 'auth-failed'; readonly detail: string }
  /** FreeSWITCH's event-socket ACL turned the connection away (`text/rude-rejection`). */
  | { readonly kind: 'rejected'; readonly detail: string };

export interface LinkStatus {
  readonly state: ConnectionState;
  /** Clock ms since when the link is in its present condition: connected since, or down since. */
  readonly since: number;
  /** How long that is now, ms (on the connection's clock). */
  readonly forMs: number;
  /** Connection attempts that failed since the link went down (0 while connected). */
  readonly failedAttempts: number;
  /** Why it is not connected (undefined while connected, or before the first attempt failed). */
  readonly problem?: LinkProblem;
}

export interface LinkWatchOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** The wait after a refusal, said in its log line. */
  readonly refusedMs: number;
}

export class LinkWatch {
  #since: number;
  #failed = 0;
  #problem: LinkProblem | undefined;
  /** The kind of problem the log last announced in this outage (`lost` counts as unreachable). */
  #announced: LinkProblem['kind'] | undefined;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #refusedMs: number;

  constructor(options: LinkWatchOptions) {
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#refusedMs = options.refusedMs;
    this.#since = options.clock.now();
  }

  /** The first attempt starts: down since now. */
  started(): void {
    this.#since = this.#clock.now();
  }

  /** FreeSWITCH accepted the password: the one line that ends an outage. */
  connected(reconnect: boolean): void {
    const downMs = this.#clock.now() - this.#since;
    const fields = { downMs, failedAttempts: this.#failed };
    if (reconnect) this.#logger.info(fields, `FreeSWITCH event socket back after ${seconds(downMs)} down`);
    else if (this.#failed > 0)
      this.#logger.info(fields, `event socket connected and authenticated, ${seconds(downMs)} after start`);
    else this.#logger.info('event socket connected and authenticated');
    this.#since = this.#clock.now();
    this.#failed = 0;
    this.#problem = undefined;
    this.#announced = undefined;
  }

  /** An authenticated session ended: the one line that starts an outage. */
  lost(): void {
    this.#logger.warn('FreeSWITCH event socket lost: calls go on; reconnecting');
    this.#since = this.#clock.now();
    this.#announced = 'unreachable';
  }

  /** An attempt failed; returns whether the kind of problem changed (what status listeners care about). */
  failed(problem: LinkProblem): boolean {
    this.#failed++;
    const changed = this.#problem?.kind !== problem.kind;
    this.#problem = problem;
    if (this.#announced !== problem.kind) {
      this.#announced = problem.kind;
      this.#announce(problem);
    }
    return changed;
  }

  status(state: ConnectionState): LinkStatus {
    const connected = state === 'connected';
    return {
      state,
      since: this.#since,
      forMs: Math.max(0, this.#clock.now() - this.#since),
      failedAttempts: connected ? 0 : this.#failed,
      ...(connected || this.#problem === undefined ? {} : { problem: this.#problem }),
    };
  }

  #announce(problem: LinkProblem): void {
    const retry = `retrying every ${seconds(this.#refusedMs)}`;
    switch (problem.kind) {
      case 'unreachable':
        this.#logger.warn(
          { code: problem.detail },
          `FreeSWITCH event socket unreachable (${problem.detail}); retrying until it is back`,
        );
        return;
      case 'auth-failed':
        this.#logger.error(
          { reply: problem.detail },
          `FreeSWITCH refused the event socket password: check eventSocket.password; ${retry}`,
        );
        return;
      case 'rejected':
        this.#logger.error(
          `FreeSWITCH rejected the connection (event socket ACL): allow this host in event_socket.conf.xml; ${retry}`,
        );
    }
  }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
