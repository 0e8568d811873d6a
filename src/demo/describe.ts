// Where calls are, in words, from the simulator's own state (never from the controller's view).
import type { Simulator } from '../simulator/index.js';
import type { Cast } from './cast.js';
import type { Sounds } from './sounds.js';

export class Describer {
  constructor(
    private readonly sim: Simulator,
    private readonly cast: Cast,
    private readonly sounds: Sounds,
  ) {}

  /** `in room A as moderator`, `talking with 801`, `entering digits (dial tone)`, `hung up (USER_BUSY)`, … */
  where(uuid: string): string {
    const where = this.sim.call(uuid).where();
    const sound = () => this.sounds.playedBy(this.sim.channel(uuid)?.applicationData);
    switch (where.state) {
      case 'in-conference': {
        const room = where.room ?? '';
        const member = this.sim.room(room)?.members.find((m) => m.uuid === uuid);
        return `in ${this.cast.room(room)}${member?.moderator === true ? ' as moderator' : ''}`;
      }
      case 'bridged':
        return where.bridgedTo === undefined ? 'bridged' : `talking with ${this.cast.name(where.bridgedTo)}`;
      case 'parked':
        return 'parked';
      case 'collecting': {
        const prompt = sound();
        return prompt === undefined ? 'entering digits' : `entering digits (${prompt})`;
      }
      case 'playing':
        return `hearing ${sound() ?? 'a prompt'}`;
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
  each(uuids: readonly string[]): string {
    return uuids.map((uuid) => `${this.cast.name(uuid)} is ${this.where(uuid)}`).join('; ');
  }

  /** The whole switch: `room A: 1001 (moderator), 801 · 1004 ↔ 806 · 1001 entering digits (dial tone)`. */
  everything(): string {
    const parts: string[] = [];
    for (const room of this.sim.rooms()) {
      const members = [...room.members]
        .sort((a, b) => Number(b.moderator) - Number(a.moderator))
        .map((m) => `${this.cast.name(m.uuid)}${m.moderator ? ' (moderator)' : ''}`);
      parts.push(`${this.cast.room(room.name)}: ${members.join(', ')}`);
    }
    const told = new Set<string>();
    for (const channel of this.sim.channels()) {
      // In a room (told above), or the voicemail side of a loopback pair (told as its outer leg).
      if (channel.where.state === 'in-conference' || /^loopback\/.*-b$/.test(channel.name)) continue;
      if (told.has(channel.uuid)) continue;
      told.add(channel.uuid);
      const peer = channel.where.bridgedTo;
      if (peer !== undefined && this.sim.channel(peer)?.where.bridgedTo === channel.uuid) {
        told.add(peer);
        parts.push(`${this.cast.name(channel.uuid)} ↔ ${this.cast.name(peer)} (talking)`);
      } else {
        parts.push(`${this.cast.name(channel.uuid)} ${this.where(channel.uuid)}`);
      }
    }
    return parts.length === 0 ? 'no calls' : parts.join(' · ');
  }
}
