// `dynconf status`: asks a running controller for its state over HTTP (http.host, http.port): GET /status of
// the operator API (with http.token), printed as a short summary (`--json`: as it came). Without a usable
// token — none configured, or refused — it falls back to the health endpoint GET /readyz and says so.
// Exit status 0 when dynconf runs and is connected to FreeSWITCH.
import { formatConfigIssues, loadHttpSettings } from '../config/index.js';
import { type CommandContext, stringOption } from './context.js';
import { EXIT_FAILED, EXIT_OK } from './io.js';
import { isStatusAnswer, summarizeStatus } from './status-summary.js';

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

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function status(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const file = stringOption(ctx, 'config');
  const json = ctx.values.json === true;
  // Only the http section counts here: the event-socket password and the PINs stay with the controller.
  const result = loadHttpSettings({ env: io.env, cwd: io.cwd, ...(file === undefined ? {} : { file }) });
  if (!result.ok) {
    io.stderr.write(`dynconf status: invalid configuration\n${formatConfigIssues(result.issues)}\n`);
    return EXIT_FAILED;
  }
  const { http } = result;
  if (http.port === 0) {
    io.stderr.write('dynconf status: the HTTP endpoint is switched off (http.port is 0)\n');
    return EXIT_FAILED;
  }
  const base = baseUrl(http.host, http.port);
  const headers: Record<string, string> =
    http.token === undefined ? {} : { authorization: `Bearer ${http.token}` };
  try {
    const response = await fetch(`${base}/status`, { signal: AbortSignal.timeout(TIMEOUT_MS), headers });
    const body = await response.text();
    if (response.ok) {
      const answer = parseJson(body);
      if (json || !isStatusAnswer(answer)) io.stdout.write(body.endsWith('\n') ? body : `${body}\n`);
      else io.stdout.write(summarizeStatus(answer));
      // An answer of dynconf's own says whether FreeSWITCH is connected; anything else counts as up.
      return isStatusAnswer(answer) && answer.ready === false ? EXIT_FAILED : EXIT_OK;
    }
    if (response.status === 401 || response.status === 403 || response.status === 404) {
      const reason =
        response.status === 404
          ? 'this dynconf has no /status'
          : http.token === undefined
            ? 'no http.token in this configuration'
            : `/status refused the token (${response.status}: ${errorText(body)})`;
      if (!json) io.stderr.write(`dynconf status: ${reason}; showing readiness only\n`);
      return await readiness(ctx, base, json);
    }
    io.stderr.write(
      `dynconf status: ${response.url} answered ${response.status} ${response.statusText}\n${body}\n`,
    );
    return EXIT_FAILED;
  } catch (err) {
    io.stderr.write(`dynconf status: dynconf is not running at ${base} (${why(err)})\n`);
    return EXIT_FAILED;
  }
}

/** GET /readyz: 200 ready, 503 running but not connected to FreeSWITCH (its body says why). */
async function readiness(ctx: CommandContext, base: string, json: boolean): Promise<number> {
  const { io } = ctx;
  const response = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = await response.text();
  if (response.status !== 200 && response.status !== 503) {
    io.stderr.write(
      `dynconf status: ${response.url} answered ${response.status} ${response.statusText}\n${body}\n`,
    );
    return EXIT_FAILED;
  }
  if (json) {
    io.stdout.write(body.endsWith('\n') ? body : `${body}\n`);
  } else {
    const answer = parseJson(body) as { reason?: string } | undefined;
    io.stdout.write(
      response.ok
        ? 'dynconf is running and connected to FreeSWITCH\n'
        : `dynconf is running but NOT connected to FreeSWITCH${answer?.reason ? ` (${answer.reason})` : ''}\n`,
    );
  }
  return response.ok ? EXIT_OK : EXIT_FAILED;
}

function errorText(body: string): string {
  const answer = parseJson(body) as { error?: unknown } | undefined;
  return typeof answer?.error === 'string' ? answer.error : body.trim().slice(0, 200);
}
