import { describe, expect, it } from 'vitest';
import { DEFAULT_INTER_DIGIT_MS, IDLE_KEYS, type KeyInput, readKey, readKeys } from '../../machines/index.js';

const digits = (...pairs: Array<[string, number]>): KeyInput[] =>
  pairs.map(([digit, at]) => ({ type: 'digit', digit, at }));

describe('key commands from single digits', () => {
  it('recognises 0 alone as dial at once', () => {
    expect(readKey(IDLE_KEYS, { type: 'digit', digit: '0', at: 0 })).toEqual({
      state: IDLE_KEYS,
      command: 'dial',
    });
  });

  it.each([
    ['*', 'join-with-guest'],
    ['#', 'return-alone'],
    ['0', 'escalate'],
  ] as const)('recognises * then %s as %s', (second, command) => {
    expect(readKeys(IDLE_KEYS, digits(['*', 100], [second, 600])).commands).toEqual([command]);
  });

  it('a * alone is no command and stays pending', () => {
    const step = readKey(IDLE_KEYS, { type: 'digit', digit: '*', at: 100 });
    expect(step.command).toBeNull();
    expect(step.state).toEqual({ starAt: 100 });
  });

  it('drops a * whose next digit comes after the inter-digit timeout', () => {
    const late = 100 + DEFAULT_INTER_DIGIT_MS + 1;
    expect(readKeys(IDLE_KEYS, digits(['*', 100], ['*', late])).commands).toEqual([]);
    // ... the late * starts a new sequence
    expect(readKeys(IDLE_KEYS, digits(['*', 100], ['*', late], ['#', late + 10])).commands).toEqual([
      'return-alone',
    ]);
    // ... and a late 0 is dial, not escalate
    expect(readKeys(IDLE_KEYS, digits(['*', 100], ['0', late])).commands).toEqual(['dial']);
  });

  it('accepts the second digit exactly at the timeout', () => {
    expect(readKeys(IDLE_KEYS, digits(['*', 0], ['*', DEFAULT_INTER_DIGIT_MS])).commands).toEqual([
      'join-with-guest',
    ]);
  });

  it('honours a configured inter-digit timeout', () => {
    expect(readKeys(IDLE_KEYS, digits(['*', 0], ['#', 600]), 500).commands).toEqual([]);
    expect(readKeys(IDLE_KEYS, digits(['*', 0], ['#', 400]), 500).commands).toEqual(['return-alone']);
  });

  it('a timeout input forgets a due * but keeps a fresh one', () => {
    const pending = readKey(IDLE_KEYS, { type: 'digit', digit: '*', at: 0 }).state;
    expect(readKey(pending, { type: 'timeout', at: DEFAULT_INTER_DIGIT_MS + 1 }).state).toEqual(IDLE_KEYS);
    expect(readKey(pending, { type: 'timeout', at: 10 }).state).toEqual(pending);
  });

  it('ignores other digits, * followed by a non-command digit, and unknown keys', () => {
    expect(readKeys(IDLE_KEYS, digits(['1', 0], ['#', 10], ['9', 20], ['A', 30])).commands).toEqual([]);
    expect(readKeys(IDLE_KEYS, digits(['*', 0], ['5', 10], ['#', 20])).commands).toEqual([]);
    for (const junk of ['', '**', 'x', '10', ' ']) {
      const step = readKey({ starAt: 0 }, { type: 'digit', digit: junk, at: 1 });
      expect(step).toEqual({ state: { starAt: 0 }, command: null });
    }
  });

  it('restarts after each command: *** then # is ** then *#', () => {
    expect(readKeys(IDLE_KEYS, digits(['*', 0], ['*', 10], ['*', 20], ['#', 30])).commands).toEqual([
      'join-with-guest',
      'return-alone',
    ]);
  });

  it('reads a whole administrator session of keys', () => {
    const keys = digits(['0', 0], ['*', 5000], ['*', 5300], ['0', 9000], ['*', 12000], ['#', 12500]);
    expect(readKeys(IDLE_KEYS, keys).commands).toEqual(['dial', 'join-with-guest', 'dial', 'return-alone']);
  });
});
