// End-to-end harness: the FreeSWITCH simulator on an ephemeral port and the dynconf controller in this
// process, connected to it over TCP through the real event socket, both on one virtual clock that only
// moves while the test waits and nothing else happens (src/clock.ts VirtualClock): how much phone time
// passes never depends on how busy the machine is. Helpers act as the phones (call 900, enter the PIN,
// dial, press keys) and wait on conditions, never fixed sleeps.
//
//   const h = await startHarness({ directory: { '801': { kind: 'answer', afterMs: 1000 } } });
//   const { admin } = await h.adminInRoom();
//   const invitee = await h.dial(admin, '801');
//   ...
//   await h.expectClean();   // no session left, no leg dynconf created still up
//   await h.close();
import { type Clock, scaledClock, VirtualClock } from '../../../src/clock.js';
import { type Config, parseConfig } from '../../../src/config/index.js';
import { type Controller, startController } from '../../../src/controller/main.js';
import type { HistoryRecorder } from '../../../src/history/index.js';
import { createLogger } from '../../../src/log.js';
import type { SessionView } from '../../../src/runtime/session.js';
import {
  type DialplanOptions,
  type GatewayOptions,
  type PhoneBehaviour,
  type SimCall,
  type SimEvent,
  type Simulator,
  startSimulator,
} from '../../../src/simulator/index.js';
import { type Phones, phonesFor } from '../../support/phones.js';

/** The administrator PIN of every harness (long, so a test can search the logs for it). */
export const ADMIN_PIN = '8642097531';
export const WRONG_PIN = '1111222233';

/** Routing rules the tests dial through. */
export const TEST_ROUTES = [
  { name: 'extensions', pattern: '8[01][0-9]', dialString: 'user/{number}', ringTimeoutMs: 30_000 },
  {
    name: 'gsm',
    pattern: '7(0[0-9]{6,14})',
    dialString: 'sofia/gateway/gsm/{1}',
    answerSupervision: false,
    ringTimeoutMs: 45_000,
  },
  { name: 'trunk', pattern: '0([1-9][0-9]{5,13})', dialString: 'sofia/gateway/trunk/0{1}' },
];

export interface HarnessOptions {
  /**
   * Run on the wall clock scaled by this speed instead of the virtual clock (only for tests whose point is
   * real time; default: the virtual clock).
   */
  readonly speed?: number;
  /** Fields laid over the base configuration (adminPins, routes, prompts, …). */
  readonly config?: Record<string, unknown>;
  readonly dialplan?: DialplanOptions;
  readonly directory?: Record<string, PhoneBehaviour>;
  readonly gateways?: Record<string, GatewayOptions>;
  /** The simulator's sound files (default: the English sound package). */
  readonly sounds?: 'standard' | 'none';
  /** Controller log level (default `debug`, captured in `logs`; nothing is printed). */
  readonly logLevel?: string;
  /** How late the controller's event loop runs, as its overload guard reads it (default: not measured). */
  readonly eventLoopLagMs?: () => number;
  /** The call history the controller records into (made on the harness's clock). */
  readonly history?: (clock: Clock) => HistoryRecorder;
}

export interface WaitOptions {
  /**
   * Virtual clock: wall-clock ms that may pass with nothing at all left to happen (the wait itself lets
   * phone time pass, up to 10 minutes of it). Scaled clock: wall-clock ms (default 5000).
   */
  readonly timeoutMs?: number;
}

