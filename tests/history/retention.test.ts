// Retention: sessions and invitations older than history.retentionDays are deleted when the file is opened
// and once a day after, in chunks (one per turn of the event loop), on the runtime's clock.
import { describe, expect, it } from 'vitest';
import { DAY, ev, harness, readAll, sessionStart, T0, useTempHistory, uuid } from './support.js';

let path = '';
useTempHistory((files) => {
  path = files.path;
});

/** One session a day for `days` days before `end`, each with one invitation. */
async function writeDays(days: number, end: number): Promise<void> {
  const h = harness(path, { start: end - days * DAY });
  for (let day = days; day > 0; day--) {
    const at = end - day * DAY;
    const start = sessionStart({ at, callerNumber: String(day) });
    const leg = uuid();
    h.feed.started(start);
    h.feed.observe(start.id, ev.dialed(at + 1000, '801', leg));
    h.feed.ended({ id: start.id, adminUuid: start.adminUuid, at: at + 60_000, outcome: 'admin-hung-up' });
  }
  await h.writer.close();
}

describe('retention', () => {
  it('deletes what is older than retentionDays when the file is opened', async () => {
    await writeDays(10, T0);
    expect(readAll(path)).toHaveLength(10);
    const h = harness(path, { start: T0, retentionDays: 7, pruneChunk: 3 });
    await h.turns();
    expect(readAll(path).map((s) => s.callerNumber)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(h.writer.stats().pruned).toBe(6); // 3 sessions and their 3 invitations
    expect(h.logged('old records deleted')).toHaveLength(1);
    await h.writer.close();
  });

  it('deletes in chunks, one per turn, never all at once', async () => {
    await writeDays(30, T0);
    const h = harness(path, { start: T0, retentionDays: 1, pruneChunk: 4 });
    expect(h.deferred).toBe(1);
    const turns = await h.turns();
    expect(turns).toBeGreaterThanOrEqual(29 / 4);
    expect(readAll(path)).toHaveLength(1);
    await h.writer.close();
  });

  it('runs again once a day on the clock, keeping what is young enough', async () => {
    await writeDays(5, T0);
    const h = harness(path, { start: T0, retentionDays: 5 });
    await h.turns();
    expect(readAll(path)).toHaveLength(5);
    await h.advance(DAY / 2);
    expect(readAll(path)).toHaveLength(5);
    await h.advance(DAY / 2);
    expect(readAll(path).map((s) => s.callerNumber)).toEqual(['1', '2', '3', '4']);
    await h.advance(3 * DAY);
    expect(readAll(path).map((s) => s.callerNumber)).toEqual(['1']);
    await h.writer.close();
  });

  it('keeps everything when nothing is old enough, and says nothing', async () => {
    await writeDays(3, T0);
    const h = harness(path, { start: T0, retentionDays: 90 });
    await h.turns();
    expect(readAll(path)).toHaveLength(3);
    expect(h.writer.stats().pruned).toBe(0);
    expect(h.logged('old records deleted')).toEqual([]);
    await h.writer.close();
  });
});
