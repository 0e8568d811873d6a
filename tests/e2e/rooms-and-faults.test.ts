// End to end: several invitees and administrators, room endings, the brute-force guard, and the event
// socket dropping mid-call.
import { afterEach, describe, expect, it } from 'vitest';
import { SHIPPED_PROMPTS } from '../../src/prompts.js';
import { finishHarness, type Harness, startHarness, WRONG_PIN } from './support/harness.js';

let h: Harness | undefined;

afterEach(async () => {
  const harness = h;
  h = undefined;
  await finishHarness(harness);
});

const ANSWER = { kind: 'answer', afterMs: 300 } as const;

describe('rooms, several administrators, faults', () => {
  it('0 → dial → ** twice: both invitees end up in the room with the admin', async () => {
    h = await startHarness({ directory: { '801': ANSWER, '802': ANSWER } });
    const { admin, room } = await h.adminInRoom();
    const first = await h.dial(admin, '801');
    await h.until(() => admin.where().bridgedTo === first.uuid, 'talking with 801');
    await admin.press('**');
    await first.waitUntil('in-conference', { room });
    await admin.waitUntil('in-conference', { room });
    await h.sessionState(admin.uuid, 'inRoom');
    const second = await h.dial(admin, '802');
    await h.until(() => admin.where().bridgedTo === second.uuid, 'talking with 802');
    // While the admin talks privately, the first invitee stays in the room.
    expect(h.sim.room(room)?.members.map((m) => m.uuid)).toEqual([first.uuid]);
    await admin.press('**');
    await h.until(() => h?.sim.room(room)?.members.length === 3, 'three members');
    expect(h.sim.room(room)?.members.find((m) => m.uuid === admin.uuid)?.moderator).toBe(true);
    await admin.hangup();
    // The room goes on without its administrator (endConferenceWhenAdminLeaves is false).
    await h.until(() => h?.controller.sessions().length === 0, 'the session to end');
    expect(
      h.sim
        .room(room)
        ?.members.map((m) => m.uuid)
        .sort(),
    ).toEqual([first.uuid, second.uuid].sort());
    await first.hangup();
    await second.hangup();
  });

  it('two administrators run their own rooms at the same time', async () => {
    h = await startHarness({ directory: { '801': ANSWER, '802': { kind: 'ring-forever' } } });
    const one = await h.adminInRoom('1001');
    const two = await h.adminInRoom('1002');
    expect(one.room).not.toBe(two.room);
    const invitee = await h.dial(one.admin, '801');
    const ringing = await h.dial(two.admin, '802');
    await h.sessionState(one.admin.uuid, 'invitation.talking');
    await h.sessionState(two.admin.uuid, 'invitation.ringing');
    await two.admin.hangup();
    await ringing.waitUntil('gone');
    expect(h.session(one.admin.uuid)?.state).toBe('invitation.talking');
    await one.admin.press('**');
    await h.until(() => h?.sim.room(one.room)?.members.length === 2, 'two members in the first room');
    await one.admin.hangup();
    await invitee.hangup();
  });

  it('endConferenceWhenAdminLeaves: the room ends for everyone when the admin hangs up', async () => {
    h = await startHarness({
      directory: { '801': ANSWER },
      config: { conference: { endConferenceWhenAdminLeaves: true } },
    });
    const { admin, room } = await h.adminInRoom();
    const invitee = await h.dial(admin, '801');
    await h.until(() => admin.where().bridgedTo === invitee.uuid, 'talking');
    await admin.press('**');
    await invitee.waitUntil('in-conference', { room });
    await admin.waitUntil('in-conference', { room });
    await admin.hangup();
    await invitee.waitUntil('gone');
    expect(h.sim.room(room)).toBeUndefined();
  });

  it('a caller ID that fails too often is locked out: the next call hears the locked-out tone and is hung up', async () => {
    h = await startHarness({ config: { maxPinAttempts: 2, lockout: { maxFailures: 2 } } });
    const first = await h.callAccessNumber('1009');
    const retry = h.nextCollect(first);
    await h.enterPin(first, WRONG_PIN);
    await retry;
    await h.enterPin(first, WRONG_PIN);
    await first.waitUntil('gone');
    const second = await h.sim.placeCall({ from: '1009', to: '900' });
    await second.waitUntil('gone');
    expect(h.sim.heard(second.uuid).some((i) => i.what === SHIPPED_PROMPTS['locked-out'])).toBe(true);
    expect(
      h.sim.heard(second.uuid).some((i) => i.kind === 'tone' && i.what === SHIPPED_PROMPTS['enter-pin']),
    ).toBe(false);
    // Exactly two: the first call's second wrong PIN reaches maxFailures (locked out at that entry), and the
    // second call is refused at its start. No other entry was made (the locked-out call hears no PIN prompt).
    expect(h.controller.stats().lockouts).toBe(2);
    expect(h.logs.some((line) => line.includes('locked out'))).toBe(true);
    // Another caller is not affected.
    const other = await h.callAccessNumber('1010');
    await other.hangup();
  });

  it('the admin hangs up during PIN entry: the session ends', async () => {
    h = await startHarness();
    const admin = await h.callAccessNumber();
    await admin.hangup();
    await h.until(() => h?.controller.sessions().length === 0, 'the session to end');
    expect(h.controller.stats().outcomes).toEqual({ 'admin-hung-up': 1 });
  });

  it('the event socket drops during the private talk and the invitee hangs up meanwhile: on reconnect the admin is back in the room', async () => {
    h = await startHarness({ directory: { '801': ANSWER } });
    const { admin, room } = await h.adminInRoom();
    const invitee = await h.dial(admin, '801');
    await h.until(() => admin.where().bridgedTo === invitee.uuid, 'talking');
    await h.sessionState(admin.uuid, 'invitation.talking');
    h.sim.faults.dropConnections();
    await invitee.hangup();
    await h.until(
      () => h?.sim.connectionCount() === 1 && h.controller.connection.state === 'connected',
      'reconnected',
      {
        timeoutMs: 10_000,
      },
    );
    await admin.waitUntil('in-conference', { room, timeoutMs: 10_000 });
    await h.sessionState(admin.uuid, 'inRoom');
    expect(h.logs.some((line) => line.includes('checking the sessions after a reconnect'))).toBe(true);
    await admin.hangup();
  });
});
