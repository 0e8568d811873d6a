// A history file that cannot be written: a directory that cannot be made, a full disk, a read-only file,
// a lock held by another process, the file deleted or its directory removed while open, SQLite itself
// missing. In every case: nothing is thrown to the caller, the failure is counted (writeFailures, by
// kind) and logged once, the records stay queued (up to the bound) and are written once it works again.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { inThreadExecutor, type SqlExecutor } from '../../src/history/index.js';
import { harness, readAll, sessionStart, T0, useTempHistory } from './support.js';

const tmp = useTempHistory();

const isRoot = process.getuid?.() === 0;

/** Records `n` sessions; none of the calls may throw. */
function record(h: ReturnType<typeof harness>, n: number, caller = '1001'): void {
  for (let i = 0; i < n; i++) {
    const start = sessionStart({ at: T0 + i, callerNumber: caller });
    expect(() => h.feed.started(start)).not.toThrow();
    expect(() =>
      h.feed.ended({ id: start.id, adminUuid: start.adminUuid, at: T0 + i + 10, outcome: 'admin-hung-up' }),
    ).not.toThrow();
  }
}

/** The thread's SQLite with extra pragmas at each opening (a page limit is a full disk, query_only a read-only file). */
function withPragmas(extra: () => readonly string[]): SqlExecutor {
  const inner = inThreadExecutor();
  return { ...inner, open: (path, pragmas) => inner.open(path, [...pragmas, ...extra()]) };
}

describe('a file that cannot be opened', () => {
  it('keeps the records, counts and logs once, and writes them once the directory is usable', async () => {
    const blocker = join(tmp.dir, 'state');
    writeFileSync(blocker, 'not a directory');
    const path = join(blocker, 'history.sqlite');
    const h = harness(path, { retryMinMs: 1000, retryMaxMs: 8000 });
    await h.turns();
    record(h, 3);
    await h.advance(1000);
    await h.advance(2000);
    const failing = h.writer.stats();
    expect(failing).toMatchObject({ pending: 6, written: 0, healthy: false, writeFailures: 3 });
    expect(failing.failures['cannot-open']).toBe(3);
    expect(failing.lastFailure?.kind).toBe('cannot-open');
    expect(h.logged('history: cannot write', 50)).toHaveLength(1);
    await expect(h.writer.flush()).resolves.toBeUndefined();
    await expect(h.writer.query({ limit: 1 })).rejects.toThrow(/cannot be read/);

    rmSync(blocker);
    mkdirSync(blocker);
    await h.advance(8000);
    expect(h.writer.stats()).toMatchObject({ pending: 0, written: 6, healthy: true });
    expect(h.logged('writing works again')).toHaveLength(1);
    await h.writer.close();
    expect(readAll(path)).toHaveLength(3);
  });

  it('waits longer after each failure, up to retryMaxMs', async () => {
    const blocker = join(tmp.dir, 'state');
    writeFileSync(blocker, '');
    const h = harness(join(blocker, 'h.sqlite'), { retryMinMs: 1000, retryMaxMs: 4000 });
    const attempts = () => h.writer.stats().writeFailures;
    await h.turns();
    expect(attempts()).toBe(1); // at start
    record(h, 1);
    const gaps: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = attempts();
      let waited = 0;
      while (attempts() === before) {
        await h.advance(500);
        waited += 500;
      }
      gaps.push(waited);
    }
    expect(gaps).toEqual([1000, 2000, 4000, 4000, 4000]);
    await h.writer.close();
  });

  it('SQLite that cannot be loaded is a failure like any other', async () => {
    const inner = inThreadExecutor();
    const h = harness(join(tmp.dir, 'h.sqlite'), {
      executor: {
        ...inner,
        open: async () => {
          throw new Error('Could not locate the bindings file. Tried: build/Release/better_sqlite3.node');
        },
      },
    });
    record(h, 2);
    await h.turns();
    await h.advance(1000);
    expect(h.writer.stats().failures.unavailable).toBe(2);
    expect(h.writer.stats().pending).toBe(4);
    expect(h.logged("SQLite cannot be loaded (better-sqlite3's native module", 50)).toHaveLength(1);
    await h.writer.close();
  });

  it.skipIf(isRoot)('a read-only directory (not as root, who may write anywhere)', async () => {
    const dir = join(tmp.dir, 'ro');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    const h = harness(join(dir, 'h.sqlite'));
    record(h, 1);
    await h.turns();
    expect(h.writer.stats().failures['read-only']).toBe(1);
    chmodSync(dir, 0o755);
    await h.advance(1000);
    expect(h.writer.stats().pending).toBe(0);
    await h.writer.close();
  });
});

