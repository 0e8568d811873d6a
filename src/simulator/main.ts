// Runs the simulator on its own: `tsx src/simulator/main.ts [--port 8021] [--host 127.0.0.1] ...`
// (also `dynconf simulate`). Extensions 800–819 and 1000–1019 answer; a few have other behaviours.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { type Clock, realClock, scaledClock } from '../clock.js';
import { createLogger, type Logger } from '../log.js';
import { runConsoleLine, watchCalls } from './console.js';
import { startSimulator } from './index.js';
import type { PhoneBehaviour, Simulator } from './types.js';

export interface SimulatorMainOptions {
  host: string;
  port: number;
  password: string;
  speed: number;
  parkTimeoutSec?: number;
  accessNumber?: string;
  console: boolean;
  logLevel: string;
}

const USAGE = `usage: simulate [--host 127.0.0.1] [--port 8021] [--password ClueCon] [--speed 1]
                [--park-timeout 10] [--access-number 900] [--console] [--log-level info]
environment: DYNCONF_SIM_HOST, DYNCONF_SIM_PORT, DYNCONF_SIM_PASSWORD`;

export class UsageError extends Error {}

/** argv (without node/script) + environment → options; throws UsageError naming the bad argument. */
export function parseSimulatorArgs(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): SimulatorMainOptions {
  const opts: SimulatorMainOptions = {
    host: env.DYNCONF_SIM_HOST ?? '127.0.0.1',
    port: Number(env.DYNCONF_SIM_PORT ?? 8021),
    password: env.DYNCONF_SIM_PASSWORD ?? 'ClueCon',
    speed: 1,
    console: false,
    logLevel: 'info',
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    switch (arg) {
      case '--host':
        opts.host = value();
        break;
      case '--port':
      case '-p':
        opts.port = Number(value());
        break;
      case '--password':
        opts.password = value();
        break;
      case '--speed':
        opts.speed = Number(value());
        break;
      case '--park-timeout':
        opts.parkTimeoutSec = Number(value());
        break;
      case '--access-number':
        opts.accessNumber = value();
        break;
      case '--console':
        opts.console = true;
        break;
      case '--log-level':
        opts.logLevel = value();
        break;
      case '--help':
      case '-h':
        throw new UsageError(USAGE);
      default:
        throw new UsageError(`unknown argument "${arg}"\n${USAGE}`);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new UsageError(`port must be 0-65535, got "${opts.port}"`);
  }
  if (!(opts.speed > 0)) throw new UsageError(`speed must be > 0, got "${opts.speed}"`);
  if (opts.parkTimeoutSec !== undefined && !(opts.parkTimeoutSec >= 0)) {
    throw new UsageError(`park-timeout must be >= 0 seconds, got "${opts.parkTimeoutSec}"`);
  }
  return opts;
}

/** The phones a standalone simulator knows. */
export function populateDemoDirectory(sim: Simulator): void {
  const special: Record<string, PhoneBehaviour> = {
    '802': { kind: 'busy' },
    '803': { kind: 'ring-forever' },
    '804': { kind: 'voicemail' },
    '805': { kind: 'reject' },
    '806': { kind: 'unreachable' },
    '807': { kind: 'answer-then-hangup', afterMs: 1000, hangupAfterMs: 10_000 },
    '808': { kind: 'early-media-then-answer', afterMs: 3000 },
    '809': { kind: 'unregistered' },
  };
  for (let n = 800; n <= 819; n++)
    sim.directory.set(String(n), special[String(n)] ?? { kind: 'answer', afterMs: 1000 });
  for (let n = 1000; n <= 1019; n++) sim.directory.set(String(n), { kind: 'answer', afterMs: 1000 });
  sim.gateways.set('gsm', { answerSupervision: false });
  sim.gateways.set('trunk', { answerSupervision: true });
}

export interface RunningSimulator {
  sim: Simulator;
  stop(): Promise<void>;
}

/** Starts a standalone simulator (for `dynconf simulate`); resolves once it listens. */
export async function runSimulatorMain(
  args: string[],
  deps: {
    env?: NodeJS.ProcessEnv;
    logger?: Logger;
    clock?: Clock;
    input?: NodeJS.ReadableStream;
    /** Where the console writes (default stdout). */
    output?: { write(text: string): unknown };
  } = {},
): Promise<RunningSimulator> {
  const opts = parseSimulatorArgs(args, deps.env);
  const logger = deps.logger ?? createLogger({ level: opts.logLevel });
  const clock = deps.clock ?? (opts.speed === 1 ? realClock : scaledClock(opts.speed));
  const sim = await startSimulator({
    host: opts.host,
    port: opts.port,
    password: opts.password,
    clock,
    logger,
    dialplan: {
      accessNumber: opts.accessNumber,
      parkTimeoutSec: opts.parkTimeoutSec,
      trunkRoutes: [{ pattern: /^0\d{6,}$/, gateway: 'trunk' }],
    },
  });
  populateDemoDirectory(sim);
  let rl: ReturnType<typeof createInterface> | undefined;
  let unwatch: (() => void) | undefined;
  if (opts.console) {
    // Plain text for the person at the console; the simulator's own log stays on the logger.
    const output = deps.output ?? process.stdout;
    const say = (text: string) => void output.write(`${text}\n`);
    say('FreeSWITCH simulator console. Type help for the commands.');
    unwatch = watchCalls(sim, (line) => say(`  ${line}`));
    rl = createInterface({ input: deps.input ?? process.stdin });
    rl.on('line', (line) => {
      void runConsoleLine(sim, line).then((out) => {
        if (out !== '') say(out);
      });
    });
  }
  return {
    sim,
    stop: async () => {
      unwatch?.();
      rl?.close();
      await sim.close();
    },
  };
}

/**
 * `dynconf simulate`: runs the simulator until SIGINT/SIGTERM, then closes it; resolves with the exit code
 * (2 for bad arguments, 1 when it cannot start).
 */
export async function runSimulatorUntilStopped(args: readonly string[]): Promise<number> {
  let running: RunningSimulator;
  try {
    running = await runSimulatorMain([...args]);
  } catch (err: unknown) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.stop();
  return 0;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  void runSimulatorUntilStopped(process.argv.slice(2)).then((code) => process.exit(code));
}
