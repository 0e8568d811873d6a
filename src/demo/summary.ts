// The final picture from the simulator: every room with its members.
import type { Simulator } from '../simulator/index.js';
import type { Cast } from './cast.js';

/** `room A | dynconf-… | 1001 | moderator` rows, the heading first. */
export function roomRows(sim: Simulator, cast: Cast): string[][] {
  const rows = [['room', 'conference name', 'member', 'role']];
  for (const room of sim.rooms()) {
    const members = [...room.members].sort((a, b) => Number(b.moderator) - Number(a.moderator));
    members.forEach((member, index) => {
      rows.push([
        index === 0 ? cast.room(room.name) : '',
        index === 0 ? room.name : '',
        cast.name(member.uuid),
        member.moderator ? 'moderator' : 'member',
      ]);
    });
  }
  return rows;
}

/** A room as `1001 (moderator), 801`: the moderator first, then the others in order. */
export function roomShape(moderator: string, others: readonly string[]): string {
  return [`${moderator} (moderator)`, ...[...others].sort()].join(', ');
}

/** Every room's shape, sorted: for comparing with what the demo built. */
export function roomShapes(sim: Simulator, cast: Cast): string[] {
  return sim
    .rooms()
    .map((room) => {
      const moderators = room.members.filter((m) => m.moderator).map((m) => cast.name(m.uuid));
      const others = room.members.filter((m) => !m.moderator).map((m) => cast.name(m.uuid));
      return moderators.length === 1
        ? roomShape(moderators[0] as string, others)
        : `${others.join(', ')} (${moderators.length} moderators)`;
    })
    .sort();
}
