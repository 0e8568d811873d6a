// `dynconf status`: asks a running controller for its state over HTTP (http.host, http.port): GET /status
// when the operator API serves it, else the health endpoint GET /readyz (src/health/server.ts).
import { formatConfigIssues, loadConfig } from '../config/index.js';
import { type CommandContext, stringOption } from './context.js';
import { EXIT_FAILED, EXIT_OK } from './io.js';

const TIMEOUT_MS = 3000;

function baseUrl(host: string, port: number): string {
  const local = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const bracketed = local.includes(':') && !local.startsWith('[') ? `[${local}]` : local;
  return `http://${bracketed}:${port}`;
}

function why(err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
  if (cause === 'ECONNREFUSED') return 'connection refused';
  if (cause === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return String(cause);
}

export async function status(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const file = stringOption(ctx, 'config');
  const result = loadConfig({ env: io.env, cwd: io.cwd, ...(file === undefined ? {} : { file }) });
  if (!result.ok) {
    io.stderr.write(`dynconf status: invalid configuration\n${formatConfigIssues(result.issues)}\n`);
    return EXIT_FAILED;
  }
  const { http } = result.config;
  if (http.port === 0) {
    io.stderr.write('dynconf status: the HTTP endpoint is switched off (http.port is 0)\n');
    return EXIT_FAILED;
  }
  const base = baseUrl(http.host, http.port);
  const headers: Record<string, string> =
    http.token === undefined ? {} : { authorization: `Bearer ${http.token}` };
  try {
    let response = await fetch(`${base}/status`, { signal: AbortSignal.timeout(TIMEOUT_MS), headers });
    if (response.status === 404) {
      await response.body?.cancel();
      response = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    }
    const body = await response.text();
    const text = body.endsWith('\n') ? body : `${body}\n`;
    // 503 from /readyz: running, but not connected to FreeSWITCH; its body says why.
    if (response.ok || response.status === 503) io.stdout.write(text);
    else
      io.stderr.write(
        `dynconf status: ${response.url} answered ${response.status} ${response.statusText}\n${text}`,
      );
    return response.ok ? EXIT_OK : EXIT_FAILED;
  } catch (err) {
    io.stderr.write(`dynconf status: dynconf is not running at ${base} (${why(err)})\n`);
    return EXIT_FAILED;
  }
}
