// Brings up what a scenario needs: a FreeSWITCH (the suite's container, or an already running one), the
// suite's own event-socket connection to it, and dynconf serving it. Everything it starts, stop() ends.
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GenericContainer,
  Network,
  type StartedNetwork,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import { stringify } from 'yaml';
import type { ConfigInput } from '../../../src/config/index.js';
import { type Controller, type ControllerConnection, startController } from '../../../src/controller/main.js';
import { createLogger, type Logger } from '../../../src/log.js';
import { eventually } from './eventually.js';
import { type EslAddress, FreeSwitchDriver } from './freeswitch-driver.js';
import { commandLifecycle, containerLifecycle, type FreeSwitchLifecycle } from './freeswitch-lifecycle.js';
import { E2E_ENV, type E2ePlan } from './plan.js';
import { SUITE_PIN, suiteConfig, suiteConfigInput } from './suite-config.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const FREESWITCH_DOCKERFILE = 'docker/freeswitch/Dockerfile';
/** Tags of the images the suite builds; kept between runs so Docker's layer cache makes rebuilds quick. */
const FREESWITCH_TAG = 'dynconf-freeswitch:e2e';
const DYNCONF_TAG = 'dynconf:e2e';
const ESL_PORT = 8021;
const HTTP_PORT = 8088;
/** Building the images the first time downloads Alpine's FreeSWITCH and npm packages. */
export const SETUP_TIMEOUT_MS = 15 * 60_000;

/** The dynconf the suite started itself (in-process only): a scenario may stop and restart it. */
export interface ControllerHandle {
  readonly running: boolean;
  /** The running controller's event-socket connection (undefined while stopped). */
  readonly connection: ControllerConnection | undefined;
  /** Where it logs (JSON lines). */
  readonly logFile: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** As on SIGKILL: the socket is cut and nothing more is sent to FreeSWITCH. */
  crash(): Promise<void>;
}

export interface E2eEnvironment {
  /** The suite's own connection to FreeSWITCH (a new one after reconnectDriver()). */
  readonly fs: FreeSwitchDriver;
  /** Stops and starts FreeSWITCH, or why the suite cannot (an external one without the commands). */
  readonly freeswitch: FreeSwitchLifecycle | { readonly unavailable: string };
  /** After FreeSWITCH restarted: the suite's own connection again (env.fs), once it reports ready. */
  reconnectDriver(): Promise<void>;
  /** Where FreeSWITCH's event socket is (as dynconf and the suite reach it). */
  readonly eslAddress: EslAddress;
  /** The admin PIN dynconf accepts. */
  readonly pin: string;
  /** One line saying what runs where (for logs and failure messages). */
  readonly description: string;
  /** Where the logs of this run are written. */
  readonly logDir: string;
  /** Present when dynconf runs in this process. */
  readonly controller?: ControllerHandle;
  stop(): Promise<void>;
}

type Stopper = () => Promise<unknown>;

function newLogDir(): string {
  const dir = join(tmpdir(), `dynconf-e2e-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function connectWhenReady(esl: EslAddress, timeoutMs: number): Promise<FreeSwitchDriver> {
  const fs = await eventually(
    `FreeSWITCH's event socket at ${esl.host}:${esl.port} to accept the password`,
    () => FreeSwitchDriver.connect(esl, 5000),
    {
      timeoutMs,
      intervalMs: 500,
      fatal: (err) => err instanceof Error && err.message.endsWith('password refused'),
    },
  );
  await eventually('FreeSWITCH to report itself ready (api status)', async () =>
    (await fs.api('status')).includes('is ready') ? true : undefined,
  );
  return fs;
}

async function freeswitchImage(plan: Extract<E2ePlan, { kind: 'container' }>): Promise<GenericContainer> {
  if (plan.image !== undefined) return new GenericContainer(plan.image);
  return GenericContainer.fromDockerfile(REPO_ROOT, FREESWITCH_DOCKERFILE).build(FREESWITCH_TAG, {
    deleteOnExit: false,
  });
}

