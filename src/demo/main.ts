// `dynconf demo` (npm run demo): dynconf for real against the embedded FreeSWITCH simulator, playing both
// flows of the vendor manual with a transcript. Exit status 0 when every step happened as expected. Its
// options come parsed from the CLI (src/cli/demo.ts).
import type { TextSink } from '../cli/io.js';
import type { Clock } from '../clock.js';
import type { PhoneBehaviour } from '../simulator/index.js';
import { runDemo } from './run.js';
import { wantsColor } from './style.js';

export interface DemoMainOptions {
  /** How much faster than the wall clock the demo's time runs (default 10). */
  readonly speed?: number;
  /** Also print the controller's log lines in the transcript. */
  readonly verbose?: boolean;
  /** Where the transcript goes. Default: standard output. */
  readonly stdout?: TextSink & { isTTY?: boolean };
  /** Colour escapes; default: only when stdout is a terminal and NO_COLOR is not set. */
  readonly color?: boolean;
  /** Phones that behave differently from the demo's directory (tests use it to make a step fail). */
  readonly directory?: Readonly<Record<string, PhoneBehaviour>>;
  /**
   * The simulator's and the controller's clock (default: the wall clock × --speed). Tests give a
   * VirtualClock: phone time then passes only while the demo waits, whatever the machine's load.
   */
  readonly clock?: Clock;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;

export async function runDemoMain(options: DemoMainOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const result = await runDemo({
    speed: options.speed ?? 10,
    verbose: options.verbose ?? false,
    out: stdout,
    color: options.color ?? wantsColor(stdout, process.env),
    directory: options.directory,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  return result.ok ? EXIT_OK : EXIT_FAILED;
}
