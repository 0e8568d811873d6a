// Commands are pipelined (src/esl/reply-queue.ts): each is written at once, without waiting for the reply
// to the one before, and replies are matched to commands in order, as FreeSWITCH sends them.
import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exists } from '../../src/esl/commands.js';
import { EslConnection } from '../../src/esl/connection.js';
import { silentLogger } from '../../src/log.js';
import { FakeEslServer } from './fake-esl-server.js';

const UUIDS = [
  'ef22b705-5f4c-47d6-80fd-690be4b9c845',
  '8aad81ec-8abc-4e93-b965-cd5465ea02c9',
  '1c7b3f4c-3b7b-4a9d-ac09-860954de40a8',
];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  vi.restoreAllMocks();
});

async function connectedTo(server: FakeEslServer): Promise<EslConnection> {
  const port = await server.listen();
  cleanups.push(() => server.close());
  const connection = new EslConnection({
    host: '127.0.0.1',
    port,
    password: 'ClueCon',
    logger: silentLogger(),
  });
  cleanups.push(() => connection.close());
  connection.start();
  await vi.waitFor(() => expect(connection.state).toBe('connected'));
  return connection;
}

function existsCommand(uuid: string) {
  const command = exists(uuid);
  if (!command.ok) throw new Error('bad command');
  return command.command;
}

describe('command pipelining', () => {
  it('writes every command before any reply and matches the replies in order', async () => {
    const server = new FakeEslServer();
    const port = await server.listen();
    cleanups.push(() => server.close());
    server.onApi = () => undefined; // hold every reply
    const connection = new EslConnection({
      host: '127.0.0.1',
      port,
      password: 'ClueCon',
      logger: silentLogger(),
    });
    cleanups.push(() => connection.close());
    connection.start();
    await vi.waitFor(() => expect(connection.state).toBe('connected'));

    const results = UUIDS.map((uuid) => {
      const command = exists(uuid);
      if (!command.ok) throw new Error('bad command');
      return connection.api(command.command, { timeoutMs: 5000 });
    });
    await vi.waitFor(() =>
      expect(server.received.filter((c) => c.line.startsWith('api uuid_exists')).map((c) => c.line)).toEqual(
        UUIDS.map((uuid) => `api uuid_exists ${uuid}`),
      ),
    );
    const answer = (body: string) => `Content-Type: api/response\nContent-Length: ${body.length}\n\n${body}`;
    server.sendRaw(answer('true') + answer('false') + answer('-ERR no'));
    const bodies = await Promise.all(results);
    expect(bodies).toEqual([
      { ok: true, body: 'true' },
      { ok: true, body: 'false' },
      expect.objectContaining({ ok: false, body: '-ERR no' }),
    ]);
  });

  it('commands sent in the same turn of the event loop leave in one write', async () => {
    const server = new FakeEslServer();
    server.onApi = () => 'true';
    const connection = await connectedTo(server);
    // Socket writes while corked are flushed together through _writev; count the flushes that carry ours.
    const flushes: string[] = [];
    const proto = Socket.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const method of ['_writev', '_write'] as const) {
      const original = proto[method];
      if (original === undefined) continue;
      vi.spyOn(proto, method).mockImplementation(function (this: Socket, ...args: unknown[]) {
        const text = JSON.stringify(args[0], (_k, v) =>
          v?.type === 'Buffer' ? Buffer.from(v.data).toString() : v,
        );
        if (text.includes('api uuid_exists')) flushes.push(text);
        return original.apply(this, args);
      });
    }
    const results = UUIDS.map((uuid) => connection.api(existsCommand(uuid), { timeoutMs: 5000 }));
    expect(await Promise.all(results)).toEqual(UUIDS.map(() => ({ ok: true, body: 'true' })));
    expect(flushes).toHaveLength(1);
    for (const uuid of UUIDS) expect(flushes[0]).toContain(`api uuid_exists ${uuid}`);
  });

  it('a reply that comes after its command timed out is not taken for the next command’s', async () => {
    const server = new FakeEslServer();
    server.onApi = () => undefined; // replies are written by hand below, in order, as FreeSWITCH would
    const connection = await connectedTo(server);
    const first = await connection.api(existsCommand(UUIDS[0] ?? ''), { timeoutMs: 20 });
    expect(first).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    const second = connection.api(existsCommand(UUIDS[1] ?? ''), { timeoutMs: 5000 });
    await vi.waitFor(() => expect(server.received.filter((c) => c.line.startsWith('api ')).length).toBe(2));
    const answer = (body: string) => `Content-Type: api/response\nContent-Length: ${body.length}\n\n${body}`;
    server.sendRaw(answer('first (late)') + answer('second'));
    expect(await second).toEqual({ ok: true, body: 'second' });
  });
});
