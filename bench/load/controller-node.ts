// Child process (run with --expose-gc): the dynconf controller connected to every simulator node (one
// event socket each, config eventSockets), with reaction times recorded, measured on request (heap after
// GC, CPU time, events read, commands sent).

import { pino } from 'pino';
import { parseConfig } from '../../src/config/index.js';
import { type NodesController, startControllerNodes } from '../../src/controller/nodes.js';
import { EslConnection } from '../../src/esl/connection.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { STAR0_SUBCLASS } from '../../src/runtime/escalation.js';
import { type ProcessLoad, ProcessLoadMeter } from './process-load.js';

export type ControllerCommand =
  | { type: 'start'; ports: number[]; pin: string }
  | { type: 'measure' }
  | { type: 'wait-idle'; timeoutMs: number }
  | { type: 'take-reactions' }
  | { type: 'load' }
  | { type: 'exit' };

export interface Measurement {
  /** V8 heap in use after full GCs, bytes. */
  readonly heapUsed: number;
  /** CPU time of this process so far (user + system) without the GCs forced to measure, µs. */
  readonly cpuUs: number;
  /** Frames read from every event socket. */
  readonly events: number;
  /** Commands sent on every event socket, and how many of them timed out or failed. */
  readonly commands: number;
  readonly commandsTimedOut: number;
  readonly commandsFailed: number;
  readonly sessionsStarted: number;
  readonly sessions: number;
  readonly sessionErrors: number;
}

export type ControllerMessage =
  | { type: 'ready' }
  | { type: 'measured'; measurement: Measurement }
  | { type: 'idle'; sessionsLeft: number }
  | { type: 'reactions'; ms: number[] }
  | { type: 'load'; load: ProcessLoad };

const HOST = '127.0.0.1';
const PASSWORD = 'ClueCon';
const send = (message: ControllerMessage) => process.send?.(message);

let controller: NodesController | undefined;
let connections: EslConnection[] = [];
let reactions: number[] = [];
const loadMeter = new ProcessLoadMeter();

async function start(ports: number[], pin: string): Promise<void> {
  const parsed = parseConfig({
    eventSocket: { password: PASSWORD },
    eventSockets: ports.map((port) => ({ host: HOST, port })),
    adminPins: [pin],
    routes: [{ name: 'extensions', pattern: '8[01][0-9]', dialString: 'user/{number}' }],
    // Every administrator keeps its invitee in its room: the toll-fraud cap must allow one leg each.
    maxOutboundLegs: 100_000,
    http: { port: 0 },
  });
  if (!parsed.ok) throw new Error(`bench configuration: ${JSON.stringify(parsed.issues)}`);
  // DYNCONF_BENCH_LOG=<level> (and DYNCONF_BENCH_LOG_FILE=<path>) shows the controller's log of a load step.
  const logLevel = process.env.DYNCONF_BENCH_LOG;
  const logger =
    logLevel === undefined
      ? silentLogger()
      : createLogger({
          level: logLevel,
          destination: pino.destination(process.env.DYNCONF_BENCH_LOG_FILE ?? 2),
        });
  connections = ports.map(
    (port) =>
      new EslConnection({
        host: HOST,
        port,
        password: PASSWORD,
        logger,
        customSubclasses: [STAR0_SUBCLASS],
        onReaction: (sample) => reactions.push(sample.ms),
      }),
  );
  controller = startControllerNodes({
    config: parsed.config,
    logger,
    connections: connections.map((connection, i) => ({ id: `node-${i + 1}`, connection })),
  });
  for (const connection of connections) connection.start();
  await controller.ready({ timeoutMs: 30_000 });
  send({ type: 'ready' });
}

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) gc();
}

/** CPU spent in the GCs forced for measuring, kept out of the controller's own CPU time. */
let forcedGcUs = 0;

function measure(): Measurement {
  const before = process.cpuUsage();
  fullGc();
  const gcCpu = process.cpuUsage(before);
  const cpuUs = before.user + before.system - forcedGcUs;
  forcedGcUs += gcCpu.user + gcCpu.system;
  const stats = controller?.stats();
  let events = 0;
  for (const connection of connections) {
    const e = connection.counters().events;
    events += e.decoded + e.ignored + e.unknown + e.malformed;
  }
  // The runtime's commander counts every command (all nodes summed).
  const commands = stats?.commands.sent ?? 0;
  const commandsTimedOut = stats?.commands.timedOut ?? 0;
  const commandsFailed = stats?.commands.failed ?? 0;
  return {
    heapUsed: process.memoryUsage().heapUsed,
    cpuUs,
    events,
    commands,
    commandsTimedOut,
    commandsFailed,
    sessionsStarted: stats?.sessionsStarted ?? 0,
    sessions: stats?.activeSessions ?? 0,
    sessionErrors: stats?.sessionErrors ?? 0,
  };
}

async function waitIdle(timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while ((controller?.sessions().length ?? 0) > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return controller?.sessions().length ?? 0;
}

process.on('message', (command: ControllerCommand) => {
  switch (command.type) {
    case 'start':
      start(command.ports, command.pin).catch((err: unknown) => {
        process.stderr.write(`controller: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      });
      break;
    case 'measure':
      send({ type: 'measured', measurement: measure() });
      break;
    case 'wait-idle':
      void waitIdle(command.timeoutMs).then((sessionsLeft) => send({ type: 'idle', sessionsLeft }));
      break;
    case 'take-reactions':
      send({ type: 'reactions', ms: reactions });
      reactions = [];
      break;
    case 'load':
      send({ type: 'load', load: loadMeter.sample() });
      break;
    case 'exit':
      void controller?.stop().then(() => process.exit(0));
      break;
  }
});
process.on('disconnect', () => process.exit(0));
