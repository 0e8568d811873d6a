// Flow 2 end to end: `*0` in an ordinary two-party call → the other party on hold, the presser asked for
// the PIN → both in a new room; or, on a failed PIN, the two bridged back with their call as before.
import { afterEach, describe, expect, it } from 'vitest';
import { SHIPPED_PROMPTS } from '../../src/prompts.js';
import { finishHarness, type Harness, startHarness, WRONG_PIN } from './support/harness.js';

let h: Harness | undefined;

afterEach(async () => {
  const harness = h;
  h = undefined;
  await finishHarness(harness);
});

const CALLEE = { '811': { kind: 'answer', afterMs: 500 } } as const;

async function twoPartyCall(harness: Harness) {
  const call = await harness.sim.placeTwoPartyCall({ from: '810', to: '811' });
  await harness.until(() => call.a.where().bridgedTo === call.b.uuid, 'the two parties bridged');
  return call;
}

describe('flow 2: *0 in a two-party call', () => {
  it('right PIN: both parties enter a new room, the presser as its moderator', async () => {
    h = await startHarness({ directory: CALLEE });
    const { a, b } = await twoPartyCall(h);
    await a.press('*0');
    await a.waitUntil('collecting');
    await h.until(
      () => h?.sim.heard(b.uuid).some((i) => i.what === SHIPPED_PROMPTS['hold-music']),
      'hold music',
    );
    expect(h.session(a.uuid)).toMatchObject({
      flow: 'escalation',
      otherUuid: b.uuid,
      state: 'authenticating',
    });

    await h.enterPin(a);
    const where = await a.waitUntil('in-conference');
    await b.waitUntil('in-conference', { room: where.room ?? '' });
    const members = h.sim.room(where.room ?? '')?.members ?? [];
    expect(members).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ uuid: a.uuid, moderator: true }),
        expect.objectContaining({ uuid: b.uuid, moderator: false }),
      ]),
    );
    await h.sessionState(a.uuid, 'inRoom');
    await a.hangup();
    await b.hangup();
  });

  it('the called party can press *0 too', async () => {
    h = await startHarness({ directory: CALLEE });
    const { a, b } = await twoPartyCall(h);
    await b.press('*0');
    await b.waitUntil('collecting');
    await h.enterPin(b);
    const where = await b.waitUntil('in-conference');
    await a.waitUntil('in-conference', { room: where.room ?? '' });
    expect(h.sim.room(where.room ?? '')?.members.find((m) => m.uuid === b.uuid)?.moderator).toBe(true);
    await a.hangup();
    await b.hangup();
  });

  it('three wrong PINs: the call is restored, and a later hang-up ends it for both (no parked survivor)', async () => {
    h = await startHarness({ directory: CALLEE });
    const { a, b } = await twoPartyCall(h);
    await a.press('*0');
    await a.waitUntil('collecting');
    for (let attempt = 1; attempt < 3; attempt++) {
      const next = h.nextCollect(a);
      await h.enterPin(a, WRONG_PIN);
      await next;
    }
    await h.enterPin(a, WRONG_PIN);
    await h.until(
      () => a.where().bridgedTo === b.uuid && b.where().bridgedTo === a.uuid,
      'the call restored',
    );
    await h.until(() => h?.controller.sessions().length === 0, 'the session to end');
    await h.until(
      () => h?.sim.channel(a.uuid)?.variables.park_after_bridge === 'false',
      'park_after_bridge cleared on the presser',
    );
    expect(h.sim.channel(b.uuid)?.variables.park_after_bridge).toBe('false');
    expect(h.sim.channel(b.uuid)?.variables.hangup_after_bridge).toBe('true');

    await b.hangup();
    await a.waitUntil('gone');
  });

  it('no PIN at all: the call is restored at once', async () => {
    h = await startHarness({ directory: CALLEE });
    const { a, b } = await twoPartyCall(h);
    await a.press('*0');
    await a.waitUntil('collecting');
    await h.until(() => a.where().bridgedTo === b.uuid, 'the call restored', { timeoutMs: 10_000 });
    await h.until(() => h?.controller.sessions().length === 0, 'the session to end');
    expect(h.controller.stats().pinNoInput).toBe(1);
    await a.hangup();
    await b.waitUntil('gone');
  });

  it('the other party hangs up during PIN entry: a right PIN still makes the room, with the presser alone', async () => {
    h = await startHarness({ directory: CALLEE });
    const { a, b } = await twoPartyCall(h);
    await a.press('*0');
    await a.waitUntil('collecting');
    await b.hangup();
    await b.waitUntil('gone');
    await h.enterPin(a);
    const where = await a.waitUntil('in-conference');
    expect(h.sim.room(where.room ?? '')?.members.map((m) => m.uuid)).toEqual([a.uuid]);
    await a.hangup();
  });

  it('the presser hangs up during PIN entry: the held party is hung up too, not left parked', async () => {
    h = await startHarness({ directory: CALLEE });
    const { a, b } = await twoPartyCall(h);
    await a.press('*0');
    await a.waitUntil('collecting');
    await h.until(
      () => h?.sim.heard(b.uuid).some((i) => i.what === SHIPPED_PROMPTS['hold-music']),
      'hold music',
    );
    await a.hangup();
    await b.waitUntil('gone');
  });

  it('after a restored call, *0 works again', async () => {
    h = await startHarness({ directory: CALLEE, config: { maxPinAttempts: 1 } });
    const { a, b } = await twoPartyCall(h);
    await a.press('*0');
    await a.waitUntil('collecting');
    await h.enterPin(a, WRONG_PIN);
    await h.until(() => a.where().bridgedTo === b.uuid, 'the call restored');
    await h.until(() => h?.controller.sessions().length === 0, 'the first session to end');
    await b.press('*0');
    await b.waitUntil('collecting');
    await h.enterPin(b);
    const where = await b.waitUntil('in-conference');
    await a.waitUntil('in-conference', { room: where.room ?? '' });
    expect(h.controller.stats().escalations).toBe(2);
    await a.hangup();
    await b.hangup();
  });
});
