// The administrator's leg: prompts and tones, ringback, moves into and back to the room, the hang-up,
// and ending the room. Each is queued on the administrator's leg.
import type { AnnounceParams, RoomParams } from '../../../machines/index.js';
import { conferenceMember } from '../../esl/commands.js';
import { reportFailure, type SessionWork } from './host.js';

export function announce(host: SessionWork, { prompt }: AnnounceParams): void {
  const { admin } = host;
  host.legs.enqueue(admin, `announce ${prompt}`, async () => {
    await host.actions.play(admin, host.settings.prompts[prompt]);
  });
}

export function hangupAdmin(host: SessionWork): void {
  const { admin } = host;
  host.legs.enqueue(admin, 'hangupAdmin', async () => {
    await host.actions.hangUp(admin);
  });
}

export function joinRoomAsModerator(host: SessionWork, { room }: RoomParams): void {
  const { admin } = host;
  host.legs.enqueue(admin, 'joinRoomAsModerator', async () => {
    const sent = await host.actions.transferToRoom(admin, room, true);
    if (!sent.ok && !admin.gone) reportFailure(host, 'joinRoomAsModerator', sent.error);
  });
}

/**
 * Sent at once, also from a private talk that is ending (`**` moves the invitee, `*#` hangs it up, in the
 * same turn): FreeSWITCH carries out one socket's commands in order, and a leg transferred while still
 * bridged goes where it was sent (park_after_bridge is for a leg left with nowhere to go). Waiting for the
 * bridge to end first would only add its round trip.
 */
export function returnAdminToRoom(host: SessionWork, { room }: RoomParams): void {
  const { admin } = host;
  host.legs.enqueue(admin, 'returnAdminToRoom', async () => {
    const sent = await host.actions.transferToRoom(admin, room, true);
    if (!sent.ok && !admin.gone) reportFailure(host, 'returnAdminToRoom', sent.error);
  });
}

export function playRingback(host: SessionWork): void {
  const { admin } = host;
  host.legs.enqueue(admin, 'playRingback', async () => {
    await host.actions.keepPlayingOnKeys(admin);
    await host.actions.playLooping(admin, host.settings.prompts.ringback);
  });
}

export function endRoom(host: SessionWork, { room }: RoomParams): void {
  host.legs.enqueue(host.admin, 'endRoom', async () => {
    host.logger.info('ending the room for everyone');
    await host.actions.api(conferenceMember(room, 'hup', 'all'));
  });
}
