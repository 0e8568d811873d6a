import { afterEach, expect, it } from 'vitest';
import { type Harness, startHarness } from '../e2e/support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  const harness = h;
  h = undefined;
  if (!harness) return;
  try {
    await harness.expectClean();
  } catch (err) {
    process.stderr.write(harness.logs.filter((l) => !l.includes('"level":20')).join(''));
    throw err;
  } finally {
    await harness.close();
  }
});

it('talking, crash, restart, ** joins both', async () => {
  h = await startHarness({ directory: { '801': { kind: 'answer', afterMs: 300 } } });
  const { admin, room } = await h.adminInRoom();
  const invitee = await h.dial(admin, '801');
  await h.sessionState(admin.uuid, 'invitation.talking');
  await h.until(() => admin.where().bridgedTo === invitee.uuid, 'bridged');
  await h.restartController();
  await h.sessionState(admin.uuid, 'invitation.talking');
  await admin.press('**');
  await h.until(() => h?.sim.room(room)?.members.length === 2, 'both in room');
  expect(h.sim.room(room)?.members.find((m) => m.uuid === admin.uuid)?.moderator).toBe(true);
  await admin.hangup();
});
