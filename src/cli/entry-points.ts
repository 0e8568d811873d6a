// The long-running parts the CLI starts, written elsewhere in the project: the controller runtime, the
// demo and the FreeSWITCH simulator. Each is loaded only when its command runs, and a part that is not in
// this build is reported as "not available" instead of failing at import time.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';

/** src/controller/main.ts: runs until the process is asked to stop; resolves with an exit code. */
export type ControllerMain = (options: {
  readonly config: Config;
  readonly logger: Logger;
  readonly configFile?: string;
}) => Promise<number | undefined>;
/** src/demo/main.ts */
export type DemoMain = (args: readonly string[]) => Promise<number | undefined>;
/** src/simulator/main.ts; receives the validated arguments, e.g. ['--port', '8021', '--host', '127.0.0.1']. */
export type SimulatorMain = (args: readonly string[]) => Promise<number | undefined>;

export type Loaded<F> =
  | { readonly ok: true; readonly main: F }
  | { readonly ok: false; readonly reason: string };

export interface EntryPoints {
  controller(): Promise<Loaded<ControllerMain>>;
  demo(): Promise<Loaded<DemoMain>>;
  simulator(): Promise<Loaded<SimulatorMain>>;
}

/** Loads `exportName` from a module given relative to src/cli/, if that module exists in this build. */
export async function loadOptionalExport<F>(specifier: string, exportName: string): Promise<Loaded<F>> {
  const url = new URL(specifier, import.meta.url);
  const path = fileURLToPath(url);
  const source = path.replace(/\.js$/, '.ts');
  if (!existsSync(path) && !existsSync(source)) {
    return {
      ok: false,
      reason: `${specifier.replace(/^\.\.\//, 'src/').replace(/\.js$/, '.ts')} is not in this build`,
    };
  }
  const mod = (await import(url.href)) as Record<string, unknown>;
  const main = mod[exportName];
  if (typeof main !== 'function') {
    return { ok: false, reason: `${specifier} does not export a function ${exportName}` };
  }
  return { ok: true, main: main as F };
}

export const defaultEntryPoints: EntryPoints = {
  controller: () => loadOptionalExport<ControllerMain>('../controller/main.js', 'runControllerMain'),
  demo: () => loadOptionalExport<DemoMain>('../demo/main.js', 'runDemoMain'),
  simulator: () => loadOptionalExport<SimulatorMain>('../simulator/main.js', 'runSimulatorUntilStopped'),
};
