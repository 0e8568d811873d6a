// A whole dynconf on the simulator with everything it says captured: the controller (trace-level logs, the
// HTTP side with its metrics and live stream), the simulator's own logs, and a recording proxy on the event
// socket (every event FreeSWITCH sent, every command dynconf sent). Helpers act as the phones, like the e2e
// harness, and wait on conditions, never on fixed sleeps.
//
// The controller, the simulator and the proxy between them run on one virtual clock (src/clock.ts
// VirtualClock): phone time passes only while a test waits and nothing is in flight on the event socket, so
// no verdict depends on how busy the machine is. HTTP (the operator API, metrics, the live stream) is real
// I/O the clock does not see: a read of it is taken once the process has settled (`eventually`).
import { VirtualClock } from '../../../src/clock.js';
import { type Config, parseConfig } from '../../../src/config/index.js';
import { type Controller, startController } from '../../../src/controller/main.js';
import { type OperatorApi, startOperatorApi } from '../../../src/http/index.js';
import { createLogger } from '../../../src/log.js';
import { DynconfMetrics } from '../../../src/metrics/index.js';
import { type PhoneBehaviour, type Simulator, startSimulator } from '../../../src/simulator/index.js';
import { type Phones, phonesFor } from '../../support/phones.js';
import { EslProxy } from './esl-proxy.js';

export const PIN = '8642097531';
export const WRONG_PIN = '9753102468';
export const TOKEN = 'security-test-token-2c9d41f7';

export const ROUTES = [
  { name: 'extensions', pattern: '8[01][0-9]', dialString: 'user/{number}', ringTimeoutMs: 30_000 },
  { name: 'premium', pattern: '09[0-9]+', allow: false },
  { name: 'trunk', pattern: '0([1-9][0-9]{5,13})', dialString: 'sofia/gateway/trunk/0{1}' },
];

export interface RigOptions {
  readonly config?: Record<string, unknown>;
  readonly directory?: Record<string, PhoneBehaviour>;
  /** Start the HTTP side (operator API, metrics, live stream). Default false. */
  readonly http?: boolean;
  /** Controller and simulator log level. Default `trace`. */
  readonly logLevel?: string;
}

