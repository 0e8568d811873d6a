// A real EslConnection against an event socket that turns hostile after authenticating: garbage, a header
// block that never ends, Content-Lengths of 2 GB, negative or not a number, bad JSON, bad URL encoding,
// NUL bytes and invalid UTF-8. The connection never crashes and never leaves a rejection unhandled; what it
// cannot frame makes it drop the socket with a clear log line and come back (reconnect, subscribe again,
// events flow); what it can frame but not read is counted by the decoder and skipped on a live connection.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { showChannelsJson } from '../../src/esl/commands.js';
import { EslConnection } from '../../src/esl/connection.js';
import type { DynconfEvent, EventOf } from '../../src/esl/events.js';
import { retryDelay } from '../../src/esl/transport.js';
import { createLogger } from '../../src/log.js';
import { type HostileConnection, HostileServer } from './support/hostile-server.js';

const BACKOFF = { initialMs: 10, maxMs: 100 };
const UUID = '5d3e1c2a-0000-4000-8000-00000000000a';
const dtmf = (digit: string) => ({
  'Event-Name': 'DTMF',
  'Unique-ID': UUID,
  'DTMF-Digit': digit,
  'DTMF-Source': 'RTP',
});

interface Rig {
  server: HostileServer;
  connection: EslConnection;
  logs: string[];
  events: DynconfEvent[];
  /** The subscriptions of a healthy session (from the first connection). */
  subscriptions: string[];
}

let rig: Rig | undefined;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

async function until<T>(check: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function start(): Promise<Rig> {
  const server = new HostileServer();
  const port = await server.listen();
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void logs.push(line) },
  });
  const connection = new EslConnection({
    host: '127.0.0.1',
    port,
    password: 'ClueCon',
    logger,
    backoff: BACKOFF,
  });
  const events: DynconfEvent[] = [];
  connection.onEvent((event) => events.push(event));
  connection.start();
  await until(() => connection.state === 'connected', 'connected');
  const probe = showChannelsJson();
  if (!probe.ok) throw new Error('probe');
  // Replies come in order: once this one is back, every subscription was sent before it.
  expect((await connection.api(probe.command, { timeoutMs: 2000 })).ok).toBe(true);
  const first = await server.connection(1);
  const subscriptions = [...first.subscriptions].sort();
  expect(subscriptions.length).toBeGreaterThan(10);
  rig = { server, connection, logs, events, subscriptions };
  return rig;
}

/** Connection `n` is up, subscribed to everything again, and events sent on it reach the listeners. */
async function recovered(r: Rig, n: number, digit = '7'): Promise<HostileConnection> {
  const conn = await r.server.connection(n);
  await until(
    () => conn.subscriptions.length >= r.subscriptions.length && r.connection.state === 'connected',
    `connection ${n} subscribed`,
  );
  expect([...new Set(conn.subscriptions)].sort()).toEqual([...new Set(r.subscriptions)].sort());
  const before = r.events.length;
  conn.sendEvent(dtmf(digit));
  const event = await until(
    () => r.events.slice(before).find((e): e is EventOf<'dtmf'> => e.type === 'dtmf' && e.digit === digit),
    `the DTMF ${digit} on connection ${n}`,
  );
  expect(event.channel.uuid).toBe(UUID);
  return conn;
}

function framingLogs(r: Rig): Array<{ reason: string; level: number }> {
  return r.logs
    .map((line) => JSON.parse(line) as { msg: string; reason: string; level: number })
    .filter((l) => l.msg.includes('not valid event-socket framing'))
    .map(({ reason, level }) => ({ reason, level }));
}

beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});