/** The phones (tests/support/phones.ts), with waits given as options, plus the rig around them. */
export interface Harness
  extends Omit<Phones, 'nextCollect' | 'sessionState' | 'expectClean' | 'callAccessNumber'> {
  readonly sim: Simulator;
  /** The controller now (a new one after `restartController`). */
  readonly controller: Controller;
  readonly config: Config;
  readonly clock: Clock;
  /** Every line the controller logged (JSON text). */
  readonly logs: readonly string[];
  /** Resolves with `check()`'s first truthy value, polling (and after every simulator event). */
  until<T>(
    check: () => T | undefined | null | false,
    what: string | (() => string),
    options?: WaitOptions,
  ): Promise<T>;
  /** Waits for `promise`, letting phone time pass meanwhile (virtual clock; a scaled clock runs anyway). */
  drive<T>(promise: Promise<T>, what: string): Promise<T>;
  /** The next play_and_get_digits started on the leg (register before the action that leads to it). */
  nextCollect(call: SimCall, options?: WaitOptions): Promise<SimEvent>;
  /** An inbound call to the access number, waiting until the PIN prompt runs. */
  callAccessNumber(from?: string): Promise<SimCall>;
  /** Waits until the administrator's session is in `state` (e.g. `invitation.talking`). */
  sessionState(adminUuid: string, state: string, options?: WaitOptions): Promise<SessionView>;
  /** No session left and no dynconf leg outside a room; then every call hung up and zero channels. */
  expectClean(options?: WaitOptions): Promise<void>;
  /**
   * Ends the controller (`crash`: abruptly, as on SIGKILL; else `stop`), runs `whileDown` (what the phones
   * do meanwhile), and starts a new one on the same simulator, clock and log; resolves once it is ready
   * (FreeSWITCH's state taken over).
   */
  restartController(options?: { crash?: boolean; whileDown?: () => Promise<void> }): Promise<Controller>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = options.speed === undefined ? new VirtualClock() : scaledClock(options.speed);
  const sim = await startSimulator({
    clock,
    ...(options.sounds === undefined ? {} : { sounds: options.sounds }),
    // On a scaled clock the access number's 10 s fallback is a few wall-clock ms: switched off there.
    dialplan: { ...(clock instanceof VirtualClock ? {} : { parkTimeoutSec: 0 }), ...options.dialplan },
  });
  for (const [number, behaviour] of Object.entries(options.directory ?? {}))
    sim.directory.set(number, behaviour);
  for (const [name, gateway] of Object.entries(options.gateways ?? {})) sim.gateways.set(name, gateway);
  const parsed = parseConfig({
    eventSocket: { host: sim.host, port: sim.port, password: sim.password, commandTimeoutMs: 5000 },
    adminPins: [ADMIN_PIN],
    routes: TEST_ROUTES,
    http: { port: 0 },
    ...options.config,
  });
  if (!parsed.ok) {
    await sim.close();
    throw new Error(`harness configuration: ${JSON.stringify(parsed.issues)}`);
  }
  const config = parsed.config;
  const logs: string[] = [];
  const logger = createLogger({
    level: options.logLevel ?? 'debug',
    destination: {
      write: (line: string) => {
        logs.push(line);
      },
    },
  });
  /** Waits for `promise`, letting virtual time pass meanwhile (a scaled clock runs by itself). */
  const driven = <T>(promise: Promise<T>, what: string): Promise<T> =>
    clock instanceof VirtualClock ? clock.drive(promise, what) : promise;
  const history = options.history?.(clock);
  const lag = {
    ...(options.eventLoopLagMs === undefined ? {} : { eventLoopLagMs: options.eventLoopLagMs }),
    ...(history === undefined ? {} : { history }),
  };
  let controller = startController({ config, logger, clock, ...lag });
  try {
    await driven(controller.ready(), 'the controller to be ready');
  } catch (err) {
    await controller.stop();
    await sim.close();
    throw err;
  }

  const until = <T>(
    check: () => T | undefined | null | false,
    what: string | (() => string),
    wait: WaitOptions = {},
  ): Promise<T> => waitFor(sim, clock, check, what, wait.timeoutMs ?? 5000);

  const phones = phonesFor({
    sim,
    sessions: () => controller.sessions(),
    accessNumber: config.accessNumber,
    pin: ADMIN_PIN,
    wait: (check, what, timeoutMs) => waitFor(sim, clock, check, what, timeoutMs),
  });

  const harness: Harness = {
    ...phones,
    sim,
    get controller() {
      return controller;
    },
    config,
    clock,
    logs,
    until,
    drive: driven,
    nextCollect: (call, wait = {}) => phones.nextCollect(call, wait.timeoutMs),
    sessionState: (adminUuid, state, wait = {}) => phones.sessionState(adminUuid, state, wait.timeoutMs),
    expectClean: (wait = {}) => phones.expectClean(wait.timeoutMs),
    async restartController({ crash = true, whileDown } = {}) {
      await driven(crash ? controller.crash() : controller.stop(), 'the controller to stop');
      await whileDown?.();
      controller = startController({ config, logger, clock, ...lag });
      await driven(controller.ready(), 'the restarted controller to be ready');
      return controller;
    },
    async close() {
      await driven(controller.stop(), 'the controller to stop');
      await sim.close();
    },
  };
  return harness;
}

/**
 * The end of every end-to-end test: the harness must have left nothing behind (expectClean), then it is
 * closed. With DYNCONF_E2E_LOGS set, a failure prints the controller's log.
 */
export async function finishHarness(harness: Harness | undefined, testFailed = false): Promise<void> {
  if (harness === undefined) return;
  let failed = testFailed;
  try {
    await harness.expectClean();
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // DYNCONF_E2E_LOGS=1: the controller's log of a test that failed (or left something behind).
    if (failed && process.env.DYNCONF_E2E_LOGS) process.stderr.write(harness.logs.join(''));
    await harness.close();
  }
}

/** Virtual clock: lets phone time pass until `check` holds. Scaled clock: polls (see poll). */
function waitFor<T>(
  sim: Simulator,
  clock: Clock,
  check: () => T | undefined | null | false,
  what: string | (() => string),
  timeoutMs: number,
): Promise<T> {
  if (clock instanceof VirtualClock)
    return clock.until(check, what, { stuckMs: Math.max(timeoutMs, 20_000) });
  return poll(sim, check, what, timeoutMs);
}

/** Polls `check` every few ms and after every simulator event, up to `timeoutMs` of wall-clock time. */
function poll<T>(
  sim: Simulator,
  check: () => T | undefined | null | false,
  what: string | (() => string),
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (value?: T, error?: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(interval);
      clearTimeout(timer);
      off();
      if (error) reject(error);
      else resolve(value as T);
    };
    const attempt = () => {
      try {
        const value = check();
        if (value) finish(value);
      } catch (err) {
        finish(undefined, err instanceof Error ? err : new Error(String(err)));
      }
    };
    const interval = setInterval(attempt, 5);
    const timer = setTimeout(() => {
      const text = typeof what === 'string' ? what : what();
      finish(undefined, new Error(`timed out waiting for ${text}`));
    }, timeoutMs);
    const off = sim.onEvent(() => queueMicrotask(attempt));
    attempt();
  });
}
