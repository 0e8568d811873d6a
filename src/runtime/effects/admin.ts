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

export function returnAdminToRoom(host: SessionWork, { room }: RoomParams): void {
  const { admin } = host;
  host.legs.enqueue(admin, 'returnAdminToRoom', async () => {
    await host.actions.settleAfterBridge(admin);
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
