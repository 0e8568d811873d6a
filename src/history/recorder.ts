// What the runtime and the operator side hold: the recorder. Every `session*` / `invitation*` call only
// queues a record and returns at once; none ever throws or waits for the disk (the disk is another
// thread's business). `query` and `stats` are for the HTTP API and the status view; `close` for the end.
import type { HistoryFilter } from './filter.js';
import type {
  HistoryPage,
  InvitationEnd,
  InvitationRefusal,
  InvitationStart,
  InvitationStep,
  SessionEnd,
  SessionStart,
} from './records.js';

/** Why a write (or opening the file) failed. */
export type FailureKind =
  /** SQLITE_FULL / ENOSPC. */
  | 'disk-full'
  /** The file or its directory is read-only (or not ours). */
  | 'read-only'
  /** The file cannot be opened or created (no such directory, a file in the way). */
  | 'cannot-open'
  /** The file was removed or replaced while open: a new one is started. */
  | 'file-gone'
  /** Another process holds a lock on the file. */
  | 'busy'
  /** An I/O error. */
  | 'io'
  /** Not a database, or a damaged one. */
  | 'corrupt'
  /** Written by a newer dynconf (a schema version this one does not know). */
  | 'schema'
  /** SQLite itself (better-sqlite3's native module) cannot be loaded. */
  | 'unavailable'
  /** One record SQLite refuses: it is dropped, the others are written. */
  | 'record'
  | 'other';

export interface HistoryStats {
  readonly enabled: boolean;
  /** The database file (null when switched off). */
  readonly path: string | null;
  /** Records queued, not yet written (kept in memory while writes fail, up to a bound). */
  readonly pending: number;
  /** Records written since start. */
  readonly written: number;
  /** Failed writes (and failed attempts to open the file) since start. */
  readonly writeFailures: number;
  readonly failures: Readonly<Partial<Record<FailureKind, number>>>;
  /** Records lost: over the in-memory bound, refused by SQLite, or still unwritten at close. */
  readonly dropped: number;
  /** Reports refused before they were queued (no id, no time, unknown outcome). */
  readonly rejected: number;
  /** Rows deleted by the retention since start. */
  readonly pruned: number;
  /** Writing works (no failure since the last write that worked). */
  readonly healthy: boolean;
  readonly lastFailure: { readonly kind: FailureKind; readonly message: string; readonly at: string } | null;
}

export interface HistoryRecorder {
  /** A session began: the call at the access number answered, `*0` recognised, or rebuilt after a restart. */
  sessionStarted(start: SessionStart): void;
  /** The session is over (the machine released it), with its outcome. */
  sessionEnded(end: SessionEnd): void;
  /** A number the rules allowed is being called. */
  invitationPlaced(start: InvitationStart): void;
  /** A number was refused before anything was called. */
  invitationRefused(refusal: InvitationRefusal): void;
  invitationAnswered(step: InvitationStep): void;
  /** The invitee was brought into the room. */
  invitationJoined(step: InvitationStep): void;
  invitationEnded(end: InvitationEnd): void;
  /** Writes what is queued now (resolves when written, or when writing failed). Never rejects. */
  flush(): Promise<void>;
  /** One page of the history, after writing what is queued. Rejects with HistoryUnavailableError. */
  query(filter: HistoryFilter): Promise<HistoryPage>;
  stats(): HistoryStats;
  /** Resolves when no write is in flight (tests). */
  settled(): Promise<void>;
  /** Writes what is queued, stops the timers, closes the file and ends its thread. Records after it are dropped. */
  close(): Promise<void>;
}

/** The history cannot be read: switched off, or the file cannot be opened. */
export class HistoryUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryUnavailableError';
  }
}

/** The recorder when `history.enabled` is false: remembers nothing. */
export function disabledRecorder(): HistoryRecorder {
  const nothing = () => undefined;
  const done = async () => undefined;
  return {
    sessionStarted: nothing,
    sessionEnded: nothing,
    invitationPlaced: nothing,
    invitationRefused: nothing,
    invitationAnswered: nothing,
    invitationJoined: nothing,
    invitationEnded: nothing,
    flush: done,
    settled: done,
    close: done,
    query: async () => {
      throw new HistoryUnavailableError('the call history is switched off (history.enabled: false)');
    },
    stats: () => ({
      enabled: false,
      path: null,
      pending: 0,
      written: 0,
      writeFailures: 0,
      failures: {},
      dropped: 0,
      rejected: 0,
      pruned: 0,
      healthy: true,
      lastFailure: null,
    }),
  };
}
