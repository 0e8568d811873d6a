// SPEC items about endings and edge cases not covered by the flow suites: the room outliving its
// administrator, the last member leaving, dial tone with no digits, rejected and early-media invitees,
// and the access number's "service unavailable" fallback when no controller takes the call.
import { afterEach, describe, expect, it } from 'vitest';
import { scaledClock } from '../../src/clock.js';
import { dialToneFor, SHIPPED_PROMPTS } from '../../src/prompts.js';
import { startSimulator } from '../../src/simulator/index.js';
import { finishHarness, type Harness, startHarness } from './support/harness.js';

let h: Harness | undefined;

afterEach(async () => {
  const harness = h;
  h = undefined;
  await finishHarness(harness);
});

describe('endings and edge cases', () => {
  it('the administrator hangs up in the room: the room goes on for its members', async () => {
    h = await startHarness({ directory: { '801': { kind: 'answer', afterMs: 500 } } });
    const { admin, room } = await h.adminInRoom();
    const invitee = await h.dial(admin, '801');
    await h.sessionState(admin.uuid, 'invitation.talking');
    await h.until(() => admin.where().bridgedTo === invitee.uuid, 'admin bridged with the invitee');
    await admin.press('**');
    await h.until(() => h?.sim.room(room)?.members.length === 2, 'invitee in the room');

    await admin.hangup();
    await h.until(() => h?.controller.sessions().length === 0, 'the session ended');
    expect(invitee.where()).toMatchObject({ state: 'in-conference', room });
    expect(h.sim.room(room)?.members.map((m) => m.uuid)).toEqual([invitee.uuid]);
    await invitee.hangup();
  });

  it('the last member leaves: the room is gone and dynconf keeps nothing of it', async () => {
    h = await startHarness({ directory: { '801': { kind: 'answer', afterMs: 500 } } });
    const { admin, room } = await h.adminInRoom();
    const invitee = await h.dial(admin, '801');
    await h.sessionState(admin.uuid, 'invitation.talking');
    await h.until(() => admin.where().bridgedTo === invitee.uuid, 'admin bridged with the invitee');
    await admin.press('**');
    await h.until(() => h?.sim.room(room)?.members.length === 2, 'invitee in the room');
    await admin.hangup();
    await invitee.hangup();

    await h.until(() => h?.sim.room(room) === undefined, 'the room destroyed in FreeSWITCH');
    await h.until(() => h?.controller.sessions().length === 0, 'no session left');
    expect(h.controller.sessions().some((s) => s.room === room)).toBe(false);
  });

  it('dial tone, then no digits at all: back in the room, nothing is called', async () => {
    h = await startHarness({ config: { dialTimeoutMs: 2000 } });
    const { admin, room } = await h.adminInRoom();
    const collect = h.nextCollect(admin);
    await admin.press('0');
    await collect;
    await h.sessionState(admin.uuid, 'dialing');
    await admin.waitUntil('in-conference', { room, timeoutMs: 5000 });
    await h.sessionState(admin.uuid, 'inRoom');
    // The dial tone as long as the dial timeout makes it (prompts.ts dialToneFor).
    expect(h.heard(admin.uuid, dialToneFor(SHIPPED_PROMPTS['dial-tone'], 2000).prompt)).toBe(true);
    expect(h.controller.stats().invitations).toBe(0);
    expect(h.inviteeLegs()).toEqual([]);
    await admin.hangup();
  });

  it('the invitee rejects the call: back in the room with the rejected tone', async () => {
    h = await startHarness({ directory: { '805': { kind: 'reject' } } });
    const { admin, room } = await h.adminInRoom();
    await h.enterNumber(admin, '805');
    await h.until(() => (h as Harness).heard(admin.uuid, SHIPPED_PROMPTS.rejected), 'the rejected tone');
    await admin.waitUntil('in-conference', { room });
    await h.sessionState(admin.uuid, 'inRoom');
    expect(h.inviteeLegs()).toEqual([]);
    await admin.hangup();
  });

  it('early media is not an answer: the private talk starts only when the invitee really answers', async () => {
    h = await startHarness({ directory: { '808': { kind: 'early-media-then-answer', afterMs: 3000 } } });
    const { admin } = await h.adminInRoom();
    const invitee = await h.dial(admin, '808');
    await h.until(() => invitee.where().state === 'early', 'the invitee in early media');
    expect(h.session(admin.uuid)?.state).toBe('invitation.ringing');
    expect(admin.where().bridgedTo).toBeUndefined();

    await h.sessionState(admin.uuid, 'invitation.talking');
    expect(invitee.where().answered).toBe(true);
    await h.until(() => admin.where().bridgedTo === invitee.uuid, 'admin bridged with the invitee');
    await admin.hangup();
    await invitee.waitUntil('gone');
  });
});

describe('the access number without a controller', () => {
  it('a caller dialing 900 hears "service unavailable" and is hung up, rather than dead air', async () => {
    const sim = await startSimulator({ clock: scaledClock(50) });
    try {
      const caller = await sim.placeCall({ from: '1001', to: '900' });
      await caller.waitUntil('parked');
      const gone = await caller.waitUntil('gone', { timeoutMs: 5000 });
      expect(gone.hangupCause).toBe('SERVICE_UNAVAILABLE');
      expect(sim.heard(caller.uuid).length).toBeGreaterThan(0);
      expect(sim.channels()).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it('with the controller running, the fallback is cancelled: the administrator stays well past it', async () => {
    h = await startHarness({ dialplan: { parkTimeoutSec: 5 } });
    const { admin, room } = await h.adminInRoom();
    // 5 s of phone time is 100 ms at speed 50; wait out four times that on the simulator's own clock.
    const until = h.clock.now() + 20_000;
    await h.until(() => h && h.clock.now() >= until, '20 s of phone time');
    expect(admin.where()).toMatchObject({ state: 'in-conference', room });
    await admin.hangup();
  });
});
