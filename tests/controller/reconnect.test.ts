// FreeSWITCH going away and coming back, on the simulator and one virtual clock (tests/README.md): however
// long it was down (5 s, 60 s, 10 min), dynconf is back on the event socket at most 1 s of phone time after
// the simulator accepts connections again, says so in one log line (and one when it went), and takes a caller
// who reached the access number meanwhile at once. A refused password is not an outage: one clear error,
// then a try every 30 s. The shipped defaults throughout (eventSocket.reconnect).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config/index.js';
import { startController } from '../../src/controller/main.js';
import { EslConnection } from '../../src/esl/connection.js';
import { createLogger } from '../../src/log.js';
import { type SimCall, startSimulator } from '../../src/simulator/index.js';
import { finishHarness, type Harness, startHarness } from '../e2e/support/harness.js';

/** The promise: back on the socket at most this long after FreeSWITCH accepts again (phone time). */
const BACK_WITHIN_MS = 1000;

let h: Harness | undefined;
const figures: string[] = [];

afterEach(async (context) => {
  const harness = h;
  h = undefined;
  await finishHarness(harness, context.task.result?.state === 'fail');
});

afterAll(() => {
  if (figures.length > 0) process.stdout.write(`reconnect (virtual clock):\n${figures.join('\n')}\n`);
});

function virtualClockOf(harness: Harness): VirtualClock {
  if (!(harness.clock instanceof VirtualClock)) throw new Error('this test needs the virtual clock');
  return harness.clock;
}

