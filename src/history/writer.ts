// The recorder that writes to the SQLite file without ever holding up call handling. A `record` call checks
// the report and queues it (nothing else); the queue is written in batches, one transaction each, on a
// later turn of the event loop: `flushDelayMs` after the first queued record, or on the next turn once
// `batchSize` are queued, one batch per turn while more wait. better-sqlite3 is synchronous, so a batch
// takes the thread for as long as SQLite needs for it (WAL, no fsync per commit: tens of microseconds
// for a few rows); a worker thread would take even that off it, at the price of a second copy of every
// record and a harder shutdown, which a few rows a second do not need.
//
// A failed write (disk full, read-only, file removed, locked, …) is counted, logged once per kind until
// writing works again, and retried with a growing delay (`retryMinMs` doubling to `retryMaxMs`); the
// records stay queued, up to `maxPending`, past which the oldest are dropped and counted. The connection
// is reopened on the next try, and a file removed or replaced while open is noticed before each batch (a
// new one is started rather than writing into a deleted inode). Retention: rows older than
// `retentionDays` are deleted after each opening and once a day, in chunks, one per turn.
import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../log.js';
import { failureAdvice, failureKind } from './failures.js';
import type { HistoryFilter } from './filter.js';
import {
  invitationEndOp,
  invitationRefusedOp,
  invitationStartOp,
  invitationStepOp,
  type OpResult,
  sessionEndOp,
  sessionStartOp,
  type WriteOp,
} from './ops.js';
import { queryHistory } from './query.js';
import {
  type FailureKind,
  type HistoryRecorder,
  type HistoryStats,
  HistoryUnavailableError,
} from './recorder.js';
import type { HistoryPage } from './records.js';
import { HistoryStore } from './store.js';

export const DAY_MS = 86_400_000;

export interface WriterOptions {
  readonly path: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly retentionDays: number;
  /** Opens the store (tests: one that fails, or a small page limit for a full disk). */
  readonly open?: (path: string) => HistoryStore;
  /** Wait after the first queued record before writing (default 250 ms). */
  readonly flushDelayMs?: number;
  /** Records per transaction; this many queued are written on the next turn (default 200). */
  readonly batchSize?: number;
  /** Records kept in memory while writes fail; past it the oldest are dropped (default 20,000). */
  readonly maxPending?: number;
  /** First wait after a failure (default 1 s), doubled after each further failure up to retryMaxMs (60 s). */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  /** How often the retention runs (default once a day). */
  readonly pruneEveryMs?: number;
  /** Rows deleted per turn by the retention (default 1,000). */
  readonly pruneChunk?: number;
  /** Runs `fn` on a later turn of the event loop (default setImmediate). */
  readonly defer?: (fn: () => void) => void;
}

export class HistoryWriter implements HistoryRecorder {
  readonly #path: string;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #retentionMs: number;
  readonly #open: (path: string) => HistoryStore;
  readonly #flushDelayMs: number;
  readonly #batchSize: number;
  readonly #maxPending: number;
  readonly #retryMinMs: number;
  readonly #retryMaxMs: number;
  readonly #pruneEveryMs: number;
  readonly #pruneChunk: number;
  readonly #defer: (fn: () => void) => void;

  #queue: WriteOp[] = [];
  #store: HistoryStore | undefined;
  #opened = false;
  #closed = false;
  #flushTimer: TimerHandle | undefined;
  #turnQueued = false;
  #retryTimer: TimerHandle | undefined;
  #retryDelay = 0;
  #pruneTimer: TimerHandle | undefined;
  #pruneDue = false;
  #pruneRun = 0;
  /** Kinds of failure logged since writing last worked. */
  readonly #logged = new Set<string>();

  #written = 0;
  #writeFailures = 0;
  readonly #failures: Partial<Record<FailureKind, number>> = {};
  #dropped = 0;
  #rejected = 0;
  #pruned = 0;
  #lastFailure: HistoryStats['lastFailure'] = null;

