// Room (conference) names: `<prefix>-<creation time, base 36 ms>-<8 random base-36 characters>`.
// Only [a-z0-9-], so a name needs no quoting in any FreeSWITCH command. A session's room is found again
// after a restart from the marks on its legs (runtime/channel-vars.ts), never from the name's shape.
import { randomInt } from 'node:crypto';

/** A valid room prefix: starts with a letter, lower-case letters, digits and inner dashes, up to 24. */
export const ROOM_PREFIX_PATTERN = /^[a-z](?:[a-z0-9-]{0,22}[a-z0-9])?$/;

const RANDOM_LENGTH = 8;
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export interface RoomNameOptions {
  /** Epoch ms of creation; defaults to now. */
  now?: number;
  /** Random characters; tests pass a fixed source. Must return an integer in [0, max). */
  randomInt?: (max: number) => number;
}

export function isValidRoomPrefix(prefix: string): boolean {
  return ROOM_PREFIX_PATTERN.test(prefix) && !prefix.includes('--');
}

/** A new room name. Throws RangeError for a prefix that configuration validation would have refused. */
export function createRoomName(prefix: string, options: RoomNameOptions = {}): string {
  if (!isValidRoomPrefix(prefix)) throw new RangeError(`invalid room prefix: ${JSON.stringify(prefix)}`);
  const now = options.now ?? Date.now();
  if (!Number.isSafeInteger(now) || now < 0) throw new RangeError(`invalid room time: ${now}`);
  const pick = options.randomInt ?? randomInt;
  let random = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) random += ALPHABET[pick(ALPHABET.length)] ?? '0';
  return `${prefix}-${now.toString(36)}-${random}`;
}

/** True for any string made only of the characters room names use. */
export function isSafeRoomName(name: string): boolean {
  return /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/.test(name);
}
