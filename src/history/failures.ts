// What went wrong with the history file, in one word, from SQLite's or the system's error code; and what
// to tell the operator about it. Unknown errors are `other`, whose records are kept and retried like a
// disk's: only a record SQLite itself refuses (`record`) is ever dropped.
import { SchemaTooNewError } from './migrations.js';
import type { FailureKind } from './recorder.js';

export function failureKind(err: unknown): FailureKind {
  if (err instanceof SchemaTooNewError) return 'schema';
  if ((err as { name?: unknown } | null)?.name === 'SchemaTooNewError') return 'schema';
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string') {
    if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'disk-full';
    if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM') return 'read-only';
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'read-only';
    if (code.startsWith('SQLITE_CANTOPEN')) return 'cannot-open';
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST')
      return 'cannot-open';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
    if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return 'io';
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'corrupt';
    if (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG')
      return 'record';
    if (code === 'SQLITE_RANGE') return 'record';
    if (code === 'ERR_DLOPEN_FAILED' || code === 'MODULE_NOT_FOUND') return 'unavailable';
    if (code === 'DYNCONF_FILE_GONE') return 'file-gone';
  }
  if (/bindings file|better_sqlite3\.node|NODE_MODULE_VERSION/.test(message)) return 'unavailable';
  if (/Missing named parameter|cannot be bound|Too many parameter values/.test(message)) return 'record';
  return 'other';
}

const ADVICE: Readonly<Record<FailureKind, string>> = {
  'disk-full': 'the disk is full',
  'read-only':
    'the file or its directory is not writable (under systemd: StateDirectory=dynconf, or ReadWritePaths= for history.path)',
  'cannot-open': 'the file cannot be opened or created there (check history.path)',
  'file-gone': 'the file was removed or replaced while dynconf had it open; a new one is started',
  busy: 'another process holds a lock on the file',
  io: 'an I/O error',
  corrupt: 'the file is not a database, or a damaged one',
  schema: 'the file was written by a newer dynconf',
  unavailable: "SQLite cannot be loaded (better-sqlite3's native module; reinstall with build tools)",
  record: 'SQLite refused one record (dropped; the others are written)',
  other: 'an unexpected error',
};

export function failureAdvice(kind: FailureKind): string {
  return ADVICE[kind];
}
