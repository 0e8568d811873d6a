// The writer never writes on the caller's turn: a record call queues, and the queue is written on a later
// turn (the flush delay on the clock, or the next turn once a batch is full), one batch at a time.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import {
  HistoryUnavailableError,
  HistoryWriter,
  inThreadExecutor,
  openHistory,
} from '../../src/history/index.js';
import { silentLogger } from '../../src/log.js';
import { harness, readAll, sessionStart, T0, useTempHistory } from './support.js';

let path = '';
const tmp = useTempHistory((files) => {
  path = files.path;
});

describe('writing off the caller’s turn', () => {
  it('a record call only queues; the flush delay on the clock writes it', async () => {
    const h = harness(path, { flushDelayMs: 250 });
    await h.turns(); // the opening, and its retention pass
    h.feed.started(sessionStart());
    expect(h.writer.stats().pending).toBe(1);
    expect(h.deferred).toBe(0);
    await h.writer.settled();
    expect(readAll(path)).toHaveLength(0);
    await h.advance(249);
    expect(readAll(path)).toHaveLength(0);
    await h.advance(1);
    expect(readAll(path)).toHaveLength(1);
    expect(h.writer.stats()).toMatchObject({ pending: 0, written: 1, writeFailures: 0, healthy: true });
    await h.writer.close();
  });

  it('a full batch is written on the next turn, without waiting for the delay; one batch at a time', async () => {
    const h = harness(path, { batchSize: 10, flushDelayMs: 60_000 });
    await h.turns();
    for (let i = 0; i < 25; i++) h.feed.started(sessionStart({ at: T0 + i }));
    expect(readAll(path)).toHaveLength(0);
    expect(h.deferred).toBe(1);
    expect(await h.turns()).toBe(3);
    expect(readAll(path)).toHaveLength(25);
    expect(h.clock.pending()).toBe(1); // the daily retention only: the flush timer was not needed
    await h.writer.close();
  });

  it('records that come while a batch is in flight go in the next one, straight after', async () => {
    const h = harness(path, { batchSize: 5, flushDelayMs: 60_000 });
    await h.turns();
    for (let i = 0; i < 5; i++) h.feed.started(sessionStart({ at: T0 + i }));
    expect(h.deferred).toBe(1);
    h.startTurn(); // the first batch is in flight
    h.feed.started(sessionStart({ at: T0 + 10 }));
    expect(h.writer.stats().pending).toBe(6);
    expect(h.deferred).toBe(0);
    await h.turns();
    expect(readAll(path)).toHaveLength(6);
    expect(h.clock.pending()).toBe(1); // no flush delay was needed
    await h.writer.close();
  });

  it('query writes what is queued first, and reads from the same file', async () => {
    const h = harness(path);
    h.feed.started(sessionStart({ callerNumber: '4711' }));
    const page = await h.writer.query({ limit: 10 });
    expect(page.sessions.map((s) => s.callerNumber)).toEqual(['4711']);
    expect(page.next).toBeNull();
    await h.writer.close();
    await expect(h.writer.query({ limit: 10 })).rejects.toBeInstanceOf(HistoryUnavailableError);
  });
});

describe('openHistory', () => {
  it('switched off: keeps nothing, reads nothing, makes no file', async () => {
    const recorder = openHistory({
      settings: { enabled: false, path, retentionDays: 90 },
      logger: silentLogger(),
    });
    recorder.sessionStarted(sessionStart());
    await recorder.flush();
    expect(recorder.stats()).toMatchObject({ enabled: false, path: null, pending: 0 });
    await expect(recorder.query({ limit: 1 })).rejects.toThrow(/switched off/);
    await recorder.close();
    expect(() => readAll(path)).toThrow(/no history file/);
  });

  it('on: a writer on the resolved file (here $STATE_DIRECTORY), on the clock given', async () => {
    const clock = new ManualClock(T0);
    const recorder = openHistory({
      settings: { enabled: true, retentionDays: 30 },
      logger: silentLogger(),
      clock,
      env: { STATE_DIRECTORY: tmp.dir },
      cwd: '/nonexistent',
      writer: { executor: inThreadExecutor() },
    });
    expect(recorder).toBeInstanceOf(HistoryWriter);
    expect(recorder.stats().path).toBe(join(tmp.dir, 'history.sqlite'));
    recorder.sessionStarted(sessionStart());
    await recorder.close();
    expect(readAll(join(tmp.dir, 'history.sqlite'))).toHaveLength(1);
  });
});
