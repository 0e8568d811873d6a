// The container's health probe against what really serves it: the operator API (src/http) on an ephemeral
// port, ready or not as its event socket to the FreeSWITCH simulator is connected or not.
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { EslConnection } from '../../src/esl/connection.js';
import { HEALTH_PATHS, parseProbeArgs, probeUrl, runHealthProbe } from '../../src/health/index.js';
import { type OperatorApi, ROUTES, startOperatorApi } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';

const lines: string[] = [];
const io = (env: Record<string, string>) => ({
  env: { DYNCONF_EVENT_SOCKET__PASSWORD: 'probe-test', DYNCONF_ADMIN_PINS: '4711', ...env },
  cwd: process.cwd(),
  stdout: { write: (text: string) => lines.push(text) },
});
const lastLine = () => lines.at(-1) ?? '';
/** `/readyz` when connected: ready, with each node's state (its times change, so only the start is fixed). */
const readyLine = (port: number) =>
  new RegExp(`^healthy: http://127\\.0\\.0\\.1:${port}/readyz 200 \\{"status":"ready","nodes":\\[`);

afterEach(() => {
  lines.length = 0;
});

/**
 * Resolves with the first truthy value of `check`, polled every 10 ms. Real time on purpose (a real socket
 * and a real HTTP probe): the deadline only bounds a wait, generous enough for a loaded machine.
 */
async function until<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The operator API over an event-socket connection to `sim`, listening on `host`:<ephemeral>. */
async function startApi(sim: Simulator, connection: EslConnection, host = '127.0.0.1'): Promise<OperatorApi> {
  const parsed = parseConfig({
    eventSocket: { host: sim.host, port: sim.port, password: sim.password },
    adminPins: ['8642097531'],
    http: { host, port: 0 },
  });
  if (!parsed.ok) throw new Error(`test configuration: ${JSON.stringify(parsed.issues)}`);
  return startOperatorApi({ config: parsed.config, logger: silentLogger(), connection });
}

describe('health probe against the operator API', () => {
  let sim: Simulator;
  let connection: EslConnection;
  let api: OperatorApi;
  let env: Record<string, string>;

  beforeAll(async () => {
    sim = await startSimulator();
    connection = new EslConnection({
      host: sim.host,
      port: sim.port,
      password: sim.password,
      logger: silentLogger(),
      backoff: { initialMs: 20, maxMs: 200 },
    });
    connection.start();
    api = await startApi(sim, connection);
    env = { DYNCONF_HTTP__PORT: String(api.port) };
  });
  afterAll(async () => {
    await api?.close();
    await connection?.close();
    await sim?.close();
  });

  it('probes the paths the operator API serves', () => {
    expect(HEALTH_PATHS).toEqual({ live: ROUTES.healthz.url, ready: ROUTES.readyz.url });
  });

  it('exits 0 while the event socket is connected, 1 with the reason while it is not', async () => {
    await until(() => connection.state === 'connected', 'the event socket connected');
    expect(await runHealthProbe(io(env))).toBe(0);
    expect(lastLine()).toMatch(readyLine(api.port));

    sim.faults.refuseConnections(true);
    sim.faults.dropConnections();
    try {
      await until(() => connection.state !== 'connected', 'the event socket dropped');
      expect(await runHealthProbe(io(env))).toBe(1);
      expect(lastLine()).toMatch(
        new RegExp(
          `^unhealthy: http://127\\.0\\.0\\.1:${api.port}/readyz 503 \\{"status":"not ready","reason":"event socket reconnecting \\(down `,
        ),
      );

      // --live asks /healthz: the process answers even though FreeSWITCH is gone.
      const live = parseProbeArgs(['--live']);
      if ('error' in live) throw new Error(live.error);
      expect(await runHealthProbe(io(env), live)).toBe(0);
      expect(lastLine()).toBe(`healthy: http://127.0.0.1:${api.port}/healthz 200 {"status":"ok"}\n`);
    } finally {
      sim.faults.refuseConnections(false);
    }

    await until(() => connection.state === 'connected', 'the event socket back');
    expect(await runHealthProbe(io(env))).toBe(0);
  });

  it('reaches an API listening on every address (http.host 0.0.0.0, as in the container)', async () => {
    const wide = await startApi(sim, connection, '0.0.0.0');
    try {
      await until(() => connection.state === 'connected', 'the event socket connected');
      const code = await runHealthProbe(
        io({ DYNCONF_HTTP__HOST: '0.0.0.0', DYNCONF_HTTP__PORT: String(wide.port) }),
      );
      expect(lastLine()).toMatch(readyLine(wide.port));
      expect(code).toBe(0);
    } finally {
      await wide.close();
    }
  });

  it('reports connection refused once the API has stopped', async () => {
    const stopped = await startApi(sim, connection);
    await stopped.close();
    expect(await runHealthProbe(io({ DYNCONF_HTTP__PORT: String(stopped.port) }))).toBe(1);
    expect(lastLine()).toBe(`unhealthy: http://127.0.0.1:${stopped.port}/readyz (connection refused)\n`);
  });
});

describe('health probe failures without an answer', () => {
  it('gives up after --timeout-ms when the port accepts but never answers', async () => {
    const sockets: Socket[] = [];
    const silent: TcpServer = createTcpServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      expect(await runHealthProbe(io({ DYNCONF_HTTP__PORT: String(port) }), { timeoutMs: 200 })).toBe(1);
      expect(lastLine()).toBe(`unhealthy: http://127.0.0.1:${port}/readyz (no answer in time)\n`);
      expect(sockets.length).toBe(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('fails on a switched-off endpoint and on a bad configuration, naming the field', async () => {
    expect(await runHealthProbe(io({ DYNCONF_HTTP__PORT: '0' }))).toBe(1);
    expect(lastLine()).toContain('switched off');
    expect(await runHealthProbe(io({ DYNCONF_HTTP__PORT: 'eighty' }))).toBe(1);
    expect(lines.join('')).toMatch(/^unhealthy: invalid configuration\n/m);
    expect(lastLine()).toContain('http.port');
  });

  it('parses its arguments and maps wildcard listen addresses to this machine', () => {
    expect(parseProbeArgs([])).toEqual({ check: 'ready', timeoutMs: 3000 });
    expect(parseProbeArgs(['--live', '--timeout-ms', '500'])).toEqual({ check: 'live', timeoutMs: 500 });
    expect(parseProbeArgs(['--timeout-ms', 'x'])).toEqual({ error: '--timeout-ms needs 100 to 60000' });
    expect(parseProbeArgs(['--bogus'])).toHaveProperty('error');
    expect(probeUrl('0.0.0.0', 8088, '/readyz')).toBe('http://127.0.0.1:8088/readyz');
    expect(probeUrl('::', 8088, '/healthz')).toBe('http://[::1]:8088/healthz');
    expect(probeUrl('10.1.2.3', 9000, '/readyz')).toBe('http://10.1.2.3:9000/readyz');
  });
});
