// The file's schema: versioned, migrated once, indexed for the filters; a file of a newer dynconf or one that
// is not a database is never written to.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { inThreadExecutor, openHistoryReader, SCHEMA_VERSION } from '../../src/history/index.js';
import { migrate, schemaVersion } from '../../src/history/migrations.js';
import { HistoryStore } from '../../src/history/store.js';

/** Opens the file as the controller does (creating and migrating it), then closes it. */
async function openAndClose(path: string, now = () => T0): Promise<void> {
  const store = new HistoryStore(inThreadExecutor(), path, { now });
  await store.open();
  await store.end();
}

import { harness, sessionStart, T0, useTempHistory } from './support.js';

let path = '';
useTempHistory((files) => {
  path = files.path;
});

describe('schema', () => {
  it('a new file gets every migration once, recorded in schema_version', async () => {
    await openAndClose(path);
    await openAndClose(path, () => T0 + 1);
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT version, applied_at FROM schema_version').all()).toEqual([
      { version: 1, applied_at: '2026-11-24T08:00:00.000Z' },
    ]);
    expect(SCHEMA_VERSION).toBe(1);
    const indexes = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all();
    expect(indexes).toEqual([
      'invitations_number',
      'invitations_outcome',
      'invitations_session',
      'invitations_started',
      'sessions_caller',
      'sessions_outcome',
      'sessions_room',
      'sessions_started',
      'sessions_tenant',
    ]);
    db.close();
  });

  it('WAL while open, one plain file at rest (readable without write access to its directory)', async () => {
    const store = new HistoryStore(inThreadExecutor(), path);
    await store.open();
    const reader = new Database(path, { readonly: true });
    expect(reader.pragma('journal_mode', { simple: true })).toBe('wal');
    reader.close();
    await store.end();
    const after = new Database(path, { readonly: true });
    expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
    after.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('the filters use the indexes', async () => {
    await openAndClose(path);
    const db = new Database(path, { readonly: true });
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
    expect(plan("SELECT * FROM sessions WHERE caller_number = '1' ORDER BY started_ms DESC")).toContain(
      'sessions_caller',
    );
    expect(plan("SELECT * FROM invitations WHERE number >= '00' AND number < '01'")).toContain(
      'invitations_number',
    );
    expect(plan('SELECT * FROM sessions WHERE started_ms >= 1 ORDER BY started_ms DESC, key DESC')).toContain(
      'sessions_started',
    );
    db.close();
  });

  it('a file written by a newer dynconf is not written to; its records wait', async () => {
    await openAndClose(path);
    const db = new Database(path);
    db.prepare("INSERT INTO schema_version VALUES (99, 'future', '2030-01-01')").run();
    expect(schemaVersion(db)).toBe(99);
    db.close();
    const executor = inThreadExecutor();
    await executor.open(path, []);
    await expect(migrate(executor)).rejects.toThrow(/newer than this dynconf knows/);
    await executor.end();

    const h = harness(path);
    h.feed.started(sessionStart());
    await h.turns();
    await h.advance(1000);
    expect(h.writer.stats().failures.schema).toBeGreaterThanOrEqual(1);
    expect(h.writer.stats().pending).toBe(1);
    expect(h.logged('written by a newer dynconf', 50)).toHaveLength(1);
    await h.writer.close();
    const reader = openHistoryReader(path);
    expect(reader.ok && reader.reader.schemaVersion).toBe(99);
    if (reader.ok) reader.reader.close();
  });

  it('a file that is not a database is never overwritten', async () => {
    const notes = 'these are my notes, not a database\n'.repeat(200);
    writeFileSync(path, notes);
    const h = harness(path);
    h.feed.started(sessionStart());
    await h.turns();
    await h.advance(1000);
    expect(h.writer.stats().failures.corrupt).toBe(2);
    await h.writer.close();
    expect(readFileSync(path, 'utf8')).toBe(notes);
    const reader = openHistoryReader(path);
    expect(reader).toMatchObject({
      ok: false,
      message: expect.stringContaining('is not a history database'),
    });
  });
});
