// A node FreeSWITCH turns away is not "connecting": /readyz, /status, the metrics, the dashboard's data and
// `dynconf status` say what to fix (issue 17), on the simulator with a wrong event-socket password. The words
// for each kind of problem (link-view.ts) are checked on stand-in connections.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntryPoints, Loaded } from '../../src/cli/entry-points.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { VirtualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config/index.js';
import { EslConnection, type LinkStatus } from '../../src/esl/connection.js';
import { type OperatorApi, startOperatorApi } from '../../src/http/index.js';
import { linkReason, linkSample, nodeLink } from '../../src/http/link-view.js';
import { createLogger } from '../../src/log.js';
import { DynconfMetrics } from '../../src/metrics/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { json, TOKEN } from './support.js';

const AUTH_FAILED = 'authentication failed: check eventSocket.password';

describe('FreeSWITCH refuses the password', () => {
  const clock = new VirtualClock();
  let sim: Simulator;
  let connection: EslConnection;
  let api: OperatorApi;
  let node: string;
  const dir = mkdtempSync(join(tmpdir(), 'dynconf-link-'));

  beforeAll(async () => {
    sim = await startSimulator({ clock });
    node = `${sim.host}:${sim.port}`;
    const parsed = parseConfig({
      eventSocket: { host: sim.host, port: sim.port, password: 'wrong-password-1' },
      adminPins: ['24680'],
      http: { port: 0, token: TOKEN },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const logger = createLogger({ level: 'silent', destination: { write: () => undefined } });
    connection = new EslConnection({
      host: sim.host,
      port: sim.port,
      password: 'wrong-password-1',
      logger,
      clock,
    });
    connection.start();
    api = await startOperatorApi({
      config: parsed.config,
      logger,
      connection,
      metrics: new DynconfMetrics({ processMetrics: false }),
    });
    await clock.until(() => connection.counters().authFailures >= 2, 'two refused passwords', {
      withinMs: 120_000,
    });
  });

  afterAll(async () => {
    await clock.drive(api.close(), 'the operator API to close');
    await clock.drive(connection.close(), 'the connection to close');
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, token: string | null = TOKEN) =>
    fetch(`${api.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  it('/readyz: 503, "authentication failed: check eventSocket.password", down since the start', async () => {
    const response = await get('/readyz', null);
    expect(response.status).toBe(503);
    const body = await json(response);
    expect(body).toEqual({
      status: 'not ready',
      reason: AUTH_FAILED,
      nodes: [
        {
          id: node,
          state: 'connecting',
          connected: false,
          since: new Date(connection.status().since).toISOString(),
          forSeconds: Math.floor(connection.status().forMs / 1000),
          reason: AUTH_FAILED,
        },
      ],
    });
    expect(connection.status().forMs).toBeGreaterThanOrEqual(30_000);
  });

  it('/status and the dashboard data say the same', async () => {
    const status = await json(await get('/status'));
    expect(status.ready).toBe(false);
    expect(status.eventSocket).toMatchObject({ id: node, state: 'connecting', reason: AUTH_FAILED });
    const rooms = await json(await get('/api/rooms'));
    expect(rooms.connection).toBe('connecting');
    expect(rooms.nodes).toEqual([
      {
        id: node,
        connection: 'connecting',
        synced: false,
        since: new Date(connection.status().since).toISOString(),
        reason: AUTH_FAILED,
      },
    ]);
  });

  it('metrics: not connected, disconnected since the start, auth_failed 1', async () => {
    const text = await (await get('/metrics')).text();
    expect(text).toContain(`dynconf_event_socket_connected{node="${node}"} 0`);
    expect(text).toContain(`dynconf_event_socket_auth_failed{node="${node}"} 1`);
    expect(text).toContain(
      `dynconf_event_socket_disconnected_seconds{node="${node}"} ${connection.status().forMs / 1000}`,
    );
  });

  it('dynconf status (readiness fallback, no token) prints the reason', async () => {
    const config = join(dir, 'dynconf.yaml');
    writeFileSync(config, 'eventSocket:\n  password: pw-x\nadminPins: ["24680"]\n');
    let stdout = '';
    const io: CliIo = {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: () => undefined },
      stdin: Readable.from([]),
      env: { DYNCONF_HTTP__PORT: String(api.port) },
      cwd: dir,
    };
    const missing = async <F>(): Promise<Loaded<F>> => ({ ok: false, reason: 'not needed here' });
    const none: EntryPoints = { controller: missing, demo: missing, simulator: missing };
    expect(await runCli(['status', '--config', config], io, none)).toBe(1);
    expect(stdout).toBe(`dynconf is running but NOT connected to FreeSWITCH (${AUTH_FAILED})\n`);
  });
});

describe('the words for a node that is not connected', () => {
  const status = (over: Partial<LinkStatus>): LinkStatus => ({
    state: 'reconnecting',
    since: Date.UTC(2026, 0, 5, 9, 0, 0),
    forMs: 12_345,
    failedAttempts: 20,
    ...over,
  });

  it('names what to fix when FreeSWITCH says no, and how long it has been down otherwise', () => {
    expect(
      linkReason('reconnecting', status({ problem: { kind: 'unreachable', detail: 'ECONNREFUSED' } })),
    ).toBe('event socket reconnecting (down 12 s)');
    expect(
      linkReason('connecting', status({ problem: { kind: 'auth-failed', detail: '-ERR invalid' } })),
    ).toBe(AUTH_FAILED);
    expect(
      linkReason('connecting', status({ problem: { kind: 'rejected', detail: 'text/rude-rejection' } })),
    ).toBe('connection rejected by the event socket ACL: allow this host in event_socket.conf.xml');
    // The live view shows `since` beside it: no duration that would change every second.
    expect(linkReason('reconnecting', status({}), false)).toBe('event socket reconnecting');
    // A stand-in connection that only knows its state.
    expect(linkReason('connecting', undefined)).toBe('event socket connecting');
  });

  it('node and metric sample, with and without a status()', () => {
    const refused = status({ state: 'connecting', problem: { kind: 'auth-failed', detail: '-ERR invalid' } });
    expect(nodeLink('fs:8021', { state: 'connecting', status: () => refused })).toEqual({
      id: 'fs:8021',
      state: 'connecting',
      connected: false,
      since: '2026-01-05T09:00:00.000Z',
      forSeconds: 12,
      reason: AUTH_FAILED,
    });
    expect(linkSample({ state: 'connecting', status: () => refused })).toEqual({
      connected: false,
      downSeconds: 12.345,
      refused: true,
    });
    expect(nodeLink('fs:8021', { state: 'connected' })).toEqual({
      id: 'fs:8021',
      state: 'connected',
      connected: true,
      since: null,
      forSeconds: 0,
    });
    expect(linkSample({ state: 'connected' })).toEqual({ connected: true, downSeconds: 0, refused: false });
  });
});
