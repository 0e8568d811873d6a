import { describe, expect, it } from 'vitest';
import { createRoomName, isSafeRoomName, isValidRoomPrefix } from '../src/rooms.js';

describe('createRoomName', () => {
  it('is <prefix>-<base36 time>-<8 random characters>', () => {
    let n = 0;
    const name = createRoomName('dynconf', { now: 1_700_000_000_000, randomInt: () => n++ % 36 });
    expect(name).toBe(`dynconf-${(1_700_000_000_000).toString(36)}-01234567`);
  });

  it('uses only a-z, 0-9 and dashes', () => {
    for (let i = 0; i < 200; i++) expect(createRoomName('room')).toMatch(/^[a-z0-9-]+$/);
  });

  it('gives a different name every time, even within one millisecond', () => {
    const names = new Set(Array.from({ length: 5000 }, () => createRoomName('r', { now: 42 })));
    expect(names.size).toBe(5000);
  });

  it.each(['', 'Room', 'room_1', '1room', 'room-', 'a--b', 'x'.repeat(25), 'ro om'])(
    'refuses prefix %j',
    (prefix) => {
      expect(isValidRoomPrefix(prefix)).toBe(false);
      expect(() => createRoomName(prefix)).toThrow(RangeError);
    },
  );

  it.each(['a', 'dynconf', 'conf-2', 'x'.repeat(24)])('accepts prefix %j', (prefix) => {
    expect(isValidRoomPrefix(prefix)).toBe(true);
  });
});

describe('isSafeRoomName', () => {
  it('accepts made names and refuses anything that would need quoting', () => {
    expect(isSafeRoomName(createRoomName('dynconf'))).toBe(true);
    for (const bad of ['a b', 'a@b', "a'b", 'a;b', '-a', 'a-', '', 'A'])
      expect(isSafeRoomName(bad), bad).toBe(false);
  });
});
