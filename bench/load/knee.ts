// Part 2b: capacity. Administrators arrive at a rising rate (flow 1, spread evenly over each window), one
// rate per step on the same processes, until a step is no longer sustained. The knee is the highest rate
// sustained: every administrator completed (none refused by the overload guard, none lost), the
// controller's reaction p99 under 5 ms, and callers not slowed down (their flow's median time at most
// 1.5× the one at the lowest rate: a controller starved of CPU reacts fast once it runs, but late). Each process's CPU and event-loop lag during the window, and the
// CPU each one spent per administrator, say which side gave out: the controller, the simulators, or the
// machine's CPUs they share.
import { type Distribution, distribution } from '../stats.js';
import type { ProcessLoad } from './process-load.js';
import { LoadRig } from './rig.js';

export const KNEE_REACTION_P99_MS = 5;
/** A process using this much of a core, or whose event loop runs this late, is saturated. */
const BUSY_CORES = 0.85;
const BUSY_LAG_MS = 20;
/** Processes that together use this share of the machine's CPUs have filled it. */
const MACHINE_BUSY = 0.8;
/** A flow this much slower (median) than at the lowest rate: callers wait on a busy system. */
const SLOWED = 1.5;

export interface KneeStep {
  /** Administrators started per second (asked). */
  readonly perSecond: number;
  readonly started: number;
  readonly completed: number;
  readonly refused: number;
  readonly lost: number;
  readonly reactionMs: Distribution;
  readonly flowMs: Distribution;
  /** During the arrival window. */
  readonly controller: { readonly cpuCores: number; readonly lagP99Ms: number };
  readonly simulator: {
    /** All simulator processes together. */
    readonly cpuCores: number;
    readonly busiestNodeCpuCores: number;
    /** The worst node's. */
    readonly lagP99Ms: number;
  };
  /** CPU spent per administrator from the first arrival until the last one was done, ms. */
  readonly controllerCpuMsPerAdmin: number;
  readonly simulatorCpuMsPerAdmin: number;
}

export type LimitSide = 'controller' | 'simulator' | 'both' | 'machine' | 'neither' | 'not reached';

export interface KneeAnalysis {
  /** Highest rate sustained before the first step that was not; undefined when not even the first was. */
  readonly kneePerSecond: number | undefined;
  /** The first rate not sustained, and why. */
  readonly failedAtPerSecond: number | undefined;
  readonly limit: { readonly side: LimitSide; readonly detail: string };
  /** Administrators per second one core could serve, from the CPU each side spent per administrator. */
  readonly controllerPerCoreSecond: number;
  readonly simulatorPerCoreSecond: number;
}

export interface KneeReport extends KneeAnalysis {
  readonly nodes: number;
  readonly windowSeconds: number;
  readonly cpus: number;
  readonly steps: readonly KneeStep[];
}

/** The flow's median time at the lowest rate tried: what a caller gets from an unloaded system. */
export function unloadedFlowMs(steps: readonly KneeStep[]): number {
  return steps[0]?.flowMs.p50 ?? Number.NaN;
}

/** Why `step` was not sustained (empty when it was). */
export function shortfalls(step: KneeStep, unloadedMs: number): string[] {
  const reasons: string[] = [];
  if (step.lost > 0) reasons.push(`${step.lost} lost`);
  if (step.refused > 0) reasons.push(`${step.refused} refused (busy)`);
  if (step.completed + step.lost + step.refused !== step.started)
    reasons.push('not every flow accounted for');
  if (!(step.reactionMs.p99 < KNEE_REACTION_P99_MS))
    reasons.push(`reaction p99 ${step.reactionMs.p99.toFixed(2)} ms`);
  if (!(step.flowMs.p50 <= SLOWED * unloadedMs))
    reasons.push(
      `callers slowed: flow p50 ${(step.flowMs.p50 / 1000).toFixed(1)} s (${(unloadedMs / 1000).toFixed(1)} s unloaded)`,
    );
  return reasons;
}

