// The history database's schema, as numbered migrations. `schema_version` holds one row per migration
// applied; a file is brought up to date when the controller opens it, each migration in its own
// transaction. A file written by a newer dynconf (a version this one does not know) is not written to.
// Plain (not STRICT) tables, so the sqlite3 shell of an older distribution can read the file too.
import type { Database } from 'better-sqlite3';
import type { SqlExecutor } from './executor.js';

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'sessions and invitations',
    sql: `
      CREATE TABLE sessions (
        key INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL,
        admin_uuid TEXT NOT NULL,
        flow TEXT NOT NULL,
        caller_number TEXT,
        caller_name TEXT,
        context TEXT,
        tenant TEXT,
        node TEXT,
        room TEXT NOT NULL,
        started_ms INTEGER NOT NULL,
        ended_ms INTEGER,
        outcome TEXT,
        authenticated INTEGER,
        pin_failures INTEGER,
        restored INTEGER NOT NULL DEFAULT 0,
        UNIQUE (session_id, admin_uuid)
      );
      CREATE INDEX sessions_started ON sessions (started_ms, key);
      CREATE INDEX sessions_caller ON sessions (caller_number, started_ms);
      CREATE INDEX sessions_tenant ON sessions (tenant, started_ms);
      CREATE INDEX sessions_outcome ON sessions (outcome, started_ms);
      CREATE INDEX sessions_room ON sessions (room, started_ms);
      CREATE TABLE invitations (
        id TEXT PRIMARY KEY,
        session_key INTEGER,
        session_id TEXT,
        source TEXT NOT NULL,
        room TEXT,
        number TEXT NOT NULL,
        route TEXT,
        node TEXT,
        started_ms INTEGER NOT NULL,
        answered_ms INTEGER,
        joined_ms INTEGER,
        ended_ms INTEGER,
        outcome TEXT,
        cause TEXT,
        refused INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX invitations_session ON invitations (session_key, started_ms);
      CREATE INDEX invitations_number ON invitations (number, session_key);
      CREATE INDEX invitations_outcome ON invitations (outcome, session_key);
      CREATE INDEX invitations_started ON invitations (started_ms);
    `,
  },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

const VERSION_TABLE_EXISTS =
  "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
const CURRENT_VERSION = 'SELECT max(version) AS version FROM schema_version';

/** The file's schema version; 0 for a new, empty file (a connection of the caller's own: the CLI's). */
export function schemaVersion(db: Database): number {
  if (db.prepare(VERSION_TABLE_EXISTS).get() === undefined) return 0;
  const row = db.prepare(CURRENT_VERSION).get() as { version: number | null } | undefined;
  return row?.version ?? 0;
}

export class SchemaTooNewError extends Error {
  constructor(readonly found: number) {
    super(
      `the history database has schema version ${found}, newer than this dynconf knows (${SCHEMA_VERSION}); it was written by a later version`,
    );
    this.name = 'SchemaTooNewError';
  }
}

/** Brings the file up to SCHEMA_VERSION, each migration in one transaction; returns the version it had. */
export async function migrate(executor: SqlExecutor, now: () => number = Date.now): Promise<number> {
  const exists = await executor.all({ sql: VERSION_TABLE_EXISTS });
  const rows =
    exists.length === 0
      ? []
      : ((await executor.all({ sql: CURRENT_VERSION })) as { version: number | null }[]);
  const from = rows[0]?.version ?? 0;
  if (from > SCHEMA_VERSION) throw new SchemaTooNewError(from);
  for (const migration of MIGRATIONS) {
    if (migration.version <= from) continue;
    await executor.run(
      [
        {
          sql: 'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)',
          exec: true,
        },
        { sql: migration.sql, exec: true },
        {
          sql: 'INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)',
          params: [migration.version, migration.description, new Date(now()).toISOString()],
        },
      ],
      false,
    );
  }
  return from;
}
