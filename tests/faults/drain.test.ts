// Graceful shutdown (Controller.drain, what `dynconf start` does on SIGTERM): no new session starts, and
// every call is left in a safe place; a controller started later takes the rooms' sessions over.
import { afterEach, describe, expect, it } from 'vitest';
import { SHIPPED_PROMPTS } from '../../src/prompts.js';
import type { SimCall } from '../../src/simulator/index.js';
import { finishHarness, type Harness } from '../e2e/support/harness.js';
import { faultHarness } from './support/campaign.js';

let h: Harness | undefined;

afterEach(async (context) => {
  const harness = h;
  h = undefined;
  await finishHarness(harness, context.task.result?.state === 'fail');
});

const heardUnavailable = (harness: Harness, call: SimCall) =>
  harness.heard(call.uuid, SHIPPED_PROMPTS['service-unavailable']);

describe('graceful shutdown', () => {
  it('leaves every call in a safe place, refuses new sessions, and a new controller takes the rooms over', async () => {
    const harness = await faultHarness({ gateways: { gsm: { answerSupervision: false } } });
    h = harness;
    // In the room, with a guest already joined.
    const one = await harness.adminInRoom('1001');
    const guest = await harness.dial(one.admin, '801');
    await harness.sessionState(one.admin.uuid, 'invitation.talking');
    await harness.until(() => one.admin.where().bridgedTo === guest.uuid, 'talking with the guest');
    await one.admin.press('**');
    await harness.until(() => harness.sim.room(one.room)?.members.length === 2, 'the guest in room one');
    await harness.sessionState(one.admin.uuid, 'inRoom');
    // Talking privately (answer supervision): both go into the room.
    const two = await harness.adminInRoom('1002');
    const talker = await harness.dial(two.admin, '801');
    await harness.sessionState(two.admin.uuid, 'invitation.talking');
    await harness.until(() => two.admin.where().bridgedTo === talker.uuid, 'talking with 801');
    // Ringing: cancelled.
    const three = await harness.adminInRoom('1003');
    const ringing = await harness.dial(three.admin, '802');
    await harness.sessionState(three.admin.uuid, 'invitation.ringing');
    // Voicemail: hung up, the administrator back alone.
    const four = await harness.adminInRoom('1004');
    const voicemail = await harness.dial(four.admin, '803');
    await harness.sessionState(four.admin.uuid, 'invitation.voicemail');
    // Talking over a trunk without answer supervision (it may still ring at the far end): hung up.
    const five = await harness.adminInRoom('1005');
    const trunk = await harness.dial(five.admin, '70612345678');
    await harness.sessionState(five.admin.uuid, 'invitation.talking');
    // Number entry: back to the room.
    const six = await harness.adminInRoom('1006');
    const dialTone = harness.nextCollect(six.admin);
    await six.admin.press('0');
    await dialTone;
    await harness.sessionState(six.admin.uuid, 'dialing');
    // PIN entry of flow 1: the dialplan's "service unavailable".
    const entering = await harness.callAccessNumber('1007');
    // PIN entry of flow 2: the two-party call restored.
    const { a, b } = await harness.sim.placeTwoPartyCall({ from: '810', to: '811' });
    await harness.until(() => a.where().bridgedTo === b.uuid, 'the two-party call');
    const pin = harness.nextCollect(a);
    await a.press('*0');
    await pin;
    await harness.sessionState(a.uuid, 'authenticating');

    const draining = harness.controller.drain({ timeoutMs: 60_000 });
    // A caller of the access number during the shutdown hears at once what the dialplan plays without it.
    const late = await harness.sim.placeCall({ from: '1008', to: '900' });
    const report = await harness.drive(draining, 'the drain to settle every call');
    expect(report).toEqual({ sessions: 8, unsettled: 0 });
    await late.waitUntil('gone');
    expect(heardUnavailable(harness, late)).toBe(true);
    expect(harness.session(late.uuid)).toBeUndefined();

    const inRoom = (admin: SimCall, room: string, members: SimCall[]) =>
      harness.until(() => {
        const info = harness.sim.room(room);
        return (
          info !== undefined &&
          info.members.length === members.length &&
          members.every((m) => info.members.some((x) => x.uuid === m.uuid)) &&
          info.members.find((m) => m.uuid === admin.uuid)?.moderator === true
        );
      }, `${admin.uuid} in ${room} with ${members.length} member(s)`);
    await inRoom(one.admin, one.room, [one.admin, guest]);
    await inRoom(two.admin, two.room, [two.admin, talker]);
    await inRoom(three.admin, three.room, [three.admin]);
    await inRoom(four.admin, four.room, [four.admin]);
    await inRoom(five.admin, five.room, [five.admin]);
    await inRoom(six.admin, six.room, [six.admin]);
    for (const gone of [ringing, voicemail, trunk, entering]) await gone.waitUntil('gone');
    expect(heardUnavailable(harness, entering)).toBe(true);
    await harness.until(() => a.where().bridgedTo === b.uuid, 'the two-party call restored');
    // Only the sessions in their rooms are left; the controller stops (calls go on).
    expect(
      harness.controller
        .sessions()
        .map((s) => s.state)
        .sort(),
    ).toEqual(Array(6).fill('inRoom'));
    await harness.restartController({ crash: false });

    // The next controller resumes the rooms from what the legs keep: the administrator goes on dialing.
    expect(harness.controller.stats().sessionsRestored).toBe(6);
    await harness.sessionState(three.admin.uuid, 'inRoom');
    const invitee = await harness.dial(three.admin, '801');
    await harness.sessionState(three.admin.uuid, 'invitation.talking');
    await harness.until(() => three.admin.where().bridgedTo === invitee.uuid, 'talking with 801');
    await three.admin.press('**');
    await inRoom(three.admin, three.room, [three.admin, invitee]);
    // The restored two-party call is an ordinary call again: no session comes back for it.
    expect(harness.session(a.uuid)).toBeUndefined();
    for (const channel of harness.sim.channels()) await harness.sim.call(channel.uuid).hangup();
  });

  it('a drain with nothing to do resolves at once', async () => {
    const harness = await faultHarness();
    h = harness;
    expect(await harness.controller.drain()).toEqual({ sessions: 0, unsettled: 0 });
  });
});
