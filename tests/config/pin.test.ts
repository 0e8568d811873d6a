import { describe, expect, it } from 'vitest';
import { hashPin, PinVerifier, type ScryptParams } from '../../src/config/index.js';
import { pinEntryProblem } from '../../src/config/pin.js';

// Cheap parameters keep the tests fast; the default cost is checked once.
const FAST: ScryptParams = { N: 1024, r: 8, p: 1 };

describe('hashPin', () => {
  it('makes scrypt$N$r$p$salt$hash with the default cost', async () => {
    const hash = await hashPin('4711');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(hash).not.toContain('4711');
    expect(pinEntryProblem(hash)).toBeUndefined();
  });

  it('salts: the same PIN never gives the same hash', async () => {
    expect(await hashPin('4711', FAST)).not.toBe(await hashPin('4711', FAST));
  });

  it.each(['', '12', '12345678901234567', '12a4', ' 1234'])('refuses %j', async (pin) => {
    await expect(hashPin(pin, FAST)).rejects.toThrow('4 to 16 digits');
  });

  it('refuses parameters that would use too much memory', async () => {
    await expect(hashPin('1234', { N: 2 ** 20, r: 8, p: 1 })).rejects.toThrow('too large');
    await expect(hashPin('1234', { N: 1000, r: 8, p: 1 })).rejects.toThrow('power of two');
  });
});

describe('PinVerifier', () => {
  it('accepts a plain PIN and nothing else', async () => {
    const verifier = new PinVerifier(['1234']);
    expect(await verifier.verify('1234')).toBe(true);
    for (const wrong of ['1235', '123', '12345', '', '0000', '1234#', '１２３４']) {
      expect(await verifier.verify(wrong)).toBe(false);
    }
  });

  it('accepts a hashed PIN', async () => {
    const verifier = new PinVerifier([await hashPin('98765', FAST)]);
    expect(await verifier.verify('98765')).toBe(true);
    expect(await verifier.verify('98764')).toBe(false);
  });

  it('accepts any of several PINs, plain and hashed mixed', async () => {
    const verifier = new PinVerifier(['1111', await hashPin('2222', FAST), '3333']);
    expect(verifier.size).toBe(3);
    expect(await verifier.verify('1111')).toBe(true);
    expect(await verifier.verify('2222')).toBe(true);
    expect(await verifier.verify('3333')).toBe(true);
    expect(await verifier.verify('4444')).toBe(false);
  });

  it('keeps leading zeros significant', async () => {
    const verifier = new PinVerifier(['0042']);
    expect(await verifier.verify('0042')).toBe(true);
    expect(await verifier.verify('42')).toBe(false);
  });

  it('refuses invalid entries without showing them', () => {
    expect(() => new PinVerifier(['12x4'])).toThrow('adminPins[0] is not a valid PIN');
    expect(() => new PinVerifier(['12x4'])).not.toThrow(/12x4/);
    expect(() => new PinVerifier(['scrypt$16384$8$1$AAAA$BBBB'])).toThrow(
      'adminPins[0] is not a valid scrypt hash',
    );
  });

  it('never shows its PINs when serialised or inspected', async () => {
    const verifier = new PinVerifier(['5555', await hashPin('6666', FAST)]);
    const shown = `${JSON.stringify({ verifier })} ${JSON.stringify(Object.entries(verifier))}`;
    expect(shown).not.toContain('5555');
    expect(shown).not.toContain('scrypt');
    expect(JSON.stringify(verifier)).toBe('"[PinVerifier: 2 PIN(s)]"');
  });
});

describe('pinEntryProblem', () => {
  it.each([
    ['1234', undefined],
    ['1234567890123456', undefined],
    ['123', 'must be 4 to 16 digits'],
    ['scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$short', 'is not a valid scrypt hash'],
    ['scrypt$1000$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=', 'power of two'],
  ])('%s', (entry, expected) => {
    const problem = pinEntryProblem(entry);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(expected);
  });
});
