// Server-sent events for the dashboard (GET /api/events): the whole rooms picture on connect and after
// every change (changes within a few milliseconds are sent once), short notices (an invitation ended), and
// a comment line now and then so proxies keep the stream open.
import type { ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import type { RoomsPayload } from './views.js';

export interface LiveHubOptions {
  readonly payload: () => RoomsPayload;
  readonly logger: Logger;
  /** Streams open at once; more are refused (503). Default 64. */
  readonly maxClients?: number;
  /** Default 15 s. */
  readonly heartbeatMs?: number;
  /** Changes within this window go out as one update. Default 40 ms. */
  readonly coalesceMs?: number;
}

export class LiveHub {
  readonly #options: LiveHubOptions;
  readonly #clients = new Set<ServerResponse>();
  #pending: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #lastSent = '';
  #closed = false;

  constructor(options: LiveHubOptions) {
    this.#options = options;
  }

  get clients(): number {
    return this.#clients.size;
  }

  get full(): boolean {
    return this.#clients.size >= (this.#options.maxClients ?? 64);
  }

  /** Takes over a response: headers, the current picture, then updates until the client goes away. */
  attach(response: ServerResponse): void {
    if (this.#closed) {
      response.writeHead(503).end();
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write('retry: 2000\n\n');
    this.#clients.add(response);
    const forget = () => this.#clients.delete(response);
    response.on('close', forget);
    response.on('error', forget);
    this.#write(response, 'rooms', this.#render().text);
    this.#heartbeat ??= setInterval(() => this.#beat(), this.#options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  /** Something in the picture changed: send it (once per coalescing window). */
  changed(): void {
    if (this.#closed || this.#clients.size === 0 || this.#pending !== undefined) return;
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      const { text, key } = this.#render();
      // The same picture again (a change that cancelled itself out) is not worth a message.
      if (key === this.#lastSent) return;
      this.#lastSent = key;
      for (const client of this.#clients) this.#write(client, 'rooms', text);
    }, this.#options.coalesceMs ?? 40);
  }

  /** A short message for whoever is watching now (not kept for later clients). */
  notice(data: Record<string, unknown>): void {
    const text = JSON.stringify(data);
    for (const client of this.#clients) this.#write(client, 'notice', text);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#pending);
    clearInterval(this.#heartbeat);
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }

  /** The message, and what it says apart from the moment it was made (to skip repeats). */
  #render(): { text: string; key: string } {
    const { generatedAt, ...picture } = this.#options.payload();
    return { text: JSON.stringify({ ...picture, generatedAt }), key: JSON.stringify(picture) };
  }

  #beat(): void {
    if (this.#clients.size === 0) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
      return;
    }
    for (const client of this.#clients) client.write(': keep-alive\n\n');
  }

  #write(client: ServerResponse, event: string, data: string): void {
    try {
      client.write(`event: ${event}\ndata: ${data}\n\n`);
    } catch (err) {
      this.#options.logger.debug({ err }, 'live client write failed');
      this.#clients.delete(client);
    }
  }
}
