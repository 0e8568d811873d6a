// Races end to end (simulator + controller over the event socket): `**` against a hang-up of the invitee or
// of the administrator, `*#` against the invitee answering, two administrators pressing at the same moment.
// Each race is run at several offsets (simulator ms, both orders) so that the events interleave differently
// in the controller. Whatever wins, the outcome is one the spec allows, and no leg is left behind.
import { afterEach, describe, expect, it } from 'vitest';
import type { SimCall } from '../../src/simulator/index.js';
import { type Harness, startHarness } from '../e2e/support/harness.js';
import { finishStormHarness, quiet, settledState } from './support/storm.js';

let h: Harness | undefined;

afterEach(async () => {
  const harness = h;
  h = undefined;
  await finishStormHarness(harness);
});

async function start(options: Parameters<typeof startHarness>[0]): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

/** Offsets of the second action after the first, in simulator ms (0: the same tick). */
const OFFSETS = [0, 1, 5, 20, 60, 150, 400];

/** Runs `first` now and `second` `offsetMs` of simulator time later; resolves when both are done. */
async function race(
  harness: Harness,
  offsetMs: number,
  first: () => Promise<void>,
  second: () => Promise<void>,
): Promise<void> {
  const now = first();
  const later =
    offsetMs === 0
      ? second()
      : new Promise<void>((resolve, reject) => {
          harness.clock.setTimer(offsetMs, () => void second().then(resolve, reject));
        });
  await harness.drive(Promise.all([now, later]), 'both sides of the race');
}

/** An administrator in their room, talking privately with a fresh invitee. */
async function talking(harness: Harness, from: string, number = '801') {
  const { admin, room } = await harness.adminInRoom(from);
  const invitee = await harness.dial(admin, number);
  await harness.sessionState(admin.uuid, 'invitation.talking', { timeoutMs: 10_000 });
  await harness.until(() => admin.where().bridgedTo === invitee.uuid, 'admin and invitee talking');
  return { admin, room, invitee };
}

const press = (call: SimCall, keys: string) => () => call.press(keys, { gapMs: 0 });
/** Keys from a phone that may have hung up already (the other side of the race won). */
const pressIfUp = (call: SimCall, keys: string) => () =>
  call.press(keys, { gapMs: 0 }).catch((err: unknown) => {
    if (call.where().state !== 'gone') throw err;
  });
const hangUp = (call: SimCall) => () => call.hangup();

async function aloneInRoom(harness: Harness, admin: SimCall, room: string): Promise<void> {
  await harness.sessionState(admin.uuid, 'inRoom', { timeoutMs: 10_000 });
  await harness.until(() => settledState(harness, admin) === 'inRoom', 'the administrator in the room');
  await quiet(harness);
  expect(harness.sim.room(room)?.members).toEqual([
    expect.objectContaining({ uuid: admin.uuid, moderator: true }),
  ]);
  expect(settledState(harness, admin)).toBe('inRoom');
}

