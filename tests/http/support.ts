// A rig for the HTTP side: the FreeSWITCH simulator, an event-socket connection to it (alone, or inside the
// real controller), and the operator API on an ephemeral port. Helpers talk HTTP like an operator would and
// wait on conditions, never on fixed sleeps.
//
// The simulator and the event-socket side (the controller, or a bare connection) run on one virtual clock
// (src/clock.ts VirtualClock): phone time passes only while a test waits and nothing is in flight on the
// event socket, so no verdict depends on how busy the machine is. HTTP requests are real I/O the clock does
// not see, and the HTTP side's own timers (the live stream's coalescing, its sessions poll) run on the wall
// clock: a test first waits (driving the clock) for the state it expects on the switch or in dynconf, then
// reads or watches HTTP, which only has to catch up.
import { VirtualClock } from '../../src/clock.js';
import { type Config, parseConfig } from '../../src/config/index.js';
import { type Controller, startController } from '../../src/controller/main.js';
import { EslConnection } from '../../src/esl/connection.js';
import type { HistoryRecorder } from '../../src/history/index.js';
import { type OperatorApi, startOperatorApi } from '../../src/http/index.js';
import type { RoomsPayload } from '../../src/http/views.js';
import { createLogger } from '../../src/log.js';
import { DynconfMetrics } from '../../src/metrics/index.js';
import {
  type PhoneBehaviour,
  type SimCall,
  type Simulator,
  startSimulator,
} from '../../src/simulator/index.js';
import { type Phones, phonesFor } from '../support/phones.js';

export const TOKEN = 'test-token-4f1e9a2b7c';

// biome-ignore lint/suspicious/noExplicitAny: assertions read whatever JSON an endpoint answered.
export type Json = any;

/** A response's JSON body, for assertions. */
export const json = async (response: Response): Promise<Json> => response.json();
export const ADMIN_PIN = '8642097531';

/** Dialplan numbers that put a caller straight into a room (no controller needed). */
export const ROOM_EXTENSIONS = {
  '3000': [
    { app: 'answer', data: '' },
    { app: 'conference', data: 'room-a@dynconf' },
  ],
  '3001': [
    { app: 'answer', data: '' },
    { app: 'conference', data: 'room-b@dynconf' },
  ],
  '3009': [
    { app: 'answer', data: '' },
    { app: 'conference', data: 'room-a@dynconf+flags{moderator}' },
  ],
};

export const ROUTES = [
  { name: 'extensions', pattern: '8[01][0-9]', dialString: 'user/{number}', ringTimeoutMs: 30_000 },
  { name: 'premium', pattern: '09[0-9]+', allow: false },
];

export const DIRECTORY: Record<string, PhoneBehaviour> = {
  '801': { kind: 'answer', afterMs: 200 },
  '802': { kind: 'busy' },
  '803': { kind: 'ring-forever' },
  '804': { kind: 'answer', afterMs: 200 },
  '805': { kind: 'answer', afterMs: 200 },
};

export interface RigOptions {
  /** null: no http.token (operator API off). */
  readonly token?: string | null;
  /** Run the real controller (flows 1 and 2) on the connection. */
  readonly controller?: boolean;
  readonly logLevel?: string;
  /** The call history the controller records into and GET /api/history reads (on the rig's clock). */
  readonly history?: (clock: VirtualClock) => HistoryRecorder;
}

