// The suite's own view of FreeSWITCH: a modesl connection of its own (not dynconf's client), used to place
// test calls, press keys, and read what FreeSWITCH itself says about channels, bridges and conferences.
import { randomUUID } from 'node:crypto';
import esl, { type Connection, type Event } from 'modesl';

export interface EslAddress {
  readonly host: string;
  readonly port: number;
  readonly password: string;
}

/** One event as received, in arrival order (`seq`). */
export interface FsEvent {
  readonly seq: number;
  readonly name: string;
  readonly subclass?: string;
  readonly uuid?: string;
  header(name: string): string | undefined;
}

/** A row of `show channels as json` (the columns the suite reads). */
export interface ChannelRow {
  readonly uuid: string;
  readonly name: string;
  readonly direction: string;
  readonly state: string;
  readonly dest: string;
  readonly application: string;
  readonly application_data: string;
  readonly callstate: string;
}

/** A row of `show bridged_calls as json`. */
export interface BridgedCallRow {
  readonly uuid: string;
  readonly b_uuid: string;
}

export interface ConferenceMember {
  readonly uuid: string;
  readonly id: number;
  readonly type: string;
  readonly flags: {
    readonly is_moderator?: boolean;
    readonly can_hear?: boolean;
    readonly can_speak?: boolean;
  };
}

export interface Conference {
  readonly conference_name: string;
  readonly member_count: number;
  readonly members: readonly ConferenceMember[];
}

/** Events the suite waits for. Keys injected with uuid_recv_dtmf show up as DTMF events too. */
const SUBSCRIPTION = [
  'CHANNEL_CREATE',
  'CHANNEL_ANSWER',
  'CHANNEL_PARK',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'DTMF',
  'PLAYBACK_START',
  'PLAYBACK_STOP',
  'BACKGROUND_JOB',
  'CUSTOM',
  'conference::maintenance',
  'dynconf::star0',
];

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_EVENTS = 100_000;

function headerText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(String).join(',');
  return String(value);
}

/** FreeSWITCH's JSON answer to `command`; a clear error when it answered something else (-ERR, -USAGE). */
function jsonAnswer<T>(command: string, body: string): T {
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new Error(`unexpected answer to "${command}": ${body.trim().slice(0, 200)}`);
  }
}