/** dynconf in this process, on the wall clock, logging to a file; it can be stopped and started again. */
class InProcessController implements ControllerHandle {
  readonly logFile: string;
  readonly #esl: EslAddress;
  readonly #logger: Logger;
  readonly #overrides: Partial<ConfigInput>;
  #controller: Controller | undefined;

  readonly #eventLoopLagMs: (() => number) | undefined;

  constructor(
    esl: EslAddress,
    logDir: string,
    overrides: Partial<ConfigInput> = {},
    eventLoopLagMs?: () => number,
  ) {
    this.#esl = esl;
    this.#overrides = overrides;
    this.#eventLoopLagMs = eventLoopLagMs;
    this.logFile = join(logDir, 'dynconf.log');
    this.#logger = createLogger({ level: 'debug', destination: createWriteStream(this.logFile) });
  }

  get running(): boolean {
    return this.#controller !== undefined;
  }

  get connection(): ControllerConnection | undefined {
    return this.#controller?.connection;
  }

  async start(): Promise<void> {
    if (this.#controller !== undefined) return;
    const controller = startController({
      config: suiteConfig(this.#esl, this.#overrides),
      logger: this.#logger,
      ...(this.#eventLoopLagMs === undefined ? {} : { eventLoopLagMs: this.#eventLoopLagMs }),
    });
    this.#controller = controller;
    await controller.ready({ timeoutMs: 20_000 });
  }

  async stop(): Promise<void> {
    const controller = this.#controller;
    this.#controller = undefined;
    await controller?.stop();
  }

  async crash(): Promise<void> {
    const controller = this.#controller;
    this.#controller = undefined;
    await controller?.crash();
  }
}

/** dynconf as the project's image (Dockerfile), on the FreeSWITCH container's network. */
async function startImage(
  network: StartedNetwork,
  password: string,
  logDir: string,
): Promise<StartedTestContainer> {
  const image = await GenericContainer.fromDockerfile(REPO_ROOT, 'Dockerfile').build(DYNCONF_TAG, {
    deleteOnExit: false,
  });
  const configFile = stringify(
    suiteConfigInput(
      { host: 'freeswitch', port: ESL_PORT, password },
      { http: { host: '0.0.0.0', port: HTTP_PORT } },
    ),
  );
  const logStream = createWriteStream(join(logDir, 'dynconf-container.log'));
  return image
    .withNetwork(network)
    .withCopyContentToContainer([{ content: configFile, target: '/etc/dynconf/dynconf.yaml', mode: 0o644 }])
    .withExposedPorts(HTTP_PORT)
    .withWaitStrategy(Wait.forHttp('/readyz', HTTP_PORT).forStatusCode(200))
    .withStartupTimeout(60_000)
    .withLogConsumer((stream) => stream.pipe(logStream))
    .start();
}

/** A TCP port free on this machine now (for a fixed host binding). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `config`: settings laid over the suite's configuration for the dynconf this file starts (in-process only). */
export async function startEnvironment(
  plan: E2ePlan,
  options: {
    config?: Partial<ConfigInput>;
    /** What dynconf's overload guard reads as its event loop's lag (default: measured). */
    eventLoopLagMs?: () => number;
  } = {},
): Promise<E2eEnvironment> {
  if (plan.kind === 'skip' || plan.kind === 'invalid') {
    throw new Error(`no environment to start: ${plan.kind === 'skip' ? plan.reason : plan.problem}`);
  }
  const logDir = newLogDir();
  const stoppers: Stopper[] = [];
  const stop = async () => {
    for (const stopper of stoppers.splice(0).reverse()) {
      try {
        await stopper();
      } catch {
        // best effort: everything else still gets stopped
      }
    }
  };
  try {
    let esl: EslAddress;
    let where: string;
    let network: StartedNetwork | undefined;
    let password: string;
    let freeswitchControl: E2eEnvironment['freeswitch'];
    if (plan.kind === 'external') {
      esl = plan.esl;
      password = esl.password;
      where = `FreeSWITCH at ${esl.host}:${esl.port}`;
      freeswitchControl =
        plan.restart === undefined
          ? {
              unavailable: `the suite cannot stop and start a FreeSWITCH it does not own: set ${E2E_ENV.freeswitchStop} and ${E2E_ENV.freeswitchStart}`,
            }
          : commandLifecycle(plan.restart);
    } else {
      password = `e2e-${randomBytes(12).toString('hex')}`;
      const image = await freeswitchImage(plan);
      // A fixed host port: the restart scenario stops and starts the container, and dynconf keeps the address.
      const eslHostPort = await freePort();
      let container = image
        // localnet.auto: FreeSWITCH may call its own SIP profile without a password (the SIP scenario).
        .withEnvironment({ FREESWITCH_ESL_PASSWORD: password, FREESWITCH_SIP_ACL: 'localnet.auto' })
        .withExposedPorts({ container: ESL_PORT, host: eslHostPort })
        .withWaitStrategy(Wait.forListeningPorts())
        .withStartupTimeout(120_000)
        .withLogConsumer((stream) => stream.pipe(createWriteStream(join(logDir, 'freeswitch.log'))));
      if (plan.controller === 'image') {
        network = await new Network().start();
        const started = network;
        stoppers.push(() => started.stop());
        container = container.withNetwork(network).withNetworkAliases('freeswitch');
      }
      const freeswitch = await container.start();
      stoppers.push(() => freeswitch.stop());
      esl = { host: freeswitch.getHost(), port: freeswitch.getMappedPort(ESL_PORT), password };
      where = `FreeSWITCH container ${plan.image ?? FREESWITCH_TAG} (event socket ${esl.host}:${esl.port})`;
      const address = esl;
      freeswitchControl = containerLifecycle(freeswitch, async () => {
        await eventually(
          `the restarted container's event socket at ${address.host}:${address.port}`,
          async () => {
            (await FreeSwitchDriver.connect(address, 5000)).close();
            return true;
          },
          { timeoutMs: 60_000, intervalMs: 50 },
        );
      });
    }
    let fs = await connectWhenReady(esl, 60_000);
    stoppers.push(async () => fs.close());
    const eslAddress = esl;
    // The version line goes into the description, so every run's log says which FreeSWITCH judged it.
    where = `${where}, ${(await fs.api('version')).trim()}`;
    let pin = SUITE_PIN;
    let controllerText: string;
    let handle: ControllerHandle | undefined;
    if (plan.controller === 'in-process') {
      const controller = new InProcessController(esl, logDir, options.config, options.eventLoopLagMs);
      stoppers.push(() => controller.stop());
      await controller.start();
      handle = controller;
      controllerText = `dynconf in-process (log ${controller.logFile})`;
    } else if (plan.controller === 'image') {
      if (network === undefined) throw new Error('the dynconf image needs the suite FreeSWITCH container');
      const dynconf = await startImage(network, password, logDir);
      stoppers.push(() => dynconf.stop());
      controllerText = `dynconf image ${DYNCONF_TAG}`;
    } else {
      pin = plan.kind === 'external' && plan.pin !== undefined ? plan.pin : SUITE_PIN;
      controllerText = 'dynconf already running (not started by the suite)';
    }
    return {
      get fs() {
        return fs;
      },
      freeswitch: freeswitchControl,
      eslAddress,
      async reconnectDriver() {
        fs.close();
        fs = await connectWhenReady(eslAddress, 60_000);
      },
      pin,
      description: `${where}; ${controllerText}; logs in ${logDir}`,
      logDir,
      ...(handle === undefined ? {} : { controller: handle }),
      stop,
    };
  } catch (err) {
    await stop();
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`end-to-end environment did not start (logs in ${logDir}): ${message}`);
  }
}
