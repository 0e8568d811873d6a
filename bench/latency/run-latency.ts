// Part 3: reaction latency of a quiet controller. One administrator on one simulator node (its own
// process) does `**`, `*#` and has its invitee answer, again and again; the controller (its own process)
// records when each event was decoded and each command handed to the socket. Figures: event → first
// command about the call, event → last command the reaction needs (both moves of `**`, the hang-up and the
// move of `*#`, the bridge after an answer).

import { SERVICE_NODE_FLAGS } from '../../src/service-node-flags.js';
import { exited, forkBench, nextMessage } from '../child.js';
import { ADMIN_PIN } from '../load/rig.js';
import { type Distribution, distribution } from '../stats.js';
import type { LatencyControllerCommand, LatencyControllerMessage } from './controller-node.js';
import type { ReactionKind } from './reactions.js';
import type { LatencySimCommand, LatencySimMessage } from './sim-node.js';

export interface LatencyFigures {
  readonly kind: ReactionKind;
  readonly firstMs: Distribution;
  readonly lastMs: Distribution;
}

export interface LatencyReport {
  readonly rounds: number;
  /** Rounds run before the counted ones and not counted. */
  readonly warmupRounds: number;
  readonly figures: readonly LatencyFigures[];
  /** Reactions whose commands were not all seen (0 in a clean run). */
  readonly incomplete: number;
  readonly error?: string;
}

const KINDS: readonly ReactionKind[] = ['**', '*#', 'answer'];

const byType =
  <M extends { type: string }, T extends M['type']>(type: T) =>
  (m: unknown) =>
    (m as M).type === type ? (m as Extract<M, { type: T }>) : undefined;

export async function runLatency(rounds: number, warmupRounds: number): Promise<LatencyReport> {
  const node = forkBench('./latency/sim-node', []);
  // Started as the service is (src/service-node-flags.ts), plus any flags given for a diagnosis.
  const controller = forkBench(
    './latency/controller-node',
    [],
    [...SERVICE_NODE_FLAGS, ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)],
  );
  try {
    const { port } = await nextMessage(node, byType<LatencySimMessage, 'ready'>('ready'));
    controller.send({ type: 'start', port, pin: ADMIN_PIN } satisfies LatencyControllerCommand);
    await nextMessage(controller, byType<LatencyControllerMessage, 'ready'>('ready'));
    const runRounds = async (count: number) => {
      node.send({ type: 'run', rounds: count, pin: ADMIN_PIN } satisfies LatencySimCommand);
      const ran = await nextMessage(node, byType<LatencySimMessage, 'ran'>('ran'));
      controller.send({ type: 'take-reactions' } satisfies LatencyControllerCommand);
      const { report } = await nextMessage(
        controller,
        byType<LatencyControllerMessage, 'reactions'>('reactions'),
      );
      return { ran, report };
    };
    // Warm-up: a controller that has run for a while has compiled the code of these reactions (V8 tiers a
    // function up after many calls) and keeps its tables warm; a round a few hundred ms apart gets there
    // slowly, so the first rounds measure the compiler rather than the controller.
    if (warmupRounds > 0) {
      const { ran } = await runRounds(warmupRounds);
      if (ran.error !== undefined)
        return { rounds, warmupRounds, figures: [], incomplete: 0, error: ran.error };
    }
    const { ran, report } = await runRounds(rounds);
    const figures = KINDS.map((kind) => {
      const of = report.reactions.filter((r) => r.kind === kind);
      return {
        kind,
        firstMs: distribution(of.map((r) => r.firstMs)),
        lastMs: distribution(of.map((r) => r.lastMs)),
      };
    });
    return {
      rounds,
      warmupRounds,
      figures,
      incomplete: report.incomplete,
      ...(ran.error === undefined ? {} : { error: ran.error }),
    };
  } finally {
    for (const child of [node, controller]) if (child.connected) child.send({ type: 'exit' });
    const timer = setTimeout(() => {
      for (const child of [node, controller]) if (child.exitCode === null) child.kill();
    }, 10_000);
    await Promise.all([exited(node), exited(controller)]);
    clearTimeout(timer);
  }
}
