// Where a call is, in words, from the simulator's own state (never from the controller's view).
import type { Simulator } from '../simulator/index.js';
import type { Cast } from './cast.js';

export function describeWhere(sim: Simulator, cast: Cast, uuid: string): string {
  const where = sim.call(uuid).where();
  switch (where.state) {
    case 'in-conference': {
      const room = where.room ?? '';
      const member = sim.room(room)?.members.find((m) => m.uuid === uuid);
      return `in ${cast.room(room)}${member?.moderator === true ? ' as moderator' : ''}`;
    }
    case 'bridged':
      return where.bridgedTo === undefined ? 'bridged' : `talking with ${cast.name(where.bridgedTo)}`;
    case 'parked':
      return 'parked';
    case 'collecting':
      return 'entering digits';
    case 'playing':
      return 'hearing a prompt';
    case 'ringing':
      return 'ringing';
    case 'early':
      return 'ringing (early media)';
    case 'executing':
      return where.application === undefined ? 'busy in the switch' : `running ${where.application}`;
    case 'gone':
      return `hung up (${where.hangupCause ?? 'unknown cause'})`;
  }
}

/** `1001 is in room A as moderator; 801 is ringing` */
export function describeAll(sim: Simulator, cast: Cast, uuids: readonly string[]): string {
  return uuids.map((uuid) => `${cast.name(uuid)} is ${describeWhere(sim, cast, uuid)}`).join('; ');
}
