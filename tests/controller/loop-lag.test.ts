// The overload guard's event-loop lag (src/controller/loop-lag.ts): how much later than asked the loop ran,
// not the sampling interval itself (monitorEventLoopDelay reports the whole interval: an idle loop ~10 ms).
import { describe, expect, it } from 'vitest';
import { LOOP_SAMPLE_MS, lateness } from '../../src/controller/loop-lag.js';

describe('event-loop lateness', () => {
  it('takes the sampling interval off what the histogram holds', () => {
    expect(LOOP_SAMPLE_MS).toBe(10);
    expect(lateness(10.2e6)).toBeCloseTo(0.2);
    expect(lateness(1_010e6)).toBeCloseTo(1_000);
    // A sample that came early (timer jitter) is not negative lateness.
    expect(lateness(9.5e6)).toBe(0);
  });
});
