// Who is who in the transcript: people by their number instead of channel uuids, rooms as "room A".
import type { ChannelInfo, Simulator } from '../simulator/index.js';

export class Cast {
  readonly #names = new Map<string, string>();
  readonly #rooms = new Map<string, string>();

  constructor(private readonly sim: Simulator) {}

  /** Names the leg of a phone the demo acts as. */
  cast(uuid: string, name: string): void {
    this.#names.set(uuid, name);
  }

  /** The person on a leg: the name it was given, else one made from the channel (kept once made). */
  name(uuid: string): string {
    const known = this.#names.get(uuid);
    if (known !== undefined) return known;
    const channel = this.sim.channel(uuid);
    if (channel === undefined) return `leg ${uuid.slice(0, 8)}`;
    const name = legName(channel);
    this.#names.set(uuid, name);
    return name;
  }

  /** `room A` for the first room named, `room B` for the next, … */
  room(name: string): string {
    if (name === '') return 'no room';
    let alias = this.#rooms.get(name);
    if (alias === undefined) {
      alias = `room ${String.fromCharCode(65 + (this.#rooms.size % 26))}`;
      this.#rooms.set(name, alias);
    }
    return alias;
  }

  /** Every room seen so far: full name → alias. */
  rooms(): ReadonlyMap<string, string> {
    return this.#rooms;
  }
}

/**
 * A leg nobody named: the number it calls (dynconf's invitations), the caller for inbound legs, with the
 * way out when it is not an ordinary phone (a trunk, voicemail behind a loopback pair).
 */
function legName(channel: ChannelInfo): string {
  const gateway = /^sofia\/gateway\/([^/]+)\/(.+)$/.exec(channel.name);
  if (gateway !== null) return `the ${gateway[1]} line to ${gateway[2]}`;
  const loopback = /^loopback\/(.+)-([ab])$/.exec(channel.name);
  if (loopback !== null) return loopback[2] === 'a' ? `${loopback[1]}` : `${loopback[1]}'s voicemail`;
  return channel.direction === 'outbound' ? channel.destination : channel.callerIdNumber;
}
