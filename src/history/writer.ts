// The recorder that writes to the history file without ever holding up call handling. A `record` call
// checks the report and queues it, nothing else. The queue goes to the SQLite thread (executor.ts) in
// batches, one transaction each, one batch at a time: `flushDelayMs` after the first queued record, or on
// the next turn of the event loop once `batchSize` are queued, and straight after a batch while more wait.
//
// A failed write (disk full, read-only, locked, …) is counted, logged once per kind until writing works
// again, and retried with a growing delay (`retryMinMs` doubling to `retryMaxMs`); the records stay queued,
// up to `maxPending`, past which the oldest are dropped and counted. The file is opened again on the next
// try. A file removed or replaced while open is noticed before each batch and a new one started (rather than
// writing into a deleted inode). A record SQLite itself refuses is dropped alone. Retention: rows older than
// `retentionDays` are deleted after each opening and once a day, in chunks, one per turn.
import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../log.js';
import { type SqlExecutor, workerExecutor } from './executor.js';
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
import {
  type FailureKind,
  type HistoryRecorder,
  type HistoryStats,
  HistoryUnavailableError,
} from './recorder.js';
import type {
  HistoryPage,
  InvitationEnd,
  InvitationRefusal,
  InvitationStart,
  InvitationStep,
  SessionEnd,
  SessionStart,
} from './records.js';
import { HistoryStore } from './store.js';

export const DAY_MS = 86_400_000;

export interface WriterOptions {
  readonly path: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly retentionDays: number;
  /** Where SQLite runs (default: a worker thread of its own; tests: the calling thread, with faults). */
  readonly executor?: SqlExecutor;
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
  readonly #store: HistoryStore;
  readonly #flushDelayMs: number;
  readonly #batchSize: number;
  readonly #maxPending: number;
  readonly #retryMinMs: number;
  readonly #retryMaxMs: number;
  readonly #pruneEveryMs: number;
  readonly #pruneChunk: number;
  readonly #defer: (fn: () => void) => void;

