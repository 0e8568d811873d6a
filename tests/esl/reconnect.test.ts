// The reconnect waits (src/esl/reconnect.ts): a ceiling that grows from initialMs by factor and stops at
// maxMs, whatever the number of failures, and each wait drawn from the upper half of its ceiling.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BACKOFF,
  jitteredDelay,
  retryCeiling,
  retryDelay,
  seededRandom,
  seedOf,
} from '../../src/esl/reconnect.js';

describe('reconnect waits', () => {
  it('defaults: at most 100 ms before the first retry, doubling, never more than 1 s', () => {
    const ceilings = Array.from({ length: 8 }, (_, i) => retryCeiling(DEFAULT_BACKOFF, i + 1));
    expect(ceilings).toEqual([100, 200, 400, 800, 1000, 1000, 1000, 1000]);
    // However long the outage: thousands of failures in a row still wait at most maxMs.
    expect(retryCeiling(DEFAULT_BACKOFF, 100_000)).toBe(1000);
    expect(DEFAULT_BACKOFF.refusedMs).toBe(30_000);
  });

  it('factor and the shortest wait (half the ceiling)', () => {
    expect(retryCeiling({ initialMs: 100, maxMs: 2000, factor: 3 }, 3)).toBe(900);
    expect(retryDelay({ initialMs: 10, maxMs: 100 }, 1)).toBe(5);
    expect(retryDelay({ initialMs: 10, maxMs: 100 }, 9)).toBe(50);
  });

  it('every wait lies in [ceiling / 2, ceiling], also at the edges of the random draw', () => {
    for (const draw of [0, 0.25, 0.999_999, 1]) {
      for (let attempt = 1; attempt <= 12; attempt++) {
        const wait = jitteredDelay(DEFAULT_BACKOFF, attempt, () => draw);
        const ceiling = retryCeiling(DEFAULT_BACKOFF, attempt);
        expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
        expect(wait).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('two controllers that lost FreeSWITCH at the same moment do not retry in step', () => {
    const a = seededRandom(seedOf('10.0.0.5:8021@1767600000000'));
    const b = seededRandom(seedOf('10.0.0.5:8021@1767600000001'));
    const waits = (random: () => number) =>
      Array.from({ length: 20 }, () => jitteredDelay(DEFAULT_BACKOFF, 10, random));
    const wa = waits(a);
    const wb = waits(b);
    expect(wa).not.toEqual(wb);
    expect(new Set(wa).size).toBeGreaterThan(10);
  });

  it('a seeded generator repeats itself and stays in [0, 1)', () => {
    const first = seededRandom(42);
    const again = seededRandom(42);
    const draws = Array.from({ length: 1000 }, () => first());
    expect(Array.from({ length: 1000 }, () => again())).toEqual(draws);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });
});
