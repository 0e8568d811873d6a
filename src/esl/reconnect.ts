// How long the transport waits between two connection attempts. A FreeSWITCH that is down is checked at
// least every `maxMs` (default 1 s), however long the outage: dynconf is back at most that long after
// FreeSWITCH accepts connections again. A refused connect costs one SYN and one RST, so checking that often
// is cheap even for a remote node; what could hurt is many controllers coming back in the same
// millisecond (each runs a full recovery), so every wait is drawn at random from the upper half of its
// window ("equal jitter"): never longer than the ceiling, never in lockstep with another controller.
// A refused password or an ACL rejection is not "down": FreeSWITCH is there and says no, so the next try
// waits `refusedMs` (default 30 s).

export interface Backoff {
  /** Longest wait before the first retry (default 100 ms). */
  initialMs?: number;
  /** Longest wait between two attempts, however long FreeSWITCH is away (default 1000 ms). */
  maxMs?: number;
  /** Each failed attempt multiplies the ceiling by this (default 2). */
  factor?: number;
  /** Wait after FreeSWITCH refused the password or rejected the connection (default 30 s). */
  refusedMs?: number;
}

export const DEFAULT_BACKOFF: Readonly<Required<Backoff>> = {
  initialMs: 100,
  maxMs: 1000,
  factor: 2,
  refusedMs: 30_000,
};

type Window = Pick<Required<Backoff>, 'initialMs' | 'maxMs'> & { factor?: number };

/** The longest wait after `attempt` failed attempts in a row: initial × factor^(attempt-1), capped. */
export function retryCeiling(backoff: Window, attempt: number): number {
  const factor = backoff.factor ?? DEFAULT_BACKOFF.factor;
  const grown = backoff.initialMs * factor ** Math.min(60, Math.max(0, attempt - 1));
  return Math.min(backoff.maxMs, grown);
}

/** The shortest wait after `attempt` failed attempts in a row (half the ceiling). */
export function retryDelay(backoff: Window, attempt: number): number {
  return retryCeiling(backoff, attempt) / 2;
}

/** A wait drawn from [ceiling/2, ceiling] with `random` (values in [0, 1)). */
export function jitteredDelay(backoff: Window, attempt: number, random: () => number): number {
  const ceiling = retryCeiling(backoff, attempt);
  const draw = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (draw * ceiling) / 2);
}

/**
 * A small seeded generator (mulberry32): the jitter of a connection on a test clock repeats run after run,
 * so a seeded fault campaign replays the same reconnect moments.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A 32-bit seed from text (FNV-1a). */
export function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
