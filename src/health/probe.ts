// The container health check: asks the running controller's own health endpoint (http.host, http.port of
// the same configuration the controller read) and turns the answer into an exit code: 0 healthy, 1 not.
import { formatConfigIssues, loadConfig } from '../config/index.js';
import { ROUTES } from '../http/api-spec.js';

/** The operator API's health routes (src/http serves them): taken from its route table so both agree. */
export const HEALTH_PATHS = { live: ROUTES.healthz.url, ready: ROUTES.readyz.url } as const;

export interface ProbeIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: { write(text: string): unknown };
}

export interface ProbeOptions {
  /** `ready` (default): /readyz, FreeSWITCH connected. `live`: /healthz, the process answers. */
  readonly check?: 'ready' | 'live';
  readonly timeoutMs?: number;
}

/** The address to connect to for a listen address: a wildcard means this machine. */
export function probeUrl(host: string, port: number, path: string): string {
  const local = host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  const bracketed = local.includes(':') && !local.startsWith('[') ? `[${local}]` : local;
  return `http://${bracketed}:${port}${path}`;
}

/** Reads `--live` / `--ready` / `--timeout-ms N`; unknown arguments are an error. */
export function parseProbeArgs(argv: readonly string[]): ProbeOptions | { error: string } {
  let check: 'ready' | 'live' = 'ready';
  let timeoutMs = 3000;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--live') check = 'live';
    else if (arg === '--ready') check = 'ready';
    else if (arg === '--timeout-ms') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 100 || value > 60_000)
        return { error: '--timeout-ms needs 100 to 60000' };
      timeoutMs = value;
    } else return { error: `unknown argument ${JSON.stringify(arg)} (use --ready, --live, --timeout-ms N)` };
  }
  return { check, timeoutMs };
}

/** One line of output and the exit code (0 healthy, 1 not). Never throws. */
export async function runHealthProbe(io: ProbeIo, options: ProbeOptions = {}): Promise<number> {
  const loaded = loadConfig({ env: io.env, cwd: io.cwd });
  if (!loaded.ok) {
    io.stdout.write(`unhealthy: invalid configuration\n${formatConfigIssues(loaded.issues)}\n`);
    return 1;
  }
  const { http } = loaded.config;
  if (http.port === 0) {
    io.stdout.write('unhealthy: the health endpoint is switched off (http.port is 0)\n');
    return 1;
  }
  const path = options.check === 'live' ? HEALTH_PATHS.live : HEALTH_PATHS.ready;
  const url = probeUrl(http.host, http.port, path);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 3000) });
    const body = (await response.text()).trim();
    io.stdout.write(`${response.ok ? 'healthy' : 'unhealthy'}: ${url} ${response.status} ${body}\n`);
    return response.ok ? 0 : 1;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    const why =
      cause === 'ECONNREFUSED'
        ? 'connection refused'
        : cause === 'TimeoutError'
          ? 'no answer in time'
          : cause;
    io.stdout.write(`unhealthy: ${url} (${why})\n`);
    return 1;
  }
}
