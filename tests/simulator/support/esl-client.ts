// A small, independent event-socket client for the simulator's tests: frames in, replies matched in order,
// events collected. Deliberately separate from src/esl/ so the tests check the wire, not our client.
import { connect, type Socket } from 'node:net';
import type { VirtualClock } from '../../../src/clock.js';

export interface Frame {
  headers: Record<string, string>;
  /** Header lines exactly as received, for byte-level checks. */
  rawHeaders: string;
  body: string;
}

export interface ClientEvent {
  name: string;
  headers: Record<string, string>;
  /** Repeated keys as they came (JSON keeps the last one in `headers`). */
  raw: string;
  frame: Frame;
}

function parseFrames(buf: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let rest = buf;
  for (;;) {
    const end = rest.indexOf('\n\n');
    if (end < 0) break;
    const rawHeaders = rest.subarray(0, end).toString('utf8');
    const headers: Record<string, string> = {};
    for (const line of rawHeaders.split('\n')) {
      const colon = line.indexOf(': ');
      if (colon > 0) headers[line.slice(0, colon)] = line.slice(colon + 2);
    }
    const len = Number(headers['Content-Length'] ?? '0');
    if (rest.length < end + 2 + len) break;
    const body = rest.subarray(end + 2, end + 2 + len).toString('utf8');
    rest = rest.subarray(end + 2 + len);
    frames.push({ headers, rawHeaders, body });
  }
  return { frames, rest };
}

export function parsePlainEvent(body: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const blank = body.indexOf('\n\n');
  const head = blank < 0 ? body : body.slice(0, blank);
  for (const line of head.split('\n')) {
    const colon = line.indexOf(': ');
    if (colon > 0) headers[line.slice(0, colon)] = decodeURIComponent(line.slice(colon + 2));
  }
  if (blank >= 0 && headers['Content-Length'] !== undefined) headers._body = body.slice(blank + 2);
  return headers;
}

export class TestClient {
  readonly frames: Frame[] = [];
  readonly events: ClientEvent[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private waiters: Array<(f: Frame) => void> = [];
  private replies: Frame[] = [];
  private closedFlag = false;
  private listeners = new Set<() => void>();

  private constructor(
    readonly socket: Socket,
    /** The simulator's virtual clock: the client's waits let its time pass. */
    private readonly clock?: VirtualClock,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      const { frames, rest } = parseFrames(this.buf);
      this.buf = rest;
      for (const f of frames) this.onFrame(f);
    });
    socket.on('close', () => {
      this.closedFlag = true;
      this.notify();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number, host = '127.0.0.1', clock?: VirtualClock): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const release = clock?.holdTime();
      const socket = connect(port, host);
      socket.once('error', (err) => {
        release?.();
        reject(err);
      });
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        clock?.trackSocket(socket, 'client');
        release?.();
        resolve(new TestClient(socket, clock));
      });
    });
  }

  /** Opens, reads auth/request, authenticates. */
  static async login(port: number, password = 'ClueCon', clock?: VirtualClock): Promise<TestClient> {
    const c = await TestClient.open(port, '127.0.0.1', clock);
    await c.nextReply();
    const r = await c.command(`auth ${password}`);
    if (r.headers['Reply-Text'] !== '+OK accepted')
      throw new Error(`auth failed: ${r.headers['Reply-Text']}`);
    return c;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  private onFrame(f: Frame): void {
    this.frames.push(f);
    const type = f.headers['Content-Type'] ?? '';
    if (type.startsWith('text/event-')) {
      let headers: Record<string, string>;
      if (type === 'text/event-json') {
        const obj = JSON.parse(f.body) as Record<string, unknown>;
        headers = {};
        for (const [k, v] of Object.entries(obj)) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
      } else headers = parsePlainEvent(f.body);
      this.events.push({ name: headers['Event-Name'] ?? '', headers, raw: f.body, frame: f });
    } else {
      const w = this.waiters.shift();
      if (w !== undefined) w(f);
      else this.replies.push(f);
    }
    this.notify();
  }

  nextReply(timeoutMs = 5000): Promise<Frame> {
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.clock !== undefined) {
      let reply: Frame | undefined;
      this.waiters.push((f) => {
        reply = f;
      });
      return this.clock.until(() => reply, 'a reply', { stuckMs: timeoutMs });
    }
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no reply in time')), timeoutMs);
      this.waiters.push((f) => {
        clearTimeout(t);
        resolve(f);
      });
    });
  }

  send(raw: string): void {
    this.socket.write(raw);
  }

  /** Sends `line` (+ headers) and resolves with its reply frame. */
  command(line: string, headers: Record<string, string> = {}): Promise<Frame> {
    const extra = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\n`)
      .join('');
    this.socket.write(`${line}\n${extra}\n`);
    return this.nextReply();
  }

  async api(cmd: string): Promise<string> {
    return (await this.command(`api ${cmd}`)).body;
  }

  /**
   * Asks `cmd` again every 50 ms of the simulator's time until `accept` takes the answer: the core
   * database's tables (show channels, calls, tasks) trail the events, as on FreeSWITCH.
   */
  async apiUntil<T>(cmd: string, accept: (body: string) => T | undefined, what = cmd): Promise<T> {
    if (this.clock === undefined) throw new Error('apiUntil needs the simulator clock');
    let last = '';
    for (let tries = 0; tries < 40; tries++) {
      last = await this.api(cmd);
      const value = accept(last);
      if (value !== undefined) return value;
      await this.clock.advance(50);
    }
    throw new Error(`2 s of switch time passed waiting for ${what}; last answer: ${last.slice(0, 300)}`);
  }

  /** Resolves with the first collected event (from index `from`) that matches. */
  waitEvent(match: (e: ClientEvent) => boolean, timeoutMs = 5000, from = 0): Promise<ClientEvent> {
    return this.waitFor(() => this.events.slice(from).find(match), timeoutMs, 'an event');
  }

  waitFor<T>(check: () => T | undefined, timeoutMs = 5000, what = 'a condition'): Promise<T> {
    if (this.clock !== undefined) return this.clock.until(check, what, { stuckMs: timeoutMs });
    return new Promise((resolve, reject) => {
      const test = () => {
        const v = check();
        if (v !== undefined) {
          this.listeners.delete(test);
          clearTimeout(t);
          resolve(v);
        }
      };
      const t = setTimeout(() => {
        this.listeners.delete(test);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      this.listeners.add(test);
      test();
    });
  }

  waitClosed(timeoutMs = 5000): Promise<true> {
    return this.waitFor(() => (this.closedFlag ? true : undefined), timeoutMs, 'close');
  }

  eventsFor(uuid: string): ClientEvent[] {
    return this.events.filter((e) => e.headers['Unique-ID'] === uuid);
  }

  close(): void {
    this.socket.destroy();
  }
}
