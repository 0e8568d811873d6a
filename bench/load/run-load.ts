// Part 2: N administrators doing flow 1 at once on 1 or more simulator nodes (one process each), the
// controller in a process of its own: reaction times, events/s, CPU and heap per session.
import type { ChildProcess } from 'node:child_process';
import { exited, forkBench, nextMessage } from '../child.js';
import { type Distribution, distribution } from '../stats.js';
import type { ControllerCommand, ControllerMessage, Measurement } from './controller-node.js';
import type { SimNodeCommand, SimNodeMessage } from './sim-node.js';

export const ADMIN_PIN = '8642097531';

export interface LoadStepResult {
  readonly sessions: number;
  readonly nodes: number;
  readonly completed: number;
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

const byType =
  <M extends { type: string }, T extends M['type']>(type: T) =>
  (m: unknown) =>
    (m as M).type === type ? (m as Extract<M, { type: T }>) : undefined;

function tell<C>(child: ChildProcess, command: C): void {
  child.send(command as object);
}

/** The running processes of one step: simulator nodes and the controller. */
export class LoadRig {
  private constructor(
    readonly nodes: readonly ChildProcess[],
    readonly controller: ChildProcess,
  ) {}

  static async start(nodeCount: number, controllerNodeFlags: readonly string[] = []): Promise<LoadRig> {
    const nodes = Array.from({ length: nodeCount }, () => forkBench('./load/sim-node', []));
    const controller = forkBench('./load/controller-node', [], ['--expose-gc', ...controllerNodeFlags]);
    const rig = new LoadRig(nodes, controller);
    try {
      const ports = await Promise.all(
        nodes.map(async (node) => (await nextMessage(node, byType<SimNodeMessage, 'ready'>('ready'))).port),
      );
      tell<ControllerCommand>(controller, { type: 'start', ports, pin: ADMIN_PIN });
      await nextMessage(controller, byType<ControllerMessage, 'ready'>('ready'));
      return rig;
    } catch (err) {
      await rig.stop();
      throw err;
    }
  }

  async measure(): Promise<Measurement> {
    tell<ControllerCommand>(this.controller, { type: 'measure' });
    return (await nextMessage(this.controller, byType<ControllerMessage, 'measured'>('measured')))
      .measurement;
  }

  /** Runs `sessions` flows spread over the nodes, started over `rampMs`. */
  async run(sessions: number, rampMs: number, firstCaller: number) {
    const share = (i: number) =>
      Math.floor(sessions / this.nodes.length) + (i < sessions % this.nodes.length ? 1 : 0);
    const results = await Promise.all(
      this.nodes.map((node, i) => {
        const done = nextMessage(node, byType<SimNodeMessage, 'ran'>('ran'));
        tell<SimNodeCommand>(node, {
          type: 'run',
          sessions: share(i),
          firstCaller: firstCaller + i * 100_000,
          rampMs,
          pin: ADMIN_PIN,
        });
        return done;
      }),
    );
    return {
      ok: results.reduce((n, r) => n + r.ok, 0),
      failed: results.reduce((n, r) => n + r.failed, 0),
      errors: results.flatMap((r) => r.errors).slice(0, 5),
      flowMs: results.flatMap((r) => r.flowMs),
    };
  }

  /** Every phone hangs up; resolves once the switches are empty and the controller has no session. */
  async hangupAll(): Promise<{ channelsLeft: number; sessionsLeft: number }> {
    const hung = await Promise.all(
      this.nodes.map((node) => {
        const done = nextMessage(node, byType<SimNodeMessage, 'hung-up'>('hung-up'));
        tell<SimNodeCommand>(node, { type: 'hangup' });
        return done;
      }),
    );
    tell<ControllerCommand>(this.controller, { type: 'wait-idle', timeoutMs: 60_000 });
    const idle = await nextMessage(this.controller, byType<ControllerMessage, 'idle'>('idle'));
    return { channelsLeft: hung.reduce((n, h) => n + h.channelsLeft, 0), sessionsLeft: idle.sessionsLeft };
  }

  async takeReactions(): Promise<number[]> {
    tell<ControllerCommand>(this.controller, { type: 'take-reactions' });
    return (await nextMessage(this.controller, byType<ControllerMessage, 'reactions'>('reactions'))).ms;
  }

  async stop(): Promise<void> {
    const all = [...this.nodes, this.controller];
    for (const child of all) if (child.connected) child.send({ type: 'exit' });
    const timer = setTimeout(() => {
      for (const child of all) if (child.exitCode === null) child.kill();
    }, 10_000);
    await Promise.all(all.map((child) => exited(child)));
    clearTimeout(timer);
  }
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