afterEach(async () => {
  const r = rig;
  rig = undefined;
  if (r) {
    await r.connection.close();
    await r.server.close();
  }
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

describe('EslConnection against a hostile event socket', () => {
  it('a header block that never ends (MBs): dropped after 64 KiB with a clear log line, then reconnected and resubscribed', async () => {
    const r = await start();
    const conn = await r.server.connection(1);
    const chunk = Buffer.alloc(64 * 1024, 'H');
    for (let i = 50; i < chunk.length; i += 1000) chunk[i] = 0x0a;
    const result = await conn.stream(chunk, 512 * 1024 * 1024);
    expect(result.clientClosed).toBe(true);
    // Loopback socket buffers hold a few MB; the client stopped reading long before 512 MB.
    expect(result.written).toBeLessThan(64 * 1024 * 1024);
    expect(framingLogs(r)).toEqual([{ reason: 'no end of headers within 65536 bytes', level: 50 }]);
    await recovered(r, 2);
    expect(r.connection.counters()).toMatchObject({ framingErrors: 1, reconnects: 1 });
  });

  it.each([
    ['2^31', '2147483648', 'Content-Length 2147483648 is over the limit of 33554432 bytes'],
    [
      '2^64',
      '18446744073709551616',
      'Content-Length 18446744073709551616 is over the limit of 33554432 bytes',
    ],
    ['negative', '-1', 'Content-Length is not a number of bytes: "-1"'],
    ['not a number', 'twelve', 'Content-Length is not a number of bytes: "twelve"'],
    ['empty', '', 'Content-Length is not a number of bytes: ""'],
  ])('Content-Length %s: dropped at once, nothing buffered, then back', async (_what, length, reason) => {
    const r = await start();
    const conn = await r.server.connection(1);
    conn.write(`Content-Length: ${length}\nContent-Type: text/event-json\n\n`);
    const result = await conn.stream(Buffer.alloc(64 * 1024, '{'), 512 * 1024 * 1024);
    expect(result.clientClosed).toBe(true);
    expect(result.written).toBeLessThan(64 * 1024 * 1024);
    expect(framingLogs(r).map((l) => l.reason)).toEqual([reason]);
    await recovered(r, 2);
  });

  it('bodies it can frame but not read are counted and skipped; the connection stays up', async () => {
    const r = await start();
    const conn = await r.server.connection(1);
    const before = r.connection.counters().events;
    conn.writeEventBody('{"Event-Name":"DTMF","Unique-ID": oops');
    conn.writeEventBody('[1,2,3]');
    conn.writeEventBody(Buffer.from([0xff, 0xfe, 0x00, 0x7b]));
    conn.writeEventBody(
      Buffer.concat([
        Buffer.from('{"Event-Name":"DTMF","Unique-ID":"a'),
        Buffer.from([0]),
        Buffer.from('"}'),
      ]),
    );
    conn.sendEvent({ 'Event-Name': 'DTMF', 'DTMF-Digit': '5' });
    conn.sendEvent({ 'Event-Name': 'NOT_AN_EVENT', 'Unique-ID': UUID });
    conn.sendEvent({ 'Event-Name': 'CHANNEL_STATE', 'Unique-ID': UUID });
    conn.writeEventBody('Event-Name: DTMF\nUnique-ID: abc%ZZ\nDTMF-Digit: 5\n\n', 'text/event-plain');
    conn.writeEventBody('Event-Name: DTMF\nUnique-ID: abc\nDTMF-Digit: %23\n\n', 'text/event-plain');
    // Invalid UTF-8 inside a string value: decoded with replacement characters.
    conn.writeEventBody(
      Buffer.concat([
        Buffer.from('{"Event-Name":"DTMF","Unique-ID":"b","Caller-Caller-ID-Name":"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('","DTMF-Digit":"1"}'),
      ]),
    );
    // A large event (1 MB variable) is still an event.
    conn.sendEvent({ ...dtmf('2'), variable_huge: 'x'.repeat(1024 * 1024) });
    conn.write('Content-Type: log/data\nContent-Length: 3\n\nabc');
    conn.write('Content-Type: x-unknown/type\n\n');
    conn.sendEvent(dtmf('9'));
    await until(() => r.events.some((e) => e.type === 'dtmf' && e.digit === '9'), 'the last DTMF');
    const after = r.connection.counters();
    expect({
      decoded: after.events.decoded - before.decoded,
      ignored: after.events.ignored - before.ignored,
      unknown: after.events.unknown - before.unknown,
      malformed: after.events.malformed - before.malformed,
    }).toEqual({ decoded: 4, ignored: 1, unknown: 1, malformed: 6 });
    expect(r.events.filter((e) => e.type === 'dtmf').map((e) => e.type === 'dtmf' && e.digit)).toEqual([
      '#',
      '1',
      '2',
      '9',
    ]);
    expect(after.otherFrames).toBe(2);
    expect(r.server.connections).toHaveLength(1);
    expect(after.framingErrors).toBe(0);
  });

  it('a command waiting for its reply when the stream turns to garbage completes after the reconnect', async () => {
    const r = await start();
    const conn = await r.server.connection(1);
    conn.answerApi = false;
    const probe = showChannelsJson();
    if (!probe.ok) throw new Error('probe');
    const pending = r.connection.api(probe.command, { timeoutMs: 5000 });
    await until(() => conn.commands.filter((c) => c.startsWith('api ')).length === 2, 'the command sent');
    await conn.stream(Buffer.alloc(16 * 1024, 'G'), 8 * 1024 * 1024);
    const result = await pending;
    expect(result).toEqual({ ok: true, body: '+OK\n' });
    const second = await recovered(r, 2);
    expect(second.commands.filter((c) => c === 'api show channels as json')).toHaveLength(1);
  });

  it('a peer that sends garbage on every connection: reconnections back off instead of spinning', async () => {
    const r = await start();
    const seen: number[] = [];
    const poison = async (conn: HostileConnection) => {
      await until(
        () => conn.subscriptions.length >= r.subscriptions.length || conn.isClosed,
        'subscriptions',
      );
      seen.push(Date.now());
      conn.write('Content-Length: -1\n\n');
    };
    void poison(await r.server.connection(1));
    for (let n = 2; n <= 7; n++) void poison(await r.server.connection(n));
    await until(() => seen.length === 7, 'seven connections');
    // The wait before connection k+1 is at least retryDelay(k): 10, 20, 40, 80, 100, 100 ms.
    for (let k = 1; k < 6; k++) {
      const gap = (seen[k + 1] ?? 0) - (seen[k] ?? 0);
      expect(gap).toBeGreaterThanOrEqual(retryDelay({ initialMs: 10, maxMs: 100 }, k) - 2);
    }
    expect(r.connection.counters().framingErrors).toBeGreaterThanOrEqual(6);
  });

  it('property: any garbage after authentication — no crash, no unhandled rejection; after a drop it comes back', async () => {
    const r = await start();
    let n = 1;
    const garbage = fc
      .array(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
          fc
            .constantFrom(
              '\n',
              '\n\n',
              'Content-Length: ',
              '2147483648',
              '-7',
              '17',
              'Content-Type: text/event-json\n',
              'Content-Type: text/event-plain\n',
              'Content-Type: command/reply\nReply-Text: +OK\n\n',
              'Content-Type: text/disconnect-notice\n\n',
              '{"Event-Name":"DTMF","Unique-ID":"x","DTMF-Digit":"3"}',
              'Event-Name: DTMF\nUnique-ID: %\n\n',
            )
            .map((s) => Buffer.from(s)),
        ),
        { maxLength: 40 },
      )
      .map((parts) => Buffer.concat(parts));
    await fc.assert(
      fc.asyncProperty(garbage, async (bytes) => {
        const conn = await r.server.connection(n);
        conn.write(bytes);
        // Whatever the garbage left the parser waiting for, a FreeSWITCH restart starts over.
        conn.end();
        n++;
        await recovered(r, n, String(n % 10));
      }),
      { numRuns: 20 },
    );
    expect(r.connection.state).toBe('connected');
    expect(r.connection.reconnects).toBe(n - 1);
  });
});
