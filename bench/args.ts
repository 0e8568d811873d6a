// Command-line flags of `npm run bench` (`npm run bench -- --help`).

export interface BenchArgs {
  /** Size of the recorded event stream for the ingest part, MB (10^6 bytes). */
  readonly ingestMb: number;
  /** Recorded scenarios replayed side by side in the stream (many concurrent calls). */
  readonly lanes: number;
  /** Passes over the ingest consumers; the best of each counts. */
  readonly ingestRuns: number;
  /** Administrator sessions per load step. */
  readonly sessions: readonly number[];
  /** Simulator node counts to run each load step with. */
  readonly nodes: readonly number[];
  /** Arrival rates of the capacity ramp, administrators/s, rising. */
  readonly kneeRates: readonly number[];
  /** Seconds of arrivals at each rate. */
  readonly kneeWindowSeconds: number;
  /** Rounds of the latency part (each: one `**`, one `*#`, two answers). */
  readonly latencyRounds: number;
  /** Rounds run first and not counted: the controller's code is compiled and its caches warm by then. */
  readonly latencyWarmup: number;
  readonly soak: boolean;
  readonly soakMinutes: number;
  readonly profile: boolean;
  readonly only: 'all' | 'ingest' | 'load' | 'knee' | 'latency';
  readonly out: string;
  readonly help: boolean;
}

export const USAGE = `npm run bench [-- options]
  --ingest-mb N       size of the event stream for ingest (default 256)
  --lanes N           recorded scenarios interleaved in the stream (default 64)
  --ingest-runs N     passes over the ingest consumers, best counts (default 2)
  --sessions a,b,c    administrator sessions per load step (default 100,1000,5000)
  --nodes a,b         simulator nodes per load step (default 1,3)
  --knee-rates a,b,c  arrival rates of the capacity ramp, administrators/s (default 25,50,100,200,400,800)
  --knee-window N     seconds of arrivals at each rate (default 4)
  --latency-rounds N  rounds of the latency part: one **, one *#, two answers each (default 200)
  --latency-warmup N  rounds run before those, not counted (default 100)
  --only PART         run one part only: ingest, load, knee or latency
  --soak              add the heap soak (repeated sessions, 10 minutes)
  --soak-minutes N    soak length (implies --soak)
  --profile           CPU-profile dynconf's ingest and the 1,000-session load step (.cpuprofile + summary)
  --out FILE          results file (default bench/results.json)
`;

function integerFrom(min: 0 | 1, flag: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    const expected = min === 1 ? 'a positive integer' : 'an integer ≥ 0';
    throw new RangeError(`${flag}: expected ${expected}, got "${text}"`);
  }
  return n;
}

const positiveInt = (flag: string, text: string | undefined) => integerFrom(1, flag, text);

function list(flag: string, text: string | undefined): number[] {
  return (text ?? '').split(',').map((part) => positiveInt(flag, part.trim()));
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args = {
    ingestMb: 256,
    lanes: 64,
    ingestRuns: 2,
    sessions: [100, 1000, 5000] as readonly number[],
    nodes: [1, 3] as readonly number[],
    kneeRates: [25, 50, 100, 200, 400, 800] as readonly number[],
    kneeWindowSeconds: 4,
    latencyRounds: 200,
    latencyWarmup: 100,
    soak: false,
    soakMinutes: 10,
    profile: false,
    only: 'all' as BenchArgs['only'],
    out: 'bench/results.json',
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      i++;
      return argv[i];
    };
    switch (flag) {
      case '--ingest-mb':
        args.ingestMb = positiveInt(flag, value());
        break;
      case '--lanes':
        args.lanes = positiveInt(flag, value());
        break;
      case '--ingest-runs':
        args.ingestRuns = positiveInt(flag, value());
        break;
      case '--sessions':
        args.sessions = list(flag, value());
        break;
      case '--nodes':
        args.nodes = list(flag, value());
        break;
      case '--knee-rates':
        args.kneeRates = list(flag, value());
        break;
      case '--knee-window':
        args.kneeWindowSeconds = positiveInt(flag, value());
        break;
      case '--latency-rounds':
        args.latencyRounds = positiveInt(flag, value());
        break;
      case '--latency-warmup':
        args.latencyWarmup = integerFrom(0, flag, value());
        break;
      case '--soak':
        args.soak = true;
        break;
      case '--soak-minutes':
        args.soak = true;
        args.soakMinutes = Number(value());
        if (!(args.soakMinutes > 0)) throw new RangeError('--soak-minutes: expected a number > 0');
        break;
      case '--profile':
        args.profile = true;
        break;
      case '--only': {
        const part = value();
        if (part !== 'ingest' && part !== 'load' && part !== 'knee' && part !== 'latency')
          throw new RangeError('--only: expected ingest, load, knee or latency');
        args.only = part;
        break;
      }
      case '--out':
        args.out = value() ?? args.out;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new RangeError(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return args;
}
