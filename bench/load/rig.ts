// The running processes of one load step: simulator nodes (one process each, phones included) and the
// controller in a process of its own, driven over IPC.
import type { ChildProcess } from 'node:child_process';
import { SERVICE_NODE_FLAGS } from '../../src/service-node-flags.js';
import { exited, forkBench, nextMessage } from '../child.js';
import type { ControllerCommand, ControllerMessage, Measurement } from './controller-node.js';
import type { ProcessLoad } from './process-load.js';
import type { SimNodeCommand, SimNodeMessage } from './sim-node.js';

export const ADMIN_PIN = '8642097531';

const byType =
  <M extends { type: string }, T extends M['type']>(type: T) =>
  (m: unknown) =>
    (m as M).type === type ? (m as Extract<M, { type: T }>) : undefined;

function tell<C>(child: ChildProcess, command: C): void {
  child.send(command as object);
}

export class LoadRig {
  private constructor(
    readonly nodes: readonly ChildProcess[],
    readonly controller: ChildProcess,
  ) {}

  static async start(nodeCount: number, controllerNodeFlags: readonly string[] = []): Promise<LoadRig> {
    const nodes = Array.from({ length: nodeCount }, () => forkBench('./load/sim-node', []));
    // Started as the service is (src/service-node-flags.ts).
    const controller = forkBench(
      './load/controller-node',
      [],
      ['--expose-gc', ...SERVICE_NODE_FLAGS, ...controllerNodeFlags],
    );
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

  /** CPU and event-loop lag of every process (the lag since the previous call). */
  async loads(): Promise<{ controller: ProcessLoad; nodes: ProcessLoad[] }> {
    const ask = async (child: ChildProcess) => {
      const answer = nextMessage(child, byType<SimNodeMessage | ControllerMessage, 'load'>('load'));
      child.send({ type: 'load' });
      return (await answer).load;
    };
    const [controller, ...nodes] = await Promise.all([this.controller, ...this.nodes].map(ask));
    return { controller: controller as ProcessLoad, nodes };
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
      refused: results.reduce((n, r) => n + r.refused, 0),
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
