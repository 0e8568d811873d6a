// How a session ends: the machine releases it (its last effect, with the outcome), then the session waits
// for its legs' queues to run out and for the invitee legs it hung up to go, at most LINGER_MS, and lets
// go of everything once (finish). A crash ends it at once.
import type { SessionOutcome } from '../../machines/index.js';
import { kill } from '../esl/commands.js';
import type { Logger } from '../log.js';
import type { Commander } from './commander.js';
import type { RuntimeCounters } from './counters.js';
import type { SessionLegs } from './session-legs.js';
import type { ScopedTimers } from './timers.js';

/** How long (clock ms) a released session waits for the legs it hung up to go before it lets go of them. */
export const LINGER_MS = 30_000;

export interface EndingHost {
  readonly logger: Logger;
  readonly commander: Commander;
  readonly counters: RuntimeCounters;
  readonly legs: SessionLegs;
  readonly timers: ScopedTimers;
  now(): number;
  /** The machine still runs (it has not reached a final state, nor failed, nor been stopped). */
  machineActive(): boolean;
  /** The legs may not make this a session again (no marks left on them). */
  clearMarks(): void;
  /** Called once, when the session lets go of everything. */
  letGo(): void;
}

export class SessionEnding {
  readonly #host: EndingHost;
  #outcome: SessionOutcome | undefined;
  #finished = false;
  #lingerArmed = false;

  constructor(host: EndingHost) {
    this.#host = host;
  }

  get outcome(): SessionOutcome | undefined {
    return this.#outcome;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** The machine's last effect: the session is over; let go once its queues and legs are done. */
  release(outcome: SessionOutcome): void {
    if (this.#outcome !== undefined) return;
    this.#outcome = outcome;
    const { counters, logger } = this.#host;
    // The two-party call goes on as a plain call: nothing on its legs may make it a session again.
    if (outcome === 'call-restored') this.#host.clearMarks();
    counters.outcomes[outcome] = (counters.outcomes[outcome] ?? 0) + 1;
    logger.info({ outcome }, 'session ended');
    queueMicrotask(() => this.check());
  }

  /** Lets go if the session was released and nothing is left to wait for (or waits, at most LINGER_MS). */
  check(): void {
    if (this.#finished || this.#outcome === undefined) return;
    if (this.#host.machineActive()) return;
    const { legs, timers } = this.#host;
    if (legs.anyBusy) return;
    if (legs.liveInvitees().length > 0) {
      if (!this.#lingerArmed) {
        this.#lingerArmed = true;
        timers.arm('linger', this.#host.now() + LINGER_MS, () => this.#lingerExpired());
      }
      return;
    }
    this.finish();
  }

  /** The machine itself failed (a bug): end what this session called, let go of the rest. */
  crashed(): void {
    for (const leg of this.#host.legs.liveInvitees()) this.#kill(leg.uuid);
    this.#outcome ??= 'service-error';
    this.finish();
  }

  /** Lets go of everything, once. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#host.timers.cancelAll();
    this.#host.letGo();
  }

  #lingerExpired(): void {
    for (const leg of this.#host.legs.liveInvitees()) {
      this.#host.logger.warn({ leg: leg.uuid }, 'invitee leg did not end in time; hanging it up once more');
      this.#kill(leg.uuid);
    }
    this.finish();
  }

  #kill(uuid: string): void {
    void this.#host.commander.api(kill(uuid), this.#host.logger);
  }
}
