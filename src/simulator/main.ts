// Runs the simulator on its own: `dynconf simulate` (npm run simulate), whose options come parsed and checked
// from the CLI (src/cli/demo.ts). Extensions 800–819 and 1000–1019 answer; a few have other behaviours.
import { createInterface } from 'node:readline';
import { type Clock, realClock, scaledClock } from '../clock.js';
import { createLogger, type Logger } from '../log.js';
import { runConsoleLine, watchCalls } from './console.js';
import { startSimulator } from './index.js';
import type { PhoneBehaviour, Simulator } from './types.js';

export interface SimulatorMainOptions {
  readonly host: string;
  readonly port: number;
  readonly password: string;
  /** How much faster than the wall clock the simulator's time runs. */
  readonly speed: number;
  readonly parkTimeoutSec?: number;
  readonly accessNumber?: string;
  /** Read calls and keys from standard input. */
  readonly console: boolean;
  readonly logLevel: string;
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
  opts: SimulatorMainOptions,
  deps: {
    logger?: Logger;
    clock?: Clock;
    input?: NodeJS.ReadableStream;
    /** Where the console writes (default stdout). */
    output?: { write(text: string): unknown };
  } = {},
): Promise<RunningSimulator> {
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
 * (1 when it cannot start).
 */
export async function runSimulatorUntilStopped(opts: SimulatorMainOptions): Promise<number> {
  let running: RunningSimulator;
  try {
    running = await runSimulatorMain(opts);
  } catch (err: unknown) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.stop();
  return 0;
}