  #queue: WriteOp[] = [];
  /** Records taken from the queue by the batch in flight. */
  #inFlight = 0;
  /** The operation in flight (a batch, a retention chunk, an opening, a query). */
  #busy: Promise<void> | undefined;
  #opened = false;
  #everOpened = false;
  /** No more records are taken (close began). */
  #refusing = false;
  /** Nothing more is started (close is finishing). */
  #stopped = false;
  #closing: Promise<void> | undefined;
  #flushTimer: TimerHandle | undefined;
  #turnQueued = false;
  #retryTimer: TimerHandle | undefined;
  #retryDelay = 0;
  #pruneTimer: TimerHandle | undefined;
  #pruneDue = false;
  #pruneRun = 0;
  /** Failures that stopped writing (each arms a retry). */
  #stops = 0;
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
    this.#store = new HistoryStore(options.executor ?? workerExecutor(), options.path, {
      now: () => this.#clock.now(),
    });
    this.#flushDelayMs = options.flushDelayMs ?? 250;
    this.#batchSize = Math.max(1, options.batchSize ?? 200);
    this.#maxPending = Math.max(1, options.maxPending ?? 20_000);
    this.#retryMinMs = options.retryMinMs ?? 1000;
    this.#retryMaxMs = Math.max(this.#retryMinMs, options.retryMaxMs ?? 60_000);
    this.#pruneEveryMs = options.pruneEveryMs ?? DAY_MS;
    this.#pruneChunk = Math.max(1, options.pruneChunk ?? 1000);
    this.#defer = options.defer ?? ((fn) => void setImmediate(fn));
    // Open at once, so that a file that cannot be written is reported at start (and the retention runs).
    this.#scheduleTurn();
    this.#armDailyPrune();
  }

  // ---- recording: check, queue, return ------------------------------------------------------------------

  sessionStarted(start: SessionStart): void {
    this.#enqueue(() => sessionStartOp(start));
  }

  sessionEnded(end: SessionEnd): void {
    this.#enqueue(() => sessionEndOp(end));
  }

  invitationPlaced(start: InvitationStart): void {
    this.#enqueue(() => invitationStartOp(start));
  }

  invitationRefused(refusal: InvitationRefusal): void {
    this.#enqueue(() => invitationRefusedOp(refusal));
  }

  invitationAnswered(step: InvitationStep): void {
    this.#enqueue(() => invitationStepOp('invitation-answered', step));
  }

  invitationJoined(step: InvitationStep): void {
    this.#enqueue(() => invitationStepOp('invitation-joined', step));
  }

  invitationEnded(end: InvitationEnd): void {
    this.#enqueue(() => invitationEndOp(end));
  }

  #enqueue(make: () => OpResult): void {
    try {
      if (this.#refusing) {
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
      if (this.#queue.length + this.#inFlight >= this.#maxPending) {
        this.#dropped++;
        if (this.#queue.length > 0) {
          this.#queue.shift();
          this.#queue.push(result.op);
        }
        this.#once(
          'overflow',
          'error',
          { maxPending: this.#maxPending, path: this.#path },
          'history: too many records waiting for the disk; the oldest are dropped',
        );
      } else {
        this.#queue.push(result.op);
      }
      this.#schedule();
    } catch (err) {
      // Nothing thrown in here reaches the caller.
      this.#count('other', err);
    }
  }

  #schedule(): void {
    if (this.#retryTimer !== undefined || this.#busy !== undefined) return; // the retry, or the end of the batch in flight, sees to them
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
    if (this.#turnQueued || this.#stopped) return;
    this.#turnQueued = true;
    this.#defer(() => {
      this.#turnQueued = false;
      this.#turn();
    });
  }

  /** Starts the next step unless one is in flight. */
  #turn(): void {
    if (this.#stopped || this.#busy !== undefined) return;
    this.#exclusive(() => this.#step());
  }

  /** Runs `op` as the one operation in flight; afterwards, whatever waits is scheduled. */
  #exclusive<T>(op: () => Promise<T>): Promise<T> {
    const release = this.#clock.holdTime?.();
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    this.#busy = done;
    const running = op();
    running.then(finish, finish);
    void done.then(() => {
      if (this.#busy === done) this.#busy = undefined;
      release?.();
      if (this.#stopped || this.#retryTimer !== undefined) return;
      if (this.#queue.length > 0 || this.#pruneDue) this.#scheduleTurn();
    });
    return running;
  }

  /** One batch, or one chunk of retention, or (retrying with nothing to write) opening the file again. */
  async #step(): Promise<void> {
    try {
      if (!(await this.#ensureOpen())) return;
      if (this.#queue.length > 0) await this.#writeBatch();
      else if (this.#pruneDue) await this.#pruneChunkNow();
      else if (this.#retryDelay !== 0) this.#working();
    } catch (err) {
      await this.#failed('other', err);
    }
  }

  /** Resolves when no operation is in flight (tests; the runtime has no need to wait). */
  async settled(): Promise<void> {
    while (this.#busy !== undefined) await this.#busy;
  }

  // ---- writing ------------------------------------------------------------------------------------------

  async #ensureOpen(): Promise<boolean> {
    if (this.#opened) return true;
    try {
      await this.#store.open();
    } catch (err) {
      await this.#failed(failureKind(err), err);
      return false;
    }
    this.#opened = true;
    this.#pruneDue = true;
    this.#log.info(
      { path: this.#path, retentionDays: this.#retentionMs / DAY_MS },
      this.#everOpened ? 'history: file opened again' : 'history: recording to the file',
    );
    this.#everOpened = true;
    return true;
  }

  async #writeBatch(): Promise<void> {
    const batch = this.#queue.splice(0, this.#batchSize);
    this.#inFlight = batch.length;
    try {
      await this.#store.write(batch);
      this.#written += batch.length;
      this.#working();
    } catch (err) {
      const kind = failureKind(err);
      if (kind === 'record') await this.#writeEach(batch);
      else await this.#refused(batch, kind, err);
    } finally {
      this.#inFlight = 0;
    }
  }

  /** A batch SQLite refused as a whole: each record on its own, dropping only the ones it refuses. */
  async #writeEach(batch: readonly WriteOp[]): Promise<void> {
    for (const [index, op] of batch.entries()) {
      try {
        await this.#store.write([op]);
        this.#written++;
      } catch (err) {
        const kind = failureKind(err);
        if (kind !== 'record') {
          await this.#refused(batch.slice(index), kind, err);
          return;
        }
        this.#dropped++;
        this.#count('record', err);
      }
    }
    this.#working();
  }

  /** Records not written: back to the front of the queue; a new file at once, or a retry later. */
  async #refused(batch: readonly WriteOp[], kind: FailureKind, err: unknown): Promise<void> {
    this.#queue.unshift(...batch);
    if (kind === 'file-gone') {
      this.#count(kind, err);
      this.#opened = false; // the handler dropped the connection; the next turn opens a new file
      return;
    }
    await this.#failed(kind, err);
  }

  #count(kind: FailureKind, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.#writeFailures++;
    this.#failures[kind] = (this.#failures[kind] ?? 0) + 1;
    this.#lastFailure = { kind, message, at: new Date(this.#clock.now()).toISOString() };
    this.#once(
      `failure:${kind}`,
      kind === 'record' || kind === 'file-gone' ? 'warn' : 'error',
      { kind, err: message, path: this.#path, pending: this.#queue.length + this.#inFlight },
      `history: cannot write: ${failureAdvice(kind)}; records are kept in memory and retried`,
    );
  }

  /** A failure that stops writing for now: count it, drop the connection, retry later. */
  async #failed(kind: FailureKind, err: unknown): Promise<void> {
    this.#count(kind, err);
    this.#stops++;
    this.#opened = false;
    try {
      await this.#store.close();
    } catch {
      // Dropped all the same.
    }
    this.#flushTimer?.cancel();
    this.#flushTimer = undefined;
    if (this.#stopped) return;
    this.#retryDelay =
      this.#retryDelay === 0 ? this.#retryMinMs : Math.min(this.#retryDelay * 2, this.#retryMaxMs);
    this.#retryTimer?.cancel();
    this.#retryTimer = this.#clock.setTimer(this.#retryDelay, () => {
      this.#retryTimer = undefined;
      this.#turn();
    });
  }

  /** Writing works: after failures, say so once. */
  #working(): void {
    const failuresLogged = [...this.#logged].filter((key) => key.startsWith('failure:'));
    if (this.#retryDelay !== 0 || failuresLogged.length > 0) {
      this.#log.info(
        { path: this.#path, writeFailures: this.#writeFailures, pending: this.#queue.length },
        'history: writing works again',
      );
      for (const key of failuresLogged) this.#logged.delete(key);
    }
    this.#retryDelay = 0;
    this.#retryTimer?.cancel();
    this.#retryTimer = undefined;
  }

  #once(key: string, level: 'debug' | 'warn' | 'error', fields: object, message: string): void {
    if (this.#logged.has(key)) return;
    this.#logged.add(key);
    this.#log[level](fields, message);
  }

  // ---- retention ----------------------------------------------------------------------------------------

  #armDailyPrune(): void {
    if (this.#stopped) return;
    this.#pruneTimer = this.#clock.setTimer(this.#pruneEveryMs, () => {
      this.#pruneDue = true;
      this.#scheduleTurn();
      this.#armDailyPrune();
    });
  }

  async #pruneChunkNow(): Promise<void> {
    const cutoff = this.#clock.now() - this.#retentionMs;
    let deleted: number;
    try {
      deleted = await this.#store.prune(cutoff, this.#pruneChunk);
    } catch (err) {
      await this.#failed(failureKind(err), err);
      return;
    }
    this.#pruned += deleted;
    this.#pruneRun += deleted;
    if (deleted > 0) return; // another chunk on the next turn
    this.#pruneDue = false;
    if (this.#pruneRun > 0)
      this.#log.info(
        { deleted: this.#pruneRun, before: new Date(cutoff).toISOString() },
        'history: old records deleted (retention)',
      );
    this.#pruneRun = 0;
  }

  // ---- the rest of the recorder -------------------------------------------------------------------------

  async flush(): Promise<void> {
    for (;;) {
      await this.settled();
      if (this.#queue.length === 0 || this.#stopped) return;
      const stops = this.#stops;
      await this.#exclusive(() => this.#step());
      if (this.#stops !== stops) return;
    }
  }

  async query(filter: HistoryFilter): Promise<HistoryPage> {
    if (this.#refusing) throw new HistoryUnavailableError('the call history is closed');
    await this.flush();
    await this.settled();
    return this.#exclusive(async () => {
      if (!(await this.#ensureOpen()))
        throw new HistoryUnavailableError(
          `the call history cannot be read: ${failureAdvice(this.#lastFailure?.kind ?? 'other')}`,
        );
      try {
        return await this.#store.query(filter);
      } catch (err) {
        throw new HistoryUnavailableError(
          `the call history cannot be read: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    });
  }

  stats(): HistoryStats {
    return {
      enabled: true,
      path: this.#path,
      pending: this.#queue.length + this.#inFlight,
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

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#refusing = true;
    for (const timer of [this.#flushTimer, this.#pruneTimer]) timer?.cancel();
    this.#flushTimer = this.#pruneTimer = undefined;
    await this.flush();
    this.#stopped = true;
    this.#retryTimer?.cancel(); // armed by a last write that failed
    this.#retryTimer = undefined;
    await this.settled();
    if (this.#queue.length > 0) {
      this.#dropped += this.#queue.length;
      this.#log.error(
        { lost: this.#queue.length, path: this.#path },
        'history: records that could not be written are lost at close',
      );
      this.#queue = [];
    }
    this.#opened = false;
    try {
      await this.#store.end();
    } catch {
      // Nothing more to do with it.
    }
  }
}
