// Waiting for a condition in FreeSWITCH: poll it until it holds or a deadline passes. The pause between
// two polls is not a fixed sleep standing in for an event: the deadline bounds the wait, and the error
// says what was awaited and what was seen last.

export interface EventuallyOptions {
  /** Give up after this long. Default 15 s. */
  readonly timeoutMs?: number;
  /** Pause between two polls. Default 100 ms. */
  readonly intervalMs?: number;
  /** Describes the state when the deadline passes (e.g. FreeSWITCH's channel list). */
  readonly describe?: () => Promise<string>;
  /** Errors of the probe that waiting cannot cure (e.g. a refused password): thrown at once. */
  readonly fatal?: (err: unknown) => boolean;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something other than undefined, and returns that. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  options: EventuallyOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (err) {
      if (options.fatal?.(err) === true) throw err;
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await pause(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
  let state = '';
  if (options.describe !== undefined) {
    try {
      state = `\nstate at the deadline:\n${await options.describe()}`;
    } catch (err) {
      state = `\n(could not describe the state: ${String(err)})`;
    }
  }
  const error =
    lastError === undefined
      ? ''
      : `\nlast error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${error}${state}`);
}

/**
 * Keeps a fault going for `durationMs` (FreeSWITCH kept down) while checking every `intervalMs` that what
 * must hold meanwhile holds: the length of the fault is the scenario, not a sleep standing in for an event.
 */
export async function holdFor(
  what: string,
  durationMs: number,
  check: () => void,
  intervalMs = 250,
): Promise<void> {
  const end = Date.now() + durationMs;
  for (;;) {
    try {
      check();
    } catch (err) {
      throw new Error(`while ${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const left = end - Date.now();
    if (left <= 0) return;
    await pause(Math.min(intervalMs, left));
  }
}
