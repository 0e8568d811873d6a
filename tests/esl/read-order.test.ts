// How the transport hands on the frames of one TCP read (src/esl/transport.ts): in order, and each frame's
// consequences (a reaction's command sent from its leg queue a microtask later, the code waiting for a
// reply) get their turn before the next frame of the same read is handled, so a big read does not hold
// up the reaction to its first frame.
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../../src/clock.js';
import { DEFAULT_BACKOFF } from '../../src/esl/reconnect.js';
import { EslTransport, type TransportHooks } from '../../src/esl/transport.js';
import { silentLogger } from '../../src/log.js';
import { rawPeer } from './raw-peer.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function frame(contentType: string, body: string): string {
  return `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: ${contentType}\n\n${body}`;
}

/** A server that writes `bytes` in one write as soon as a client connects. */
async function serverSending(bytes: string): Promise<number> {
  const peer = await rawPeer(bytes);
  cleanups.push(() => peer.close());
  return peer.port;
}

function transportTo(port: number, hooks: Partial<TransportHooks>): EslTransport {
  const transport = new EslTransport({
    host: '127.0.0.1',
    port,
    connectTimeoutMs: 1000,
    handshakeTimeoutMs: 10_000,
    clock: realClock,
    backoff: DEFAULT_BACKOFF,
    random: () => 0.5,
    logger: silentLogger(),
    hooks: {
      socketOpened: () => {},
      authRequested: () => {},
      reply: () => {},
      socketClosed: () => {},
      connectFailed: () => {},
      eventBody: () => {},
      otherFrame: () => {},
      framingError: () => {},
      ...hooks,
    },
  });
  cleanups.push(() => transport.end());
  return transport;
}

describe('frames of one read', () => {
  it('are handed on in order, each one’s follow-up (two microtask turns) before the next frame', async () => {
    const seen: string[] = [];
    let done: () => void = () => {};
    const allSeen = new Promise<void>((resolve) => {
      done = resolve;
    });
    const bodies = ['one', 'two', 'three'];
    const port = await serverSending(
      frame('auth/request', '') +
        bodies.map((b) => frame('text/event-json', `{"n":"${b}"}`)).join('') +
        frame('command/reply', ''),
    );
    const transport = transportTo(port, {
      eventBody: (body) => {
        const n = (JSON.parse(body.toString()) as { n: string }).n;
        seen.push(`event ${n}`);
        // What a reaction does: its leg queue starts a microtask later and sends a command after one more.
        void (async () => {
          await null;
          await null;
          seen.push(`command for ${n}`);
        })();
      },
      reply: () => {
        seen.push('reply');
        done();
      },
    });
    void transport.run();
    await allSeen;
    expect(seen).toEqual([
      'event one',
      'command for one',
      'event two',
      'command for two',
      'event three',
      'command for three',
      'reply',
    ]);
  });
});
