// How late the event loop runs: the p99 of its delay over about the last second (node:perf_hooks), what the
// overload guard reads. Only for the real clock: under a test clock time is not the machine's.
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How often the event loop is sampled. Each sample is the whole interval, so this much is taken off. */
export const LOOP_SAMPLE_MS = 10;

/** How much later than asked a sample of monitorEventLoopDelay came, ms (the histogram holds the whole
 * interval in ns: an idle loop reads about 10.1 ms). */
export function lateness(intervalNs: number): number {
  return Math.max(0, intervalNs / 1e6 - LOOP_SAMPLE_MS);
}

export interface LoopLag {
  /** The delay's p99 in ms over the current window (the previous one while the new one is young). */
  read(): number;
  stop(): void;
}

export function watchLoopLag(windowMs = 1000): LoopLag {
  const histogram = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  histogram.enable();
  let windowStart = performance.now();
  let previous = 0;
  return {
    read() {
      const current = histogram.count > 0 ? lateness(histogram.percentile(99)) : 0;
      if (performance.now() - windowStart >= windowMs) {
        previous = current;
        histogram.reset();
        windowStart = performance.now();
        return current;
      }
      return Math.max(current, histogram.count < 10 ? previous : 0);
    },
    stop: () => histogram.disable(),
  };
}
