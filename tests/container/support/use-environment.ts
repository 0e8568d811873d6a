// One test file's environment: started before its tests (with the file's own setup after it), every call
// hung up and FreeSWITCH checked clear after each test, stopped after all of them (the file's own cleanup
// first). Returns the accessor the tests use.
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { ConfigInput } from '../../../src/config/index.js';
import { type E2eEnvironment, SETUP_TIMEOUT_MS, startEnvironment } from './environment.js';
import { waitAllClear } from './observe.js';
import type { E2ePlan } from './plan.js';

export interface UseEnvironmentOptions {
  readonly config?: Partial<ConfigInput>;
  readonly eventLoopLagMs?: () => number;
  /** After the environment started (files to lay out, FreeSWITCH settings to change). */
  readonly setUp?: (env: E2eEnvironment) => Promise<void>;
  /** Before the environment stops, while FreeSWITCH is there (undo what setUp did). */
  readonly tearDown?: (env: E2eEnvironment) => Promise<void>;
  /** After each test, once its calls are cleared (even if clearing failed), and before the stop: e.g. SIP phones. */
  readonly release?: () => Promise<void>;
}

export function useEnvironment(plan: E2ePlan, options: UseEnvironmentOptions = {}): () => E2eEnvironment {
  let env: E2eEnvironment | undefined;

  beforeAll(async () => {
    if (plan.kind === 'invalid') throw new Error(`end-to-end suite misconfigured: ${plan.problem}`);
    env = await startEnvironment(plan, {
      ...(options.config === undefined ? {} : { config: options.config }),
      ...(options.eventLoopLagMs === undefined ? {} : { eventLoopLagMs: options.eventLoopLagMs }),
    });
    process.stdout.write(`tests/container: ${env.description}\n`);
    await options.setUp?.(env);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    try {
      await options.release?.();
      if (env !== undefined && !env.fs.closed) await options.tearDown?.(env);
    } finally {
      await env?.stop();
    }
  }, 60_000);

  afterEach(async () => {
    try {
      // A failed scenario must not leave calls behind for the next one.
      if (env !== undefined && !env.fs.closed) {
        await env.fs.hangupAll();
        await waitAllClear(env.fs);
      }
    } finally {
      await options.release?.();
    }
  }, 30_000);

  return () => {
    if (env === undefined) throw new Error('the end-to-end environment did not start');
    return env;
  };
}
