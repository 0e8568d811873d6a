import { describe, expect, it } from 'vitest';
import { PinGuard } from '../../src/runtime/lockout.js';

const settings = { maxFailures: 3, windowMs: 60_000, durationMs: 300_000, globalRatePerMinute: 5 };

describe('PIN brute-force guard', () => {
  it('locks a caller out after maxFailures wrong PINs within the window, for durationMs', () => {
    const guard = new PinGuard(settings);
    expect(guard.recordFailure('cid:1001', 0)).toBeUndefined();
    expect(guard.recordFailure('cid:1001', 1_000)).toBeUndefined();
    expect(guard.recordFailure('cid:1001', 2_000)).toBe('caller');
    expect(guard.check('cid:1001', 100_000)).toBe('caller');
    expect(guard.check('cid:1002', 100_000)).toBeUndefined();
    expect(guard.check('cid:1001', 302_001)).toBeUndefined();
    expect(guard.counters()).toMatchObject({ failures: 3, callerLockouts: 1, refused: 1 });
  });

  it('forgets failures older than the window', () => {
    const guard = new PinGuard(settings);
    guard.recordFailure('cid:1001', 0);
    guard.recordFailure('cid:1001', 10_000);
    expect(guard.recordFailure('cid:1001', 70_001)).toBeUndefined();
    expect(guard.check('cid:1001', 70_002)).toBeUndefined();
  });

  it('locks everybody out while wrong PINs from all callers exceed the global rate', () => {
    const guard = new PinGuard({ ...settings, maxFailures: 100 });
    for (let i = 0; i < 5; i++) expect(guard.recordFailure(`cid:${i}`, i * 1000)).toBeUndefined();
    expect(guard.recordFailure('cid:9', 6_000)).toBe('global');
    expect(guard.check('cid:new', 7_000)).toBe('global');
    // A minute later the rate is back under the limit.
    expect(guard.check('cid:new', 66_001)).toBeUndefined();
    expect(guard.counters().globalLockouts).toBe(1);
  });
});
