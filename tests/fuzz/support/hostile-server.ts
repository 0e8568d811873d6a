// A FreeSWITCH event socket that turns hostile on demand: it authenticates and acknowledges subscriptions
// like FreeSWITCH, then a test makes it write whatever bytes it likes (garbage, a header block that never
// ends, a Content-Length of 2 GB) and watches how the client behaves: what it sent, when it closed the socket,
// how many bytes it took before that.
import { createServer, type Server, type Socket } from 'node:net';

export class HostileConnection {
  /** First line of every command the client sent, in order. */
  readonly commands: string[] = [];
  /** Bytes written to the client. */
  written = 0;
  #closed = false;
  readonly closed: Promise<void>;
  readonly #socket: Socket;
  #pending = '';
  /** Answer api commands (true) or leave them unanswered (false). */
  answerApi = true;

  constructor(
    readonly id: number,
    socket: Socket,
    private readonly password: string,
  ) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => {
      this.#closed = true;
    });
    socket.on('error', () => {});
    socket.on('data', (data: Buffer) => this.#onData(data));
    this.write('Content-Type: auth/request\n\n');
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** `event json …` lines received. */
  get subscriptions(): string[] {
    return this.commands.filter((c) => c.startsWith('event json'));
  }

  write(bytes: Buffer | string): boolean {
    if (this.#closed || this.#socket.destroyed) return false;
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    this.written += buf.length;
    return this.#socket.write(buf);
  }

  /** A `text/event-json` frame whose body is exactly `body`. */
  writeEventBody(body: Buffer | string, contentType = 'text/event-json'): void {
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    this.write(
      Buffer.concat([Buffer.from(`Content-Length: ${buf.length}\nContent-Type: ${contentType}\n\n`), buf]),
    );
  }

  /** A well-formed JSON event. */
  sendEvent(headers: Record<string, unknown>): void {
    this.writeEventBody(JSON.stringify(headers));
  }

  /**
   * Writes `chunk` again and again (respecting backpressure) until the client closes the socket or
   * `maxBytes` were written. Resolves with the bytes written and whether the client closed first.
   */
  async stream(chunk: Buffer, maxBytes: number): Promise<{ written: number; clientClosed: boolean }> {
    let written = 0;
    while (written < maxBytes) {
      if (this.#closed || this.#socket.destroyed) return { written, clientClosed: true };
      written += chunk.length;
      if (!this.write(chunk)) {
        const drained = await Promise.race([
          new Promise<boolean>((resolve) => this.#socket.once('drain', () => resolve(true))),
          this.closed.then(() => false),
        ]);
        if (!drained) return { written, clientClosed: true };
      }
    }
    return { written, clientClosed: this.#closed };
  }

  /** Closes the connection from the server side at once (a FreeSWITCH crash, say). */
  drop(): void {
    this.#socket.destroy();
  }

  /** Closes the connection after everything written so far (the client reads it all, then the end). */
  end(): void {
    this.#socket.end();
  }

  #onData(data: Buffer): void {
    this.#pending += data.toString('utf8');
    for (let end = this.#pending.indexOf('\n\n'); end >= 0; end = this.#pending.indexOf('\n\n')) {
      const block = this.#pending.slice(0, end);
      this.#pending = this.#pending.slice(end + 2);
      this.#command(block);
    }
  }

  #command(block: string): void {
    const [line = ''] = block.split('\n');
    this.commands.push(line);
    if (line.startsWith('auth ')) {
      this.#reply(line.slice(5) === this.password ? '+OK accepted' : '-ERR invalid');
    } else if (line.startsWith('event json ')) {
      this.#reply('+OK event listener enabled json');
    } else if (line.startsWith('api ')) {
      if (this.answerApi) this.write('Content-Type: api/response\nContent-Length: 4\n\n+OK\n');
    } else if (line.startsWith('bgapi ')) {
      this.#reply('+OK Job-UUID: 00000000-0000-4000-8000-000000000000');
    } else this.#reply('-ERR command not found');
  }

  #reply(text: string): void {
    this.write(`Content-Type: command/reply\nReply-Text: ${text}\n\n`);
  }
}

export class HostileServer {
  readonly connections: HostileConnection[] = [];
  readonly #listeners = new Set<(conn: HostileConnection) => void>();
  #server: Server | undefined;

  constructor(readonly password = 'ClueCon') {}

  async listen(): Promise<number> {
    const server = createServer((socket) => {
      const conn = new HostileConnection(this.connections.length + 1, socket, this.password);
      this.connections.push(conn);
      for (const listener of this.#listeners) listener(conn);
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  /** The connection number `n` (1-based), once it exists. */
  connection(n: number): Promise<HostileConnection> {
    const existing = this.connections[n - 1];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve) => {
      const listener = (conn: HostileConnection) => {
        if (conn.id !== n) return;
        this.#listeners.delete(listener);
        resolve(conn);
      };
      this.#listeners.add(listener);
    });
  }

  async close(): Promise<void> {
    for (const conn of this.connections) conn.drop();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
