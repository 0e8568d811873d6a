// The brute-force guard on the admin password, end to end over the simulator: wrong PINs from one caller ID
// lock that caller out for the configured time (whatever calls they are spread over), others are not
// affected; wrong PINs from many callers together trip the global rate and lock everybody out until the rate
// drops. Every lockout is logged and counted (runtime counters and Prometheus metrics). A locked-out `*0`
// never drops the two-party call.
import { afterEach, describe, expect, it } from 'vitest';
import { SHIPPED_PROMPTS } from '../../src/prompts.js';
import type { SimCall } from '../../src/simulator/index.js';
import { finishRig, PIN, type Rig, startRig, WRONG_PIN } from './support/rig.js';

let rig: Rig | undefined;

afterEach(async () => {
  const r = rig;
  rig = undefined;
  await finishRig(r);
});

const heard = (r: Rig, call: SimCall, prompt: keyof typeof SHIPPED_PROMPTS) =>
  r.sim.heard(call.uuid).some((item) => item.what === SHIPPED_PROMPTS[prompt]);

/** A call to the access number that is refused at once: locked-out prompt, hung up, never a PIN prompt. */
async function lockedOutCall(r: Rig, from: string): Promise<void> {
  const call = await r.sim.placeCall({ from, to: '900' });
  await call.waitUntil('gone', { timeoutMs: 5000 });
  expect(heard(r, call, 'locked-out')).toBe(true);
  expect(r.sim.heard(call.uuid).some((item) => item.what === SHIPPED_PROMPTS['enter-pin'])).toBe(false);
}

/** Wrong PINs on one call; resolves when the call has taken them (the last one may end it). */
async function wrongPins(r: Rig, call: SimCall, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const next = i < count - 1 ? r.nextCollect(call) : undefined;
    await r.enterPin(call, WRONG_PIN);
    await next;
  }
}

interface LogLine {
  msg: string;
  caller?: string;
  reason?: string;
  level: number;
}
const logLines = (r: Rig): LogLine[] => r.logs.map((line) => JSON.parse(line) as LogLine);

describe('PIN brute-force guard', () => {
  it('one caller ID: locked out after maxFailures wrong PINs across calls, for durationMs; others unaffected', async () => {
    rig = await startRig({
      http: true,
      config: { maxPinAttempts: 3, lockout: { maxFailures: 4, windowMs: 600_000, durationMs: 60_000 } },
    });
    const r = rig;
    // Two wrong PINs, hang up, call again: two more. The fourth locks the caller out.
    const first = await r.callAccessNumber('3001');
    await wrongPins(r, first, 2);
    await r.until(() => r.controller.stats().pinWrong === 2, 'two wrong PINs counted');
    await first.hangup();
    const second = await r.callAccessNumber('3001');
    await wrongPins(r, second, 2);
    await second.waitUntil('gone');
    expect(heard(r, second, 'locked-out')).toBe(true);
    const lockedAt = r.clock.now();

    // Locked out now, even with the right PIN: refused before any prompt.
    await lockedOutCall(r, '3001');
    // Another caller is not affected.
    const other = await r.callAccessNumber('3002');
    await r.enterPin(other, PIN);
    await other.waitUntil('in-conference');
    await other.hangup();

    // Logged (with the caller ID, never a PIN) and counted.
    const lines = logLines(r);
    expect(
      lines
        .filter((l) => l.msg === 'wrong PIN; caller locked out')
        .map(({ caller, reason, level }) => ({ caller, reason, level })),
    ).toEqual([{ caller: 'cid:3001', reason: 'caller', level: 40 }]);
    expect(lines.some((l) => l.msg === 'caller is locked out; PIN refused' && l.caller === 'cid:3001')).toBe(
      true,
    );
    expect(r.controller.stats()).toMatchObject({
      pinWrong: 4,
      pinGuard: { failures: 4, callerLockouts: 1, globalLockouts: 0 },
    });
    await r.untilMetric('dynconf_pin_lockouts_total{reason="caller"} 1');
    await r.untilMetric('dynconf_pin_failures_total 4');
    await r.untilMetric('dynconf_pin_entries_refused_total 1');

    // After durationMs the caller may try again.
    await r.until(() => r.clock.now() > lockedAt + 60_000, 'the lockout to expire', 10_000);
    const later = await r.callAccessNumber('3001');
    await r.enterPin(later, PIN);
    await later.waitUntil('in-conference');
    await later.hangup();
  });

  it('the global rate: wrong PINs from many callers lock everybody out until the rate drops', async () => {
    rig = await startRig({
      http: true,
      config: { lockout: { maxFailures: 100, globalRatePerMinute: 3 } },
    });
    const r = rig;
    // Four callers, one wrong PIN each (caller IDs change, as with a spoofing attacker).
    for (const from of ['3101', '3102', '3103', '3104']) {
      const call = await r.callAccessNumber(from);
      await r.enterPin(call, WRONG_PIN);
      await r.until(
        () => r.controller.stats().pinGuard.failures === Number(from) - 3100,
        `the wrong PIN of ${from} counted`,
      );
      await call.hangup();
    }
    const trippedAt = r.clock.now();
    expect(r.controller.stats().pinGuard).toMatchObject({
      failures: 4,
      callerLockouts: 0,
      globalLockouts: 1,
    });
    expect(
      logLines(r).some(
        (l) => l.msg === 'wrong PIN; caller locked out' && l.caller === 'cid:3104' && l.reason === 'global',
      ),
    ).toBe(true);
    // A caller never seen before, with the right PIN: refused while the rate is over the limit.
    await lockedOutCall(r, '3199');
    await r.untilMetric('dynconf_pin_lockouts_total{reason="global"} 1');
    // A minute later the rate has dropped: the right PIN works again.
    await r.until(() => r.clock.now() > trippedAt + 60_000, 'a minute to pass', 10_000);
    const later = await r.callAccessNumber('3199');
    await r.enterPin(later, PIN);
    await later.waitUntil('in-conference');
    await later.hangup();
  });

  it('a locked-out caller pressing *0 in a two-party call: refused, and the call goes on', async () => {
    rig = await startRig({
      directory: { '811': { kind: 'answer', afterMs: 200 } },
      config: { maxPinAttempts: 2, lockout: { maxFailures: 2 } },
    });
    const r = rig;
    const first = await r.callAccessNumber('810');
    await wrongPins(r, first, 2);
    await first.waitUntil('gone');
    const { a, b } = await r.sim.placeTwoPartyCall({ from: '810', to: '811' });
    await r.until(() => a.where().bridgedTo === b.uuid, 'the two parties bridged');
    await a.press('*0');
    await r.until(() => heard(r, a, 'locked-out'), 'the locked-out prompt');
    await r.until(
      () => a.where().bridgedTo === b.uuid && b.where().bridgedTo === a.uuid,
      'the call restored',
    );
    await r.until(() => r.controller.sessions().length === 0, 'the session to end');
    expect(r.controller.stats().outcomes).toMatchObject({ 'call-restored': 1 });
    await a.hangup();
    await b.waitUntil('gone');
  });
});
