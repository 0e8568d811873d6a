// Legs left without an owner while the controller was away, and sessions whose snapshot cannot be used:
// an invitee whose administrator is gone is hung up (unless it is in a room); flow 2's other party held
// for a presser who is gone is hung up; a caller of the access number nobody took gets a session (the
// dialplan's scheduled fallback is cancelled) unless that fallback has taken the call; a snapshot of
// another machine version falls back to a safe state.
import { afterEach, describe, expect, it } from 'vitest';
import { MACHINE_VERSION } from '../../machines/index.js';
import { setPackedVariable, setVariable } from '../../src/esl/commands.js';
import { EslConnection } from '../../src/esl/connection.js';
import { silentLogger } from '../../src/log.js';
import { SHIPPED_PROMPTS } from '../../src/prompts.js';
import { MARK, packMachine } from '../../src/recovery/marks.js';
import type { Simulator } from '../../src/simulator/index.js';
import { ADMIN_PIN, finishHarness, type Harness } from '../e2e/support/harness.js';
import { faultHarness, reach } from './support/campaign.js';

let h: Harness | undefined;

afterEach(async (context) => {
  const harness = h;
  h = undefined;
  await finishHarness(harness, context.task.result?.state === 'fail');
});

/** Sets a channel variable over an event socket of its own (as another tool on the PBX could). */
async function setOnSwitch(sim: Simulator, uuid: string, name: string, value: string, packed = false) {
  const connection = new EslConnection({
    host: sim.host,
    port: sim.port,
    password: sim.password,
    logger: silentLogger(),
  });
  connection.start();
  try {
    await sim.waitFor(() => connection.state === 'connected', { what: 'a second event socket' });
    const built = packed ? setPackedVariable(uuid, name, value) : setVariable(uuid, name, value);
    if (!built.ok) throw new Error(built.error.reason);
    const reply = await connection.api(built.command, { timeoutMs: 5_000 });
    expect(reply.ok).toBe(true);
  } finally {
    await connection.close();
  }
}

describe('legs without an owner', () => {
  it('the administrator hangs up while the controller is down: the ringing invitee is hung up', async () => {
    const harness = await faultHarness();
    h = harness;
    const { admin, invitee } = await reach(harness, 'access', 'invitation.ringing');
    await harness.restartController({ whileDown: () => admin.hangup() });
    await invitee?.waitUntil('gone');
    expect(harness.controller.stats().orphansHungUp).toBe(1);
    expect(harness.controller.sessions()).toEqual([]);
  });

  it('the administrator hangs up while the controller is down: a guest in the room stays', async () => {
    const harness = await faultHarness();
    h = harness;
    const { admin, invitee } = await reach(harness, 'access', 'invitation.talking');
    if (invitee === undefined) throw new Error('no invitee');
    await admin.press('**');
    const where = await invitee.waitUntil('in-conference');
    await harness.sessionState(admin.uuid, 'inRoom');
    await harness.restartController({ whileDown: () => admin.hangup() });
    expect(harness.controller.stats().orphansHungUp).toBe(0);
    expect(invitee.where()).toMatchObject({ state: 'in-conference', room: where.room });
    await invitee.hangup();
  });

  it('flow 2, the presser hangs up while the controller is down: the held party is hung up', async () => {
    const harness = await faultHarness();
    h = harness;
    const { admin, other } = await reach(harness, 'escalation', 'authenticating');
    await harness.restartController({ whileDown: () => admin.hangup() });
    await other?.waitUntil('gone');
    expect(harness.controller.sessions()).toEqual([]);
  });

  it('flow 2, the other party hangs up while the controller is down: the PIN still gives a room, alone', async () => {
    const harness = await faultHarness();
    h = harness;
    const { admin, other } = await reach(harness, 'escalation', 'authenticating');
    const asked = harness.nextCollect(admin, { timeoutMs: 60_000 });
    await harness.restartController({ whileDown: async () => other?.hangup() });
    // The PIN prompt that ran is played again by the new controller.
    await asked;
    await harness.enterPin(admin);
    await admin.waitUntil('in-conference');
    await harness.sessionState(admin.uuid, 'inRoom');
    await admin.hangup();
  });
});

