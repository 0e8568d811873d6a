import { describe, expect, it } from 'vitest';
import { type Clock, ManualClock, type TimerHandle } from '../../src/clock.js';
import { DeadlineTimers } from '../../src/runtime/timers.js';

describe('deadline timers', () => {
  it('fires at the deadline; re-arming a key replaces it; cancel forgets it', () => {
    const clock = new ManualClock(1000);
    const timers = new DeadlineTimers(clock);
    const fired: Array<[string, number]> = [];
    timers.arm('s1:ring', 5000, (now) => fired.push(['ring', now]));
    timers.arm('s1:ring', 7000, (now) => fired.push(['ring again', now]));
    timers.arm('s1:pin', 2000, (now) => fired.push(['pin', now]));
    timers.arm('s2:pin', 3000, (now) => fired.push(['other session', now]));
    timers.cancel('s1:pin');
    clock.advance(10_000);
    expect(fired).toEqual([
      ['other session', 3000],
      ['ring again', 7000],
    ]);
    expect(timers.size).toBe(0);
  });

  it('cancelAll(prefix) forgets one session only', () => {
    const clock = new ManualClock(0);
    const timers = new DeadlineTimers(clock);
    const fired: string[] = [];
    timers.arm('a:ring', 10, () => fired.push('a'));
    timers.arm('b:ring', 10, () => fired.push('b'));
    timers.cancelAll('a:');
    clock.advance(20);
    expect(fired).toEqual(['b']);
  });

  it('a timer that fires early waits for the rest: the deadline is never reported before it is due', () => {
    const manual = new ManualClock(0);
    // A clock whose longer timers fire 5 ms early (as rounding on a scaled clock can).
    const early: Clock = {
      now: () => manual.now(),
      setTimer: (ms, fn): TimerHandle => manual.setTimer(ms > 5 ? ms - 5 : ms, fn),
    };
    const timers = new DeadlineTimers(early);
    const fired: number[] = [];
    timers.arm('s:dial', 100, (now) => fired.push(now));
    manual.advance(95);
    expect(fired).toEqual([]);
    manual.advance(10);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(100);
  });
});
