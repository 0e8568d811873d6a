// The performance targets, checked against one run's figures (never in the test suite).
import type { IngestReport } from './ingest/run-ingest.js';
import type { LatencyReport } from './latency/run-latency.js';
import type { KneeReport } from './load/knee.js';
import type { LoadStepResult } from './load/run-load.js';
import type { SoakResult } from './soak.js';

export interface TargetCheck {
  readonly target: string;
  /** undefined: the part it needs was not run. */
  readonly met: boolean | undefined;
  readonly detail: string;
}

const KB = 1024;
const MB = 1024 * 1024;

function mbps(report: IngestReport | undefined, consumer: string): number | undefined {
  return report?.consumers.find((c) => c.consumer === consumer)?.best.mbPerSecond;
}

export function checkTargets(
  ingest: IngestReport | undefined,
  load: readonly LoadStepResult[],
  soak: SoakResult | undefined,
  latency?: LatencyReport,
  knee?: KneeReport,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const dynconf = mbps(ingest, 'dynconf pipeline');
  const modesl = mbps(ingest, 'modesl');
  const lite = Math.max(
    mbps(ingest, 'esl-lite (as shipped)') ?? 0,
    mbps(ingest, 'esl-lite (dynconf fix)') ?? 0,
  );
  checks.push(
    dynconf === undefined || modesl === undefined
      ? { target: 'ingest ≥ 2× modesl', met: undefined, detail: 'ingest not run' }
      : {
          target: 'ingest ≥ 2× modesl',
          met: dynconf >= 2 * modesl,
          detail: `${(dynconf / modesl).toFixed(2)}× (${dynconf.toFixed(0)} vs ${modesl.toFixed(0)} MB/s)`,
        },
  );
  checks.push(
    dynconf === undefined || lite === 0
      ? { target: 'ingest within 25% of esl-lite', met: undefined, detail: 'ingest not run' }
      : {
          target: 'ingest within 25% of esl-lite',
          met: dynconf >= 0.75 * lite,
          detail: `${((100 * dynconf) / lite).toFixed(0)}% of the faster esl-lite (${lite.toFixed(0)} MB/s)`,
        },
  );
  const at1000 = load.filter((s) => s.sessions === 1000);
  checks.push(
    at1000.length === 0
      ? { target: 'reaction p99 < 5 ms at 1,000 sessions', met: undefined, detail: 'no 1,000-session step' }
      : {
          target: 'reaction p99 < 5 ms at 1,000 sessions',
          met: at1000.every((s) => s.reactionMs.p99 < 5 && s.failed === 0),
          detail: at1000.map((s) => `${s.nodes} node(s): ${s.reactionMs.p99.toFixed(2)} ms`).join(', '),
        },
  );
  const largest = Math.max(0, ...load.map((s) => s.sessions));
  const biggest = load.filter((s) => s.sessions === largest);
  const heaviest = biggest.reduce<(typeof biggest)[number] | undefined>(
    (a, b) => (a === undefined || b.nodes > a.nodes ? b : a),
    undefined,
  );
  checks.push(
    heaviest === undefined
      ? {
          target: 'overload: none lost (completed + refused = started)',
          met: undefined,
          detail: 'load not run',
        }
      : {
          target: 'overload: none lost (completed + refused = started)',
          met: heaviest.failed === 0 && heaviest.completed + heaviest.refused === heaviest.sessions,
          detail: `${heaviest.sessions} × ${heaviest.nodes}: ${heaviest.completed} completed, ${heaviest.refused} refused, ${heaviest.failed} lost`,
        },
  );
  checks.push(
    biggest.length === 0
      ? { target: 'heap < 64 KB per session', met: undefined, detail: 'load not run' }
      : {
          target: 'heap < 64 KB per session',
          met: biggest.every((s) => s.heapBytesPerSession < 64 * KB),
          detail: biggest
            .map((s) => `${(s.heapBytesPerSession / KB).toFixed(1)} KB at ${s.sessions} × ${s.nodes} node(s)`)
            .join(', '),
        },
  );
  const kneeTarget = 'knee: administrators/s with reaction p99 < 5 ms';
  checks.push(
    knee === undefined
      ? { target: kneeTarget, met: undefined, detail: 'knee not run' }
      : {
          target: kneeTarget,
          met: knee.kneePerSecond !== undefined,
          detail:
            (knee.kneePerSecond === undefined
              ? `below ${knee.steps[0]?.perSecond ?? '?'}/s`
              : `${knee.kneePerSecond}/s on ${knee.nodes} node(s)`) +
            (knee.failedAtPerSecond === undefined
              ? ', limit not reached'
              : `; at ${knee.failedAtPerSecond}/s limited by ${knee.limit.side}`),
        },
  );
  for (const kind of ['**', '*#'] as const) {
    const target = `${kind}: key → last command p99 < 1 ms`;
    const fig = latency?.figures.find((f) => f.kind === kind);
    checks.push(
      latency === undefined || fig === undefined || fig.lastMs.count === 0
        ? { target, met: undefined, detail: 'latency not run' }
        : {
            target,
            met: fig.lastMs.p99 < 1 && latency.incomplete === 0 && latency.error === undefined,
            detail: `p50 ${fig.lastMs.p50.toFixed(3)} ms, p99 ${fig.lastMs.p99.toFixed(3)} ms (${fig.lastMs.count} samples)`,
          },
    );
  }
  checks.push(
    soak === undefined
      ? { target: 'no heap growth over the soak', met: undefined, detail: 'run with --soak' }
      : {
          target: 'no heap growth over the soak',
          met: soak.growthBytes < 1 * MB && soak.failed === 0,
          detail: `${(soak.growthBytes / MB).toFixed(2)} MiB trend over ${soak.minutes} min, ${soak.sessions} sessions`,
        },
  );
  return checks;
}