export interface Rig {
  readonly sim: Simulator;
  /** The one clock of the simulator and the event-socket side. */
  readonly clock: VirtualClock;
  readonly api: OperatorApi;
  readonly config: Config;
  readonly controller: Controller | undefined;
  readonly connection: EslConnection | Controller['connection'];
  readonly logs: string[];
  readonly url: string;
  get(path: string, init?: { headers?: Record<string, string>; token?: string | null }): Promise<Response>;
  post(
    path: string,
    body?: unknown,
    init?: { headers?: Record<string, string>; token?: string | null },
  ): Promise<Response>;
  rooms(): Promise<RoomsPayload>;
  /**
   * Resolves with the first truthy value of `check`, letting phone time pass meanwhile (see `untilOn`).
   * `timeoutMs`: wall-clock ms that may pass with time held still by real I/O.
   */
  until<T>(check: () => T | Promise<T>, what: string, timeoutMs?: number): Promise<NonNullable<T>>;
  /** Waits for `promise`, letting phone time pass meanwhile (controller.ready(), stop(), …). */
  drive<T>(promise: Promise<T>, what: string): Promise<T>;
  /** A guest in room-a (or the room behind `to`), once the API lists them. */
  guest(from: string, to?: string): Promise<SimCall>;
  close(): Promise<void>;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const clock = new VirtualClock();
  const sim = await startSimulator({
    clock,
    dialplan: { parkTimeoutSec: 0, extensions: ROOM_EXTENSIONS },
  });
  for (const [number, behaviour] of Object.entries(DIRECTORY)) sim.directory.set(number, behaviour);
  const token = options.token === undefined ? TOKEN : options.token;
  const parsed = parseConfig({
    eventSocket: {
      host: sim.host,
      port: sim.port,
      password: sim.password,
      commandTimeoutMs: 5000,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    },
    adminPins: [ADMIN_PIN],
    routes: ROUTES,
    http: { port: 0, ...(token === null ? {} : { token }) },
  });
  if (!parsed.ok) {
    await sim.close();
    throw new Error(`rig configuration: ${JSON.stringify(parsed.issues)}`);
  }
  const config = parsed.config;
  const logs: string[] = [];
  const logger = createLogger({
    level: options.logLevel ?? 'debug',
    destination: { write: (line: string) => void logs.push(line) },
  });
  const metrics = new DynconfMetrics({ logger, processMetrics: false });
  const history = options.history?.(clock);
  let controller: Controller | undefined;
  let connection: EslConnection | Controller['connection'];
  let esl: EslConnection | undefined;
  const drive = <T>(promise: Promise<T>, what: string): Promise<T> => clock.drive(promise, what);
  if (options.controller) {
    controller = startController({
      config,
      logger,
      clock,
      metrics,
      ...(history === undefined ? {} : { history }),
    });
    connection = controller.connection;
    await drive(controller.ready(), 'the controller to be ready');
  } else {
    esl = new EslConnection({
      host: sim.host,
      port: sim.port,
      password: sim.password,
      logger,
      backoff: { initialMs: 20, maxMs: 200 },
      clock,
    });
    esl.start();
    connection = esl;
  }
  const api = await startOperatorApi({
    config,
    logger,
    connection,
    metrics,
    version: '9.9.9-test',
    ...(history === undefined ? {} : { history, now: () => clock.now() }),
    ...(controller === undefined
      ? {}
      : {
          sessions: () => controller.sessions(),
          stats: () => controller.stats(),
          // As dynconf start wires it: the API's calls are the runtime's.
          operator: controller.operator,
        }),
  });
  await drive(api.synced(), 'the rooms read from FreeSWITCH');

  const headersFor = (init?: { headers?: Record<string, string>; token?: string | null }) => {
    const use = init?.token === undefined ? token : init.token;
    return { ...(use === null ? {} : { authorization: `Bearer ${use}` }), ...init?.headers };
  };
  const rig: Rig = {
    sim,
    clock,
    api,
    config,
    controller,
    connection,
    logs,
    url: api.url,
    get: (path, init) => fetch(`${api.url}${path}`, { headers: headersFor(init) }),
    post: (path, body, init) =>
      fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headersFor(init),
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    async rooms() {
      const response = await rig.get('/api/rooms');
      if (response.status !== 200) throw new Error(`GET /api/rooms: ${response.status}`);
      return (await response.json()) as RoomsPayload;
    },
    until: (check, what, timeoutMs) => untilOn(clock, check, what, timeoutMs),
    drive,
    async guest(from, to = '3000') {
      const call = await sim.placeCall({ from, to });
      await call.waitUntil('in-conference');
      await rig.until(
        () => api.rooms.rooms().some((r) => r.members.some((m) => m.uuid === call.uuid)),
        `${from} listed in a room`,
      );
      return call;
    },
    async close() {
      await drive(api.close(), 'the operator API to close');
      if (controller !== undefined) await drive(controller.stop(), 'the controller to stop');
      if (esl !== undefined) await drive(esl.close(), 'the event socket to close');
      await sim.close();
    },
  };
  return rig;
}

