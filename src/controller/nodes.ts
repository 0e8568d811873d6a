// Several FreeSWITCH nodes (config `eventSockets`): one event-socket connection and one runtime per node.
// Each runtime has its own session registry, so a channel is known by node and uuid, and a session sends
// its commands on the connection of the node its call is on. The nodes share the configuration, the clock
// and the metrics; each node's log lines carry its id.
import { eventSocketNodes } from '../config/index.js';
import { EslConnection } from '../esl/connection.js';
import { STAR0_SUBCLASS } from '../runtime/escalation.js';
import type { RuntimeStats } from '../runtime/runtime.js';
import { eslBackoff } from './backoff.js';
import {
  type Controller,
  type ControllerConnection,
  type ControllerOptions,
  startController,
} from './controller.js';

export interface ControllerNode {
  /** `host:port` of its event socket. */
  readonly id: string;
  readonly controller: Controller;
}

/** Several nodes shown as one; each node's own desk is in `nodes` (an operator call belongs to one node). */
export interface NodesController extends Omit<Controller, 'operator'> {
  /** The first node's connection (what single-node callers use); every node is in `nodes`. */
  readonly connection: ControllerConnection;
  readonly nodes: readonly ControllerNode[];
}

export interface NodesControllerOptions extends Omit<ControllerOptions, 'connection'> {
  /**
   * Connections made elsewhere, one per node, with their ids (not closed by stop()). Default: one
   * EslConnection per node of the configuration.
   */
  readonly connections?: readonly { readonly id: string; readonly connection: ControllerConnection }[];
}

/** Starts one controller per node and shows them as one. */
export function startControllerNodes(options: NodesControllerOptions): NodesController {
  const owned = options.connections === undefined;
  const connections =
    options.connections ??
    eventSocketNodes(options.config).map((node) => ({
      id: node.id,
      connection: new EslConnection({
        host: node.host,
        port: node.port,
        password: node.password,
        logger: options.logger,
        ...(options.clock && { clock: options.clock }),
        customSubclasses: [STAR0_SUBCLASS],
        backoff: eslBackoff(node.reconnect),
      }),
    }));
  const [first] = connections;
  if (first === undefined) throw new RangeError('startControllerNodes: no node');
  const several = connections.length > 1;
  const nodes: ControllerNode[] = connections.map(({ id, connection }) => ({
    id,
    controller: startController({
      ...options,
      logger: several ? options.logger.child({ node: id }) : options.logger,
      connection,
      nodeId: id,
    }),
  }));
  if (owned) for (const { connection } of connections) connection.start();
  let stopping: Promise<void> | undefined;

  return {
    connection: first.connection,
    nodes,
    async ready(wait) {
      await Promise.all(nodes.map((node) => node.controller.ready(wait)));
    },
    sessions: () => nodes.flatMap((node) => node.controller.sessions()),
    stats: () => sumCounts(nodes.map((node) => node.controller.stats())),
    onSessionFinished(listener) {
      const offs = nodes.map((node) => node.controller.onSessionFinished(listener));
      return () => {
        for (const off of offs) off();
      };
    },
    async drain(wait) {
      const reports = await Promise.all(nodes.map((node) => node.controller.drain(wait)));
      return {
        sessions: reports.reduce((sum, r) => sum + r.sessions, 0),
        unsettled: reports.reduce((sum, r) => sum + r.unsettled, 0),
      };
    },
    async recovered() {
      const reports = await Promise.all(nodes.map((node) => node.controller.recovered()));
      return reports[0];
    },
    stop: () => stopAll((controller) => controller.stop()),
    crash: () => stopAll((controller) => controller.crash()),
  };

  function stopAll(each: (controller: Controller) => Promise<void>): Promise<void> {
    stopping ??= (async () => {
      await Promise.all(nodes.map((node) => each(node.controller)));
      if (owned) await Promise.all(connections.map(({ connection }) => connection.close()));
    })();
    return stopping;
  }
}

/** Adds up counters of the same shape (numbers summed, nested objects added key by key). */
export function sumCounts(all: readonly RuntimeStats[]): RuntimeStats {
  const add = (a: unknown, b: unknown): unknown => {
    if (typeof a === 'number' && typeof b === 'number') return a + b;
    if (typeof b === 'number') return b;
    if (typeof b !== 'object' || b === null) return a ?? b;
    const sum: Record<string, unknown> = { ...(a as Record<string, unknown> | undefined) };
    for (const [key, value] of Object.entries(b)) sum[key] = add(sum[key], value);
    return sum;
  };
  return all.reduce<unknown>((total, stats) => add(total, stats), undefined) as RuntimeStats;
}
