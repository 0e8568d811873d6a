// `dynconf demo` (npm run demo): dynconf for real against the embedded FreeSWITCH simulator, playing both
// flows of the vendor manual with a transcript. Exit status 0 when every step happened as expected.
import type { TextSink } from '../cli/io.js';
import type { Clock } from '../clock.js';
import type { PhoneBehaviour } from '../simulator/index.js';
import { DEMO_USAGE, parseDemoArgs } from './args.js';
import { runDemo } from './run.js';
import { wantsColor } from './style.js';

export interface DemoMainOptions {
  /** Where the transcript goes. Default: standard output. */
  readonly stdout?: TextSink & { isTTY?: boolean };
  readonly stderr?: TextSink;
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
export const EXIT_USAGE = 2;

export async function runDemoMain(args: readonly string[], options: DemoMainOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const parsed = parseDemoArgs(args);
  if (!parsed.ok) {
    stderr.write(`dynconf demo: ${parsed.message}\nSee 'dynconf demo --help'.\n`);
    return EXIT_USAGE;
  }
  if (parsed.args.help) {
    stdout.write(DEMO_USAGE);
    return EXIT_OK;
  }
  const result = await runDemo({
    speed: parsed.args.speed,
    verbose: parsed.args.verbose,
    out: stdout,
    color: options.color ?? wantsColor(stdout, process.env),
    directory: options.directory,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  return result.ok ? EXIT_OK : EXIT_FAILED;
}
