// Child processes of the benchmark: forked with this process's node flags (tsx's loader when run from
// source), plus extra flags (--cpu-prof, --expose-gc), talking over IPC.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function forkBench(
  script: string,
  args: readonly string[],
  extraNodeFlags: readonly string[] = [],
): ChildProcess {
  const path = fileURLToPath(new URL(script, import.meta.url));
  return fork(path, [...args], {
    execArgv: [...process.execArgv, ...extraNodeFlags],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The first message `accept` returns a value for; rejects if the child exits first. */
export function nextMessage<T>(child: ChildProcess, accept: (message: unknown) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      const value = accept(message);
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited (code ${code}) before answering`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
