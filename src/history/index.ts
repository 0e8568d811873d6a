// The call history (audit): every administrator session and every invitation, in an SQLite file, kept for
// `history.retentionDays`. The runtime reports through a HistoryRecorder (openHistory), the keypad's
// invitations most simply through a SessionHistoryFeed; SQLite runs in a worker thread of its own. The
// HTTP API reads pages with HistoryRecorder.query (parseHistoryFilter for its query string), `dynconf
// history` with openHistoryReader (read-only, in its own process).
import { type Clock, realClock } from '../clock.js';
import type { Logger } from '../log.js';
import { disabledRecorder, type HistoryRecorder } from './recorder.js';
import { type HistorySettings, historyPath } from './settings.js';
import { HistoryWriter, type WriterOptions } from './writer.js';

export { inThreadExecutor, type SqlExecutor, workerExecutor } from './executor.js';
export { failureAdvice, failureKind } from './failures.js';
export { SessionHistoryFeed } from './feed.js';
export {
  type Cursor,
  DEFAULT_LIMIT,
  type FilterResult,
  type FilterText,
  type HistoryFilter,
  MAX_LIMIT,
  OUTCOME_WORDS,
  parseHistoryFilter,
  parseTime,
} from './filter.js';
export { SCHEMA_VERSION } from './migrations.js';
export { queryHistory, queryHistorySync } from './query.js';
export { type HistoryReader, openHistoryReader } from './reader.js';
export {
  disabledRecorder,
  type FailureKind,
  type HistoryRecorder,
  type HistoryStats,
  HistoryUnavailableError,
} from './recorder.js';
export * from './records.js';
export { type HistorySettings, historyPath, type PathContext, STATE_DIR } from './settings.js';
export { HistoryWriter, type WriterOptions } from './writer.js';

/**
 * The wall clock, with timers that do not keep the process alive: the history's own (flush, retry, the
 * daily retention) must never be what holds a stopping controller, even if close() was forgotten.
 */
const quietWallClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

export interface OpenHistoryOptions {
  /** The configuration's `history` section. */
  readonly settings: HistorySettings;
  readonly logger: Logger;
  /** The runtime's clock (default, or realClock: the wall clock, with timers that do not hold the process). */
  readonly clock?: Clock;
  /** For $STATE_DIRECTORY (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Base of a relative history.path (default: process.cwd()). */
  readonly cwd?: string;
  /** Tuning and test seams of the writer. */
  readonly writer?: Omit<WriterOptions, 'path' | 'clock' | 'logger' | 'retentionDays'>;
}

/**
 * The recorder for this configuration: a writer on the history file, or one that keeps nothing when
 * `history.enabled` is false. Never throws: a file that cannot be opened is logged, counted and retried.
 * Await `close()` when the controller stops: it writes what is queued, stops the timers and the thread.
 */
export function openHistory(options: OpenHistoryOptions): HistoryRecorder {
  const { settings, logger } = options;
  if (!settings.enabled) {
    logger.info({ module: 'history' }, 'history: switched off (history.enabled: false)');
    return disabledRecorder();
  }
  const path = historyPath(settings, { env: options.env ?? process.env, cwd: options.cwd ?? process.cwd() });
  return new HistoryWriter({
    ...options.writer,
    path,
    clock: options.clock === undefined || options.clock === realClock ? quietWallClock : options.clock,
    logger,
    retentionDays: settings.retentionDays,
  });
}