describe('failures while writing', () => {
  it('a full disk: the batch stays queued and is written once there is room', async () => {
    const path = join(tmp.dir, 'h.sqlite');
    let full = true;
    // SQLite takes a page limit below the file's size as "no page more than it has now".
    const h = harness(path, {
      batchSize: 200,
      executor: withPragmas(() => (full ? ['max_page_count = 1'] : [])),
    });
    record(h, 100);
    await h.turns();
    expect(h.writer.stats()).toMatchObject({ pending: 200, written: 0, healthy: false });
    expect(h.writer.stats().failures['disk-full']).toBe(1);
    expect(h.logged('the disk is full', 50)).toHaveLength(1);
    record(h, 10);
    await h.advance(1000); // the first retry
    expect(h.writer.stats().failures['disk-full']).toBe(2);
    expect(h.logged('the disk is full', 50)).toHaveLength(1);

    full = false;
    await h.advance(2000); // the second, twice as late
    expect(h.writer.stats()).toMatchObject({ pending: 0, written: 220, healthy: true });
    await h.writer.close();
    expect(readAll(path)).toHaveLength(110);
  });

  it('a read-only file', async () => {
    const path = join(tmp.dir, 'h.sqlite');
    let readOnly = true;
    const h = harness(path, { executor: withPragmas(() => (readOnly ? ['query_only = ON'] : [])) });
    await h.turns();
    record(h, 2);
    await h.advance(250);
    expect(h.writer.stats().failures['read-only']).toBe(1);
    expect(h.writer.stats().pending).toBe(4);
    readOnly = false;
    await h.advance(1000);
    expect(h.writer.stats().pending).toBe(0);
    await h.writer.close();
    expect(readAll(path)).toHaveLength(2);
  });

  it('a lock held by another process: no waiting on it, a retry after it is gone', async () => {
    const path = join(tmp.dir, 'h.sqlite');
    const h = harness(path);
    await h.turns();
    const other = new Database(path);
    other.exec('BEGIN EXCLUSIVE');
    record(h, 2);
    await h.advance(250);
    expect(h.writer.stats().failures.busy).toBe(1);
    expect(h.writer.stats().pending).toBe(4);
    other.exec('COMMIT');
    other.close();
    await h.advance(1000);
    expect(h.writer.stats().pending).toBe(0);
    await h.writer.close();
    expect(readAll(path)).toHaveLength(2);
  });

  it('the file deleted while open: noticed before the next batch, a new file is started', async () => {
    const path = join(tmp.dir, 'h.sqlite');
    const h = harness(path);
    record(h, 2, 'before');
    await h.turns();
    await h.advance(250);
    expect(h.writer.stats().written).toBe(4);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    record(h, 3, 'after');
    await h.advance(250);
    expect(h.writer.stats().failures['file-gone']).toBe(1);
    expect(h.writer.stats()).toMatchObject({ pending: 0, written: 10, healthy: true });
    expect(h.logged('was removed or replaced', 40)).toHaveLength(1);
    await h.writer.close();
    expect(readAll(path).map((s) => s.callerNumber)).toEqual(['after', 'after', 'after']);
  });

  it('the directory removed, then a file put in its place: kept until the directory is back', async () => {
    const dir = join(tmp.dir, 'state');
    const path = join(dir, 'h.sqlite');
    const h = harness(path);
    record(h, 1);
    await h.turns();
    await h.advance(250);
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'in the way');
    record(h, 2);
    await h.advance(250);
    expect(h.writer.stats().failures['file-gone']).toBe(1);
    expect(h.writer.stats().failures['cannot-open']).toBe(1);
    expect(h.writer.stats().pending).toBe(4);
    rmSync(dir);
    await h.advance(1000);
    expect(h.writer.stats().pending).toBe(0);
    await h.writer.close();
    expect(readAll(path)).toHaveLength(2);
  });

  it('one record SQLite refuses is dropped and counted; the rest of its batch is written', async () => {
    const path = join(tmp.dir, 'h.sqlite');
    const inner = inThreadExecutor();
    const poisoned = (params: unknown) =>
      typeof params === 'object' &&
      params !== null &&
      (params as { callerNumber?: unknown }).callerNumber === 'poison';
    const h = harness(path, {
      executor: {
        ...inner,
        run: async (statements, guardFile) => {
          if (statements.some((s) => poisoned(s.params)))
            throw Object.assign(new Error('NOT NULL constraint failed: sessions.flow'), {
              code: 'SQLITE_CONSTRAINT_NOTNULL',
            });
          return inner.run(statements, guardFile);
        },
      },
    });
    record(h, 1, 'good');
    record(h, 1, 'poison');
    record(h, 1, 'good');
    await h.turns();
    await h.advance(250);
    expect(h.writer.stats()).toMatchObject({ pending: 0, written: 5, dropped: 1, healthy: true });
    expect(h.writer.stats().failures.record).toBe(1);
    await h.writer.close();
    expect(readAll(path).map((s) => s.callerNumber)).toEqual(['good', 'good']);
  });
});

