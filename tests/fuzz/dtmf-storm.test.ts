// DTMF storms end to end (simulator + controller over the event socket): hundreds of seeded random keys
// pressed in every state of both flows, by the administrator, the invitee, a guest, either party of a
// two-party call. Whatever the keys do (dial numbers, bring people in, return, fail PINs), afterwards the
// system goes quiet in a state where the session and the administrator's leg agree, the session still
// works (back to the room, invite someone, `**`), no error was logged, and no leg is left behind.
import { afterEach, describe, expect, it } from 'vitest';
import type { SimCall } from '../../src/simulator/index.js';
import { ADMIN_PIN, type Harness, startHarness } from '../e2e/support/harness.js';
import {
  backToRoom,
  finishStormHarness,
  plausibleKeys,
  quiet,
  randomKeys,
  STORM_DIRECTORY,
  STORM_GATEWAYS,
  settledState,
  storm,
} from './support/storm.js';

let h: Harness | undefined;

afterEach(async () => {
  const harness = h;
  h = undefined;
  await finishStormHarness(harness);
});

async function start(): Promise<Harness> {
  h = await startHarness({ directory: STORM_DIRECTORY, gateways: STORM_GATEWAYS });
  return h;
}

/** The storm is over: quiet, settled, and (if the session lives) still able to invite someone with `**`. */
async function afterStorm(harness: Harness, admin: SimCall): Promise<string> {
  await quiet(harness);
  const state = await harness.until(
    () => settledState(harness, admin),
    () => `a settled state (session ${harness.session(admin.uuid)?.state}, leg ${admin.where().state})`,
    {
      timeoutMs: 10_000,
    },
  );
  expect(state).not.toMatch(/^no-session/); // flow 1: a live administrator leg always has its session
  if (state === 'ended') return state;
  await backToRoom(harness, admin, ADMIN_PIN);
  const room = harness.session(admin.uuid)?.room ?? '';
  const before = harness.sim.room(room)?.members.length ?? 0;
  const invitee = await harness.dial(admin, '811');
  await harness.sessionState(admin.uuid, 'invitation.talking', { timeoutMs: 10_000 });
  await harness.until(() => admin.where().bridgedTo === invitee.uuid, 'talking with the new invitee');
  await admin.press('**');
  await harness.until(() => {
    const members = harness.sim.room(room)?.members ?? [];
    return members.some((m) => m.uuid === invitee.uuid) && members.some((m) => m.uuid === admin.uuid);
  }, 'the new invitee and the administrator in the room');
  expect(harness.sim.room(room)?.members.length).toBe(before + 1);
  return state;
}

/** Seed, keys apart (simulator ms; 0 = one burst). */
const SEEDS: Array<[number, number]> = [
  [101, 0],
  [202, 40],
  [303, 150],
];
/** Seed, keys apart: plausible gestures, slow enough for entries to start between them. */
const GESTURE_SEEDS: Array<[number, number]> = [
  [404, 150],
  [505, 300],
];

