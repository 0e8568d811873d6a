// The benchmark's own moving parts: the replayed event stream, the unpatched esl-lite copy, the statistics.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hunksOf, unpatch } from '../../bench/ingest/pristine-esl-lite.js';
import { END_SUBCLASS, EventStream, loadBaseFrames } from '../../bench/ingest/stream.js';
import { trendGrowth } from '../../bench/soak.js';
import { distribution, percentile } from '../../bench/stats.js';

/** Splits a byte stream into frames by Content-Length, as FreeSWITCH's clients must. */
function frames(stream: Buffer): { headers: string; body: string }[] {
  const out: { headers: string; body: string }[] = [];
  let at = 0;
  while (at < stream.length) {
    const end = stream.indexOf('\n\n', at);
    const headers = stream.toString('utf8', at, end);
    const length = Number(/Content-Length: (\d+)/.exec(headers)?.[1]);
    out.push({ headers, body: stream.toString('utf8', end + 2, end + 2 + length) });
    at = end + 2 + length;
  }
  return out;
}

describe('ingest stream', () => {
  const base = loadBaseFrames();

  it('replays whole recorded frames in lanes with their own uuids, then the end frame', () => {
    const stream = new EventStream(base, 4, 2_000_000);
    const bytes = Buffer.concat(stream.batches(64 * 1024));
    expect(bytes.length).toBe(stream.totalBytes);
    const all = frames(bytes);
    expect(all).toHaveLength(stream.totalEvents);
    const bodies = all.map((f) => JSON.parse(f.body) as Record<string, string>);
    expect(bodies.at(-1)?.['Event-Subclass']).toBe(END_SUBCLASS);
    // Four lanes at different points of the recordings, each with its own channel uuids.
    const uuids = (lane: number) =>
      new Set(bodies.filter((_, i) => i % 4 === lane && i < all.length - 1).map((b) => b['Unique-ID']));
    const lanes = [0, 1, 2, 3].map(uuids);
    expect(lanes[0]?.size).toBeGreaterThan(1);
    for (const uuid of lanes[0] ?? []) if (uuid !== undefined) expect(lanes[1]?.has(uuid)).toBe(false);
    // The switch is the same: Core-UUID is left alone.
    expect(new Set(bodies.map((b) => b['Core-UUID'])).size).toBe(1);
  });

  it('rewrites the same uuid the same way in every header of a frame', () => {
    const stream = new EventStream(base, 2, 500_000);
    const bodies = frames(Buffer.concat(stream.batches(1 << 20))).map((f) => JSON.parse(f.body));
    const bridge = bodies.find((b) => b['Event-Name'] === 'CHANNEL_BRIDGE');
    expect(bridge).toBeDefined();
    expect(bridge['Bridge-A-Unique-ID']).toBe(bridge['Unique-ID']);
  });
});

describe('pristine esl-lite', () => {
  it('takes every hunk of dynconf’s patch out of the patched file, and only those', () => {
    const patch = readFileSync('patches/esl-lite+3.2.0.patch', 'utf8');
    const hunks = hunksOf(patch, 'esl-lite.mjs');
    expect(hunks.length).toBeGreaterThanOrEqual(2);
    const patched = readFileSync('node_modules/esl-lite/esl-lite.mjs', 'utf8');
    const pristine = unpatch(patched, hunks);
    expect(patched).toContain('dynconf patch');
    expect(pristine).not.toContain('dynconf patch');
    expect(pristine.length).toBeLessThan(patched.length);
    expect(() => unpatch(pristine, hunks)).toThrow(/patch/);
  });
});

describe('statistics', () => {
  it('nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(
      percentile(
        [...values].sort((a, b) => a - b),
        50,
      ),
    ).toBe(50);
    expect(distribution(values)).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
    expect(distribution([]).count).toBe(0);
  });

  it('heap trend: flat is about zero, a steady climb shows as its total', () => {
    const flat = [0, 1, 2, 3].map((at) => ({ at, heapUsed: 1000 + (at % 2) }));
    expect(Math.abs(trendGrowth(flat))).toBeLessThan(2);
    const climbing = [0, 10, 20, 30].map((at) => ({ at, heapUsed: 1000 + at * 100 }));
    expect(trendGrowth(climbing)).toBeCloseTo(3000);
  });
});