describe('bounds and the end', () => {
  it('keeps at most maxPending records while failing, dropping the oldest, and says so once', async () => {
    const blocker = join(tmp.dir, 'state');
    writeFileSync(blocker, '');
    const path = join(blocker, 'h.sqlite');
    const h = harness(path, { maxPending: 5 });
    await h.turns();
    record(h, 4, 'old');
    record(h, 2, 'new');
    expect(h.writer.stats()).toMatchObject({ pending: 5, dropped: 7 });
    expect(h.logged('the oldest are dropped', 50)).toHaveLength(1);
    rmSync(blocker);
    await h.advance(1000);
    await h.writer.close();
    expect(readAll(path).map((s) => s.callerNumber)).toEqual(['new', 'new']);
  });

  it('close writes what is queued; what cannot be written is reported lost, and no timer is left', async () => {
    const blocker = join(tmp.dir, 'state');
    writeFileSync(blocker, '');
    const h = harness(join(blocker, 'h.sqlite'));
    record(h, 2);
    await expect(h.writer.close()).resolves.toBeUndefined();
    expect(h.writer.stats()).toMatchObject({ pending: 0, dropped: 4 });
    expect(h.logged('are lost at close', 50)).toHaveLength(1);
    expect(h.clock.pending()).toBe(0);
    expect(() => record(h, 1)).not.toThrow();
    expect(h.writer.stats().dropped).toBe(6);
    await expect(h.writer.close()).resolves.toBeUndefined();
    await expect(h.writer.query({ limit: 1 })).rejects.toThrow(/closed/);
  });

  it('a report that cannot be stored is refused at once, counted, never queued', async () => {
    const h = harness(join(tmp.dir, 'h.sqlite'));
    h.writer.sessionStarted({ ...sessionStart(), id: '' });
    h.writer.sessionEnded({ id: 'x', adminUuid: 'y', at: Number.NaN, outcome: 'admin-hung-up' });
    h.writer.invitationEnded({ id: 'x', at: T0, outcome: 'exploded' as 'answered' });
    h.writer.invitationRefused({
      source: 'keypad',
      room: 'r',
      number: '1',
      reason: 'busy' as 'not-allowed',
      at: T0,
    });
    expect(h.writer.stats()).toMatchObject({ pending: 0, rejected: 4 });
    expect(h.logged('a report was refused', 40)).toHaveLength(4);
    await h.writer.close();
  });
});
