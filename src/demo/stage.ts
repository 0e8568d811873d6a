// The stage: the FreeSWITCH simulator on an ephemeral loopback port, the phones it knows, and the dynconf
// controller connected to it through the real event socket, both on one clock: the wall clock scaled by
// --speed for people watching, or the clock a caller gives (a test: a VirtualClock, whose time passes only
// while the demo waits, so what the demo finds never depends on how busy the machine is).
import { type Clock, scaledClock, VirtualClock } from '../clock.js';
import { type Config, formatConfigIssues, parseConfig } from '../config/index.js';
import { type Controller, startController } from '../controller/main.js';
import type { Logger } from '../log.js';
import { type PhoneBehaviour, type Simulator, startSimulator } from '../simulator/index.js';

/** The demo's administrator PIN (the transcript shows it as ****) and a wrong one. */
export const DEMO_PIN = '2468';
export const WRONG_PIN = '1357';

/** Ring timeout of the extension and GSM routes (the default is 30 s; shorter keeps the demo brisk). */
export const RING_TIMEOUT_MS = 20_000;
export const GSM_GATEWAY = 'gsm';
/** A mobile number reached through the GSM gateway: 7 + the number, as in dynconf.example.yaml. */
export const MOBILE_NUMBER = '0612345678';

/** How each phone behaves when called. */
export const DEMO_DIRECTORY: Readonly<Record<string, PhoneBehaviour>> = {
  '801': { kind: 'answer', afterMs: 3000 },
  '802': { kind: 'ring-forever' },
  '804': { kind: 'voicemail', afterMs: 4000 },
  '805': { kind: 'answer', afterMs: 2000 },
  '806': { kind: 'answer', afterMs: 2000 },
  '1001': { kind: 'answer' },
  '1003': { kind: 'answer' },
  '1004': { kind: 'answer' },
};

export interface StageOptions {
  /** Used for the default clock: the wall clock × speed. */
  readonly speed: number;
  /** The clock of the simulator and the controller instead (default: scaledClock(speed)). */
  readonly clock?: Clock;
  readonly logger: Logger;
  /** Phones that behave differently from DEMO_DIRECTORY (tests make a step fail this way). */
  readonly directory?: Readonly<Record<string, PhoneBehaviour>>;
}

export interface Stage {
  readonly sim: Simulator;
  readonly controller: Controller;
  readonly config: Config;
  readonly clock: Clock;
  close(): Promise<void>;
}

/**
 * Waits for `promise`. On a VirtualClock its time passes meanwhile (it moves only while someone waits on
 * it, and starting or stopping the controller takes phone time); a running clock runs by itself.
 */
export function awaitOn<T>(clock: Clock, promise: Promise<T>, what: string): Promise<T> {
  return clock instanceof VirtualClock ? clock.drive(promise, what) : promise;
}

/** dynconf's configuration for the demo: what an operator would write, pointed at the simulator. */
export function demoConfig(sim: Simulator): Config {
  const parsed = parseConfig({
    eventSocket: { host: sim.host, port: sim.port, password: sim.password },
    adminPins: [DEMO_PIN],
    routes: [
      {
        name: 'extensions',
        pattern: '8[01][0-9]',
        dialString: 'user/{number}',
        ringTimeoutMs: RING_TIMEOUT_MS,
      },
      {
        name: 'gsm',
        pattern: '7(0[0-9]{6,14})',
        dialString: 'sofia/gateway/{gateway}/{1}',
        gateway: GSM_GATEWAY,
        answerSupervision: false,
        ringTimeoutMs: RING_TIMEOUT_MS,
      },
    ],
    // The operator API is not part of the demo.
    http: { port: 0 },
  });
  if (!parsed.ok) throw new Error(`demo configuration: ${formatConfigIssues(parsed.issues)}`);
  return parsed.config;
}

export async function startStage(options: StageOptions): Promise<Stage> {
  const clock = options.clock ?? scaledClock(options.speed);
  const sim = await startSimulator({ host: '127.0.0.1', port: 0, clock });
  for (const [number, behaviour] of Object.entries({ ...DEMO_DIRECTORY, ...options.directory })) {
    sim.directory.set(number, behaviour);
  }
  // A GSM gateway reports "answered" at once; the mobile behind it is left ringing.
  sim.gateways.set(GSM_GATEWAY, { answerSupervision: false, farEnd: { kind: 'ring-forever' } });
  let config: Config;
  let controller: Controller | undefined;
  try {
    config = demoConfig(sim);
    controller = startController({ config, logger: options.logger, clock });
    await awaitOn(clock, controller.ready(), 'the controller to be ready');
  } catch (err) {
    if (controller !== undefined) await awaitOn(clock, controller.stop(), 'the controller to stop');
    await sim.close();
    throw err;
  }
  const running = controller;
  return {
    sim,
    controller: running,
    config,
    clock,
    async close() {
      await awaitOn(clock, running.stop(), 'the controller to stop');
      await sim.close();
    },
  };
}
