// The long-running parts the CLI starts: the controller, and — in the npm package — the demo and the
// FreeSWITCH simulator. Every one is imported statically; the options reach them already parsed and checked
// (src/cli/demo.ts, start.ts). The production image is built from src/service-cli.ts without the demo and
// the simulator (they are the other entry points, src/cli/package-entry-points.ts), and says so when asked.

import type { Config } from '../config/index.js';
import { runControllerMain } from '../controller/main.js';
import type { Logger } from '../log.js';

/** src/controller/main.ts: runs until the process is asked to stop; resolves with an exit code. */
export type ControllerMain = (options: {
  readonly config: Config;
  readonly logger: Logger;
  readonly configFile?: string;
}) => Promise<number | undefined>;

/** `dynconf demo`'s options. */
export interface DemoOptions {
  /** How much faster than the wall clock the demo's time runs. */
  readonly speed: number;
  /** Also print the controller's log lines. */
  readonly verbose: boolean;
}
/** src/demo/main.ts */
export type DemoMain = (options: DemoOptions) => Promise<number | undefined>;

/** `dynconf simulate`'s options (src/simulator/main.ts takes the same). */
export interface SimulatorOptions {
  readonly host: string;
  readonly port: number;
  readonly password: string;
  readonly speed: number;
  readonly parkTimeoutSec?: number;
  readonly accessNumber?: string;
  readonly console: boolean;
  readonly logLevel: string;
}
/** src/simulator/main.ts: runs until SIGINT/SIGTERM. */
export type SimulatorMain = (options: SimulatorOptions) => Promise<number | undefined>;

export type Loaded<F> =
  | { readonly ok: true; readonly main: F }
  | { readonly ok: false; readonly reason: string };

export interface EntryPoints {
  controller(): Promise<Loaded<ControllerMain>>;
  demo(): Promise<Loaded<DemoMain>>;
  simulator(): Promise<Loaded<SimulatorMain>>;
}

/** A part this build leaves out. */
async function leftOut<F>(): Promise<Loaded<F>> {
  return {
    ok: false,
    reason: 'not in this build: the production image leaves it out unless built with WITH_DEMO=true',
  };
}

/** What the production image runs: the controller only. */
export const serviceEntryPoints: EntryPoints = {
  controller: async () => ({ ok: true, main: runControllerMain }),
  demo: leftOut,
  simulator: leftOut,
};
