// The operator's newer controls through the API: mute or unmute everyone but the administrator, hang up an
// invitation still ringing, and end the call an administrator is making (as their `*#` would).
import { afterEach, describe, expect, it } from 'vitest';
import { json, phonesOf, type Rig, startRig } from './support.js';

let rig: Rig | undefined;

afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function withAdministrator() {
  rig = await startRig({ controller: true });
  const r = rig;
  const phones = phonesOf(r);
  const { admin, room } = await phones.adminInRoom('1001');
  await r.until(() => r.api.rooms.room(room)?.members.some((m) => m.uuid === admin.uuid), 'the room listed');
  return { r, phones, admin, room };
}

const ringing = (r: Rig, number: string) =>
  r.sim.channels().some((c) => c.destination === number && c.callState === 'RINGING');

describe('operator controls', () => {
  it('mute-all and unmute-all spare the administrator', async () => {
    const { r, admin, room } = await withAdministrator();
    for (const number of ['801', '804'])
      expect((await r.post(`/api/rooms/${room}/invite`, { number })).status).toBe(202);
    const guests = () => (r.sim.room(room)?.members ?? []).filter((m) => m.uuid !== admin.uuid);
    await r.until(() => guests().length === 2, 'two guests in the room');
    const muted = await r.post(`/api/rooms/${room}/mute-all`);
    expect(muted.status).toBe(200);
    expect(await json(muted)).toMatchObject({ room, action: 'mute-all' });
    await r.until(() => guests().every((m) => !m.canSpeak), 'guests muted');
    expect(r.sim.room(room)?.members.find((m) => m.uuid === admin.uuid)?.canSpeak).toBe(true);
    expect((await r.post(`/api/rooms/${room}/unmute-all`)).status).toBe(200);
    await r.until(() => guests().every((m) => m.canSpeak), 'guests unmuted');
    expect((await r.post('/api/rooms/no-such-room/mute-all')).status).toBe(404);
  });

  it('cancels an invitation still ringing; one that is not ringing is 404', async () => {
    const { r, room } = await withAdministrator();
    const placed = await json(await r.post(`/api/rooms/${room}/invite`, { number: '803' }));
    await r.until(() => ringing(r, '803'), '803 ringing');
    const cancelled = await fetch(`${r.url}/api/rooms/${room}/invitations/${placed.uuid}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer test-token-4f1e9a2b7c' },
    });
    expect(cancelled.status).toBe(202);
    await r.until(() => !r.sim.channels().some((c) => c.destination === '803'), '803 hung up');
    await r.until(
      async () => (await r.rooms()).rooms.find((x) => x.name === room)?.invitations.length === 0,
      'no invitation listed',
    );
    const again = await fetch(`${r.url}/api/rooms/${room}/invitations/${placed.uuid}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer test-token-4f1e9a2b7c' },
    });
    expect(again.status).toBe(404);
  });

  it('ends the call an administrator is making, as *# would; 409 while they are not calling anyone', async () => {
    const { r, phones, admin, room } = await withAdministrator();
    const path = `/api/rooms/${room}/administrators/${admin.uuid}/return`;
    const idle = await r.post(path);
    expect(idle.status).toBe(409);
    expect((await json(idle)).error).toContain('not calling anyone');

    await phones.enterNumber(admin, '803');
    await phones.sessionState(admin.uuid, 'invitation.ringing');
    await r.until(() => ringing(r, '803'), '803 ringing');
    // Named with another room: 404, and nothing is done to the call.
    const elsewhere = await r.post(`/api/rooms/room-a/administrators/${admin.uuid}/return`);
    expect(elsewhere.status).toBe(404);
    expect(phones.session(admin.uuid)?.state).toBe('invitation.ringing');
    expect(ringing(r, '803')).toBe(true);
    const back = await r.post(path);
    expect(back.status).toBe(202);
    expect(await json(back)).toEqual({ uuid: admin.uuid, room });
    await phones.sessionState(admin.uuid, 'inRoom');
    await r.until(() => !r.sim.channels().some((c) => c.destination === '803'), '803 hung up');
    await r.until(
      () => r.sim.room(room)?.members.some((m) => m.uuid === admin.uuid),
      'the administrator in the room',
    );

    // Talking privately: the same button ends that talk.
    const invitee = await phones.dial(admin, '801');
    await r.until(() => admin.where().bridgedTo === invitee.uuid, 'talking with 801');
    expect((await r.post(path)).status).toBe(202);
    await phones.sessionState(admin.uuid, 'inRoom');
    await r.until(() => invitee.where().state === 'gone', '801 hung up');

    expect(
      (await r.post(`/api/rooms/${room}/administrators/00000000-0000-4000-8000-000000000000/return`)).status,
    ).toBe(404);
  });
});
