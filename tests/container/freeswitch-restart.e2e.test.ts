// A real FreeSWITCH stopped, kept down 30 s and started again (issue #21): dynconf, on its shipped reconnect
// defaults, is back on the event socket within 2 s of the moment the start command returned (the minimal
// promise is 1 s after FreeSWITCH accepts connections; the rest is margin for a loaded machine), logs one
// line when FreeSWITCH went and one when it was back, and the next caller of 900 gets a room.
// External mode needs DYNCONF_E2E_FREESWITCH_STOP / _START (CI sets them); the suite's own container is
// stopped and started in place.
import { readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { StateChange } from '../../src/esl/connection.js';
import { eventually, holdFor } from './support/eventually.js';
import { roomOf, waitAllClear, waitInRoom, waitUntilCollecting } from './support/observe.js';
import { dial, hangUp, press } from './support/phones.js';
import { planFromEnv } from './support/plan.js';
import { useEnvironment } from './support/use-environment.js';

const plan = await planFromEnv();

/** How long FreeSWITCH stays down. */
const DOWN_MS = 30_000;
/** dynconf connected at most this long after the start command returned. */
const BACK_WITHIN_MS = 2000;

describe.skipIf(plan.kind === 'skip')('FreeSWITCH restarting under dynconf', () => {
  const environment = useEnvironment(plan);

  it(
    'stopped, down 30 s, started: dynconf connected within 2 s of the start returning; one log line each way; a new call gets its room',
    async (ctx) => {
      const env = environment();
      const control = env.freeswitch;
      if ('unavailable' in control) return ctx.skip(control.unavailable);
      const connection = env.controller?.connection;
      if (env.controller === undefined || connection === undefined)
        return ctx.skip('dynconf was not started by the suite, so the suite cannot watch its event socket');
      const logFile = env.controller.logFile;
      const logFrom = statSync(logFile).size;
      const moments: { lost?: number; back?: number } = {};
      const off = connection.onStateChange((change: StateChange) => {
        if (change.state === 'reconnecting') moments.lost = Date.now();
        if (change.state === 'connected' && change.previous === 'reconnecting') moments.back = Date.now();
      });
      let down = false;
      let accepting: { at: Promise<number>; stop(): void } | undefined;
      try {
        down = true;
        await control.stop();
        const stoppedAt = Date.now();
        await eventually('dynconf to notice FreeSWITCH is gone', () => moments.lost, { timeoutMs: 10_000 });
        // The outage itself: FreeSWITCH stays down, dynconf keeps trying and says it is not connected.
        await holdFor('FreeSWITCH is down', DOWN_MS - (Date.now() - stoppedAt), () => {
          expect(connection.state).toBe('reconnecting');
        });
        const downFor = Date.now() - stoppedAt;
        const attempts = connection.status?.().failedAttempts ?? 0;
        // For the report only: when the event socket first accepted a connection, seen by a probe of our own.
        accepting = firstAccepted(env.eslAddress);
        await control.start();
        down = false;
        const startReturnedAt = Date.now();
        const back = await eventually('dynconf back on the event socket', () => moments.back, {
          timeoutMs: 15_000,
          intervalMs: 20,
        });
        const lag = back - startReturnedAt;
        const acceptedAt = await accepting.at;
        accepting = undefined;
        process.stdout.write(
          `tests/container: FreeSWITCH down ${(downFor / 1000).toFixed(1)} s (${attempts} attempts meanwhile); dynconf connected ${lag} ms after the start command returned (negative: before it returned), ${back - acceptedAt} ms after the event socket first accepted a probe; start command returned ${startReturnedAt - acceptedAt} ms after that\n`,
        );
        expect(lag).toBeLessThanOrEqual(BACK_WITHIN_MS);
        expect(connection.status?.()).toMatchObject({ state: 'connected', failedAttempts: 0 });

        // One line when FreeSWITCH went, one when it was back (read once the back line is written).
        const esl = await eventually(
          "dynconf's log of the outage",
          () => {
            const lines = readFileSync(logFile, 'utf8')
              .slice(logFrom)
              .split('\n')
              .filter((line) => line.startsWith('{'))
              .map((line) => JSON.parse(line) as { level: number; module?: string; msg: string })
              .filter((line) => line.module === 'esl' && line.level >= 30)
              .map((line) => line.msg);
            return lines.some((msg) => msg.startsWith('FreeSWITCH event socket back')) ? lines : undefined;
          },
          { timeoutMs: 5000 },
        );
        expect(esl).toEqual([
          'FreeSWITCH event socket lost: calls go on; reconnecting',
          expect.stringMatching(/^FreeSWITCH event socket back after \d+ s down$/),
        ]);

        // The suite's own connection went with FreeSWITCH: connect it again, then call 900.
        await env.reconnectDriver();
        const { fs, pin } = env;
        const mark = fs.cursor();
        const admin = await dial(fs, { from: '1501', to: '900' });
        await waitUntilCollecting(fs, admin.leg, mark);
        expect(await roomOf(fs, admin.leg)).toBeUndefined();
        await press(fs, admin, `${pin}#`);
        await waitInRoom(fs, admin.leg, { moderator: true, members: 1 });
        await hangUp(fs, admin);
        await waitAllClear(fs);
      } finally {
        accepting?.stop();
        off();
        // A scenario that failed half way must not leave FreeSWITCH down for the ones after it.
        if (down) await control.start();
      }
    },
    DOWN_MS + 180_000,
  );
});

/**
 * The first moment a TCP connection to the event socket succeeds, trying every 20 ms (wall clock): when
 * FreeSWITCH began accepting again, as an observer sees it.
 */
function firstAccepted(address: { host: string; port: number }): { at: Promise<number>; stop(): void } {
  let stopped = false;
  const at = new Promise<number>((resolve, reject) => {
    const attempt = () => {
      if (stopped) return reject(new Error('probe stopped'));
      const socket = connect(address.port, address.host);
      socket.once('connect', () => {
        const now = Date.now();
        socket.destroy();
        resolve(now);
      });
      socket.once('error', () => {
        socket.destroy();
        setTimeout(attempt, 20);
      });
    };
    attempt();
  });
  at.catch(() => undefined);
  return {
    at,
    stop: () => {
      stopped = true;
    },
  };
}
