// How src/config/pin.ts compares PINs (the structure, not the timing): every comparison of a secret goes
// through crypto.timingSafeEqual on two buffers of the same length — SHA-256 digests for plain PINs, scrypt
// keys of the stored length for hashed ones — never the PIN itself, and every configured PIN is compared
// on every attempt (no early exit that would tell which PIN matched). Then a hashed PIN end to end.
import * as crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual), scrypt: vi.fn(actual.scrypt) };
});

const { hashPin, PinVerifier } = await import('../../src/config/pin.js');
const { startRig, PIN, WRONG_PIN } = await import('./support/rig.js');

const FAST = { N: 1024, r: 8, p: 1 } as const;
const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);
const scrypt = vi.mocked(crypto.scrypt);

type Compared = Array<[Buffer, Buffer]>;
const compared = (): Compared =>
  timingSafeEqual.mock.calls.map(([a, b]) => [Buffer.from(a as Buffer), Buffer.from(b as Buffer)]);

beforeEach(() => {
  timingSafeEqual.mockClear();
  scrypt.mockClear();
});

describe('PinVerifier: constant-time comparison of digests', () => {
  it('plain PINs: one timingSafeEqual per configured PIN, on two 32-byte SHA-256 digests, whatever the candidate length', async () => {
    const pins = ['1234', '98765432', '1357913579135791'];
    const verifier = new PinVerifier(pins);
    for (const candidate of ['1234', '0000', '98765432', '9876543', '1357913579135791', '12345678901234']) {
      timingSafeEqual.mockClear();
      const ok = await verifier.verify(candidate);
      expect(ok).toBe(pins.includes(candidate));
      const calls = compared();
      expect(calls).toHaveLength(pins.length);
      const digest = crypto.createHash('sha256').update(candidate).digest();
      for (const [a, b] of calls) {
        expect(a.length).toBe(32);
        expect(b.length).toBe(32);
        expect(a.equals(digest)).toBe(true); // the candidate's digest, never the candidate itself
        expect(b.includes(Buffer.from(candidate))).toBe(false);
      }
      // The stored side is the digest of a configured PIN, never the PIN.
      expect(calls.map(([, b]) => b.toString('hex')).sort()).toEqual(
        pins.map((p) => crypto.createHash('sha256').update(p).digest('hex')).sort(),
      );
    }
  });

  it('scrypt PINs: the candidate is derived with the stored salt and parameters, then compared at the stored length', async () => {
    const hashed = await hashPin('24680', FAST);
    const [, , , , salt, hash] = hashed.split('$');
    const verifier = new PinVerifier([hashed]);
    for (const candidate of ['24680', '2468', '246801357913579']) {
      timingSafeEqual.mockClear();
      scrypt.mockClear();
      expect(await verifier.verify(candidate)).toBe(candidate === '24680');
      expect(scrypt).toHaveBeenCalledTimes(1);
      const [secret, usedSalt, length, options] = scrypt.mock.calls[0] as unknown as [
        string,
        Buffer,
        number,
        crypto.ScryptOptions,
      ];
      expect(secret).toBe(candidate);
      expect(Buffer.from(usedSalt).toString('base64')).toBe(salt);
      expect(length).toBe(Buffer.from(hash ?? '', 'base64').length);
      expect(options).toMatchObject(FAST);
      const calls = compared();
      expect(calls).toHaveLength(1);
      const [a, b] = calls[0] ?? [];
      expect(a?.length).toBe(32);
      expect(b?.toString('base64')).toBe(hash);
    }
  });

  it('every configured PIN is compared on every attempt, even after one matched', async () => {
    const hashed = await hashPin('55555', FAST);
    const verifier = new PinVerifier(['1111', hashed, '2222', '3333']);
    for (const candidate of ['1111', '55555', '3333', '4444']) {
      timingSafeEqual.mockClear();
      scrypt.mockClear();
      await verifier.verify(candidate);
      expect(timingSafeEqual).toHaveBeenCalledTimes(4);
      expect(scrypt).toHaveBeenCalledTimes(1);
      for (const [a, b] of compared()) expect(a.length).toBe(b.length);
    }
  });

  it('what cannot be a PIN is refused without comparing (it is no secret): letters, too short, too long, empty', async () => {
    const verifier = new PinVerifier(['1234', await hashPin('5678', FAST)]);
    timingSafeEqual.mockClear();
    scrypt.mockClear();
    for (const candidate of ['', '123', '12345678901234567', '12a4', ' 1234', '1234\n', '١٢٣٤'])
      expect(await verifier.verify(candidate)).toBe(false);
    expect(timingSafeEqual).not.toHaveBeenCalled();
    expect(scrypt).not.toHaveBeenCalled();
  });
});

describe('a hashed PIN end to end', () => {
  it('logs in with the PIN whose scrypt hash is configured; a wrong PIN is refused; the hash never shows', async () => {
    const hashed = await hashPin(PIN, FAST);
    const r = await startRig({ config: { adminPins: [hashed] }, logLevel: 'debug' });
    // scrypt runs on libuv's thread pool, work the rig's virtual clock cannot see: phone time stands still
    // while a PIN is being derived, as it would for the microseconds it takes on a real switch's clock.
    const actualScrypt = scrypt.getMockImplementation();
    if (actualScrypt === undefined) throw new Error('scrypt is not wrapped');
    scrypt.mockImplementation(((...args: unknown[]) => {
      const release = r.clock.holdTime();
      const done = args.at(-1) as (...result: unknown[]) => void;
      (actualScrypt as (...all: unknown[]) => void)(...args.slice(0, -1), (...result: unknown[]) => {
        release();
        done(...result);
      });
    }) as typeof crypto.scrypt);
    try {
      const admin = await r.callAccessNumber('4001');
      const retry = r.nextCollect(admin);
      await r.enterPin(admin, WRONG_PIN);
      await retry;
      await r.enterPin(admin, PIN);
      await admin.waitUntil('in-conference');
      await r.sessionState(admin.uuid, 'inRoom');
      expect(r.controller.stats()).toMatchObject({ pinWrong: 1, pinCorrect: 1 });
      // The candidate went through scrypt (the hash path), compared in constant time.
      expect(scrypt.mock.calls.some(([secret]) => secret === PIN)).toBe(true);
      expect(timingSafeEqual).toHaveBeenCalled();
      const salt = hashed.split('$')[4] ?? '';
      expect(r.logs.filter((l) => l.includes(salt) || l.includes(PIN))).toEqual([]);
      await admin.hangup();
      await r.expectClean();
    } finally {
      scrypt.mockImplementation(actualScrypt);
      await r.close();
    }
  });
});

afterEach(() => {
  vi.clearAllMocks();
});
