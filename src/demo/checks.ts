// Conditions on the simulator's state the steps wait for.
import type { SimCall, Simulator } from '../simulator/index.js';

/** The newest leg up that calls `number` and that `known` does not hold (a leg dynconf just placed). */
export function newLegTo(sim: Simulator, number: string, known: ReadonlySet<string> = new Set()) {
  return sim
    .channels()
    .filter((c) => c.direction === 'outbound' && c.destination === number && !known.has(c.uuid))
    .at(-1);
}

/** Outbound legs up now (to take a snapshot before dialing). */
export function outboundLegs(sim: Simulator): Set<string> {
  return new Set(
    sim
      .channels()
      .filter((c) => c.direction === 'outbound')
      .map((c) => c.uuid),
  );
}

/** Exactly these members in the room: `moderator` flagged as such, the others not. */
export function roomIs(
  sim: Simulator,
  room: string,
  moderator: SimCall,
  others: readonly SimCall[],
): boolean {
  const members = sim.room(room)?.members ?? [];
  if (members.length !== others.length + 1) return false;
  return (
    members.some((m) => m.uuid === moderator.uuid && m.moderator) &&
    others.every((call) => members.some((m) => m.uuid === call.uuid && !m.moderator))
  );
}

/** The leg's phone rings (180 Ringing seen), not merely being set up. */
export function rings(sim: Simulator, call: SimCall): boolean {
  return sim.channel(call.uuid)?.callState === 'RINGING';
}

export function inRoom(call: SimCall, room: string): boolean {
  const where = call.where();
  return where.state === 'in-conference' && where.room === room;
}

export function talking(a: SimCall, b: SimCall): boolean {
  return a.where().bridgedTo === b.uuid && b.where().bridgedTo === a.uuid;
}

export function inAnyRoom(sim: Simulator, calls: readonly SimCall[]): boolean {
  return sim.rooms().some((room) => room.members.some((m) => calls.some((call) => call.uuid === m.uuid)));
}