function withTimeout<T>(
  what: string,
  timeoutMs: number,
  start: (resolve: (value: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`FreeSWITCH did not answer "${what}" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    start((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

export class FreeSwitchDriver {
  readonly #conn: Connection;
  readonly #events: FsEvent[] = [];
  readonly #waiters = new Set<() => void>();
  #closed = false;

  private constructor(conn: Connection) {
    this.#conn = conn;
    conn.on('esl::event::**', ((event: Event) => this.#record(event)) as never);
  }

  /** Connects, authenticates and subscribes; rejects with the reason (refused, wrong password, timeout). */
  static connect(address: EslAddress, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<FreeSwitchDriver> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const conn = new esl.Connection(address.host, address.port, address.password);
      const fail = (reason: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        conn.removeAllListeners();
        conn.socket?.destroy();
        reject(new Error(`event socket ${address.host}:${address.port}: ${reason}`));
      };
      const timer = setTimeout(() => fail(`no authenticated connection within ${timeoutMs} ms`), timeoutMs);
      conn.on('error', ((err: Error) => fail(err.message)) as never);
      conn.once('esl::event::auth::fail', (() => fail('password refused')) as never);
      conn.once('esl::end', (() => fail('connection closed before authentication')) as never);
      conn.once('esl::ready', (() => {
        conn.subscribe(SUBSCRIPTION, () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          conn.removeAllListeners('esl::end');
          conn.removeAllListeners('error');
          const driver = new FreeSwitchDriver(conn);
          conn.on('error', (() => driver.#markClosed()) as never);
          conn.on('esl::end', (() => driver.#markClosed()) as never);
          resolve(driver);
        });
      }) as never);
    });
  }

  #markClosed(): void {
    this.#closed = true;
    for (const wake of this.#waiters) wake();
  }

  #record(event: Event): void {
    const name = event.getHeader('Event-Name');
    if (name === null || event.getHeader('Content-Type') === 'api/response') return;
    const headers = new Map<string, string>();
    for (const h of event.headers) {
      const value = headerText(h.value);
      if (value !== undefined) headers.set(h.name, value);
    }
    const body = event.getBody();
    if (body.length > 0 && !headers.has('_body')) headers.set('_body', body);
    const subclass = headers.get('Event-Subclass');
    const uuid = headers.get('Unique-ID');
    this.#events.push({
      seq: this.#events.length,
      name,
      ...(subclass === undefined ? {} : { subclass }),
      ...(uuid === undefined ? {} : { uuid }),
      header: (h) => headers.get(h),
    });
    if (this.#events.length > MAX_EVENTS) this.#events.splice(0, this.#events.length - MAX_EVENTS);
    for (const wake of this.#waiters) wake();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Position after the last event received so far: wait for events `after` it. */
  cursor(): number {
    return this.#events.at(-1)?.seq ?? -1;
  }

  events(after = -1): FsEvent[] {
    return this.#events.filter((e) => e.seq > after);
  }

  /** Resolves with the first event after `after` that matches; rejects at the deadline. */
  waitForEvent(
    what: string,
    match: (event: FsEvent) => boolean,
    options: { after?: number; timeoutMs?: number } = {},
  ): Promise<FsEvent> {
    const after = options.after ?? -1;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.#events.find((e) => e.seq > after && match(e));
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (this.#closed) {
          done();
          reject(new Error(`event socket closed while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** `api <command>`: FreeSWITCH's answer as text. */
  api(command: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    if (this.#closed) return Promise.reject(new Error(`event socket closed; cannot send "${command}"`));
    return withTimeout(command, timeoutMs, (resolve) =>
      this.#conn.api(command, (response) => resolve(response.getBody())),
    );
  }

  /** `bgapi <command>`: the body of its BACKGROUND_JOB (e.g. `+OK <uuid>` or `-ERR NO_ANSWER`). */
  bgapi(command: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    if (this.#closed) return Promise.reject(new Error(`event socket closed; cannot send "${command}"`));
    const [name = '', ...rest] = command.split(' ');
    return withTimeout(command, timeoutMs, (resolve) =>
      this.#conn.bgapi(name, rest.join(' '), randomUUID(), (job) => resolve(job.getBody())),
    );
  }

  async channels(): Promise<ChannelRow[]> {
    const body = await this.api('show channels as json');
    const parsed = jsonAnswer<{ row_count: number; rows?: ChannelRow[] }>('show channels as json', body);
    return parsed.rows ?? [];
  }

  async bridgedCalls(): Promise<BridgedCallRow[]> {
    const body = await this.api('show bridged_calls as json');
    const parsed = jsonAnswer<{ row_count: number; rows?: BridgedCallRow[] }>(
      'show bridged_calls as json',
      body,
    );
    return parsed.rows ?? [];
  }

  async conferences(): Promise<Conference[]> {
    const body = (await this.api('conference json_list')).trim();
    if (body.startsWith('[')) return jsonAnswer<Conference[]>('conference json_list', body);
    if (body === '' || /No active conferences/i.test(body)) return [];
    throw new Error(`unexpected answer to "conference json_list": ${body.slice(0, 200)}`);
  }

  /** FreeSWITCH's scheduled tasks (`show tasks as json`), e.g. a sched_transfer (group = the channel's uuid). */
  async scheduledTasks(): Promise<Array<{ task_id: string; task_desc: string; task_group: string }>> {
    const body = await this.api('show tasks as json');
    const parsed = jsonAnswer<{ rows?: Array<{ task_id: string; task_desc: string; task_group: string }> }>(
      'show tasks as json',
      body,
    );
    return parsed.rows ?? [];
  }

  async exists(uuid: string): Promise<boolean> {
    return (await this.api(`uuid_exists ${uuid}`)).trim() === 'true';
  }

  /** A channel variable, or undefined when unset (`_undef_`) or the channel is gone. */
  async getVar(uuid: string, name: string): Promise<string | undefined> {
    const value = (await this.api(`uuid_getvar ${uuid} ${name}`)).trim();
    return value === '_undef_' || value.startsWith('-ERR') || value === '' ? undefined : value;
  }

  /** Keys as if the far end of `uuid` sent them: DTMF events on `uuid`, never dialplan bindings. */
  async recvDtmf(uuid: string, digits: string): Promise<void> {
    const answer = await this.api(`uuid_recv_dtmf ${uuid} ${digits}`);
    if (!answer.startsWith('+OK')) throw new Error(`uuid_recv_dtmf ${uuid} ${digits}: ${answer.trim()}`);
  }

  async kill(uuid: string): Promise<void> {
    await this.api(`uuid_kill ${uuid}`);
  }

  /** Hangs up every channel (cleanup between scenarios). */
  async hangupAll(): Promise<void> {
    await this.api('hupall NORMAL_CLEARING');
  }

  /** A readable summary of FreeSWITCH's state, for failure messages. */
  async describe(): Promise<string> {
    const [channels, conferences, bridged] = await Promise.all([
      this.channels(),
      this.conferences().catch((err: unknown) => String(err)),
      this.bridgedCalls(),
    ]);
    const lines = channels.map(
      (c) =>
        `  channel ${c.uuid} ${c.name} ${c.state} ${c.callstate} app=${c.application}(${c.application_data})`,
    );
    if (typeof conferences === 'string') lines.push(`  conferences: ${conferences}`);
    else {
      for (const conf of conferences) {
        const members = conf.members.map(
          (m) => `${m.uuid}${m.flags.is_moderator === true ? '(moderator)' : ''}`,
        );
        lines.push(`  conference ${conf.conference_name}: ${members.join(', ')}`);
      }
    }
    for (const b of bridged) lines.push(`  bridged ${b.uuid} <-> ${b.b_uuid}`);
    return lines.length === 0 ? '  (no channels, no conferences)' : lines.join('\n');
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.disconnect();
    } catch {
      // already gone
    }
    for (const wake of this.#waiters) wake();
  }
}
