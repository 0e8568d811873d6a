// `dynconf start`: the controller of every FreeSWITCH node (nodes.ts, controller.ts) with its HTTP side
// (health, operator API, metrics, dashboard), running until SIGINT/SIGTERM, then draining.
import type { Config } from '../config/index.js';
import { openHistory } from '../history/index.js';
import { type OperatorApi, startOperatorApi } from '../http/index.js';
import { dynconfVersion } from '../http/version.js';
import type { Logger } from '../log.js';
import { DynconfMetrics } from '../metrics/index.js';
import { startControllerNodes } from './nodes.js';

export {
  type Controller,
  type ControllerConnection,
  type ControllerOptions,
  DRAIN_TIMEOUT_MS,
  startController,
} from './controller.js';

export interface ControllerMainOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly configFile?: string;
}

/**
 * `dynconf start`: runs the controller and its HTTP side (health endpoints, operator API, metrics,
 * dashboard: src/http/) until SIGINT or SIGTERM, then drains (every call to a safe place, see
 * Controller.drain) and exits 0.
 */
export async function runControllerMain(options: ControllerMainOptions): Promise<number> {
  const { config, logger } = options;
  // Listening from the start: a SIGTERM during start-up drains too instead of killing the process.
  const signals = signalQueue();
  const metrics = new DynconfMetrics({ logger });
  // The call history: queued from every node's runtime, written by a thread of its own, never blocking.
  const history = openHistory({ settings: config.history, logger: logger.child({ module: 'history' }) });
  // One runtime per FreeSWITCH node (config eventSockets; a single eventSocket is one node).
  const controller = startControllerNodes({ config, logger, metrics, history });
  let http: OperatorApi | undefined;
  if (config.http.port !== 0) {
    try {
      http = await startOperatorApi({
        config,
        logger,
        nodes: controller.nodes.map((node) => ({
          id: node.id,
          connection: node.controller.connection,
          sessions: () => node.controller.sessions(),
          // The dashboard's and API's calls go through the node's runtime, like the keypad's.
          operator: node.controller.operator,
        })),
        stats: () => controller.stats(),
        metrics,
        history,
        version: dynconfVersion(),
      });
    } catch (err) {
      logger.error({ err }, 'HTTP endpoints not started');
      await controller.stop();
      await history.close();
      signals.close();
      return 1;
    }
  }
  logger.info(
    { eventSocket: `${config.eventSocket.host}:${config.eventSocket.port}`, configFile: options.configFile },
    'dynconf controller running',
  );
  const signal = await signals.first;
  logger.info({ signal, activeSessions: controller.sessions().length }, 'stopping: draining the calls');
  // Every call to a safe place while the event socket is still there (Controller.drain, bounded by its
  // own timeout). Further signals are ignored meanwhile: a process group gets each signal more than once
  // (npx, tsx and a terminal all pass it on).
  const drained = await controller.drain();
  logger.info(drained, 'drained');
  await http?.close();
  await controller.stop();
  // After the sessions' last records: what is queued is written before the process ends.
  await history.close();
  signals.close();
  return 0;
}

/** The first SIGINT or SIGTERM (listening from now on, so none kills the process meanwhile). */
function signalQueue(): { first: Promise<NodeJS.Signals>; close(): void } {
  let resolveFirst: (signal: NodeJS.Signals) => void = () => {};
  const first = new Promise<NodeJS.Signals>((resolve) => {
    resolveFirst = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => resolveFirst(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    first,
    close: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
