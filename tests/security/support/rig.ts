// A whole dynconf on the simulator with everything it says captured: the controller (trace-level logs, the
// HTTP side with its metrics and live stream), the simulator's own logs, and a recording proxy on the event
// socket (every event FreeSWITCH sent, every command dynconf sent). Helpers act as the phones, like the e2e
// harness, and wait on conditions, never on fixed sleeps.
import { type Clock, scaledClock } from '../../../src/clock.js';
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
  readonly speed?: number;
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
  readonly clock: Clock;
  /** Every line the controller logged. */
  readonly logs: string[];
  /** Every line the simulator logged. */
  readonly simLogs: string[];
  /** Every HTTP response body read through get(), and the live stream, as text. */
  readonly http: string[];
  /** GET with the token; the body text is recorded in `http`. */
  get(path: string): Promise<{ status: number; text: string }>;
  /** Opens the live stream (/api/events) and records everything it sends until close(). */
  openLiveStream(): void;
  until<T>(
    check: () => T | undefined | null | false,
    what: string | (() => string),
    timeoutMs?: number,
  ): Promise<T>;
  close(): Promise<void>;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const clock = scaledClock(options.speed ?? 50);
  const level = options.logLevel ?? 'trace';
  const simLogs: string[] = [];
  const sim = await startSimulator({
    clock,
    dialplan: { parkTimeoutSec: 0 },
    logger: createLogger({ level, destination: { write: (line: string) => void simLogs.push(line) } }),
  });
  for (const [number, behaviour] of Object.entries(options.directory ?? {}))
    sim.directory.set(number, behaviour);
  const proxy = new EslProxy({ host: sim.host, port: sim.port });
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
    // `*` then `0` within 5 s of the scaled clock (100 ms of wall-clock time at speed 50).
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
  const controller = startController({ config, logger, clock, metrics });
  await controller.ready();
  const api = options.http
    ? await startOperatorApi({
        config,
        logger,
        connection: controller.connection,
        sessions: () => controller.sessions(),
        stats: () => controller.stats(),
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
  ): Promise<T> => sim.waitFor(check, { timeoutMs, what: typeof what === 'string' ? what : what() });

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
    async get(path) {
      if (api === undefined) throw new Error('the rig has no HTTP side');
      const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const text = await response.text();
      http.push(text);
      return { status: response.status, text };
    },
    openLiveStream() {
      if (api === undefined) throw new Error('the rig has no HTTP side');
      liveDone = (async () => {
        try {
          const response = await fetch(`${api.url}/api/events`, {
            headers: { authorization: `Bearer ${TOKEN}` },
            signal: live.signal,
          });
          if (response.body === null) return;
          const decoder = new TextDecoder();
          for await (const chunk of response.body) http.push(decoder.decode(chunk as Uint8Array));
        } catch {
          // aborted by close()
        }
      })();
    },
    until,
    async close() {
      live.abort();
      await liveDone;
      await api?.close();
      await controller.stop();
      await proxy.close();
      await sim.close();
    },
  };
  return rig;
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
