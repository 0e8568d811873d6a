// Keys that come before the controller's own move is done: `**` the moment the invitee answers, before
// the private bridge is made, must still leave both in the room (the bridge is not made any more).
import { afterEach, describe, expect, it } from 'vitest';
import { finishHarness, type Harness } from '../e2e/support/harness.js';
import { faultHarness } from './support/campaign.js';

let h: Harness | undefined;

afterEach(async (context) => {
  const harness = h;
  h = undefined;
  await finishHarness(harness, context.task.result?.state === 'fail');
});

describe('keys ahead of the moves', () => {
  it('** as the invitee answers: both in the room, nobody left in a bridge', async () => {
    const harness = await faultHarness();
    h = harness;
    const { admin, room } = await harness.adminInRoom();
    let pressed: Promise<void> | undefined;
    const off = harness.sim.onEvent((event) => {
      const invitee = event.get('variable_dynconf_role') === 'invitee';
      if (pressed === undefined && invitee && event.name === 'CHANNEL_PARK') {
        pressed = admin.press('**', { gapMs: 0 });
      }
    });
    const invitee = await harness.dial(admin, '801');
    await harness.until(() => pressed !== undefined, 'the invitee answered');
    off();
    await pressed;
    await invitee.waitUntil('in-conference', { room });
    await admin.waitUntil('in-conference', { room });
    await harness.sessionState(admin.uuid, 'inRoom');
    expect(
      harness.sim
        .room(room)
        ?.members.map((m) => m.uuid)
        .sort(),
    ).toEqual([admin.uuid, invitee.uuid].sort());
    await admin.hangup();
    await invitee.hangup();
  });
});