interface LogLine {
  readonly level: number;
  readonly module?: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

const parsed = (lines: readonly string[]): LogLine[] => lines.map((line) => JSON.parse(line) as LogLine);

/** Clock moments of the connection's state changes: when it went down and when it was back. */
function watchLink(harness: Harness, clock: VirtualClock) {
  const moments = { lostAt: undefined as number | undefined, backAt: undefined as number | undefined };
  const off = harness.controller.connection.onStateChange((change) => {
    if (change.state === 'reconnecting') moments.lostAt = clock.now();
    if (change.state === 'connected' && change.previous === 'reconnecting') moments.backAt = clock.now();
  });
  return { moments, off };
}

/** The first PIN prompt (play_and_get_digits) on the call after `after`, as the clock moment it started. */
function promptMoment(harness: Harness, clock: VirtualClock, call: () => SimCall | undefined) {
  let at: number | undefined;
  const off = harness.sim.onEvent((event) => {
    const uuid = call()?.uuid;
    if (
      at === undefined &&
      uuid !== undefined &&
      event.uuid === uuid &&
      event.name === 'CHANNEL_EXECUTE' &&
      event.get('Application') === 'play_and_get_digits'
    )
      at = clock.now();
  });
  return { at: () => at, off };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

describe('FreeSWITCH down and back: dynconf is back within a second of its return', () => {
  for (const [label, downMs] of [
    ['5 s', 5_000],
    ['60 s', 60_000],
    ['10 min', 600_000],
  ] as const) {
    it(`down ${label}: back on the event socket ≤ 1 s after it accepts again; one line down, one back`, async () => {
      const harness = await startHarness();
      h = harness;
      const clock = virtualClockOf(harness);
      const link = watchLink(harness, clock);
      const logsBefore = harness.logs.length;
      const failuresBefore = eslOf(harness).counters().connectFailures;
      let acceptedAt: number | undefined;
      const stoppedAt = clock.now();
      // The event socket closes, nothing listens for downMs of phone time, then it listens again.
      const restart = harness.sim.faults.restart({ downMs }).then(() => {
        acceptedAt = clock.now();
      });
      // Half way through: down, since when, and why.
      await clock.until(() => clock.now() >= stoppedAt + downMs / 2, 'half the outage', {
        withinMs: downMs,
      });
      const status = statusOf(harness);
      expect(status).toMatchObject({ state: 'reconnecting', problem: { kind: 'unreachable' } });
      expect(status.since).toBe(link.moments.lostAt);
      expect(status.failedAttempts).toBeGreaterThan(0);
      await clock.until(() => link.moments.backAt, 'the event socket back', {
        withinMs: downMs + 60_000,
      });
      await clock.drive(restart, 'the simulator listening again');
      link.off();
      const { lostAt, backAt } = link.moments;
      if (acceptedAt === undefined || backAt === undefined || lostAt === undefined)
        throw new Error('moments not seen');
      const lag = backAt - acceptedAt;
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThanOrEqual(BACK_WITHIN_MS);
      const attempts = eslOf(harness).counters().connectFailures - failuresBefore;
      figures.push(
        `  down ${label.padEnd(6)} back ${seconds(lag)} after FreeSWITCH accepted again (${attempts} refused attempts, one every ${seconds((backAt - lostAt) / Math.max(1, attempts))} on average)`,
      );

      // The log: one line when it went, one when it was back (with how long), nothing per attempt.
      const outage = parsed(harness.logs.slice(logsBefore)).filter((l) => l.module === 'esl');
      expect(outage.filter((l) => l.level >= 30).map((l) => l.msg)).toEqual([
        'FreeSWITCH event socket lost: calls go on; reconnecting',
        expect.stringMatching(/^FreeSWITCH event socket back after [\d.]+ s down$/),
      ]);
      expect(outage.filter((l) => /unreachable|retry|attempt/i.test(l.msg))).toEqual([]);
      const back = outage.find((l) => l.msg.startsWith('FreeSWITCH event socket back'));
      expect(back?.downMs).toBe(backAt - lostAt);
      expect(back?.failedAttempts).toBe(attempts);
      expect(statusOf(harness)).toMatchObject({ state: 'connected', since: backAt, failedAttempts: 0 });

      // And it serves calls again.
      const { admin } = await harness.adminInRoom('1005');
      await admin.hangup();
    }, 120_000);
  }
});

describe('any outage length, any moment of return', () => {
  it('twelve outages from 0.3 s to 2 min: each time back ≤ 1 s after FreeSWITCH accepts again', async () => {
    const harness = await startHarness();
    h = harness;
    const clock = virtualClockOf(harness);
    const lags: number[] = [];
    // Odd lengths, so FreeSWITCH comes back at every phase of dynconf's waits.
    for (const downMs of [
      300, 777, 1_234, 2_500, 4_321, 9_999, 15_551, 31_337, 45_678, 61_000, 90_001, 123_456,
    ]) {
      const link = watchLink(harness, clock);
      let acceptedAt: number | undefined;
      const restart = harness.sim.faults.restart({ downMs }).then(() => {
        acceptedAt = clock.now();
      });
      await clock.until(() => link.moments.backAt, `back after ${downMs} ms down`, {
        withinMs: downMs + 60_000,
      });
      await clock.drive(restart, 'the simulator listening again');
      link.off();
      const { backAt } = link.moments;
      if (acceptedAt === undefined || backAt === undefined) throw new Error('moments not seen');
      lags.push(backAt - acceptedAt);
    }
    for (const lag of lags) {
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThanOrEqual(BACK_WITHIN_MS);
    }
    figures.push(
      `  12 outages of 0.3 s to 123 s: back ${seconds(Math.min(...lags))} to ${seconds(Math.max(...lags))} after FreeSWITCH accepted again (mean ${seconds(lags.reduce((a, b) => a + b, 0) / lags.length)})`,
    );
    const { admin } = await harness.adminInRoom('1006');
    await admin.hangup();
  }, 120_000);
});

describe('callers who reached the access number while dynconf was away', () => {
  it('FreeSWITCH restarted: a caller who dials 900 before dynconf is back is prompted ≤ 1 s after the reconnect', async () => {
    const harness = await startHarness();
    h = harness;
    const clock = virtualClockOf(harness);
    const link = watchLink(harness, clock);
    let caller: SimCall | undefined;
    const prompt = promptMoment(harness, clock, () => caller);
    let acceptedAt: number | undefined;
    let placed: Promise<SimCall> | undefined;
    // FreeSWITCH crashes (every call gone), is down 20 s, and the first caller arrives the moment it
    // accepts connections again: before dynconf's next attempt can reach it.
    const crash = harness.sim.faults.crash({ downMs: 20_000 }).then(() => {
      acceptedAt = clock.now();
      placed = harness.sim.placeCall({ from: '1007', to: harness.config.accessNumber });
    });
    await clock.drive(crash, 'FreeSWITCH back');
    caller = await clock.drive(placed ?? Promise.reject(new Error('no call')), 'the call placed');
    // The call is in the gap: FreeSWITCH has it before dynconf is back.
    expect(link.moments.backAt).toBeUndefined();
    await clock.until(() => prompt.at(), 'the PIN prompt');
    prompt.off();
    link.off();
    const { backAt } = link.moments;
    const promptAt = prompt.at();
    if (acceptedAt === undefined || backAt === undefined || promptAt === undefined || caller === undefined)
      throw new Error('moments not seen');
    expect(backAt - acceptedAt).toBeLessThanOrEqual(BACK_WITHIN_MS);
    expect(promptAt - backAt).toBeGreaterThanOrEqual(0);
    expect(promptAt - backAt).toBeLessThanOrEqual(BACK_WITHIN_MS);
    figures.push(
      `  caller in the gap after a FreeSWITCH restart: dynconf back ${seconds(backAt - acceptedAt)} after FreeSWITCH, PIN prompt ${seconds(promptAt - backAt)} after that`,
    );
    await finishInRoom(harness, clock, caller);
  });

  it('event socket refused for 60 s: a caller parked at 900 meanwhile is prompted ≤ 1 s after the reconnect, the fallback never fires', async () => {
    const harness = await startHarness();
    h = harness;
    const clock = virtualClockOf(harness);
    const link = watchLink(harness, clock);
    harness.sim.faults.refuseConnections(true);
    harness.sim.faults.dropConnections();
    const refusedAt = clock.now();
    // 55 s into the outage a caller dials 900: parked, its "service unavailable" fallback due in 10 s.
    await clock.until(() => clock.now() >= refusedAt + 55_000, '55 s of outage', { withinMs: 60_000 });
    const caller = await clock.drive(
      harness.sim.placeCall({ from: '1008', to: harness.config.accessNumber }),
      'the call placed',
    );
    const prompt = promptMoment(harness, clock, () => caller);
    await clock.until(() => clock.now() >= refusedAt + 60_000, '60 s of outage', { withinMs: 10_000 });
    expect(caller.where().state).toBe('parked');
    harness.sim.faults.refuseConnections(false);
    const acceptedAt = clock.now();
    await clock.until(() => prompt.at(), 'the PIN prompt');
    prompt.off();
    link.off();
    const { backAt } = link.moments;
    const promptAt = prompt.at();
    if (backAt === undefined || promptAt === undefined) throw new Error('moments not seen');
    expect(backAt - acceptedAt).toBeLessThanOrEqual(BACK_WITHIN_MS);
    expect(promptAt - backAt).toBeLessThanOrEqual(BACK_WITHIN_MS);
    figures.push(
      `  caller parked at 900 during a 60 s outage: dynconf back ${seconds(backAt - acceptedAt)} after the socket accepted, PIN prompt ${seconds(promptAt - backAt)} after that`,
    );
    await finishInRoom(harness, clock, caller);
  });
});

/** The caller keys the PIN and gets a room; past the 10 s fallback nothing has cut them off. */
async function finishInRoom(harness: Harness, clock: VirtualClock, caller: SimCall): Promise<void> {
  const placedAt = clock.now();
  await harness.enterPin(caller);
  await clock.until(() => caller.where().state === 'in-conference', 'the caller in a room');
  await clock.until(() => clock.now() >= placedAt + 15_000, 'past the access number fallback', {
    withinMs: 20_000,
  });
  // The fallback would have moved it out of the room and hung it up.
  expect(caller.where().state).toBe('in-conference');
  await caller.hangup();
}

function eslOf(harness: Harness): EslConnection {
  const connection = harness.controller.connection;
  if (!(connection instanceof EslConnection)) throw new Error('the controller has no EslConnection');
  return connection;
}

const statusOf = (harness: Harness) => eslOf(harness).status();

describe('a refused password is not an outage', () => {
  it('one clear error naming eventSocket.password, a try every 30 s, never connected', async () => {
    const clock = new VirtualClock();
    const sim = await startSimulator({ clock });
    const parsedConfig = parseConfig({
      eventSocket: { host: sim.host, port: sim.port, password: 'not-the-password', commandTimeoutMs: 5000 },
      adminPins: ['8642097531'],
      http: { port: 0 },
    });
    if (!parsedConfig.ok) throw new Error(JSON.stringify(parsedConfig.issues));
    const logs: string[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: { write: (line: string) => void logs.push(line) },
    });
    const controller = startController({ config: parsedConfig.config, logger, clock });
    try {
      const connection = controller.connection;
      if (!(connection instanceof EslConnection)) throw new Error('no EslConnection');
      const refusals: number[] = [];
      await clock.until(
        () => {
          const n = connection.counters().authFailures;
          if (n > refusals.length) refusals.push(clock.now());
          return n >= 4;
        },
        'four refused passwords',
        { withinMs: 5 * 60_000 },
      );
      const gaps = refusals.slice(1).map((at, i) => at - (refusals[i] ?? 0));
      expect(gaps).toEqual([30_000, 30_000, 30_000]);
      expect(connection.state).toBe('connecting');
      const lines = parsed(logs).filter((l) => l.level >= 40);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 50, module: 'esl', reply: '-ERR invalid' });
      expect(lines[0]?.msg).toBe(
        'FreeSWITCH refused the event socket password: check eventSocket.password; retrying every 30 s',
      );
      expect(logs.join('')).not.toContain('not-the-password');
      expect(connection.status()).toMatchObject({
        state: 'connecting',
        failedAttempts: 4,
        problem: { kind: 'auth-failed', detail: '-ERR invalid' },
      });
      figures.push(
        `  wrong password: refused at ${gaps.map((g) => seconds(g)).join(', ')} intervals; 1 log line`,
      );
    } finally {
      await clock.drive(controller.stop(), 'the controller to stop');
      await sim.close();
    }
  });
});