/** The phones (tests/support/phones.ts) and the rig around them, with every output captured. */
export interface Rig extends Phones {
  readonly sim: Simulator;
  readonly proxy: EslProxy;
  readonly controller: Controller;
  readonly api: OperatorApi | undefined;
  readonly config: Config;
  /** The one clock of the controller, the simulator and the proxy. */
  readonly clock: VirtualClock;
  /** Every line the controller logged. */
  readonly logs: string[];
  /** Every line the simulator logged. */
  readonly simLogs: string[];
  /** Every HTTP response body read through get(), and the live stream, as text. */
  readonly http: string[];
  /** GET with the token; the body text is recorded in `http`. */
  get(path: string): Promise<{ status: number; text: string }>;
  /**
   * Opens the live stream (/api/events) and records everything it sends until close(); resolves once its
   * first message (the whole picture) has arrived.
   */
  openLiveStream(): Promise<void>;
  /**
   * Waits (wall clock: the HTTP side runs on real timers) until what the live stream sent so far holds
   * `text`; the clock stands still meanwhile.
   */
  liveStreamShows(text: string, timeoutMs?: number): Promise<void>;
  /**
   * Lets phone time pass until `check` (on the process's own state) holds. `timeoutMs`: wall-clock ms that
   * may pass with time held still by real I/O (the wait itself lets up to 10 minutes of phone time pass).
   */
  until<T>(
    check: () => T | undefined | null | false,
    what: string | (() => string),
    timeoutMs?: number,
  ): Promise<T>;
  /** Waits for `promise`, letting phone time pass meanwhile (controller.ready(), stop(), …). */
  drive<T>(promise: Promise<T>, what: string): Promise<T>;
  /** Resolves once an asynchronous `check` (an HTTP read) holds: see `eventually`. */
  eventually<T>(check: () => Promise<T>, what: string): Promise<NonNullable<T>>;
  /** Resolves once /metrics has the line `line`, exactly. */
  untilMetric(line: string): Promise<void>;
  close(): Promise<void>;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const clock = new VirtualClock();
  const level = options.logLevel ?? 'trace';
  const simLogs: string[] = [];
  const sim = await startSimulator({
    clock,
    dialplan: { parkTimeoutSec: 0 },
    logger: createLogger({ level, destination: { write: (line: string) => void simLogs.push(line) } }),
  });
  for (const [number, behaviour] of Object.entries(options.directory ?? {}))
    sim.directory.set(number, behaviour);
  const proxy = new EslProxy({ host: sim.host, port: sim.port }, clock);
  const upstream = await proxy.listen();
  const parsed = parseConfig({
    eventSocket: {
      host: upstream.host,
      port: upstream.port,
      password: sim.password,
      commandTimeoutMs: 5000,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    },
    adminPins: [PIN],
    routes: ROUTES,
    // `*` then `0` within 5 s of phone time.
    keySequenceTimeoutMs: 5000,
    http: { port: 0, token: TOKEN },
    ...options.config,
  });
  if (!parsed.ok) {
    await proxy.close();
    await sim.close();
    throw new Error(`rig configuration: ${JSON.stringify(parsed.issues)}`);
  }
  const config = parsed.config;
  const logs: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void logs.push(line) } });
  const metrics = new DynconfMetrics({ logger, processMetrics: false });
  const drive = <T>(promise: Promise<T>, what: string): Promise<T> => clock.drive(promise, what);
  const controller = startController({ config, logger, clock, metrics });
  try {
    await drive(controller.ready(), 'the controller to be ready');
  } catch (err) {
    await drive(controller.stop(), 'the controller to stop');
    await proxy.close();
    await sim.close();
    throw err;
  }
  const api = options.http
    ? await startOperatorApi({
        config,
        logger,
        connection: controller.connection,
        sessions: () => controller.sessions(),
        stats: () => controller.stats(),
        operator: controller.operator,
        metrics,
        version: '0.0.0-security',
      })
    : undefined;
  await api?.synced();
  const http: string[] = [];
  const live = new AbortController();
  let liveDone: Promise<void> = Promise.resolve();

  const until = <T>(
    check: () => T | undefined | null | false,
    what: string | (() => string),
    timeoutMs = 5000,
  ): Promise<T> => clock.until(check, what, { stuckMs: Math.max(timeoutMs, 20_000) });
  const get = async (path: string) => {
    if (api === undefined) throw new Error('the rig has no HTTP side');
    const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await response.text();
    http.push(text);
    return { status: response.status, text };
  };

  const rig: Rig = {
    ...phonesFor({
      sim,
      sessions: () => controller.sessions(),
      accessNumber: config.accessNumber,
      pin: PIN,
      wait: until,
    }),
    sim,
    proxy,
    controller,
    api,
    config,
    clock,
    logs,
    simLogs,
    http,
    get,
    async openLiveStream() {
      if (api === undefined) throw new Error('the rig has no HTTP side');
      let first: () => void = () => {};
      const started = new Promise<void>((resolve) => {
        first = resolve;
      });
      liveDone = (async () => {
        try {
          const response = await fetch(`${api.url}/api/events`, {
            headers: { authorization: `Bearer ${TOKEN}` },
            signal: live.signal,
          });
          if (response.body === null) return;
          const decoder = new TextDecoder();
          for await (const chunk of response.body) {
            http.push(decoder.decode(chunk as Uint8Array));
            if (http.join('').includes('event: rooms')) first();
          }
        } catch {
          // aborted by close()
        } finally {
          first();
        }
      })();
      await started;
    },
    async liveStreamShows(text, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!http.join('').includes(text)) {
        if (Date.now() > deadline) throw new Error(`the live stream did not show ${text} in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    until,
    drive,
    eventually: (check, what) => eventually(clock, check, what),
    async untilMetric(line) {
      await eventually(
        clock,
        async () => (await get('/metrics')).text.split('\n').includes(line),
        `the metric line ${line}`,
      );
    },
    async close() {
      live.abort();
      await liveDone;
      await api?.close();
      await drive(controller.stop(), 'the controller to stop');
      await proxy.close();
      await sim.close();
    },
  };
  return rig;
}

/**
 * Resolves with the first truthy value of an asynchronous `check` (an HTTP read: I/O the virtual clock does
 * not see). Each round reads once the process has settled, without moving time; if the answer is not
 * there yet, `stepMs` of phone time pass (firing whatever falls due) and it reads again, for up to
 * `withinMs` of phone time.
 */
export async function eventually<T>(
  clock: VirtualClock,
  check: () => Promise<T>,
  what: string,
  { stepMs = 100, withinMs = 120_000 } = {},
): Promise<NonNullable<T>> {
  const limit = clock.now() + withinMs;
  for (;;) {
    await clock.settle();
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (clock.now() >= limit) throw new Error(`${withinMs} ms of clock time passed waiting for ${what}`);
    await clock.advance(stepMs);
  }
}

/** The end of every rig test: the rig must have left nothing behind (expectClean), then it is closed. */
export async function finishRig(rig: Rig | undefined): Promise<void> {
  if (rig === undefined) return;
  try {
    await rig.expectClean();
  } finally {
    await rig.close();
  }
}
