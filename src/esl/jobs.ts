// bgapi jobs: FreeSWITCH runs the command in the background and reports it later as a BACKGROUND_JOB
// event carrying the Job-UUID we gave it. Each waiting bgapi is found by that uuid; it gives up on the
// injected clock.
import type { Clock, TimerHandle } from '../clock.js';
import type { EventOf } from './events.js';

export type BackgroundJob = EventOf<'background-job'>;

/** The job's event, or why there is none. */
export type JobOutcome = BackgroundJob | 'timeout' | 'closed';

interface Waiter {
  readonly resolve: (outcome: JobOutcome) => void;
  readonly timer: TimerHandle;
}

export class BackgroundJobs {
  readonly #waiters = new Map<string, Waiter>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  has(jobUuid: string): boolean {
    return this.#waiters.has(jobUuid);
  }

  /**
   * Starts waiting for `jobUuid` (before the bgapi is sent: its event may follow the reply at once).
   * The promise settles once: the event, `timeout` after `timeoutMs`, or `closed`; forget() stops it.
   */
  wait(jobUuid: string, timeoutMs: number): Promise<JobOutcome> {
    return new Promise((resolve) => {
      const timer = this.#clock.setTimer(timeoutMs, () => this.#settle(jobUuid, 'timeout'));
      this.#waiters.set(jobUuid, { resolve, timer });
    });
  }

  /** Stops waiting for `jobUuid` (its bgapi was not accepted); its promise stays pending. */
  forget(jobUuid: string): void {
    this.#waiters.get(jobUuid)?.timer.cancel();
    this.#waiters.delete(jobUuid);
  }

  /** A BACKGROUND_JOB: to the bgapi waiting for it, if one is. */
  deliver(event: BackgroundJob): void {
    this.#settle(event.jobUuid, event);
  }

  /** close(): every waiting bgapi gets `closed`. */
  close(): void {
    for (const jobUuid of [...this.#waiters.keys()]) this.#settle(jobUuid, 'closed');
  }

  #settle(jobUuid: string, outcome: JobOutcome): void {
    const waiter = this.#waiters.get(jobUuid);
    if (waiter === undefined) return;
    this.#waiters.delete(jobUuid);
    waiter.timer.cancel();
    waiter.resolve(outcome);
  }
}
