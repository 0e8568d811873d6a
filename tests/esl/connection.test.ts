// EslConnection against a fake event socket over real TCP: connection state, subscriptions,
// api / bgapi / sendmsg results, reconnects, FreeSWITCH absent at start, wrong password, close.
// No fixed sleeps: every wait is for a state, an event or a condition.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { exists, kill, originate, park, playback, transferToPark } from '../../src/esl/commands.js';
import {
  type ConnectionState,
  EslConnection,
  type EslConnectionOptions,
  SUBSCRIBED_EVENTS,
} from '../../src/esl/connection.js';
import type { DynconfEvent } from '../../src/esl/events.js';
import { type InRecord, loadTrace, traceFiles } from '../support/traces.js';
import { FakeEslServer } from './fake-esl-server.js';
import { rawPeer } from './raw-peer.js';

const A = 'ef22b705-5f4c-47d6-80fd-690be4b9c845';
const B = '8aad81ec-8abc-4e93-b965-cd5465ea02c9';
const PASSWORD = 'S3cret-Pa55';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(chunk.toString());
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines, raw };
}

async function startServer(password = PASSWORD, port = 0) {
  const server = new FakeEslServer(password);
  const boundPort = await server.listen(port);
  cleanups.push(() => server.close());
  return { server, port: boundPort };
}

function connect(port: number, extra: Partial<EslConnectionOptions> = {}) {
  const log = capturedLogger();
  const connection = new EslConnection({
    host: '127.0.0.1',
    port,
    password: PASSWORD,
    logger: log.logger,
    backoff: { initialMs: 10, maxMs: 40 },
    customSubclasses: ['dynconf::star0'],
    ...extra,
  });
  cleanups.push(() => connection.close());
  connection.start();
  return { connection, log };
}

function waitForState(connection: EslConnection, state: ConnectionState): Promise<void> {
  if (connection.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const off = connection.onStateChange((change) => {
      if (change.state === state) {
        off();
        resolve();
      }
    });
  });
}

function nextEvent<T extends DynconfEvent['type']>(connection: EslConnection, type: T) {
  return new Promise<Extract<DynconfEvent, { type: T }>>((resolve) => {
    const off = connection.onEvent((event) => {
      if (event.type === type) {
        off();
        resolve(event as Extract<DynconfEvent, { type: T }>);
      }
    });
  });
}

const expectedSubscriptions = [
  ...SUBSCRIBED_EVENTS.map((name) => `event json ${name}`),
  'event json CUSTOM',
  'event json CUSTOM conference::maintenance ',
  'event json CUSTOM dynconf::star0 ',
];

/** A real CHANNEL_PARK event from trace 01. */
function recordedPark(): Record<string, unknown> {
  const rec = loadTrace(traceFiles()[0] ?? '').find(
    (r): r is InRecord =>
      r.dir === 'in' && typeof r.body === 'object' && r.body['Event-Name'] === 'CHANNEL_PARK',
  );
  return rec?.body as Record<string, unknown>;
}

async function connected(extra: Partial<EslConnectionOptions> = {}) {
  const { server, port } = await startServer();
  const { connection, log } = connect(port, extra);
  await waitForState(connection, 'connected');
  // Subscriptions are sent after authentication: wait until the server has them all.
  await vi.waitFor(() => expect(new Set(server.subscriptionsOf(1))).toEqual(new Set(expectedSubscriptions)));
  return { server, port, connection, log };
}

