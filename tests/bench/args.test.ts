// The bench's own options: counts are checked before anything runs.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../bench/args.js';

describe('bench options', () => {
  it('the latency part counts 200 rounds after 100 of warm-up unless told otherwise', () => {
    expect(parseArgs([])).toMatchObject({ latencyRounds: 200, latencyWarmup: 100 });
    expect(parseArgs(['--latency-rounds', '50', '--latency-warmup', '0'])).toMatchObject({
      latencyRounds: 50,
      latencyWarmup: 0,
    });
  });

  it('a count that is not an integer in range is refused, naming the option', () => {
    expect(() => parseArgs(['--latency-warmup', '-1'])).toThrow(
      '--latency-warmup: expected an integer ≥ 0, got "-1"',
    );
    expect(() => parseArgs(['--latency-warmup', '1.5'])).toThrow('--latency-warmup: expected an integer ≥ 0');
    expect(() => parseArgs(['--latency-rounds', '0'])).toThrow(
      '--latency-rounds: expected a positive integer, got "0"',
    );
    expect(() => parseArgs(['--knee-window', 'x'])).toThrow('--knee-window: expected a positive integer');
  });
});
