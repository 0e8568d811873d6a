// A TCP proxy between dynconf and the event socket (the simulator): it records every byte each way, per
// connection, and can slip extra bytes into what the client receives (a FreeSWITCH gone wrong). Tests read
// what the controller really sent (commands) and really received (events), frame by frame. On a virtual
// clock both of its sockets are tracked (the relay copies bytes on at once, so "nothing in flight" holds
// end to end) and time stands still while it connects upstream.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { FreeSwitchParser } from 'esl-lite';
import type { Clock } from '../../../src/clock.js';
import { silentLogger } from '../../../src/log.js';

export interface ProxiedConnection {
  readonly id: number;
  /** Bytes FreeSWITCH sent to the client, in order (injected bytes included). */
  readonly toClient: Buffer[];
  /** Bytes the client sent to FreeSWITCH, in order. */
  readonly toServer: Buffer[];
  /** Writes bytes to the client as if FreeSWITCH had sent them. */
  inject(bytes: Buffer | string): void;
  readonly closed: Promise<void>;
}

/** One frame FreeSWITCH sent: its headers and body, and how many commands had been sent before it. */
export interface ReceivedFrame {
  readonly contentType: string | undefined;
  readonly headers: { get(name: string): string | undefined };
  readonly body: Buffer;
}

/** One command the client sent: its text (first line and header lines). */
export interface SentCommand {
  readonly text: string;
  readonly line: string;
}

export class EslProxy {
  readonly connections: ProxiedConnection[] = [];
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(
    private readonly upstream: { host: string; port: number },
    /** The clock of the controller and the simulator: it tracks the proxy's sockets too. */
    private readonly clock?: Clock,
  ) {}

  async listen(): Promise<{ host: string; port: number }> {
    const server = createServer((client) => this.#accept(client));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return { host: '127.0.0.1', port: address.port };
  }

  get current(): ProxiedConnection | undefined {
    return this.connections.at(-1);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    this.clock?.trackSocket?.(client, 'server');
    // The upstream connection is being set up: a virtual clock cannot see it, so time stands still.
    const release = this.clock?.holdTime?.();
    const upstream = createConnection(this.upstream);
    upstream.once('connect', () => {
      this.clock?.trackSocket?.(upstream, 'client');
      release?.();
    });
    upstream.once('close', () => release?.());
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const toClient: Buffer[] = [];
    const toServer: Buffer[] = [];
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const conn: ProxiedConnection = {
      id: this.connections.length + 1,
      toClient,
      toServer,
      inject: (bytes) => {
        const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
        toClient.push(buf);
        if (!client.destroyed) client.write(buf);
      },
      closed,
    };
    this.connections.push(conn);
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    upstream.on('data', (data: Buffer) => {
      toClient.push(data);
      if (!client.destroyed) client.write(data);
    });
    client.on('data', (data: Buffer) => {
      toServer.push(data);
      if (!upstream.destroyed) upstream.write(data);
    });
  }
}

/** The frames of a recorded server-to-client stream (as the controller's parser framed them). */
export async function framesOf(chunks: readonly Buffer[]): Promise<ReceivedFrame[]> {
  async function* source() {
    yield* chunks;
  }
  const frames: ReceivedFrame[] = [];
  try {
    for await (const item of FreeSwitchParser(source(), silentLogger())) {
      if (item instanceof Error) continue;
      frames.push({ contentType: item.headers.contentType, headers: item.headers, body: item.body });
    }
  } catch {
    // injected garbage ends what can be framed
  }
  return frames;
}

/** The commands of a recorded client-to-server stream (each ends with a blank line). */
export function commandsOf(chunks: readonly Buffer[]): SentCommand[] {
  const text = Buffer.concat(chunks).toString('utf8');
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => ({ text: block, line: block.split('\n')[0] ?? '' }));
}
