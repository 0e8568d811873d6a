// Part 2: N administrators doing flow 1 at once on 1 or more simulator nodes (one process each), the
// controller in a process of its own: reaction times, events/s, CPU and heap per session.
import { type Distribution, distribution } from '../stats.js';
import { LoadRig } from './rig.js';

export interface LoadStepResult {
  readonly sessions: number;
  readonly nodes: number;
  readonly completed: number;
  /** Turned away at once by the controller's overload guard (busy prompt, hung up): not lost. */
  readonly refused: number;
  /** Lost: neither completed nor refused (a step timed out, a call failed). */
  readonly failed: number;
  readonly errors: readonly string[];
  /** From the first call to the last administrator back in the room with the invitee, s. */
  readonly seconds: number;
  readonly reactionMs: Distribution;
  /** Flow 1 from the call to both in the room, as the phones saw it, ms. */
  readonly flowMs: Distribution;
  readonly eventsPerSecond: number;
  readonly eventsPerSession: number;
  readonly commandsPerSession: number;
  readonly cpuMsPerSession: number;
  /** Heap after GC with every session in its room, minus before the first call, per session. */
  readonly heapBytesPerSession: number;
  /** Heap after GC once every call is gone, minus before the first call. */
  readonly heapBytesLeftAfter: number;
  readonly sessionsLeftAfter: number;
  readonly channelsLeftAfter: number;
  /** What the controller saw go wrong (all 0 in a clean run). */
  readonly controller: {
    readonly sessionsStarted: number;
    readonly sessionErrors: number;
    readonly commandsTimedOut: number;
    readonly commandsFailed: number;
  };
}

export interface LoadStepOptions {
  readonly sessions: number;
  readonly nodes: number;
  /** Node flags for the controller process (e.g. --cpu-prof). */
  readonly controllerNodeFlags?: readonly string[];
}

/** Starts this many flows per second at most (a burst of thousands of calls in one tick is no load test). */
const STARTS_PER_SECOND = 1000;

export async function runLoadStep(options: LoadStepOptions): Promise<LoadStepResult> {
  const rig = await LoadRig.start(options.nodes, options.controllerNodeFlags);
  try {
    const before = await rig.measure();
    const t0 = performance.now();
    const ran = await rig.run(options.sessions, (options.sessions * 1000) / STARTS_PER_SECOND, 100_000);
    const seconds = (performance.now() - t0) / 1000;
    const peak = await rig.measure();
    const after = await rig.hangupAll();
    const end = await rig.measure();
    const reactions = await rig.takeReactions();
    return {
      sessions: options.sessions,
      nodes: options.nodes,
      completed: ran.ok,
      refused: ran.refused,
      failed: ran.failed,
      errors: ran.errors,
      seconds,
      reactionMs: distribution(reactions),
      flowMs: distribution(ran.flowMs),
      eventsPerSecond: (peak.events - before.events) / seconds,
      eventsPerSession: (end.events - before.events) / options.sessions,
      commandsPerSession: (end.commands - before.commands) / options.sessions,
      cpuMsPerSession: (end.cpuUs - before.cpuUs) / 1000 / options.sessions,
      heapBytesPerSession: (peak.heapUsed - before.heapUsed) / options.sessions,
      heapBytesLeftAfter: end.heapUsed - before.heapUsed,
      sessionsLeftAfter: after.sessionsLeft,
      channelsLeftAfter: after.channelsLeft,
      controller: {
        sessionsStarted: end.sessionsStarted - before.sessionsStarted,
        sessionErrors: end.sessionErrors - before.sessionErrors,
        commandsTimedOut: end.commandsTimedOut - before.commandsTimedOut,
        commandsFailed: end.commandsFailed - before.commandsFailed,
      },
    };
  } finally {
    await rig.stop();
  }
}
