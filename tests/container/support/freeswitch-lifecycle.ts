// Stopping the FreeSWITCH under test and starting it again (the restart scenario): an external FreeSWITCH
// with the shell commands its owner gives (DYNCONF_E2E_FREESWITCH_STOP / _START), the suite's own container
// through the container runtime. Either way, start() returns once FreeSWITCH accepts connections on its
// event socket again: that is the moment the scenario measures dynconf's return from.
import { spawn } from 'node:child_process';
import { getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import type { RestartCommands } from './plan.js';

export interface FreeSwitchLifecycle {
  /** One line for logs: how FreeSWITCH is stopped and started. */
  readonly description: string;
  /** Stops FreeSWITCH and returns once it is gone (every call with it). */
  stop(): Promise<void>;
  /** Starts it again and returns once its event socket accepts connections. */
  start(): Promise<void>;
}

/** Longest a stop or start command may take (start.sh waits up to 60 s for the SIP profiles). */
const COMMAND_TIMEOUT_MS = 120_000;

/** Runs `command` with `sh -c`; rejects with its exit status and the end of its output when it fails. */
export function runShell(command: string, timeoutMs = COMMAND_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${command}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else {
        const why = signal === null ? `exit status ${code}` : `killed (${signal}) after ${timeoutMs} ms`;
        reject(new Error(`${command}: ${why}\n${output.trim().split('\n').slice(-20).join('\n')}`));
      }
    });
  });
}

/** An external FreeSWITCH, stopped and started by its owner's commands. */
export function commandLifecycle(commands: RestartCommands): FreeSwitchLifecycle {
  return {
    description: `stop: ${commands.stop}; start: ${commands.start}`,
    async stop() {
      await runShell(commands.stop);
    },
    async start() {
      await runShell(commands.start);
    },
  };
}

/**
 * The suite's FreeSWITCH container, stopped and started in place (the same container, the same host port
 * binding, so the address dynconf was given stays right). `ready` waits until the event socket accepts.
 */
export function containerLifecycle(
  container: StartedTestContainer,
  ready: () => Promise<void>,
): FreeSwitchLifecycle {
  return {
    description: `docker stop / docker start of container ${container.getId().slice(0, 12)}`,
    async stop() {
      const client = await getContainerRuntimeClient();
      await client.container.stop(client.container.getById(container.getId()), { timeout: 10 });
    },
    async start() {
      const client = await getContainerRuntimeClient();
      await client.container.start(client.container.getById(container.getId()));
      await ready();
    },
  };
}