describe('EslConnection', () => {
  it('authenticates, subscribes once to each event dynconf needs, then reports connected', async () => {
    const states: ConnectionState[] = [];
    const { server, port } = await startServer();
    const log = capturedLogger();
    const connection = new EslConnection({ host: '127.0.0.1', port, password: PASSWORD, logger: log.logger });
    cleanups.push(() => connection.close());
    connection.onStateChange((c) => states.push(c.state));
    expect(connection.state).toBe('connecting');
    connection.start();
    await waitForState(connection, 'connected');
    await vi.waitFor(() =>
      expect(server.subscriptionsOf(1)).toContain('event json CUSTOM conference::maintenance '),
    );
    expect(states).toEqual(['connected']);
    expect(server.received[0]?.line).toBe(`auth ${PASSWORD}`);
    // Each subscription exactly once (and the plain `CUSTOM`).
    const sent = server.subscriptionsOf(1);
    expect(sent.length).toBe(new Set(sent).size);
    expect(new Set(sent)).toEqual(
      new Set([
        ...SUBSCRIBED_EVENTS.map((n) => `event json ${n}`),
        'event json CUSTOM',
        'event json CUSTOM conference::maintenance ',
      ]),
    );
    expect(connection.reconnects).toBe(0);
  });

  it('hands typed events to listeners; counts ignored and malformed events and keeps going', async () => {
    const { server, connection } = await connected();
    const park = recordedPark();
    const received = nextEvent(connection, 'channel-park');
    expect(server.sendEvent(park)).toBe(1);
    const event = await received;
    expect(event.channel.uuid).toBe(park['Unique-ID']);
    expect(event.channel.variable('dynconf_role')).toBe('admin');

    // A listener that throws does not stop the others.
    connection.onEvent(() => {
      throw new Error('listener bug');
    });
    const raw = (body: string) => `Content-Length: ${body.length}\nContent-Type: text/event-json\n\n${body}`;
    server.sendRaw(raw('{not json'));
    server.sendRaw(raw('{"Event-Name":"CHANNEL_DESTROY"}')); // no Unique-ID: malformed
    server.sendRaw(raw('{"Event-Name":"CHANNEL_STATE","Unique-ID":"x"}')); // not used by dynconf
    const dtmf = nextEvent(connection, 'dtmf');
    server.sendEvent({ 'Event-Name': 'DTMF', 'Unique-ID': A, 'DTMF-Digit': '#', 'DTMF-Source': 'RTP' });
    expect((await dtmf).digit).toBe('#');
    expect(connection.counters().events).toEqual({ decoded: 2, ignored: 1, unknown: 0, malformed: 2 });
    expect(connection.state).toBe('connected');
  });

  it('api: the body as the answer; -ERR as a rejected error value with the body', async () => {
    const { server, connection } = await connected();
    server.onApi = (cmd) =>
      cmd === `uuid_exists ${A}` ? 'true' : cmd.startsWith('uuid_transfer') ? '-ERR No such channel!\n' : '';
    const yes = exists(A);
    const transfer = transferToPark(B);
    if (!yes.ok || !transfer.ok) throw new Error('build');
    expect(await connection.api(yes.command, { timeoutMs: 2000 })).toEqual({ ok: true, body: 'true' });
    expect(await connection.api(transfer.command, { timeoutMs: 2000 })).toEqual({
      ok: false,
      body: '-ERR No such channel!\n',
      error: {
        kind: 'rejected',
        reply: '-ERR No such channel!',
        message: 'FreeSWITCH replied -ERR No such channel!',
      },
    });
    // An empty api/response (Content-Length: 0) is an empty answer, and the next command still works.
    const k = kill(A);
    if (!k.ok) throw new Error('build');
    expect(await connection.api(k.command, { timeoutMs: 2000 })).toEqual({ ok: true, body: '' });
    expect(await connection.api(yes.command, { timeoutMs: 2000 })).toEqual({ ok: true, body: 'true' });
    expect(server.received.filter((c) => c.line.startsWith('api ')).map((c) => c.line)).toEqual([
      `api uuid_exists ${A}`,
      `api uuid_transfer ${B} park inline`,
      `api uuid_kill ${A}`,
      `api uuid_exists ${A}`,
    ]);
  });

  it('bgapi: each result matched by Job-UUID even out of order; -ERR NO_ANSWER as rejected', async () => {
    const { server, connection } = await connected();
    server.onBgapi = (cmd) =>
      cmd.includes(`origination_uuid=${A}`)
        ? { body: `+OK ${A}\n`, delayMs: 30 }
        : { body: '-ERR NO_ANSWER\n', delayMs: 0 };
    const first = originate({ uuid: A, dialString: 'user/801', timeoutSec: 30 });
    const second = originate({ uuid: B, dialString: 'user/802', timeoutSec: 30 });
    if (!first.ok || !second.ok) throw new Error('build');
    const jobUuid = '11111111-2222-4333-8444-555555555555';
    const [ok, noAnswer] = await Promise.all([
      connection.bgapi(first.command, { timeoutMs: 5000, jobUuid }),
      connection.bgapi(second.command, { timeoutMs: 5000 }),
    ]);
    expect(ok).toEqual({ ok: true, jobUuid, body: `+OK ${A}\n`, reply: A });
    expect(noAnswer).toMatchObject({
      ok: false,
      body: '-ERR NO_ANSWER\n',
      error: { kind: 'rejected', reply: '-ERR NO_ANSWER' },
    });
    const sent = server.received.filter((c) => c.line.startsWith('bgapi'));
    expect(sent[0]?.headers['job-uuid']).toBe(jobUuid);
    expect(sent[1]?.headers['job-uuid']).toBe(noAnswer.jobUuid);
  });

  it('bgapi: a job that never reports comes back as a timeout value', async () => {
    const { server, connection } = await connected();
    server.onBgapi = () => 'never';
    const cmd = exists(A);
    if (!cmd.ok) throw new Error('build');
    const result = await connection.bgapi(cmd.command, { timeoutMs: 50 });
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', timeoutMs: 50 } });
  });

  it('execute: sendmsg headers as FreeSWITCH expects; -ERR invalid session id as rejected', async () => {
    const { server, connection } = await connected();
    server.onSendmsg = (uuid) => (uuid === A ? '+OK' : `-ERR invalid session id [${uuid}]`);
    const play = playback('silence_stream://500');
    const p = park();
    if (!play.ok || !p.ok) throw new Error('build');
    const eventUuid = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    expect(await connection.execute(A, play.command, { timeoutMs: 2000, eventUuid })).toEqual({
      ok: true,
      eventUuid,
    });
    const gone = await connection.execute(B, p.command, { timeoutMs: 2000 });
    expect(gone).toMatchObject({
      ok: false,
      error: { kind: 'rejected', reply: `-ERR invalid session id [${B}]` },
    });
    const sendmsg = server.received.find((c) => c.line === `sendmsg ${A}`);
    expect(sendmsg?.headers).toEqual({
      'call-command': 'execute',
      'execute-app-name': 'playback',
      'execute-app-arg': 'silence_stream://500',
      'event-uuid': eventUuid,
    });
    // A bad uuid is refused before anything is sent.
    const before = server.received.length;
    expect(await connection.execute('nope', p.command, { timeoutMs: 2000 })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input', field: 'uuid' },
    });
    expect(server.received.length).toBe(before);
  });

  it('refuses hand-made commands and missing timeouts without sending anything', async () => {
    const { server, connection } = await connected();
    const before = server.received.length;
    const fake = { text: 'shutdown', name: 'shutdown' } as never;
    expect(await connection.api(fake, { timeoutMs: 100 })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input' },
    });
    expect(await connection.bgapi(fake, { timeoutMs: 100 })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input' },
    });
    const cmd = exists(A);
    if (!cmd.ok) throw new Error('build');
    expect(await connection.api(cmd.command, { timeoutMs: 0 })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input', field: 'timeoutMs' },
    });
    expect(server.received.length).toBe(before);
  });

  it('reconnects after the socket drops, replays the subscriptions, and events flow again', async () => {
    const { server, connection } = await connected();
    const changes: string[] = [];
    connection.onStateChange((c) => changes.push(`${c.previous}->${c.state}:${c.reconnects}`));
    const reconnecting = waitForState(connection, 'reconnecting');
    server.dropConnections();
    await reconnecting;
    await waitForState(connection, 'connected');
    expect(changes).toEqual(['connected->reconnecting:0', 'reconnecting->connected:1']);
    expect(connection.reconnects).toBe(1);
    await vi.waitFor(() =>
      expect(new Set(server.subscriptionsOf(2))).toEqual(new Set(expectedSubscriptions)),
    );
    const star0 = nextEvent(connection, 'custom');
    server.sendEvent({ 'Event-Name': 'CUSTOM', 'Event-Subclass': 'dynconf::star0', 'Unique-ID': A });
    expect(await star0).toMatchObject({ subclass: 'dynconf::star0', channel: { uuid: A } });
    server.onApi = () => 'true';
    const cmd = exists(A);
    if (!cmd.ok) throw new Error('build');
    expect(await connection.api(cmd.command, { timeoutMs: 2000 })).toEqual({ ok: true, body: 'true' });
  });

  it('sends a command again after a reconnect when the socket dropped before its reply', async () => {
    const { server, connection } = await connected();
    let answer = false;
    server.onApi = () => (answer ? 'true' : undefined); // first time: no reply at all
    const cmd = exists(A);
    if (!cmd.ok) throw new Error('build');
    const result = connection.api(cmd.command, { timeoutMs: 5000 });
    await vi.waitFor(() => expect(server.received.some((c) => c.line === `api uuid_exists ${A}`)).toBe(true));
    answer = true;
    server.dropConnections();
    expect(await result).toEqual({ ok: true, body: 'true' });
    const sent = server.received.filter((c) => c.line === `api uuid_exists ${A}`).map((c) => c.connection);
    expect(sent).toEqual([1, 2]);
    // Replayed after the password and the subscriptions of the new connection.
    const second = server.received.filter((c) => c.connection === 2).map((c) => c.line);
    expect(second[0]).toBe(`auth ${PASSWORD}`);
    expect(second.indexOf(`api uuid_exists ${A}`)).toBeGreaterThan(second.indexOf('event json CUSTOM'));
  });

  it('commands sent before the session exists go out after auth and the subscriptions, in order', async () => {
    const { server, port } = await startServer();
    server.onApi = (cmd) => (cmd === `uuid_exists ${A}` ? 'true' : 'false');
    const log = capturedLogger();
    const connection = new EslConnection({ host: '127.0.0.1', port, password: PASSWORD, logger: log.logger });
    cleanups.push(() => connection.close());
    const yes = exists(A);
    const no = exists(B);
    if (!yes.ok || !no.ok) throw new Error('build');
    const results = [
      connection.api(yes.command, { timeoutMs: 5000 }),
      connection.api(no.command, { timeoutMs: 5000 }),
    ];
    connection.start();
    expect(await Promise.all(results)).toEqual([
      { ok: true, body: 'true' },
      { ok: true, body: 'false' },
    ]);
    const lines = server.received.map((c) => c.line);
    expect(lines[0]).toBe(`auth ${PASSWORD}`);
    expect(lines.slice(-2)).toEqual([`api uuid_exists ${A}`, `api uuid_exists ${B}`]);
    expect(new Set(lines.slice(1, -2))).toEqual(
      new Set(expectedSubscriptions.filter((l) => !l.includes('dynconf::star0'))),
    );
  });

  it('command and job timeouts run on the injected clock', async () => {
    const clock = new ManualClock(Date.now());
    const { server, connection } = await connected({ clock });
    server.onApi = () => undefined;
    server.onBgapi = () => 'never';
    const cmd = exists(A);
    if (!cmd.ok) throw new Error('build');
    // The bgapi first: its command/reply comes (only the job never does); the api's reply never comes.
    const bgapi = connection.bgapi(cmd.command, { timeoutMs: 90_000 });
    const api = connection.api(cmd.command, { timeoutMs: 60_000 });
    await vi.waitFor(() => expect(server.received.some((c) => c.line.startsWith('api'))).toBe(true));
    clock.advance(60_000);
    expect(await api).toMatchObject({ ok: false, error: { kind: 'timeout', timeoutMs: 60_000 } });
    clock.advance(30_000);
    expect(await bgapi).toMatchObject({ ok: false, error: { kind: 'timeout', timeoutMs: 90_000 } });
  });

  it('close() while retrying an absent FreeSWITCH ends at once', async () => {
    const probe = new FakeEslServer();
    const port = await probe.listen();
    await probe.close();
    const { connection } = connect(port, { backoff: { initialMs: 60_000, maxMs: 60_000 } });
    await vi.waitFor(() => expect(connection.counters().connectFailures).toBe(1));
    await connection.close();
    expect(connection.state).toBe('closed');
  });

  it('keeps retrying while FreeSWITCH is absent: one line when it starts, none per attempt, one when it is back', async () => {
    const probe = new FakeEslServer();
    const port = await probe.listen();
    await probe.close();
    const { connection, log } = connect(port);
    await vi.waitFor(() => expect(connection.counters().connectFailures).toBeGreaterThanOrEqual(5), {
      timeout: 5000,
    });
    expect(connection.state).toBe('connecting');
    expect(connection.status()).toMatchObject({
      state: 'connecting',
      problem: { kind: 'unreachable', detail: 'ECONNREFUSED' },
    });
    expect(connection.status().failedAttempts).toBeGreaterThanOrEqual(5);
    const warnings = log.lines.filter((l) => (l.level as number) >= 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'ECONNREFUSED' });
    expect(String(warnings[0]?.msg)).toContain('unreachable');
    await startServer(PASSWORD, port);
    await waitForState(connection, 'connected');
    expect(connection.reconnects).toBe(0);
    expect(connection.status()).toMatchObject({ state: 'connected', failedAttempts: 0 });
    expect(connection.status().problem).toBeUndefined();
    const back = log.lines.filter((l) => String(l.msg).includes('connected and authenticated'));
    expect(back).toHaveLength(1);
    expect(back[0]?.failedAttempts).toBeGreaterThanOrEqual(5);
    // Attempts leave no line of their own, at any level.
    const perAttempt = log.lines.filter((l) => /unreachable|retrying/.test(String(l.msg)));
    expect(perAttempt).toHaveLength(1);
  });

  it('a dropped session: one line when it is lost, one when it is back with how long it was down', async () => {
    const { server, port, connection, log } = await connected();
    await server.close();
    await waitForState(connection, 'reconnecting');
    await vi.waitFor(() => expect(connection.counters().connectFailures).toBeGreaterThanOrEqual(4), {
      timeout: 5000,
    });
    expect(connection.status()).toMatchObject({ state: 'reconnecting', problem: { kind: 'unreachable' } });
    await startServer(PASSWORD, port);
    await waitForState(connection, 'connected');
    const lines = log.lines.filter((l) => (l.level as number) >= 30 && l.module === 'esl').map((l) => l.msg);
    expect(lines).toEqual([
      'connecting to the FreeSWITCH event socket',
      'event socket connected and authenticated',
      'FreeSWITCH event socket lost: calls go on; reconnecting',
      expect.stringMatching(/^FreeSWITCH event socket back after \d+\.\d s down$/),
    ]);
    const back = log.lines.at(-1);
    expect(back?.downMs).toBeGreaterThan(0);
    expect(back?.failedAttempts).toBeGreaterThanOrEqual(4);
  });

  /** A peer that accepts and then writes `greeting` (if any) and nothing else, whatever it is sent. */
  async function silentPeer(greeting?: string) {
    const peer = await rawPeer(greeting);
    cleanups.push(() => peer.close());
    return peer;
  }

  it('a peer that accepts and says nothing is left after handshakeTimeoutMs, with a problem that says so, and asked again', async () => {
    const peer = await silentPeer();
    const clock = new ManualClock(Date.now());
    const { connection, log } = connect(peer.port, { clock, handshakeTimeoutMs: 10_000 });
    await vi.waitFor(() => expect(peer.sockets).toHaveLength(1));
    clock.advance(9_999);
    expect(peer.sockets[0]?.destroyed).toBe(false);
    clock.advance(1);
    await vi.waitFor(() =>
      expect(connection.status().problem).toEqual({
        kind: 'unreachable',
        detail: "no auth/request within 10 s of connecting: is it FreeSWITCH's event socket?",
      }),
    );
    expect(connection.state).toBe('connecting');
    const warnings = log.lines.filter((l) => (l.level as number) >= 40).map((l) => String(l.msg));
    expect(warnings).toEqual([
      "FreeSWITCH event socket unreachable (no auth/request within 10 s of connecting: is it FreeSWITCH's event socket?); retrying until it is back",
    ]);
    // The next attempt comes after the usual wait (the manual clock's timers): the peer is asked again.
    await vi.waitFor(
      () => {
        clock.advance(100);
        expect(peer.sockets.length).toBeGreaterThanOrEqual(2);
      },
      { timeout: 5000 },
    );
  });

  it('a peer that asks for the password and never answers it is left after handshakeTimeoutMs too', async () => {
    const peer = await silentPeer('Content-Type: auth/request\n\n');
    const clock = new ManualClock(Date.now());
    const { connection } = connect(peer.port, { clock, handshakeTimeoutMs: 5_000 });
    await vi.waitFor(() => expect(peer.sockets).toHaveLength(1));
    // Our password went out: the peer has read it (and says nothing).
    await new Promise<void>((resolve) => peer.sockets[0]?.once('data', () => resolve()));
    clock.advance(5_000);
    await vi.waitFor(() =>
      expect(connection.status().problem).toEqual({
        kind: 'unreachable',
        detail: 'no answer to the password within 5 s',
      }),
    );
  });

  it('the handshake deadline ends with the session: a connection that authenticated is not closed by it', async () => {
    const clock = new ManualClock(Date.now());
    const { connection, server } = await connected({ clock, handshakeTimeoutMs: 1_000 });
    clock.advance(60_000);
    // A command still gets its answer on the same socket (had the deadline closed it, the command would
    // wait for a reconnection that the manual clock never lets come).
    const yes = exists(A);
    if (!yes.ok) throw new Error('exists() refused a valid uuid');
    expect(await connection.api(yes.command, { timeoutMs: 2000 })).toMatchObject({ ok: true });
    expect(connection.state).toBe('connected');
    expect(server.connectionCount).toBe(1);
  });

  it('a wrong password: one clear error naming eventSocket.password, slow retries, never connected, never logged', async () => {
    const { server, port } = await startServer('the-right-one');
    const refusedMs = 150;
    const { connection, log } = connect(port, { backoff: { initialMs: 10, maxMs: 40, refusedMs } });
    const changes: string[] = [];
    connection.onStatusChange((s) => changes.push(`${s.state}/${s.problem?.kind ?? '-'}`));
    await vi.waitFor(() => expect(connection.counters().authFailures).toBeGreaterThanOrEqual(3), {
      timeout: 5000,
    });
    expect(connection.state).toBe('connecting');
    expect(connection.status()).toMatchObject({
      state: 'connecting',
      problem: { kind: 'auth-failed', detail: '-ERR invalid' },
    });
    const errors = log.lines.filter((l) => (l.level as number) >= 40);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ level: 50, reply: '-ERR invalid' });
    expect(String(errors[0]?.msg)).toContain('check eventSocket.password');
    // Slow: every retry waits refusedMs (not the 10-40 ms of an absent FreeSWITCH). Lower bounds only.
    const auths = server.received.filter((c) => c.line.startsWith('auth ')).length;
    expect(auths).toBe(connection.counters().authFailures);
    expect(server.connectionCount).toBe(auths);
    expect(changes).toEqual(['connecting/auth-failed']);
    expect(log.raw.join('')).not.toContain(PASSWORD);
  });

  it('a wrong password: retries come refusedMs apart', async () => {
    const { server, port } = await startServer('the-right-one');
    const refusedMs = 120;
    const seen: number[] = [];
    server.onConnection = () => seen.push(performance.now());
    connect(port, { backoff: { initialMs: 10, maxMs: 40, refusedMs } });
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(3), { timeout: 5000 });
    for (let k = 1; k < seen.length; k++)
      expect((seen[k] ?? 0) - (seen[k - 1] ?? 0)).toBeGreaterThanOrEqual(refusedMs - 2);
  });

  it("turned away by FreeSWITCH's ACL: one clear error, status rejected, slow retries", async () => {
    const { server, port } = await startServer();
    server.rejectAll = true;
    const { connection, log } = connect(port, { backoff: { initialMs: 10, maxMs: 40, refusedMs: 100 } });
    await vi.waitFor(() => expect(server.connectionCount).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    expect(connection.status()).toMatchObject({ state: 'connecting', problem: { kind: 'rejected' } });
    const errors = log.lines.filter((l) => (l.level as number) >= 40);
    expect(errors).toHaveLength(1);
    expect(String(errors[0]?.msg)).toContain('ACL');
    server.rejectAll = false;
    await waitForState(connection, 'connected');
    expect(connection.status().problem).toBeUndefined();
  });

  it('close(): pending commands end with a closed error; later commands too; state closed', async () => {
    const { server, connection } = await connected();
    server.onBgapi = () => 'never';
    const cmd = exists(A);
    if (!cmd.ok) throw new Error('build');
    const pending = connection.bgapi(cmd.command, { timeoutMs: 10_000 });
    await vi.waitFor(() => expect(server.received.some((c) => c.line.startsWith('bgapi'))).toBe(true));
    await connection.close();
    expect(await pending).toMatchObject({ ok: false, error: { kind: 'closed' } });
    expect(connection.state).toBe('closed');
    expect(await connection.api(cmd.command, { timeoutMs: 100 })).toMatchObject({
      ok: false,
      error: { kind: 'closed' },
    });
  });

  it('rejects a bad CUSTOM subclass at construction with the reason', () => {
    expect(
      () =>
        new EslConnection({
          host: '127.0.0.1',
          port: 1,
          password: 'x',
          logger: pino({ level: 'silent' }),
          customSubclasses: ['bad subclass\nexit'],
        }),
    ).toThrow(/customSubclasses/);
  });
});