  constructor(options: WriterOptions) {
    this.#path = options.path;
    this.#clock = options.clock;
    this.#log = options.logger.child({ module: 'history' });
    this.#retentionMs = options.retentionDays * DAY_MS;
    this.#open = options.open ?? ((path) => HistoryStore.open({ path, now: () => this.#clock.now() }));
    this.#flushDelayMs = options.flushDelayMs ?? 250;
    this.#batchSize = Math.max(1, options.batchSize ?? 200);
    this.#maxPending = Math.max(1, options.maxPending ?? 20_000);
    this.#retryMinMs = options.retryMinMs ?? 1000;
    this.#retryMaxMs = Math.max(this.#retryMinMs, options.retryMaxMs ?? 60_000);
    this.#pruneEveryMs = options.pruneEveryMs ?? DAY_MS;
    this.#pruneChunk = Math.max(1, options.pruneChunk ?? 1000);
    this.#defer = options.defer ?? ((fn) => void setImmediate(fn));
    // Open now, so a file that cannot be written is reported at start (and the retention runs).
    this.#guard(() => {
      if (this.#storeOrRetry() !== undefined) this.#scheduleTurn();
    });
    this.#armDailyPrune();
  }

  // ---- recording: check, queue, return ------------------------------------------------------------------

  sessionStarted(start: Parameters<HistoryRecorder['sessionStarted']>[0]): void {
    this.#enqueue(() => sessionStartOp(start));
  }

  sessionEnded(end: Parameters<HistoryRecorder['sessionEnded']>[0]): void {
    this.#enqueue(() => sessionEndOp(end));
  }

  invitationPlaced(start: Parameters<HistoryRecorder['invitationPlaced']>[0]): void {
    this.#enqueue(() => invitationStartOp(start));
  }

  invitationRefused(refusal: Parameters<HistoryRecorder['invitationRefused']>[0]): void {
    this.#enqueue(() => invitationRefusedOp(refusal));
  }

  invitationAnswered(step: Parameters<HistoryRecorder['invitationAnswered']>[0]): void {
    this.#enqueue(() => invitationStepOp('invitation-answered', step));
  }

  invitationJoined(step: Parameters<HistoryRecorder['invitationJoined']>[0]): void {
    this.#enqueue(() => invitationStepOp('invitation-joined', step));
  }

  invitationEnded(end: Parameters<HistoryRecorder['invitationEnded']>[0]): void {
    this.#enqueue(() => invitationEndOp(end));
  }

  #enqueue(make: () => OpResult): void {
    this.#guard(() => {
      if (this.#closed) {
        this.#dropped++;
        this.#once('closed', 'debug', {}, 'history: a record after close was dropped');
        return;
      }
      const result = make();
      if (!result.ok) {
        this.#rejected++;
        this.#once(
          `rejected:${result.reason}`,
          'warn',
          { reason: result.reason },
          'history: a report was refused',
        );
        return;
      }
      if (this.#queue.length >= this.#maxPending) {
        this.#queue.shift();
        this.#dropped++;
        this.#once(
          'overflow',
          'error',
          { maxPending: this.#maxPending, path: this.#path },
          'history: too many records waiting for the disk; the oldest are dropped',
        );
      }
      this.#queue.push(result.op);
      this.#schedule();
    });
  }

  /** Nothing thrown in here reaches the caller: a fault is logged and counted. */
  #guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#failed('other', err);
    }
  }

  #schedule(): void {
    if (this.#retryTimer !== undefined) return; // failing: the retry writes them
    if (this.#queue.length >= this.#batchSize) {
      this.#flushTimer?.cancel();
      this.#flushTimer = undefined;
      this.#scheduleTurn();
      return;
    }
    if (this.#flushTimer === undefined && !this.#turnQueued) {
      this.#flushTimer = this.#clock.setTimer(this.#flushDelayMs, () => {
        this.#flushTimer = undefined;
        this.#turn();
      });
    }
  }

  #scheduleTurn(): void {
    if (this.#turnQueued || this.#closed) return;
    this.#turnQueued = true;
    this.#defer(() => {
      this.#turnQueued = false;
      this.#turn();
    });
  }

  /** One batch, or one chunk of retention; another turn if more is waiting. */
  #turn(): void {
    if (this.#closed) return;
    this.#guard(() => {
      if (this.#queue.length > 0) {
        if (this.#writeBatch() && (this.#queue.length > 0 || this.#pruneDue)) this.#scheduleTurn();
        return;
      }
      if (this.#pruneDue) {
        this.#pruneChunkNow();
        return;
      }
      // A retry with nothing to write: see whether the file can be opened again.
      if (this.#retryDelay !== 0 && this.#store === undefined && this.#storeOrRetry() !== undefined) {
        this.#working();
        this.#scheduleTurn();
      }
    });
  }

  // ---- writing ------------------------------------------------------------------------------------------

  /** The open store, opening it if needed; undefined (failure handled) when it cannot be opened. */
  #storeOrRetry(): HistoryStore | undefined {
    if (this.#store !== undefined && !this.#store.stillOnDisk()) {
      this.#store.close();
      this.#store = undefined;
      this.#count('file-gone', new Error(`${this.#path} was removed or replaced`));
    }
    if (this.#store !== undefined) return this.#store;
    try {
      this.#store = this.#open(this.#path);
    } catch (err) {
      this.#failed(failureKind(err), err);
      return undefined;
    }
    this.#log.info(
      { path: this.#path, retentionDays: this.#retentionMs / DAY_MS },
      this.#opened ? 'history: file opened again' : 'history: recording to the file',
    );
    this.#opened = true;
    this.#pruneDue = true;
    return this.#store;
  }

  /** Writes one batch; false when it failed (the records stay queued, a retry is armed). */
  #writeBatch(): boolean {
    const store = this.#storeOrRetry();
    if (store === undefined) return false;
    const batch = this.#queue.slice(0, this.#batchSize);
    try {
      store.write(batch);
    } catch (err) {
      const kind = failureKind(err);
      if (kind === 'record') return this.#writeEach(store, batch);
      this.#failed(kind, err);
      return false;
    }
    this.#queue.splice(0, batch.length);
    this.#written += batch.length;
    this.#working();
    return true;
  }

  /** A batch SQLite refused as a whole: each record on its own, dropping only the ones it refuses. */
  #writeEach(store: HistoryStore, batch: readonly WriteOp[]): boolean {
    let done = 0;
    for (const op of batch) {
      try {
        store.write([op]);
        this.#written++;
      } catch (err) {
        const kind = failureKind(err);
        if (kind !== 'record') {
          this.#queue.splice(0, done);
          this.#failed(kind, err);
          return false;
        }
        this.#dropped++;
        this.#count('record', err);
      }
      done++;
    }
    this.#queue.splice(0, done);
    this.#working();
    return true;
  }

  #count(kind: FailureKind, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.#writeFailures++;
    this.#failures[kind] = (this.#failures[kind] ?? 0) + 1;
    this.#lastFailure = { kind, message, at: new Date(this.#clock.now()).toISOString() };
    this.#once(
      `failure:${kind}`,
      kind === 'record' || kind === 'file-gone' ? 'warn' : 'error',
      { kind, err: message, path: this.#path, pending: this.#queue.length },
      `history: cannot write: ${failureAdvice(kind)}; records are kept in memory and retried`,
    );
  }

  /** A failure that stops writing for now: count it, drop the connection, retry later. */
  #failed(kind: FailureKind, err: unknown): void {
    this.#count(kind, err);
    this.#store?.close();
    this.#store = undefined;
    this.#flushTimer?.cancel();
    this.#flushTimer = undefined;
    if (this.#closed) return;
    this.#retryDelay =
      this.#retryDelay === 0 ? this.#retryMinMs : Math.min(this.#retryDelay * 2, this.#retryMaxMs);
    this.#retryTimer?.cancel();
    this.#retryTimer = this.#clock.setTimer(this.#retryDelay, () => {
      this.#retryTimer = undefined;
      this.#turn();
    });
  }

  /** A write worked: after failures, say so once. */
  #working(): void {
    if (this.#retryDelay !== 0 || [...this.#logged].some((key) => key.startsWith('failure:'))) {
      this.#log.info(
        { path: this.#path, writeFailures: this.#writeFailures, pending: this.#queue.length },
        'history: writing works again',
      );
      for (const key of [...this.#logged]) if (key.startsWith('failure:')) this.#logged.delete(key);
    }
    this.#retryDelay = 0;
  }

  #once(key: string, level: 'debug' | 'warn' | 'error', fields: object, message: string): void {
    if (this.#logged.has(key)) return;
    this.#logged.add(key);
    this.#log[level](fields, message);
  }

  // ---- retention ----------------------------------------------------------------------------------------

  #armDailyPrune(): void {
    if (this.#closed) return;
    this.#pruneTimer = this.#clock.setTimer(this.#pruneEveryMs, () => {
      this.#pruneDue = true;
      this.#scheduleTurn();
      this.#armDailyPrune();
    });
  }

  #pruneChunkNow(): void {
    const store = this.#storeOrRetry();
    if (store === undefined) return;
    const cutoff = this.#clock.now() - this.#retentionMs;
    let deleted: number;
    try {
      deleted = store.prune(cutoff, this.#pruneChunk);
    } catch (err) {
      this.#failed(failureKind(err), err);
      return;
    }
    this.#pruned += deleted;
    this.#pruneRun += deleted;
    if (deleted > 0) {
      this.#scheduleTurn();
      return;
    }
    this.#pruneDue = false;
    if (this.#pruneRun > 0)
      this.#log.info(
        { deleted: this.#pruneRun, before: new Date(cutoff).toISOString() },
        'history: old records deleted (retention)',
      );
    this.#pruneRun = 0;
  }

  // ---- the rest of the recorder -------------------------------------------------------------------------

  flush(): void {
    this.#guard(() => {
      while (this.#queue.length > 0) if (!this.#writeBatch()) return;
    });
  }

  query(filter: HistoryFilter): HistoryPage {
    if (this.#closed) throw new HistoryUnavailableError('the call history is closed');
    this.flush();
    const store = this.#storeOrRetry();
    if (store === undefined)
      throw new HistoryUnavailableError(
        `the call history cannot be read: ${failureAdvice(this.#lastFailure?.kind ?? 'other')}`,
      );
    return queryHistory(store.db, filter);
  }

  stats(): HistoryStats {
    return {
      enabled: true,
      path: this.#path,
      pending: this.#queue.length,
      written: this.#written,
      writeFailures: this.#writeFailures,
      failures: { ...this.#failures },
      dropped: this.#dropped,
      rejected: this.#rejected,
      pruned: this.#pruned,
      healthy: this.#retryDelay === 0,
      lastFailure: this.#lastFailure,
    };
  }

  #stopRetry(): void {
    this.#retryTimer?.cancel();
    this.#retryTimer = undefined;
  }

  close(): void {
    if (this.#closed) return;
    for (const timer of [this.#flushTimer, this.#retryTimer, this.#pruneTimer]) timer?.cancel();
    this.#flushTimer = this.#retryTimer = this.#pruneTimer = undefined;
    this.flush();
    this.#closed = true;
    this.#stopRetry(); // armed by a last write that failed
    if (this.#queue.length > 0) {
      this.#dropped += this.#queue.length;
      this.#log.error(
        { lost: this.#queue.length, path: this.#path },
        'history: records that could not be written are lost at close',
      );
      this.#queue = [];
    }
    this.#store?.close();
    this.#store = undefined;
  }
}
