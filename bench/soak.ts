// The soak: batches of administrators doing flow 1, all hung up after each batch, for N minutes, on one
// controller; its heap after GC is sampled after every batch. Growth = the least-squares trend of those
// samples (after two warm-up batches) over the soak.
import { LoadRig } from './load/rig.js';

export interface SoakResult {
  readonly minutes: number;
  readonly batches: number;
  readonly sessions: number;
  readonly failed: number;
  /** Heap after GC after each batch (bytes) and when (s since the start). */
  readonly samples: readonly { readonly at: number; readonly heapUsed: number }[];
  /** Trend of the heap over the soak after warm-up, bytes (negative: it shrank). */
  readonly growthBytes: number;
}

const BATCH = 200;
const WARM_UP_BATCHES = 2;

export function trendGrowth(samples: readonly { at: number; heapUsed: number }[]): number {
  if (samples.length < 2) return 0;
  const n = samples.length;
  const meanT = samples.reduce((a, s) => a + s.at, 0) / n;
  const meanH = samples.reduce((a, s) => a + s.heapUsed, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.at - meanT) * (s.heapUsed - meanH);
    den += (s.at - meanT) ** 2;
  }
  const slope = den === 0 ? 0 : num / den;
  return slope * ((samples[n - 1]?.at ?? 0) - (samples[0]?.at ?? 0));
}

export async function runSoak(minutes: number, progress: (line: string) => void): Promise<SoakResult> {
  const rig = await LoadRig.start(1);
  try {
    const t0 = performance.now();
    const samples: { at: number; heapUsed: number }[] = [];
    let batches = 0;
    let failed = 0;
    let reportedAt = -Infinity;
    while (performance.now() - t0 < minutes * 60_000 || batches <= WARM_UP_BATCHES) {
      const ran = await rig.run(BATCH, BATCH, 100_000 + (batches % 50) * BATCH);
      failed += ran.failed;
      await rig.hangupAll();
      await rig.takeReactions();
      const m = await rig.measure();
      batches++;
      const at = (performance.now() - t0) / 1000;
      samples.push({ at, heapUsed: m.heapUsed });
      if (at - reportedAt >= 30) {
        reportedAt = at;
        progress(
          `  soak ${at.toFixed(0)} s: batch ${batches}, heap ${(m.heapUsed / 2 ** 20).toFixed(1)} MiB`,
        );
      }
    }
    return {
      minutes,
      batches,
      sessions: batches * BATCH,
      failed,
      samples,
      growthBytes: trendGrowth(samples.slice(WARM_UP_BATCHES)),
    };
  } finally {
    await rig.stop();
  }
}
