// After a restart or a reconnect: the legs the operator called, as FreeSWITCH has them, taken over like the
// sessions' invitees are. Each one this controller does not know counts against the cap on outbound calls
// until it hangs up; one still ringing is followed to its end (listed, counted, cancelled with its room),
// unless its room is gone already: then nobody would meet it there, and it is hung up, as an invitee
// whose administrator is gone is.
import { partyOf } from '../../esl/party.js';
import type { Logger } from '../../log.js';
import { guestRoom, isLoopbackInner } from '../../recovery/plan.js';
import type { ChannelFacts } from '../../recovery/switch-state.js';
import type { OperatorInvitations } from './invitations.js';

export interface GuestTakeOver {
  readonly calls: OperatorInvitations;
  readonly logger: Logger;
  /** FreeSWITCH has the room, or a session of this controller refers to it. */
  roomLives(room: string): boolean;
  hangUp(uuid: string): void;
}

/** Takes over the operator's legs; returns how many were hung up. */
export function takeOverGuests(guests: readonly ChannelFacts[], d: GuestTakeOver): number {
  let hungUp = 0;
  for (const guest of guests) {
    // The inner leg of a loopback pair lives and ends with the leg that was called.
    if (d.calls.knows(guest.uuid) || isLoopbackInner(guest)) continue;
    const room = guest.room ?? guestRoom(guest);
    const number = partyOf(guest.info).number ?? '';
    if (guest.room !== undefined || guest.answered) {
      d.calls.adopt({ uuid: guest.uuid, room: room ?? '', number, answered: true });
    } else if (room !== undefined && d.roomLives(room)) {
      d.calls.adopt({ uuid: guest.uuid, room, number, answered: false });
    } else {
      hungUp++;
      d.logger.warn({ leg: guest.uuid, room }, "hanging up a call of the operator's: its room is gone");
      d.hangUp(guest.uuid);
    }
  }
  return hungUp;
}
