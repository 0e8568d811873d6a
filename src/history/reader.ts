// Reading a history file from outside the controller (`dynconf history`): read-only, never creating or
// changing anything, while the controller may be writing to it (WAL lets both go on). Every way it can
// fail comes back as a sentence naming the file.
import { accessSync, constants, statSync } from 'node:fs';
import Database, { type Database as Db } from 'better-sqlite3';
import { failureKind } from './failures.js';
import type { HistoryFilter } from './filter.js';
import { SCHEMA_VERSION, schemaVersion } from './migrations.js';
import { queryHistorySync } from './query.js';
import type { HistoryPage } from './records.js';

export interface HistoryReader {
  readonly path: string;
  /** The file's schema version (newer than SCHEMA_VERSION: written by a later dynconf). */
  readonly schemaVersion: number;
  query(filter: HistoryFilter): HistoryPage;
  close(): void;
}

export type ReaderResult =
  | { readonly ok: true; readonly reader: HistoryReader }
  | { readonly ok: false; readonly message: string };

function describe(path: string, err: unknown): string {
  const kind = failureKind(err);
  const detail = err instanceof Error ? err.message : String(err);
  if (kind === 'corrupt') return `${path} is not a history database (${detail})`;
  if (kind === 'unavailable') return `SQLite cannot be loaded: ${detail}`;
  if (kind === 'busy') return `${path} is locked by another process; try again`;
  return `${path} cannot be read (${detail})`;
}

export function openHistoryReader(path: string): ReaderResult {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return { ok: false, message: `${path} is not a file` };
    accessSync(path, constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return { ok: false, message: `no history file at ${path} (has dynconf recorded anything yet?)` };
    if (code === 'EACCES' || code === 'EPERM')
      return { ok: false, message: `${path} is not readable by this user (permission denied)` };
    return { ok: false, message: describe(path, err) };
  }
  let db: Db | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: 2000 });
    const version = schemaVersion(db);
    if (version === 0) {
      db.close();
      return { ok: false, message: `${path} is not a dynconf history file (it has no history tables)` };
    }
    const open = db;
    return {
      ok: true,
      reader: {
        path,
        schemaVersion: version,
        query: (filter) => queryHistorySync(open, filter),
        close: () => open.close(),
      },
    };
  } catch (err) {
    db?.close();
    return { ok: false, message: describe(path, err) };
  }
}

export { SCHEMA_VERSION };
