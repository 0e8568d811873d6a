// The call history (audit): every administrator session and every invitation, in an SQLite file, kept for
// `history.retentionDays`. The runtime reports through a HistoryRecorder (openHistory), the keypad's
// invitations most simply through a SessionHistoryFeed; the HTTP API and `dynconf history` read pages
// of it (parseHistoryFilter, queryHistory / HistoryRecorder.query, openHistoryReader).
import { type Clock, realClock } from '../clock.js';
import type { Logger } from '../log.js';
import { disabledRecorder, type HistoryRecorder } from './recorder.js';
import { type HistorySettings, historyPath } from './settings.js';
import { HistoryWriter, type WriterOptions } from './writer.js';

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
export { queryHistory } from './query.js';
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

export interface OpenHistoryOptions {
  /** The configuration's `history` section. */
  readonly settings: HistorySettings;
  readonly logger: Logger;
  /** The runtime's clock (default: the wall clock). */
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
 * Call `close()` when the controller stops (it writes what is queued and stops the writer's timers).
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
    clock: options.clock ?? realClock,
    logger,
    retentionDays: settings.retentionDays,
  });
}