export function sustained(step: KneeStep, unloadedMs: number): boolean {
  return shortfalls(step, unloadedMs).length === 0;
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;

/** The knee and the side that limited, from the steps of one ramp (in rising order). */
export function analyseKnee(steps: readonly KneeStep[], cpus: number): KneeAnalysis {
  const unloaded = unloadedFlowMs(steps);
  const firstFailed = steps.findIndex((step) => !sustained(step, unloaded));
  const held = firstFailed < 0 ? steps : steps.slice(0, firstFailed);
  const failed = firstFailed < 0 ? undefined : steps[firstFailed];
  // CPU per administrator from the steps that were sustained (a saturated step's figures include waiting).
  const basis = held.length > 0 ? held : steps;
  const perCore = (msPerAdmin: number) => (msPerAdmin > 0 ? 1000 / msPerAdmin : Number.NaN);
  return {
    kneePerSecond: held.at(-1)?.perSecond,
    failedAtPerSecond: failed?.perSecond,
    limit: failed === undefined ? notReached(steps) : limitOf(failed, cpus, shortfalls(failed, unloaded)),
    controllerPerCoreSecond: perCore(mean(basis.map((s) => s.controllerCpuMsPerAdmin))),
    simulatorPerCoreSecond: perCore(mean(basis.map((s) => s.simulatorCpuMsPerAdmin))),
  };
}

function notReached(steps: readonly KneeStep[]): KneeAnalysis['limit'] {
  const top = steps.at(-1);
  return {
    side: 'not reached',
    detail:
      top === undefined
        ? 'no step ran'
        : `every rate up to ${top.perSecond}/s was sustained: try higher rates`,
  };
}

function limitOf(step: KneeStep, cpus: number, reasons: readonly string[]): KneeAnalysis['limit'] {
  const { controller, simulator } = step;
  // A process alone on a whole core is saturated; one whose event loop runs late while the machine has
  // CPU to spare is busy too (a burst); when the processes together fill the machine, the lateness is
  // theirs for a core, and the limit is the machine's CPUs.
  const controllerFull = controller.cpuCores >= BUSY_CORES;
  const simulatorFull = simulator.busiestNodeCpuCores >= BUSY_CORES;
  const machineFull = controller.cpuCores + simulator.cpuCores >= MACHINE_BUSY * cpus;
  const controllerLate = controller.lagP99Ms >= BUSY_LAG_MS;
  const simulatorLate = simulator.lagP99Ms >= BUSY_LAG_MS;
  let side: LimitSide;
  if (controllerFull && simulatorFull) side = 'machine';
  else if (controllerFull) side = 'controller';
  else if (simulatorFull) side = 'simulator';
  else if (machineFull) side = 'machine';
  else if (controllerLate && simulatorLate) side = 'both';
  else if (controllerLate) side = 'controller';
  else if (simulatorLate) side = 'simulator';
  else side = 'neither';
  const detail =
    `${reasons.join(', ')}; controller ${controller.cpuCores.toFixed(2)} cores, lag p99 ` +
    `${controller.lagP99Ms.toFixed(1)} ms; simulators ${simulator.cpuCores.toFixed(2)} cores (busiest node ` +
    `${simulator.busiestNodeCpuCores.toFixed(2)}), lag p99 ${simulator.lagP99Ms.toFixed(1)} ms; ${cpus} CPUs`;
  return { side, detail };
}

export interface KneeOptions {
  readonly nodes: number;
  /** Arrival rates to try, rising; the ramp stops after the first one not sustained. */
  readonly rates: readonly number[];
  readonly windowSeconds: number;
  readonly cpus: number;
  readonly progress: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuUs = (loads: readonly ProcessLoad[]) => loads.reduce((n, l) => n + l.cpuUs, 0);

export async function runKnee(options: KneeOptions): Promise<KneeReport> {
  const rig = await LoadRig.start(options.nodes);
  const steps: KneeStep[] = [];
  try {
    let firstCaller = 100_000;
    for (const perSecond of options.rates) {
      const windowMs = options.windowSeconds * 1000;
      const started = Math.max(1, Math.round(perSecond * options.windowSeconds));
      await rig.takeReactions(); // the previous step's are not this one's
      const atStart = await rig.loads();
      const t0 = performance.now();
      const running = rig.run(started, windowMs, firstCaller);
      await sleep(windowMs);
      const atWindowEnd = await rig.loads();
      const windowUs = (performance.now() - t0) * 1000;
      const ran = await running;
      const atEnd = await rig.loads();
      const reactions = await rig.takeReactions();
      await rig.hangupAll();
      firstCaller += started + 1;
      const nodeCores = atWindowEnd.nodes.map(
        (l, i) => (l.cpuUs - (atStart.nodes[i]?.cpuUs ?? 0)) / windowUs,
      );
      const step: KneeStep = {
        perSecond,
        started,
        completed: ran.ok,
        refused: ran.refused,
        lost: ran.failed,
        reactionMs: distribution(reactions),
        flowMs: distribution(ran.flowMs),
        controller: {
          cpuCores: (atWindowEnd.controller.cpuUs - atStart.controller.cpuUs) / windowUs,
          lagP99Ms: atWindowEnd.controller.lagP99Ms,
        },
        simulator: {
          cpuCores: nodeCores.reduce((a, b) => a + b, 0),
          busiestNodeCpuCores: Math.max(0, ...nodeCores),
          lagP99Ms: Math.max(0, ...atWindowEnd.nodes.map((l) => l.lagP99Ms)),
        },
        controllerCpuMsPerAdmin: (atEnd.controller.cpuUs - atStart.controller.cpuUs) / 1000 / started,
        simulatorCpuMsPerAdmin: (cpuUs(atEnd.nodes) - cpuUs(atStart.nodes)) / 1000 / started,
      };
      steps.push(step);
      options.progress(
        `  ${perSecond}/s: ${step.completed}/${started} done, ${step.refused} refused, ${step.lost} lost, reaction p99 ${step.reactionMs.p99.toFixed(2)} ms, controller ${step.controller.cpuCores.toFixed(2)} cores, simulators ${step.simulator.cpuCores.toFixed(2)} cores`,
      );
      if (!sustained(step, unloadedFlowMs(steps))) break;
    }
  } finally {
    await rig.stop();
  }
  return {
    nodes: options.nodes,
    windowSeconds: options.windowSeconds,
    cpus: options.cpus,
    steps,
    ...analyseKnee(steps, options.cpus),
  };
}
