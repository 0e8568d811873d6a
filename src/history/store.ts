// The history's SQLite file as the writer sees it: open (create, migrate), write a batch of records in one
// transaction, delete old rows, read a page, close. Every call goes through an executor (the worker thread
// in the controller). While open, a WAL journal with synchronous=NORMAL (a commit appends to the WAL, no
// fsync per commit; `dynconf history` reads while the controller writes); at rest, a rollback journal: one
// file, readable by a user who may read it but not write to its directory (a WAL file needs its -shm).
import type { SqlExecutor, SqlStatement } from './executor.js';
import type { HistoryFilter } from './filter.js';
import { migrate } from './migrations.js';
import type { WriteOp } from './ops.js';
import { queryHistory } from './query.js';
import type { HistoryPage } from './records.js';

export const IN_MEMORY = ':memory:';

const SQL: Readonly<Record<WriteOp['kind'], string>> = {
  'session-start': `
    INSERT INTO sessions (session_id, admin_uuid, flow, caller_number, caller_name, context, tenant, node, room,
                          started_ms, restored)
    VALUES (@sessionId, @adminUuid, @flow, @callerNumber, @callerName, @context, @tenant, @node, @room, @at,
            @restored)
    ON CONFLICT (session_id, admin_uuid) DO UPDATE SET
      caller_number = coalesce(caller_number, excluded.caller_number),
      caller_name = coalesce(caller_name, excluded.caller_name),
      context = coalesce(context, excluded.context),
      tenant = coalesce(tenant, excluded.tenant),
      node = coalesce(node, excluded.node),
      started_ms = min(started_ms, excluded.started_ms),
      restored = max(restored, excluded.restored)`,
  'session-end': `
    UPDATE sessions SET
      ended_ms = max(coalesce(ended_ms, @at), @at),
      outcome = coalesce(outcome, @outcome),
      authenticated = coalesce(@authenticated, authenticated),
      pin_failures = coalesce(@pinFailures, pin_failures)
    WHERE session_id = @sessionId AND admin_uuid = @adminUuid`,
  // An operator's call has no session of its own: it belongs to the latest session with its room.
  'invitation-start': `
    INSERT INTO invitations (id, session_key, session_id, source, room, number, route, node, started_ms,
                             ended_ms, outcome, refused)
    VALUES (@id,
            coalesce((SELECT key FROM sessions WHERE session_id = @sessionId ORDER BY started_ms DESC LIMIT 1),
                     (SELECT key FROM sessions WHERE room = @room ORDER BY started_ms DESC LIMIT 1)),
            @sessionId, @source, @room, @number, @route, @node, @at,
            CASE WHEN @outcome IS NULL THEN NULL ELSE @at END, @outcome, @outcome IS NOT NULL)
    ON CONFLICT (id) DO NOTHING`,
  'invitation-answered': 'UPDATE invitations SET answered_ms = coalesce(answered_ms, @at) WHERE id = @id',
  'invitation-joined':
    'UPDATE invitations SET answered_ms = coalesce(answered_ms, @at), joined_ms = coalesce(joined_ms, @at) WHERE id = @id',
  'invitation-end': `
    UPDATE invitations SET
      ended_ms = max(coalesce(ended_ms, @at), @at),
      outcome = coalesce(outcome, @outcome),
      cause = coalesce(cause, @cause)
    WHERE id = @id`,
};

const PRUNE_INVITATIONS =
  'DELETE FROM invitations WHERE id IN (SELECT id FROM invitations WHERE started_ms < ? LIMIT ?)';
const PRUNE_SESSIONS =
  'DELETE FROM sessions WHERE key IN (SELECT key FROM sessions WHERE started_ms < ? LIMIT ?)';

export function statementOf(op: WriteOp): SqlStatement {
  const { kind, ...params } = op;
  return { sql: SQL[kind], params };
}

export interface StoreOptions {
  /** For the schema_version rows. */
  readonly now?: () => number;
}

export class HistoryStore {
  readonly path: string;
  readonly #executor: SqlExecutor;
  readonly #now: () => number;

  constructor(executor: SqlExecutor, path: string, options: StoreOptions = {}) {
    this.#executor = executor;
    this.path = path;
    this.#now = options.now ?? Date.now;
  }

  /** Opens the file for writing: creates it (and its directory) if needed and migrates it. */
  async open(): Promise<void> {
    const pragmas = this.path === IN_MEMORY ? [] : ['journal_mode = WAL'];
    await this.#executor.open(this.path, [...pragmas, 'synchronous = NORMAL']);
    await migrate(this.#executor, this.#now);
  }

  /** The records in one transaction: all or none. Refused (DYNCONF_FILE_GONE) if the file was replaced. */
  async write(ops: readonly WriteOp[]): Promise<void> {
    await this.#executor.run(ops.map(statementOf), true);
  }

  /** Deletes up to `limit` sessions and up to `limit` invitations started before `cutoffMs`; how many. */
  async prune(cutoffMs: number, limit: number): Promise<number> {
    const [invitations = 0, sessions = 0] = await this.#executor.run(
      [
        { sql: PRUNE_INVITATIONS, params: [cutoffMs, limit] },
        { sql: PRUNE_SESSIONS, params: [cutoffMs, limit] },
      ],
      false,
    );
    return invitations + sessions;
  }

  query(filter: HistoryFilter): Promise<HistoryPage> {
    return queryHistory(this.#executor, filter);
  }

  /** Closes the file (in rollback-journal mode when no one else has it open); it can be opened again. */
  async close(): Promise<void> {
    await this.#executor.close(this.path === IN_MEMORY ? [] : ['journal_mode = DELETE']);
  }

  /** Closes the file and ends the executor. */
  async end(): Promise<void> {
    try {
      await this.close();
    } finally {
      await this.#executor.end();
    }
  }
}
