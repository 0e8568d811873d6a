import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type HealthServer,
  parseProbeArgs,
  probeUrl,
  type Readiness,
  runHealthProbe,
  startHealthServer,
} from '../../src/health/index.js';

const servers: HealthServer[] = [];

async function start(isReady: () => Readiness, port = 0): Promise<HealthServer> {
  const server = await startHealthServer({ port, host: '127.0.0.1', isReady });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function get(url: string, method = 'GET') {
  const response = await fetch(url, { method });
  const text = await response.text();
  return { status: response.status, text, headers: response.headers };
}

describe('health endpoints', () => {
  it('answers /healthz with 200 whatever the readiness', async () => {
    const server = await start(() => false);
    const result = await get(`${server.url}/healthz`);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.text)).toEqual({ status: 'ok' });
    expect(result.headers.get('cache-control')).toBe('no-store');
  });

  it('answers /readyz with 503 and the reason, then 200 once ready', async () => {
    let state: Readiness = { ready: false, reason: 'event socket not connected' };
    const server = await start(() => state);
    const before = await get(`${server.url}/readyz`);
    expect(before.status).toBe(503);
    expect(JSON.parse(before.text)).toEqual({ status: 'not ready', reason: 'event socket not connected' });
    state = true;
    const after = await get(`${server.url}/readyz?verbose=1`);
    expect(after.status).toBe(200);
    expect(JSON.parse(after.text)).toEqual({ status: 'ready' });
  });

  it('treats a readiness check that throws as not ready', async () => {
    const server = await start(() => {
      throw new Error('boom');
    });
    const result = await get(`${server.url}/readyz`);
    expect(result.status).toBe(503);
    expect(JSON.parse(result.text).reason).toBe('readiness check failed: boom');
  });

  it('answers HEAD without a body, other methods with 405, other paths with 404', async () => {
    const server = await start(() => true);
    const head = await get(`${server.url}/readyz`, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    const post = await get(`${server.url}/healthz`, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const other = await get(`${server.url}/status`);
    expect(other.status).toBe(404);
  });

  it('names the address when the port is taken', async () => {
    const first = await start(() => true);
    await expect(
      startHealthServer({ port: first.port, host: '127.0.0.1', isReady: () => true }),
    ).rejects.toThrow(`health endpoint cannot listen on 127.0.0.1:${first.port}: address in use`);
  });

  it('refuses a port out of range', async () => {
    await expect(startHealthServer({ port: 70000, isReady: () => true })).rejects.toThrow(RangeError);
  });

  it('closes (twice is fine) and then refuses connections', async () => {
    const server = await startHealthServer({ port: 0, isReady: () => true });
    await server.close();
    await server.close();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});

describe('health probe', () => {
  const lines: string[] = [];
  const io = (env: Record<string, string>) => ({
    env: { DYNCONF_EVENT_SOCKET__PASSWORD: 'probe-test', DYNCONF_ADMIN_PINS: '4711', ...env },
    cwd: process.cwd(),
    stdout: { write: (text: string) => lines.push(text) },
  });

  afterEach(() => {
    lines.length = 0;
  });

  it('exits 0 when the controller is ready and 1 when it is not', async () => {
    let ready = false;
    const server = await start(() => ({ ready, reason: 'event socket not connected' }));
    const env = { DYNCONF_HTTP__PORT: String(server.port) };
    expect(await runHealthProbe(io(env))).toBe(1);
    expect(lines.join('')).toContain('unhealthy');
    expect(lines.join('')).toContain('event socket not connected');
    ready = true;
    expect(await runHealthProbe(io(env))).toBe(0);
    expect(lines.at(-1)).toMatch(/^healthy: http:\/\/127\.0\.0\.1:\d+\/readyz 200/);
  });

  it('checks /healthz with --live', async () => {
    const server = await start(() => false);
    const options = parseProbeArgs(['--live']);
    if ('error' in options) throw new Error(options.error);
    expect(await runHealthProbe(io({ DYNCONF_HTTP__PORT: String(server.port) }), options)).toBe(0);
    expect(lines.at(-1)).toContain('/healthz 200');
  });

  it('reports connection refused when nothing listens', async () => {
    const port = await freePort();
    expect(await runHealthProbe(io({ DYNCONF_HTTP__PORT: String(port) }))).toBe(1);
    expect(lines.at(-1)).toContain('connection refused');
  });

  it('fails on a switched-off endpoint and on a bad configuration', async () => {
    expect(await runHealthProbe(io({ DYNCONF_HTTP__PORT: '0' }))).toBe(1);
    expect(lines.at(-1)).toContain('switched off');
    expect(await runHealthProbe(io({ DYNCONF_HTTP__PORT: 'eighty' }))).toBe(1);
    expect(lines.at(-1)).toContain('http.port');
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
