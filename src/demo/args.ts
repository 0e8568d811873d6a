// The demo's command line: `dynconf demo [--speed N] [--verbose]`.

export const DEFAULT_SPEED = 10;
export const MAX_SPEED = 200;

export interface DemoArgs {
  /** How much faster than the wall clock the demo's time runs (simulator and controller alike). */
  readonly speed: number;
  /** Also print the controller's log lines in the transcript. */
  readonly verbose: boolean;
  readonly help: boolean;
}

export type ParsedDemoArgs =
  | { readonly ok: true; readonly args: DemoArgs }
  | { readonly ok: false; readonly message: string };

export const DEMO_USAGE = `Usage: dynconf demo [--speed N] [--verbose]

Runs dynconf against its own FreeSWITCH simulator and plays both flows of the dynamic conference:
dial 900 (PIN, room, 0 / ** / *#, ring timeout, a GSM trunk, voicemail) and *0 in a two-party call.
Exit status 0 when every step happened as expected, 1 naming the step that did not.

Options:
  --speed N       run time N times faster than the wall clock (default ${DEFAULT_SPEED}; 1 = real time)
  --verbose       also show the controller's log lines
  -h, --help      show this help
`;

export function parseDemoArgs(args: readonly string[]): ParsedDemoArgs {
  let speed = DEFAULT_SPEED;
  let verbose = false;
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split('=', 2) : [arg, undefined];
    switch (name) {
      case '--speed': {
        const text = inline ?? args[++i];
        if (text === undefined) return { ok: false, message: '--speed needs a value, e.g. --speed 20' };
        const value = Number(text);
        if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0 && value <= MAX_SPEED)) {
          return {
            ok: false,
            message: `--speed must be a number above 0 and at most ${MAX_SPEED}, got ${JSON.stringify(text)}`,
          };
        }
        speed = value;
        break;
      }
      case '--verbose':
      case '-v':
        verbose = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        return { ok: false, message: `unknown argument ${JSON.stringify(arg)}` };
    }
  }
  return { ok: true, args: { speed, verbose, help } };
}
