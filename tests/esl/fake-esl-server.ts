// A tiny FreeSWITCH event socket for connection tests: auth, `event json` subscriptions (events are
// only delivered to a connection that subscribed to them, as FreeSWITCH does), api, bgapi with a
// BACKGROUND_JOB later, sendmsg, dropping connections on demand.
import { createServer, type Server, type Socket } from 'node:net';

export interface ReceivedCommand {
  /** First line, e.g. `api uuid_exists <uuid>`. */
  line: string;
  headers: Record<string, string>;
  /** Which TCP connection (1, 2, …) sent it. */
  connection: number;
}

export type ApiHandler = (command: string) => string | undefined;
export type BgapiHandler = (command: string, jobUuid: string) => { body: string; delayMs?: number } | 'never';
export type SendmsgHandler = (uuid: string, headers: Record<string, string>) => string;

interface Conn {
  id: number;
  socket: Socket;
  authed: boolean;
  events: Set<string>;
  subclasses: Set<string>;
}

export class FakeEslServer {
  readonly received: ReceivedCommand[] = [];
  connectionCount = 0;
  onApi: ApiHandler = () => '+OK\n';
  onBgapi: BgapiHandler = () => ({ body: '+OK\n' });
  onSendmsg: SendmsgHandler = () => '+OK';
  /** Turn every new connection away as FreeSWITCH's event-socket ACL does (`text/rude-rejection`). */
  rejectAll = false;
  /** Called as each connection is accepted (before anything is written to it). */
  onConnection: () => void = () => {};
  readonly #conns = new Set<Conn>();
  #server: Server | undefined;

  constructor(private readonly password = 'ClueCon') {}

  async listen(port = 0): Promise<number> {
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  /** Drops every client connection (as a FreeSWITCH restart would) but keeps listening. */
  dropConnections(): void {
    for (const conn of this.#conns) conn.socket.destroy();
    this.#conns.clear();
  }

  async close(): Promise<void> {
    this.dropConnections();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Sends an event (a header object) to every authenticated connection subscribed to it. */
  sendEvent(event: Record<string, unknown>): number {
    const name = String(event['Event-Name']);
    const subclass = event['Event-Subclass'];
    let delivered = 0;
    for (const conn of this.#conns) {
      const wanted =
        conn.authed &&
        (name === 'CUSTOM'
          ? typeof subclass === 'string' && conn.subclasses.has(subclass)
          : conn.events.has(name));
      if (wanted) {
        this.#writeFrame(conn, 'text/event-json', JSON.stringify(event));
        delivered++;
      }
    }
    return delivered;
  }

  /** Writes raw bytes to every connection (for malformed-frame tests). */
  sendRaw(bytes: string): void {
    for (const conn of this.#conns) conn.socket.write(bytes);
  }

  /** `event json …` lines received on connection `n`. */
  subscriptionsOf(n: number): string[] {
    return this.received
      .filter((c) => c.connection === n && c.line.startsWith('event json'))
      .map((c) => c.line);
  }

  #accept(socket: Socket): void {
    const conn: Conn = {
      id: ++this.connectionCount,
      socket,
      authed: false,
      events: new Set(),
      subclasses: new Set(),
    };
    this.#conns.add(conn);
    this.onConnection();
    socket.on('error', () => {});
    socket.on('close', () => this.#conns.delete(conn));
    if (this.rejectAll) {
      this.#writeFrame(conn, 'text/rude-rejection', 'Access Denied, go away.\n');
      socket.end();
      return;
    }
    socket.write('Content-Type: auth/request\n\n');
    let pending = '';
    socket.on('data', (data: Buffer) => {
      pending += data.toString('utf8');
      for (let end = pending.indexOf('\n\n'); end >= 0; end = pending.indexOf('\n\n')) {
        const block = pending.slice(0, end);
        pending = pending.slice(end + 2);
        this.#command(conn, block);
      }
    });
  }

  #command(conn: Conn, block: string): void {
    const [line = '', ...rest] = block.split('\n');
    const headers: Record<string, string> = {};
    for (const h of rest) {
      const colon = h.indexOf(': ');
      if (colon > 0) headers[h.slice(0, colon)] = h.slice(colon + 2);
    }
    this.received.push({ line, headers, connection: conn.id });
    if (line.startsWith('auth ')) {
      if (line.slice(5) === this.password) {
        conn.authed = true;
        this.#reply(conn, '+OK accepted');
      } else {
        this.#reply(conn, '-ERR invalid');
        this.#writeFrame(conn, 'text/disconnect-notice', 'Disconnected, goodbye.\n');
        conn.socket.end();
      }
      return;
    }
    if (!conn.authed) {
      this.#reply(conn, '-ERR command not found');
      return;
    }
    if (line.startsWith('event json ')) {
      const [, , name, subclass] = line.split(' ');
      if (name === 'CUSTOM' && subclass) conn.subclasses.add(subclass);
      else if (name) conn.events.add(name);
      this.#reply(conn, '+OK event listener enabled json');
      return;
    }
    if (line.startsWith('api ')) {
      const body = this.onApi(line.slice(4));
      if (body !== undefined) this.#writeFrame(conn, 'api/response', body);
      return;
    }
    if (line.startsWith('bgapi ')) {
      const jobUuid = headers['job-uuid'] ?? 'no-job-uuid';
      const command = line.slice(6);
      conn.socket.write(
        `Content-Type: command/reply\nReply-Text: +OK Job-UUID: ${jobUuid}\nJob-UUID: ${jobUuid}\n\n`,
      );
      const result = this.onBgapi(command, jobUuid);
      if (result === 'never') return;
      const [name = '', ...args] = command.split(' ');
      const event = {
        'Event-Name': 'BACKGROUND_JOB',
        'Job-UUID': jobUuid,
        'Job-Command': name,
        'Job-Command-Arg': args.join(' '),
        'Content-Length': String(Buffer.byteLength(result.body)),
        _body: result.body,
      };
      setTimeout(() => this.sendEvent(event), result.delayMs ?? 0);
      return;
    }
    if (line.startsWith('sendmsg ')) this.#reply(conn, this.onSendmsg(line.slice(8), headers));
    else this.#reply(conn, '-ERR command not found');
  }

  #reply(conn: Conn, text: string): void {
    conn.socket.write(`Content-Type: command/reply\nReply-Text: ${text}\n\n`);
  }

  #writeFrame(conn: Conn, contentType: string, body: string): void {
    conn.socket.write(`Content-Length: ${Buffer.byteLength(body)}\nContent-Type: ${contentType}\n\n${body}`);
  }
}