/** Phones on the rig's simulator that know its controller's sessions (a rig with `controller: true`). */
export function phonesOf(rig: Rig): Phones {
  return phonesFor({
    sim: rig.sim,
    sessions: () => rig.controller?.sessions() ?? [],
    accessNumber: rig.config.accessNumber,
    pin: ADMIN_PIN,
    wait: (check, what) => rig.clock.until(check, what),
  });
}

/**
 * Resolves with the first truthy value of `check`, letting the virtual clock's time pass meanwhile.
 *
 * A synchronous check (the simulator's or dynconf's own state) is a clock.until: time moves one timer at a
 * time, only while nothing is in flight on the event socket. An asynchronous one (an HTTP read: I/O the
 * clock does not see) is read once the process has settled, without moving time; while it does not hold,
 * `stepMs` of phone time pass (whatever falls due fires) and it is read again, for up to `withinMs` of
 * phone time. `timeoutMs` (synchronous checks): wall-clock ms that may pass with time held still by real
 * I/O (a connect).
 */
export async function untilOn<T>(
  clock: VirtualClock,
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 5000,
  { stepMs = 100, withinMs = 120_000 } = {},
): Promise<NonNullable<T>> {
  const stuckMs = Math.max(timeoutMs, 20_000);
  const first = check();
  // Every look is taken once the process has settled (nothing in flight on the event socket), so what a
  // test sees never depends on how far the machine got with the traffic of the moment.
  if (!(first instanceof Promise)) {
    return clock.until(() => check() as T, what, { stuckMs }) as Promise<NonNullable<T>>;
  }
  await first.catch(() => undefined);
  const limit = clock.now() + withinMs;
  let value: T | undefined;
  for (;;) {
    await clock.settle();
    value = await check();
    if (value) break;
    if (clock.now() >= limit) throw new Error(`${withinMs} ms of clock time passed waiting for ${what}`);
    await clock.advance(stepMs);
  }
  return value as NonNullable<T>;
}

/** A server-sent-events reader over fetch: `next(match)` resolves with the next matching event. */
export class EventStream {
  readonly #controller = new AbortController();
  readonly #queue: { event: string; data: string }[] = [];
  readonly #waiters = new Set<() => void>();
  readonly response: Promise<Response>;
  #done = false;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.response = fetch(url, { headers, signal: this.#controller.signal });
    void this.#read();
  }

  async #read(): Promise<void> {
    try {
      const response = await this.response;
      if (response.body === null) return;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) this.#queue.push({ event, data: data.join('\n') });
          for (const wake of this.#waiters) wake();
        }
      }
    } catch {
      // aborted
    } finally {
      this.#done = true;
      for (const wake of this.#waiters) wake();
    }
  }

  /**
   * The next event (from what arrived so far, oldest first) for which `match` holds; earlier ones are
   * dropped. Wall-clock time (the live stream's timers are real ones; no phone time passes meanwhile): wait
   * first, driving the clock, for the state the event should show.
   */
  async next<T = unknown>(
    event: string,
    match: (data: T) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#queue.length > 0) {
        const item = this.#queue.shift() as { event: string; data: string };
        if (item.event !== event) continue;
        const data = JSON.parse(item.data) as T;
        if (match(data)) return data;
      }
      if (this.#done) throw new Error(`event stream ended before a matching "${event}" event`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching "${event}" event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
      });
    }
  }

  close(): void {
    this.#controller.abort();
  }
}