describe('callers of the access number while the controller is down', () => {
  it('a caller who parked meanwhile is taken on: its fallback is cancelled, the PIN is asked', async () => {
    // 30 s of park before the dialplan's "service unavailable" (600 ms of wall time at the harness speed).
    const harness = await faultHarness({ dialplan: { parkTimeoutSec: 30 } });
    h = harness;
    let caller: Awaited<ReturnType<Simulator['placeCall']>> | undefined;
    const parkedAt = harness.clock.now();
    await harness.restartController({
      whileDown: async () => {
        caller = await harness.sim.placeCall({ from: '1001', to: '900' });
        await caller.waitUntil('parked');
      },
    });
    if (caller === undefined) throw new Error('no caller');
    await caller.waitUntil('collecting');
    await harness.enterPin(caller);
    await caller.waitUntil('in-conference');
    // Past the park timeout: the scheduled fallback was cancelled, the caller is still in the room.
    await harness.until(() => harness.clock.now() > parkedAt + 31_000, 'the park timeout to pass');
    expect(caller.where().state).toBe('in-conference');
    expect(harness.heard(caller.uuid, SHIPPED_PROMPTS['service-unavailable'])).toBe(false);
    await caller.hangup();
  });

  it('a caller the dialplan fallback has taken is left to it', async () => {
    const harness = await faultHarness({ dialplan: { parkTimeoutSec: 1 } });
    h = harness;
    let caller: Awaited<ReturnType<Simulator['placeCall']>> | undefined;
    await harness.restartController({
      whileDown: async () => {
        caller = await harness.sim.placeCall({ from: '1001', to: '900' });
        await caller.waitUntil('playing', { timeoutMs: 10_000 });
      },
    });
    if (caller === undefined) throw new Error('no caller');
    await caller.waitUntil('gone', { timeoutMs: 10_000 });
    expect(caller.where().hangupCause).toBe('SERVICE_UNAVAILABLE');
    expect(harness.controller.stats().sessionsStarted).toBe(0);
  });
});

describe('a snapshot that cannot be restored', () => {
  it('another machine version, while talking privately: the administrator is back in the room, the invitee hung up', async () => {
    const harness = await faultHarness();
    h = harness;
    const { admin, invitee } = await reach(harness, 'access', 'invitation.talking');
    const room = harness.session(admin.uuid)?.room;
    const older = { machineVersion: MACHINE_VERSION - 1, snapshot: { status: 'active', value: 'talking' } };
    await harness.restartController({
      whileDown: () =>
        setOnSwitch(harness.sim, admin.uuid, MARK.machine, packMachine(JSON.stringify(older)), true),
    });
    await invitee?.waitUntil('gone');
    await admin.waitUntil('in-conference', { room: room ?? '' });
    expect(harness.controller.stats().sessionsRestored).toBe(1);
    expect(harness.logs.some((line) => line.includes('falling back to a safe state'))).toBe(true);
    // A usable session: the administrator goes on.
    await harness.sessionState(admin.uuid, 'inRoom');
    const next = await harness.dial(admin, '801');
    await harness.sessionState(admin.uuid, 'invitation.talking');
    await harness.until(() => admin.where().bridgedTo === next.uuid, 'talking with 801');
    await admin.press('**');
    await next.waitUntil('in-conference', { room: room ?? '' });
    await admin.hangup();
  });

  it('an unreadable snapshot during PIN entry: the PIN is asked again, the right PIN gives the room', async () => {
    const harness = await faultHarness();
    h = harness;
    const { admin } = await reach(harness, 'access', 'authenticating');
    const asked = harness.nextCollect(admin, { timeoutMs: 60_000 });
    await harness.restartController({
      whileDown: () => setOnSwitch(harness.sim, admin.uuid, MARK.machine, 'not-a-snapshot', true),
    });
    expect(harness.logs.some((line) => line.includes('falling back to a safe state'))).toBe(true);
    await harness.sessionState(admin.uuid, 'authenticating');
    await asked;
    await admin.press(`${ADMIN_PIN}#`);
    await admin.waitUntil('in-conference');
    await harness.sessionState(admin.uuid, 'inRoom');
    await admin.hangup();
  });
});
