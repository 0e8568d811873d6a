// Brute-force guard for the admin PIN: a caller ID with too many wrong PINs within a window is locked out
// for a while, and too many wrong PINs per minute from everybody together lock every caller out until the
// rate drops. Only wrong PINs count (no input is not a guess). Nothing here sees a PIN.
import type { Config } from '../config/index.js';

const MINUTE_MS = 60_000;

export type LockoutReason = 'caller' | 'global';

export interface LockoutCounters {
  /** Wrong PINs recorded. */
  readonly failures: number;
  /** Times a caller ID became locked out. */
  readonly callerLockouts: number;
  /** Times the global rate was exceeded (counted once per crossing). */
  readonly globalLockouts: number;
  /** PIN entries refused because of a lockout. */
  readonly refused: number;
}

export class PinGuard {
  readonly #settings: Config['lockout'];
  readonly #failures = new Map<string, number[]>();
  readonly #lockedUntil = new Map<string, number>();
  #global: number[] = [];
  #globalLocked = false;
  #counters = { failures: 0, callerLockouts: 0, globalLockouts: 0, refused: 0 };

  constructor(settings: Config['lockout']) {
    this.#settings = settings;
  }

  /** Why `caller` may not try a PIN now, or undefined. Counts a refusal when locked. */
  check(caller: string, now: number): LockoutReason | undefined {
    const reason = this.#lockReason(caller, now);
    if (reason !== undefined) this.#counters.refused++;
    return reason;
  }

  /** Records a wrong PIN; returns the lockout it caused (or that already applies), if any. */
  recordFailure(caller: string, now: number): LockoutReason | undefined {
    this.#counters.failures++;
    const window = this.#settings.windowMs;
    const list = (this.#failures.get(caller) ?? []).filter((t) => now - t < window);
    list.push(now);
    this.#failures.set(caller, list);
    this.#global = this.#global.filter((t) => now - t < MINUTE_MS);
    this.#global.push(now);
    if (list.length >= this.#settings.maxFailures && !this.#isCallerLocked(caller, now)) {
      this.#lockedUntil.set(caller, now + this.#settings.durationMs);
      this.#failures.delete(caller);
      this.#counters.callerLockouts++;
    }
    return this.#lockReason(caller, now);
  }

  counters(): LockoutCounters {
    return { ...this.#counters };
  }

  #isCallerLocked(caller: string, now: number): boolean {
    const until = this.#lockedUntil.get(caller);
    if (until === undefined) return false;
    if (now < until) return true;
    this.#lockedUntil.delete(caller);
    return false;
  }

  #lockReason(caller: string, now: number): LockoutReason | undefined {
    if (this.#isCallerLocked(caller, now)) return 'caller';
    this.#global = this.#global.filter((t) => now - t < MINUTE_MS);
    const over = this.#global.length > this.#settings.globalRatePerMinute;
    if (over && !this.#globalLocked) this.#counters.globalLockouts++;
    this.#globalLocked = over;
    return over ? 'global' : undefined;
  }
}
