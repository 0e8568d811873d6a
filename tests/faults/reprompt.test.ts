// Issue 15, item 2: dynconf killed (SIGKILL) and started again while a caller is in a digit entry. The new
// controller plays the entry's prompt again at once (within a second of connecting, not when the old
// entry's wait runs out), keeps the attempts already used, and keeps a caller it was locking out out.
// Times are the simulator's own (Event-Date-Timestamp) on the virtual clock.
import { afterEach, describe, expect, it } from 'vitest';
import { dialToneFor, SHIPPED_PROMPTS } from '../../src/prompts.js';
import type { SimCall, SimEvent } from '../../src/simulator/index.js';
import { ADMIN_PIN, finishHarness, type Harness, startHarness, WRONG_PIN } from '../e2e/support/harness.js';

let h: Harness | undefined;

afterEach(async (context) => {
  const harness = h;
  h = undefined;
  await finishHarness(harness, context.task.result?.state === 'fail');
});

const timeMs = (event: SimEvent) => Number(event.get('Event-Date-Timestamp')) / 1000;

/**
 * Kills the controller (keys typed meanwhile: `whileDown`) and starts a new one; resolves with the first
 * play_and_get_digits on the leg after that, and when the new controller started (its first connect).
 */
async function restartDuringEntry(
  harness: Harness,
  call: SimCall,
  whileDown: () => Promise<void> = async () => {},
): Promise<{ prompt: SimEvent; startedAt: number }> {
  let startedAt = Number.NaN;
  let prompt: SimEvent | undefined;
  const off = harness.sim.onEvent((event) => {
    if (
      prompt === undefined &&
      !Number.isNaN(startedAt) &&
      event.uuid === call.uuid &&
      event.name === 'CHANNEL_EXECUTE' &&
      event.get('Application') === 'play_and_get_digits'
    )
      prompt = event;
  });
  await harness.restartController({
    crash: true,
    whileDown: async () => {
      await whileDown();
      startedAt = harness.clock.now();
    },
  });
  const asked = await harness.until(() => prompt, 'the entry asked again', { timeoutMs: 10_000 });
  off();
  return { prompt: asked, startedAt };
}

describe('killed during a digit entry, started again', () => {
  it('flow 1 PIN entry: the prompt again within 1 s, half a PIN typed meanwhile forgotten, the PIN works', async () => {
    h = await startHarness({ config: { maxPinAttempts: 3 } });
    const admin = await h.callAccessNumber();
    await admin.press(ADMIN_PIN.slice(0, 3));
    const { prompt, startedAt } = await restartDuringEntry(h, admin, () =>
      admin.press(ADMIN_PIN.slice(3, 5)),
    );
    expect(timeMs(prompt) - startedAt).toBeLessThanOrEqual(1000);
    expect(prompt.get('Application-Data')).toContain(SHIPPED_PROMPTS['enter-pin']);
    await h.enterPin(admin);
    await admin.waitUntil('in-conference');
    await h.sessionState(admin.uuid, 'inRoom');
    await admin.hangup();
  });

  it('flow 1 PIN entry: the attempts used before the restart still count', async () => {
    h = await startHarness({ config: { maxPinAttempts: 3 } });
    const admin = await h.callAccessNumber();
    const second = h.nextCollect(admin);
    await h.enterPin(admin, WRONG_PIN);
    await second;
    const { prompt, startedAt } = await restartDuringEntry(h, admin);
    expect(timeMs(prompt) - startedAt).toBeLessThanOrEqual(1000);
    // Attempt 2 of 3 was running: two more wrong PINs end the call, a fourth prompt never comes.
    const third = h.nextCollect(admin);
    await h.enterPin(admin, WRONG_PIN);
    await third;
    let prompts = 0;
    const off = h.sim.onEvent((event) => {
      if (
        event.uuid === admin.uuid &&
        event.name === 'CHANNEL_EXECUTE' &&
        event.get('Application') === 'play_and_get_digits'
      )
        prompts++;
    });
    await h.enterPin(admin, WRONG_PIN);
    await admin.waitUntil('gone', { timeoutMs: 10_000 });
    off();
    expect(prompts).toBe(0);
    expect(h.heard(admin.uuid, SHIPPED_PROMPTS.goodbye)).toBe(true);
  });

  it('flow 2 PIN entry: the prompt again within 1 s, the other party still held; the PIN makes the room', async () => {
    h = await startHarness({
      config: { maxPinAttempts: 3 },
      directory: { '811': { kind: 'answer', afterMs: 300 } },
    });
    const { a, b } = await h.sim.placeTwoPartyCall({ from: '810', to: '811' });
    await h.until(() => a.where().bridgedTo === b.uuid, 'the two parties bridged');
    const collect = h.nextCollect(a);
    await a.press('*0');
    await collect;
    const { prompt, startedAt } = await restartDuringEntry(h, a);
    expect(timeMs(prompt) - startedAt).toBeLessThanOrEqual(1000);
    expect(b.where().state).not.toBe('gone');
    await h.enterPin(a);
    const room = (await a.waitUntil('in-conference')).room ?? '';
    await b.waitUntil('in-conference', { room });
    await h.sessionState(a.uuid, 'inRoom');
    await a.hangup();
    await b.hangup();
  });

  it('number entry: the dial tone again within 1 s, the number dialed after it is called', async () => {
    h = await startHarness({ directory: { '801': { kind: 'ring-forever' } } });
    const { admin } = await h.adminInRoom();
    const collect = h.nextCollect(admin);
    await admin.press('0');
    await collect;
    await admin.press('8');
    const { prompt, startedAt } = await restartDuringEntry(h, admin);
    expect(timeMs(prompt) - startedAt).toBeLessThanOrEqual(1000);
    expect(prompt.get('Application-Data')).toContain(
      dialToneFor(SHIPPED_PROMPTS['dial-tone'], h.config.dialTimeoutMs).prompt,
    );
    await admin.press('801#');
    await h.until(() => h?.inviteeLegs()[0], 'the invitee called');
    await h.sessionState(admin.uuid, 'invitation.ringing');
    await admin.hangup();
  });

  it('a caller being locked out stays out: no prompt after the restart, the call ends', async () => {
    h = await startHarness({ config: { maxPinAttempts: 3, lockout: { maxFailures: 1 } } });
    const admin = await h.callAccessNumber();
    await h.enterPin(admin, WRONG_PIN);
    await h.until(() => h?.heard(admin.uuid, SHIPPED_PROMPTS['locked-out']), 'the locked-out tone');
    let prompts = 0;
    const off = h.sim.onEvent((event) => {
      if (
        event.uuid === admin.uuid &&
        event.name === 'CHANNEL_EXECUTE' &&
        event.get('Application') === 'play_and_get_digits'
      )
        prompts++;
    });
    await h.restartController({ crash: true });
    await admin.waitUntil('gone', { timeoutMs: 10_000 });
    off();
    expect(prompts).toBe(0);
  });
});
