// Commands are pipelined (patches/esl-lite+3.2.0.patch): each is written at once, without waiting for
// the reply to the one before, and replies are matched to commands in order, as FreeSWITCH sends them.
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
});

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
});
