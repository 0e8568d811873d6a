// The tables `npm run bench` prints.
import type { IngestReport } from './ingest/run-ingest.js';
import type { LatencyReport } from './latency/run-latency.js';
import { type KneeReport, sustained, unloadedFlowMs } from './load/knee.js';
import type { LoadStepResult } from './load/run-load.js';
import type { MachineInfo } from './machine.js';
import type { HotFunction } from './profile-summary.js';
import type { SoakResult } from './soak.js';
import type { TargetCheck } from './targets.js';

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

export function machineText(m: MachineInfo): string {
  return `${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGb} GB, Node ${m.node}, ${m.os}, load average ${m.loadAverage.toFixed(2)}`;
}

export function ingestTable(report: IngestReport): string {
  const rows = report.consumers.map(({ consumer, best, runs }) => {
    const lost = runs.map((r) => r.expectedEvents - r.receivedEvents);
    const reconnects = runs.map((r) => Number(r.details.reconnects ?? 0)).reduce((a, b) => a + b, 0);
    const check = lost.every((l) => l === 0)
      ? 'all events'
      : `lost ${lost.join('/')}${reconnects > 0 ? `, ${reconnects} reconnect(s)` : ''}`;
    return [
      consumer,
      f(best.mbPerSecond),
      f(best.eventsPerSecond, 0),
      f((1000 * best.cpuMs) / best.receivedEvents, 1),
      f(best.seconds, 2),
      check,
    ];
  });
  return table(['consumer', 'MB/s', 'events/s', 'CPU µs/event', 's', 'count check (every run)'], rows);
}

export function loadTable(steps: readonly LoadStepResult[]): string {
  const rows = steps.map((s) => [
    `${s.sessions} × ${s.nodes}`,
    `${s.completed}/${s.sessions}`,
    String(s.refused),
    String(s.failed),
    f(s.reactionMs.p50, 2),
    f(s.reactionMs.p99, 2),
    f(s.reactionMs.max, 1),
    f(s.eventsPerSecond, 0),
    f(s.cpuMsPerSession, 2),
    f(s.heapBytesPerSession / 1024, 1),
    f(s.flowMs.p50 / 1000, 1),
    f(s.seconds, 1),
  ]);
  return table(
    [
      'sessions × nodes',
      'done',
      'refused',
      'lost',
      'react p50 ms',
      'p99 ms',
      'max ms',
      'events/s',
      'CPU ms/session',
      'heap KB/session',
      'flow p50 s',
      'step s',
    ],
    rows,
  );
}

export function kneeTable(report: KneeReport): string {
  const unloaded = unloadedFlowMs(report.steps);
  const rows = report.steps.map((s) => [
    String(s.perSecond),
    `${s.completed}/${s.started}`,
    String(s.refused),
    String(s.lost),
    f(s.reactionMs.p50, 2),
    f(s.reactionMs.p99, 2),
    f(s.flowMs.p50 / 1000, 1),
    f(s.controller.cpuCores, 2),
    f(s.controller.lagP99Ms, 1),
    f(s.simulator.cpuCores, 2),
    f(s.simulator.lagP99Ms, 1),
    sustained(s, unloaded) ? 'yes' : 'no',
  ]);
  return table(
    [
      'admins/s',
      'done',
      'refused',
      'lost',
      'react p50 ms',
      'p99 ms',
      'flow p50 s',
      'ctrl cores',
      'ctrl lag p99 ms',
      'sim cores',
      'sim lag p99 ms',
      'sustained',
    ],
    rows,
  );
}

const LIMIT_TEXT: Readonly<Record<string, string>> = {
  controller: 'the controller',
  simulator: 'the simulator',
  both: 'both the controller and the simulator',
  machine: "the machine's CPUs (controller and simulators together)",
  neither: 'neither process saturated',
  'not reached': 'not reached',
};

export function kneeText(report: KneeReport): string {
  const knee =
    report.kneePerSecond === undefined
      ? `knee: below ${report.steps[0]?.perSecond ?? '?'} administrators/s (the first rate was not sustained)`
      : `knee: ${report.kneePerSecond} administrators/s sustained (every one done, reaction p99 < 5 ms, callers not slowed)`;
  const limit =
    report.failedAtPerSecond === undefined
      ? `limit: ${report.limit.detail}`
      : `limited at ${report.failedAtPerSecond}/s by ${LIMIT_TEXT[report.limit.side] ?? report.limit.side}: ${report.limit.detail}`;
  const capacity = `capacity from CPU per administrator: controller ${f(report.controllerPerCoreSecond, 0)}/s per core, simulator ${f(report.simulatorPerCoreSecond, 0)}/s per core`;
  return [knee, limit, capacity].join('\n');
}

const REACTION_NAMES: Readonly<Record<string, string>> = {
  '**': '** (both into the room)',
  '*#': '*# (invitee hung up, back alone)',
  answer: 'invitee answers (its park or job → private bridge)',
};

export function latencyTable(report: LatencyReport): string {
  const rows = report.figures.map((fig) => [
    REACTION_NAMES[fig.kind] ?? fig.kind,
    String(fig.lastMs.count),
    f(fig.firstMs.p50, 3),
    f(fig.firstMs.p99, 3),
    f(fig.lastMs.p50, 3),
    f(fig.lastMs.p99, 3),
    f(fig.lastMs.max, 2),
  ]);
  return table(
    ['reaction', 'samples', 'first p50 ms', 'first p99 ms', 'last p50 ms', 'last p99 ms', 'last max ms'],
    rows,
  );
}

export function soakText(soak: SoakResult): string {
  const first = soak.samples[0]?.heapUsed ?? 0;
  const last = soak.samples[soak.samples.length - 1]?.heapUsed ?? 0;
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  return `soak: ${soak.batches} batches, ${soak.sessions} sessions (${soak.failed} failed) in ${soak.minutes} min; heap ${mib(first)} → ${mib(last)}, trend ${(soak.growthBytes / 2 ** 20).toFixed(2)} MiB`;
}

export function targetsTable(checks: readonly TargetCheck[]): string {
  return table(
    ['target', 'result', 'measured'],
    checks.map((c) => [c.target, c.met === undefined ? 'not run' : c.met ? 'met' : 'NOT MET', c.detail]),
  );
}

export function hotTable(hot: readonly HotFunction[]): string {
  return table(
    ['function', 'self ms', 'self %', 'where'],
    hot.map((h) => [h.name, f(h.selfMs, 0), f(h.selfPercent), h.where]),
  );
}
