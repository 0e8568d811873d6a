// The TCP event-socket server: accepts clients, fans events out to them, and can be dropped, stopped and
// restarted on the same port for fault injection.
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../log.js';
import type { Core } from '../model/core.js';
import { Connection } from './connection.js';
import type { EventFaults } from './pipeline.js';

export interface ServerOptions {
  host: string;
  port: number;
  password: string;
}

export class EslServer {
  readonly connections = new Set<Connection>();
  readonly faults: EventFaults = { delayMs: 0 };
  refusing = false;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private boundPort: number;

  constructor(
    private readonly core: Core,
    private readonly options: ServerOptions,
    private readonly log: Logger,
  ) {
    this.boundPort = options.port;
    core.bus.subscribe((ev) => {
      for (const c of [...this.connections]) c.deliver(ev);
    });
  }

  get port(): number {
    return this.boundPort;
  }

  get listening(): boolean {
    return this.server?.listening === true;
  }

  listen(): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      server.listen(this.boundPort, this.options.host, () => {
        server.off('error', onError);
        server.on('error', (err) => this.log.error({ err }, 'simulator: server error'));
        const addr = server.address();
        if (addr !== null && typeof addr === 'object') this.boundPort = addr.port;
        resolve(this.boundPort);
      });
    });
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    this.core.clock.trackSocket?.(socket, 'server');
    if (this.refusing) {
      socket.destroy();
      return;
    }
    const conn = new Connection(socket, {
      core: this.core,
      password: this.options.password,
      log: this.log,
      faults: this.faults,
      onClose: (c) => this.connections.delete(c),
    });
    this.connections.add(conn);
    this.log.debug({ remote: socket.remoteAddress }, 'simulator: client connected');
  }

  /** Closes every client socket at once, without a disconnect notice. */
  dropConnections(): void {
    for (const c of [...this.connections]) c.destroy();
    for (const s of [...this.sockets]) s.destroy();
    this.connections.clear();
  }

  /** Stops listening and drops every client. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.dropConnections();
    if (server === undefined) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