describe('races', () => {
  it('** against the invitee hanging up, at every offset and in both orders: the admin is back in the room alone', async () => {
    const harness = await start({ directory: { '801': { kind: 'answer', afterMs: 300 } } });
    let caller = 1200;
    for (const offset of OFFSETS) {
      for (const keysFirst of [true, false]) {
        const { admin, room, invitee } = await talking(harness, String(caller++));
        if (keysFirst) await race(harness, offset, press(admin, '**'), hangUp(invitee));
        else await race(harness, offset, hangUp(invitee), press(admin, '**'));
        await invitee.waitUntil('gone');
        await aloneInRoom(harness, admin, room);
        await admin.hangup();
        await harness.until(() => harness.controller.sessions().length === 0, 'the session to end');
      }
    }
  });

  it('** against the administrator hanging up: the invitee is hung up or left in the room, never parked or bridged', async () => {
    const harness = await start({ directory: { '801': { kind: 'answer', afterMs: 300 } } });
    let caller = 1300;
    const outcomes = new Map<string, string>();
    for (const offset of OFFSETS) {
      for (const keysFirst of [true, false]) {
        const { admin, room, invitee } = await talking(harness, String(caller++));
        if (keysFirst) await race(harness, offset, press(admin, '**'), hangUp(admin));
        else await race(harness, offset, hangUp(admin), pressIfUp(admin, '**'));
        await harness.until(() => harness.controller.sessions().length === 0, 'the session to end', {
          timeoutMs: 10_000,
        });
        await quiet(harness);
        const where = invitee.where();
        expect(['gone', 'in-conference']).toContain(where.state);
        if (where.state === 'in-conference') {
          // `**` won: the invitee is a member of the room, which goes on without the administrator.
          expect(where.room).toBe(room);
          outcomes.set(`${keysFirst ? '** first' : 'hang-up first'} +${offset}`, 'joined');
          await invitee.hangup();
        } else outcomes.set(`${keysFirst ? '** first' : 'hang-up first'} +${offset}`, 'hung up');
      }
    }
    // On the virtual clock each order is played exactly: whatever FreeSWITCH sees first wins, even in
    // the same millisecond; `**` first brings the invitee in, the hang-up first takes it down with it.
    const expected = new Map<string, string>();
    for (const offset of OFFSETS) {
      expected.set(`** first +${offset}`, 'joined');
      expected.set(`hang-up first +${offset}`, 'hung up');
    }
    expect(outcomes).toEqual(expected);
  });

  it('*# against the invitee answering, at every offset and in both orders: the invitee is gone, the admin alone in the room', async () => {
    const harness = await start({ directory: { '803': { kind: 'ring-forever' } } });
    let caller = 1400;
    for (const offset of OFFSETS) {
      for (const keysFirst of [true, false]) {
        const { admin, room } = await harness.adminInRoom(String(caller++));
        const invitee = await harness.dial(admin, '803');
        await harness.sessionState(admin.uuid, 'invitation.ringing');
        const answer = () => invitee.answer().catch(() => {}); // it may be gone already: *# won
        if (keysFirst) await race(harness, offset, press(admin, '*#'), answer);
        else await race(harness, offset, answer, press(admin, '*#'));
        await invitee.waitUntil('gone', { timeoutMs: 10_000 }).catch((err: unknown) => {
          throw new Error(
            `offset ${offset}, ${keysFirst ? '*# first' : 'answer first'}: invitee ${JSON.stringify(invitee.where())}, session ${JSON.stringify(harness.session(admin.uuid))}: ${err}`,
          );
        });
        await aloneInRoom(harness, admin, room);
        await admin.hangup();
        await harness.until(() => harness.controller.sessions().length === 0, 'the session to end');
      }
    }
  });

  it('** against ** and *# against *#: two administrators pressing at the same moment keep to their own rooms', async () => {
    const harness = await start({ directory: { '801': { kind: 'answer', afterMs: 300 } } });
    for (const offset of [0, 1, 10]) {
      const one = await talking(harness, `150${offset}`);
      const two = await talking(harness, `160${offset}`);
      await race(harness, offset, press(one.admin, '**'), press(two.admin, '**'));
      for (const { admin, room, invitee } of [one, two]) {
        await harness.until(
          () =>
            (
              harness.sim
                .room(room)
                ?.members.map((m) => m.uuid)
                .sort() ?? []
            ).join() === [admin.uuid, invitee.uuid].sort().join(),
          `both members in ${room}`,
        );
      }
      // Both dial the same extension at once: two separate legs, each bridged with its own administrator.
      const collects = [harness.nextCollect(one.admin), harness.nextCollect(two.admin)];
      await race(harness, offset, press(one.admin, '0'), press(two.admin, '0'));
      await Promise.all(collects);
      await race(harness, offset, press(one.admin, '801#'), press(two.admin, '801#'));
      const legOf = (admin: SimCall) =>
        harness.until(
          () =>
            harness
              .inviteeLegs()
              .find((l) => l.variables.dynconf_admin === admin.uuid && l.where.state === 'bridged'),
          'a second invitee bridged',
        );
      const [legOne, legTwo] = await Promise.all([legOf(one.admin), legOf(two.admin)]);
      expect(legOne.uuid).not.toBe(legTwo.uuid);
      expect(one.admin.where().bridgedTo).toBe(legOne.uuid);
      expect(two.admin.where().bridgedTo).toBe(legTwo.uuid);
      await race(harness, offset, press(one.admin, '*#'), press(two.admin, '*#'));
      for (const [{ admin, room, invitee }, leg] of [
        [one, legOne],
        [two, legTwo],
      ] as const) {
        await harness.sim.call(leg.uuid).waitUntil('gone');
        await harness.sessionState(admin.uuid, 'inRoom');
        await harness.until(
          () =>
            (
              harness.sim
                .room(room)
                ?.members.map((m) => m.uuid)
                .sort() ?? []
            ).join() === [admin.uuid, invitee.uuid].sort().join(),
          `back to two members in ${room}`,
        );
      }
      await race(harness, offset, hangUp(one.admin), hangUp(two.admin));
      await harness.until(() => harness.controller.sessions().length === 0, 'both sessions to end');
      await one.invitee.hangup();
      await two.invitee.hangup();
    }
  });
});