describe('DTMF storms in flow 1', () => {
  it.each(SEEDS)(
    'during PIN entry (seed %i, %i ms apart): wrong entries count, never a crash',
    async (seed, gap) => {
      const harness = await start();
      const admin = await harness.callAccessNumber('1101');
      await storm(admin, randomKeys(seed), gap);
      const state = await afterStorm(harness, admin);
      const { pinWrong, pinNoInput, outcomes } = harness.controller.stats();
      // An entry of nothing (a lone `#`) uses up an attempt as a wrong one does.
      if (state === 'ended') {
        expect(outcomes['pin-failed']).toBe(1);
        expect(pinWrong + pinNoInput).toBe(harness.config.maxPinAttempts);
      } else expect(pinWrong + pinNoInput).toBeLessThan(harness.config.maxPinAttempts);
      await admin.hangup();
    },
  );

  it.each(SEEDS)('in the room (seed %i, %i ms apart)', async (seed, gap) => {
    const harness = await start();
    const { admin } = await harness.adminInRoom('1102');
    await storm(admin, randomKeys(seed + 1), gap);
    await afterStorm(harness, admin);
    await admin.hangup();
  });

  it.each(GESTURE_SEEDS)(
    'in the room, gestures and keys mixed (seed %i, %i ms apart): invitations of every outcome',
    async (seed, gap) => {
      const harness = await start();
      const { admin } = await harness.adminInRoom('1108');
      await storm(admin, plausibleKeys(seed), gap);
      await afterStorm(harness, admin);
      // The storm got into the flows: numbers were called (and one more by afterStorm).
      expect(harness.controller.stats().invitations).toBeGreaterThanOrEqual(2);
      await admin.hangup();
    },
  );

  it.each(SEEDS)('while dialing (seed %i, %i ms apart)', async (seed, gap) => {
    const harness = await start();
    const { admin } = await harness.adminInRoom('1103');
    const collect = harness.nextCollect(admin);
    await admin.press('0');
    await collect;
    await storm(admin, randomKeys(seed + 2), gap);
    await afterStorm(harness, admin);
    await admin.hangup();
  });

  it.each([
    ['ringing', '803', 'invitation.ringing'],
    ['talking privately', '801', 'invitation.talking'],
    ['bridged to voicemail', '804', 'invitation.voicemail'],
    ['talking on a trunk without answer supervision', '70612345678', 'invitation.talking'],
  ])('while %s', async (_what, number, state) => {
    const harness = await start();
    const { admin } = await harness.adminInRoom('1104');
    await harness.dial(admin, number);
    await harness.sessionState(admin.uuid, state, { timeoutMs: 10_000 });
    await storm(admin, randomKeys(number.length * 7 + state.length), 20);
    await afterStorm(harness, admin);
    await admin.hangup();
  });

  it('from the invitee while talking, and from a guest in the room: their keys are not commands', async () => {
    const harness = await start();
    const { admin, room } = await harness.adminInRoom('1105');
    const guest = await harness.dial(admin, '813');
    await harness.until(() => admin.where().bridgedTo === guest.uuid, 'talking with the guest');
    await admin.press('**');
    await harness.until(() => harness.sim.room(room)?.members.length === 2, 'the guest in the room');
    const invitee = await harness.dial(admin, '801');
    await harness.until(() => admin.where().bridgedTo === invitee.uuid, 'talking with the invitee');
    await Promise.all([storm(invitee, randomKeys(404), 10), storm(guest, randomKeys(505), 0)]);
    await quiet(harness);
    // Nothing moved: the keys of other legs never drive the administrator's session.
    expect(settledState(harness, admin)).toBe('invitation.talking');
    expect(admin.where().bridgedTo).toBe(invitee.uuid);
    expect(harness.sim.room(room)?.members.map((m) => m.uuid)).toEqual([guest.uuid]);
    await admin.press('**');
    await harness.until(() => harness.sim.room(room)?.members.length === 3, 'three in the room');
    await admin.hangup();
  });

  it('storms from two administrators at once, each in their own room', async () => {
    const harness = await start();
    const one = await harness.adminInRoom('1106');
    const two = await harness.adminInRoom('1107');
    await Promise.all([storm(one.admin, plausibleKeys(606), 150), storm(two.admin, plausibleKeys(707), 200)]);
    await Promise.all([afterStorm(harness, one.admin), afterStorm(harness, two.admin)]);
    // Each room holds only its own administrator's people.
    const members = (room: string) => new Set(harness.sim.room(room)?.members.map((m) => m.uuid));
    const legsOf = (admin: SimCall) =>
      harness
        .inviteeLegs()
        .filter((leg) => leg.variables.dynconf_admin === admin.uuid)
        .map((leg) => leg.uuid);
    for (const uuid of legsOf(one.admin)) expect(members(two.room).has(uuid)).toBe(false);
    for (const uuid of legsOf(two.admin)) expect(members(one.room).has(uuid)).toBe(false);
    await one.admin.hangup();
    await two.admin.hangup();
  });
});

describe('DTMF storms in flow 2', () => {
  async function twoPartyCall(harness: Harness) {
    const call = await harness.sim.placeTwoPartyCall({ from: '810', to: '811' });
    await harness.until(() => call.a.where().bridgedTo === call.b.uuid, 'the two parties bridged');
    return call;
  }

  /** Flow 2 after a storm: the call was never dropped; it is restored, or a session holds it. */
  async function settledCall(harness: Harness, a: SimCall, b: SimCall): Promise<string> {
    await quiet(harness);
    const state = await harness.until(
      () => {
        const presser = [a, b].find((p) => harness.session(p.uuid) !== undefined);
        if (presser === undefined)
          return a.where().bridgedTo === b.uuid && b.where().bridgedTo === a.uuid ? 'restored' : undefined;
        return settledState(harness, presser);
      },
      'a settled call',
      { timeoutMs: 10_000 },
    );
    expect(a.where().state).not.toBe('gone');
    expect(b.where().state).not.toBe('gone');
    return state;
  }

  it.each(SEEDS)(
    'on both parties at once (seed %i, %i ms apart): *0 may start, a failed PIN never drops the call',
    async (seed, gap) => {
      const harness = await start();
      const { a, b } = await twoPartyCall(harness);
      await Promise.all([storm(a, randomKeys(seed + 3), gap), storm(b, randomKeys(seed + 4), gap + 10)]);
      const state = await settledCall(harness, a, b);
      if (state !== 'restored') {
        // A session holds the call (a `*0` in the storm): the right PIN still makes the room for both.
        const presser = [a, b].find((p) => harness.session(p.uuid) !== undefined) as SimCall;
        const other = presser === a ? b : a;
        await backToRoom(harness, presser, ADMIN_PIN);
        const room = harness.session(presser.uuid)?.room ?? '';
        await harness.until(
          () => harness.sim.room(room)?.members.some((m) => m.uuid === other.uuid),
          'both in the room',
        );
      }
      await a.hangup();
      await b.hangup();
    },
  );

  it.each(SEEDS)(
    'during the PIN entry after *0 (seed %i, %i ms apart), with the held party pressing too',
    async (seed, gap) => {
      const harness = await start();
      const { a, b } = await twoPartyCall(harness);
      await a.press('*0');
      await a.waitUntil('collecting');
      await Promise.all([storm(a, randomKeys(seed + 5), gap), storm(b, randomKeys(seed + 6), 0)]);
      const state = await settledCall(harness, a, b);
      // Without the right PIN the storm can only fail entries (call restored) or still be entering one.
      expect(['restored', 'authenticating']).toContain(state);
      await a.hangup();
      await b.hangup();
    },
  );
});
