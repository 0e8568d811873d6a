// SQLite in its worker thread, as the controller runs it: the same results as on the calling thread, errors
// that keep their codes across the thread, a thread started again after it ended, and a process that is
// not kept alive by an idle history.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { openHistory, workerExecutor } from '../../src/history/index.js';
import { silentLogger } from '../../src/log.js';
import { ev, readAll, sessionStart, T0, useTempHistory, uuid } from './support.js';

const tmp = useTempHistory();

describe('the SQLite thread', () => {
  it('records and reads back through the worker (openHistory as the controller uses it)', async () => {
    const path = join(tmp.dir, 'history.sqlite');
    const recorder = openHistory({
      settings: { enabled: true, path, retentionDays: 90 },
      logger: silentLogger(),
      clock: new ManualClock(T0),
    });
    const start = sessionStart();
    const leg = uuid();
    recorder.sessionStarted(start);
    recorder.invitationPlaced({
      id: leg,
      source: 'keypad',
      sessionId: start.id,
      room: start.room,
      number: '801',
      route: 'internal',
      at: T0 + 1000,
    });
    recorder.invitationEnded({ id: leg, at: T0 + 5000, outcome: 'busy', cause: 'USER_BUSY' });
    recorder.sessionEnded({
      id: start.id,
      adminUuid: start.adminUuid,
      at: T0 + 9000,
      outcome: 'admin-hung-up',
    });
    const page = await recorder.query({ limit: 5 });
    expect(page.sessions).toHaveLength(1);
    expect(page.sessions[0]?.invitations[0]).toMatchObject({
      number: '801',
      outcome: 'busy',
      cause: 'USER_BUSY',
    });
    expect(recorder.stats()).toMatchObject({ written: 4, writeFailures: 0, pending: 0 });
    await recorder.close();
    expect(readAll(path)).toHaveLength(1);
  });

  it('errors keep their codes across the thread', async () => {
    const blocker = join(tmp.dir, 'file');
    writeFileSync(blocker, '');
    const executor = workerExecutor();
    await expect(executor.open(join(blocker, 'h.sqlite'), [])).rejects.toMatchObject({ code: 'EEXIST' });
    await executor.open(join(tmp.dir, 'h.sqlite'), []);
    await expect(executor.run([{ sql: 'INSERT INTO nowhere VALUES (1)' }], false)).rejects.toMatchObject({
      code: 'SQLITE_ERROR',
      message: expect.stringContaining('no such table'),
    });
    await executor.end();
  });

  it('starts again after it was ended', async () => {
    const executor = workerExecutor();
    const path = join(tmp.dir, 'h.sqlite');
    await executor.open(path, []);
    await executor.run([{ sql: 'CREATE TABLE t (x)', exec: true }], false);
    await executor.end();
    await expect(executor.all({ sql: 'SELECT 1' })).rejects.toMatchObject({ code: 'DYNCONF_NOT_OPEN' });
    await executor.open(path, []);
    expect(await executor.all({ sql: 'SELECT count(*) AS n FROM t' })).toEqual([{ n: 0 }]);
    await executor.end();
  });

  it('a better-sqlite3 that does not load: the writer counts it as unavailable and keeps the records', async () => {
    const recorder = openHistory({
      settings: { enabled: true, path: join(tmp.dir, 'h.sqlite'), retentionDays: 90 },
      logger: silentLogger(),
      clock: new ManualClock(T0),
      writer: { executor: workerExecutor({ module: join(tmp.dir, 'no-such-module.js') }) },
    });
    recorder.sessionStarted(sessionStart());
    await recorder.flush();
    expect(recorder.stats().failures.unavailable).toBeGreaterThanOrEqual(1);
    expect(recorder.stats().pending).toBe(1);
    await recorder.close();
    expect(recorder.stats().dropped).toBe(1);
  });

  it('neither its thread nor its timers keep the process alive (a forgotten close does not hang a stop)', () => {
    const script = join(tmp.dir, 'idle.mts');
    const src = (file: string) => resolve(import.meta.dirname, '../../src', file);
    writeFileSync(
      script,
      [
        `import { openHistory } from '${src('history/index.ts')}';`,
        `import { silentLogger } from '${src('log.ts')}';`,
        `import { realClock } from '${src('clock.ts')}';`,
        `const recorder = openHistory({ settings: { enabled: true, path: '${join(tmp.dir, 'idle.sqlite')}', retentionDays: 90 }, logger: silentLogger(), clock: realClock });`,
        `recorder.sessionStarted({ id: 's', adminUuid: 'u', flow: 'access', at: Date.now(), room: 'r' });`,
        'await recorder.flush();',
        'process.stdout.write(JSON.stringify(recorder.stats()));',
      ].join('\n'),
    );
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], {
      cwd: resolve(import.meta.dirname, '../..'),
      timeout: 60_000,
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toMatchObject({ written: 1, pending: 0 });
  });

  it('the feed and the worker together: a keypad invitation', async () => {
    const path = join(tmp.dir, 'history.sqlite');
    const recorder = openHistory({
      settings: { enabled: true, path, retentionDays: 90 },
      logger: silentLogger(),
    });
    const { SessionHistoryFeed } = await import('../../src/history/index.js');
    const feed = new SessionHistoryFeed(recorder);
    const start = sessionStart();
    const leg = uuid();
    feed.started(start);
    feed.observe(start.id, ev.dialed(T0 + 1000, '801', leg));
    feed.observe(start.id, ev.answered(T0 + 3000, leg));
    feed.ended({ id: start.id, adminUuid: start.adminUuid, at: T0 + 9000, outcome: 'admin-hung-up' });
    await recorder.close();
    expect(readAll(path)[0]?.invitations).toMatchObject([
      { outcome: 'answered', ringingMs: 2000, talkingMs: 6000 },
    ]);
  });
});
