// Where the end-to-end suite runs, decided once from the environment:
//   DYNCONF_E2E_ESL_HOST set        an already running FreeSWITCH (with freeswitch-config/minimal/)
//   else a container runtime found  a FreeSWITCH container built from docker/freeswitch/Dockerfile
//   else                            skipped, with the reason
// The one place the suite reads its environment variables. An external FreeSWITCH can only be stopped and
// started again (the restart scenario) with the commands DYNCONF_E2E_FREESWITCH_STOP / _START name.
import { existsSync } from 'node:fs';
import { getContainerRuntimeClient } from 'testcontainers';
import type { EslAddress } from './freeswitch-driver.js';

/** Who runs dynconf: this test process (default), the project's image beside the FreeSWITCH container, or
 * nobody (a dynconf already serving the external FreeSWITCH; the suite then only places calls). */
export type ControllerMode = 'in-process' | 'image' | 'external';

export type E2ePlan =
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly problem: string }
  | {
      readonly kind: 'external';
      readonly esl: EslAddress;
      /** Address of the FreeSWITCH's SIP profiles, when known (DYNCONF_E2E_SIP_HOST). */
      readonly sipHost?: string;
      readonly controller: ControllerMode;
      readonly pin?: string;
      /** Shell commands that stop and start that FreeSWITCH (both, or neither). */
      readonly restart?: RestartCommands;
    }
  | {
      readonly kind: 'container';
      /** A prebuilt FreeSWITCH image to run instead of building docker/freeswitch/Dockerfile. */
      readonly image?: string;
      readonly controller: ControllerMode;
    };

export const E2E_ENV = {
  eslHost: 'DYNCONF_E2E_ESL_HOST',
  eslPort: 'DYNCONF_E2E_ESL_PORT',
  eslPassword: 'DYNCONF_E2E_ESL_PASSWORD',
  sipHost: 'DYNCONF_E2E_SIP_HOST',
  controller: 'DYNCONF_E2E_CONTROLLER',
  pin: 'DYNCONF_E2E_PIN',
  image: 'DYNCONF_E2E_FREESWITCH_IMAGE',
  freeswitchStop: 'DYNCONF_E2E_FREESWITCH_STOP',
  freeswitchStart: 'DYNCONF_E2E_FREESWITCH_START',
} as const;

/**
 * How the suite stops and starts an external FreeSWITCH, each run with `sh -c`. `start` must return once
 * the event socket accepts connections (../shared/freeswitch/start.sh does).
 */
export interface RestartCommands {
  readonly stop: string;
  readonly start: string;
}

/** The event-socket password of freeswitch-config/minimal/vars.xml. */
export const MINIMAL_CONFIG_ESL_PASSWORD = 'dynconf-test-esl';

type Env = Readonly<Record<string, string | undefined>>;

function controllerMode(env: Env): ControllerMode | { problem: string } {
  const value = env[E2E_ENV.controller] ?? 'in-process';
  if (value === 'in-process' || value === 'image' || value === 'external') return value;
  return {
    problem: `${E2E_ENV.controller} must be in-process, image or external, not ${JSON.stringify(value)}`,
  };
}

/** Why no container runtime can be used, or undefined when one answers. */
export async function containerRuntimeProblem(env: Env = process.env): Promise<string | undefined> {
  try {
    await getContainerRuntimeClient();
    return undefined;
  } catch (err) {
    const found = err instanceof Error ? err.message : String(err);
    const where =
      env.DOCKER_HOST !== undefined
        ? `DOCKER_HOST=${env.DOCKER_HOST} does not answer`
        : existsSync('/var/run/docker.sock')
          ? '/var/run/docker.sock does not answer'
          : 'DOCKER_HOST is unset and there is no /var/run/docker.sock';
    return `no container runtime (${where}; testcontainers: ${found})`;
  }
}

export async function planFromEnv(env: Env = process.env): Promise<E2ePlan> {
  const controller = controllerMode(env);
  if (typeof controller !== 'string') return { kind: 'invalid', problem: controller.problem };
  const host = env[E2E_ENV.eslHost];
  if (host !== undefined && host.length > 0) {
    const portText = env[E2E_ENV.eslPort] ?? '8021';
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
    if (!(port >= 1 && port <= 65535)) {
      return {
        kind: 'invalid',
        problem: `${E2E_ENV.eslPort} must be a port number, not ${JSON.stringify(portText)}`,
      };
    }
    if (controller === 'image') {
      return {
        kind: 'invalid',
        problem: `${E2E_ENV.controller}=image runs only beside the suite's own FreeSWITCH container`,
      };
    }
    const pin = env[E2E_ENV.pin];
    if (controller === 'external' && (pin === undefined || !/^\d{4,16}$/.test(pin))) {
      return {
        kind: 'invalid',
        problem: `${E2E_ENV.controller}=external needs ${E2E_ENV.pin}: the running dynconf's admin PIN`,
      };
    }
    const sipHost = env[E2E_ENV.sipHost];
    const restart = restartCommands(env);
    if (typeof restart === 'string') return { kind: 'invalid', problem: restart };
    return {
      kind: 'external',
      esl: { host, port, password: env[E2E_ENV.eslPassword] ?? MINIMAL_CONFIG_ESL_PASSWORD },
      controller,
      ...(sipHost === undefined || sipHost.length === 0 ? {} : { sipHost }),
      ...(pin === undefined ? {} : { pin }),
      ...(restart === undefined ? {} : { restart }),
    };
  }
  if (controller === 'external') {
    return {
      kind: 'invalid',
      problem: `${E2E_ENV.controller}=external needs ${E2E_ENV.eslHost} (the FreeSWITCH it serves)`,
    };
  }
  const problem = await containerRuntimeProblem(env);
  if (problem !== undefined) {
    return {
      kind: 'skip',
      reason: `${problem}. To run it against a running FreeSWITCH, set ${E2E_ENV.eslHost}`,
    };
  }
  const image = env[E2E_ENV.image];
  return { kind: 'container', controller, ...(image === undefined || image.length === 0 ? {} : { image }) };
}

/** Both commands, neither (undefined), or what is wrong (one without the other). */
function restartCommands(env: Env): RestartCommands | undefined | string {
  const stop = env[E2E_ENV.freeswitchStop]?.trim() ?? '';
  const start = env[E2E_ENV.freeswitchStart]?.trim() ?? '';
  if (stop === '' && start === '') return undefined;
  if (stop === '' || start === '')
    return `${E2E_ENV.freeswitchStop} and ${E2E_ENV.freeswitchStart} go together: set both or neither`;
  return { stop, start };
}
