// Deadlines on the Clock, keyed by session and name. Re-arming a key replaces it. A timer that fires a
// little early on a scaled clock waits for the rest, so the machine's "is it due yet" check holds.
import type { Clock, TimerHandle } from '../clock.js';

/** The timers of one owner (one session): keys are its own names, kept apart from every other owner's. */
export interface ScopedTimers {
  arm(name: string, at: number, fire: (now: number) => void): void;
  cancel(name: string): void;
  cancelAll(): void;
}

export class DeadlineTimers {
  readonly #clock: Clock;
  readonly #timers = new Map<string, TimerHandle>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Calls `fire(now)` at or after `at` (epoch ms on the clock). Replaces an armed timer of the same key. */
  arm(key: string, at: number, fire: (now: number) => void): void {
    this.cancel(key);
    const schedule = () => {
      const wait = at - this.#clock.now();
      this.#timers.set(
        key,
        this.#clock.setTimer(Math.max(wait, 0), () => {
          if (this.#clock.now() < at) {
            schedule();
            return;
          }
          this.#timers.delete(key);
          fire(this.#clock.now());
        }),
      );
    };
    schedule();
  }

  cancel(key: string): void {
    this.#timers.get(key)?.cancel();
    this.#timers.delete(key);
  }

  /** Cancels every timer whose key starts with `prefix`. */
  cancelAll(prefix = ''): void {
    for (const key of [...this.#timers.keys()]) if (key.startsWith(prefix)) this.cancel(key);
  }

  /** The timers keyed `<owner>:<name>`. */
  scoped(owner: string): ScopedTimers {
    const prefix = `${owner}:`;
    return {
      arm: (name, at, fire) => this.arm(prefix + name, at, fire),
      cancel: (name) => this.cancel(prefix + name),
      cancelAll: () => this.cancelAll(prefix),
    };
  }

  get size(): number {
    return this.#timers.size;
  }
}
