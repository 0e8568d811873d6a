// Reading the history: sessions, newest first, each with its invitations, one page at a time (keyset paging
// on the start time: a page stays right while new sessions are written). Through the controller's executor
// (its worker thread), or on a read-only connection of the caller's own (`dynconf history`).
import type { Database } from 'better-sqlite3';
import type { SqlExecutor, SqlStatement } from './executor.js';
import { encodeCursor, type HistoryFilter, type Match } from './filter.js';
import {
  type Flow,
  type HistoryPage,
  type InvitationHistory,
  type InvitationOutcome,
  type InvitationSource,
  isInvitationOutcome,
  isSessionOutcome,
  type SessionHistory,
  type SessionOutcome,
} from './records.js';

interface SessionRow {
  key: number;
  session_id: string;
  admin_uuid: string;
  flow: string;
  caller_number: string | null;
  caller_name: string | null;
  context: string | null;
  tenant: string | null;
  node: string | null;
  room: string;
  started_ms: number;
  ended_ms: number | null;
  outcome: string | null;
  authenticated: number | null;
  pin_failures: number | null;
  restored: number;
}

interface InvitationRow {
  id: string;
  session_key: number | null;
  source: string;
  room: string | null;
  number: string;
  route: string | null;
  node: string | null;
  started_ms: number;
  answered_ms: number | null;
  joined_ms: number | null;
  ended_ms: number | null;
  outcome: string | null;
  cause: string | null;
  refused: number;
}

/** The smallest string greater than every string starting with `prefix` (BINARY collation). */
function prefixEnd(prefix: string): string {
  const points = Array.from(prefix);
  const last = points.pop()?.codePointAt(0) ?? 0;
  const next = last === 0xd7ff ? 0xe000 : Math.min(last + 1, 0x10ffff);
  return points.join('') + String.fromCodePoint(next);
}

class Sql {
  readonly where: string[] = [];
  readonly args: Record<string, unknown> = {};
  #n = 0;

  bind(value: unknown): string {
    const name = `p${this.#n++}`;
    this.args[name] = value;
    return `@${name}`;
  }

  match(column: string, match: Match): string {
    if (!match.prefix) return `${column} = ${this.bind(match.value)}`;
    if (match.value === '') return `${column} IS NOT NULL`;
    return `(${column} >= ${this.bind(match.value)} AND ${column} < ${this.bind(prefixEnd(match.value))})`;
  }

  list(values: readonly string[]): string {
    return `(${values.map((v) => this.bind(v)).join(', ')})`;
  }
}

function outcomeClause(sql: Sql, words: readonly string[]): string {
  const sessions: string[] = [];
  const invitations: string[] = [];
  for (const word of words) {
    if (isSessionOutcome(word)) sessions.push(word);
    else if (isInvitationOutcome(word)) invitations.push(word);
  }
  const any: string[] = [];
  if (sessions.length > 0) any.push(`s.outcome IN ${sql.list(sessions)}`);
  if (words.includes('open')) any.push('s.ended_ms IS NULL');
  if (words.includes('refused'))
    any.push('EXISTS (SELECT 1 FROM invitations i WHERE i.session_key = s.key AND i.refused = 1)');
  if (invitations.length > 0)
    any.push(
      `EXISTS (SELECT 1 FROM invitations i WHERE i.session_key = s.key AND i.outcome IN ${sql.list(invitations)})`,
    );
  return any.length === 0 ? '0' : `(${any.join(' OR ')})`;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const span = (from: number | null, to: number | null): number | null =>
  from === null || to === null ? null : Math.max(0, to - from);

function sessionOf(row: SessionRow, invitations: readonly InvitationHistory[]): SessionHistory {
  return {
    id: row.session_id,
    adminUuid: row.admin_uuid,
    flow: row.flow as Flow,
    callerNumber: row.caller_number,
    callerName: row.caller_name,
    context: row.context,
    tenant: row.tenant,
    node: row.node,
    room: row.room,
    startedAt: iso(row.started_ms) ?? '',
    endedAt: iso(row.ended_ms),
    outcome: row.outcome !== null && isSessionOutcome(row.outcome) ? (row.outcome as SessionOutcome) : null,
    durationMs: span(row.started_ms, row.ended_ms),
    authenticated: row.authenticated === null ? null : row.authenticated === 1,
    pinFailures: row.pin_failures,
    restored: row.restored === 1,
    invitations,
  };
}

function invitationOf(row: InvitationRow): InvitationHistory {
  const outcome = row.outcome !== null && isInvitationOutcome(row.outcome) ? row.outcome : null;
  const refused = row.refused === 1;
  const joinedLater = row.joined_ms !== null && row.ended_ms !== null && row.ended_ms > row.joined_ms;
  return {
    id: row.id,
    source: row.source as InvitationSource,
    number: row.number,
    route: row.route,
    room: row.room,
    node: row.node,
    startedAt: iso(row.started_ms) ?? '',
    answeredAt: iso(row.answered_ms),
    joinedAt: iso(row.joined_ms),
    endedAt: iso(row.ended_ms),
    outcome: outcome as InvitationOutcome | null,
    cause: row.cause,
    refused,
    ringingMs: refused ? null : span(row.started_ms, row.answered_ms ?? row.ended_ms),
    talkingMs: row.answered_ms === null ? null : span(row.answered_ms, row.joined_ms ?? row.ended_ms),
    inRoomMs: joinedLater ? span(row.joined_ms, row.ended_ms) : null,
  };
}

/** The statement for one page of sessions (one more than the limit: is there another page?). */
export function sessionsStatement(filter: HistoryFilter): SqlStatement {
  const sql = new Sql();
  const { where } = sql;
  if (filter.from !== undefined) where.push(`s.started_ms >= ${sql.bind(filter.from)}`);
  if (filter.to !== undefined) where.push(`s.started_ms < ${sql.bind(filter.to)}`);
  if (filter.caller !== undefined) where.push(sql.match('s.caller_number', filter.caller));
  if (filter.tenant !== undefined) where.push(`s.tenant = ${sql.bind(filter.tenant)}`);
  if (filter.flow !== undefined) where.push(`s.flow = ${sql.bind(filter.flow)}`);
  if (filter.number !== undefined)
    where.push(
      `EXISTS (SELECT 1 FROM invitations i WHERE i.session_key = s.key AND ${sql.match('i.number', filter.number)})`,
    );
  if (filter.outcomes !== undefined) where.push(outcomeClause(sql, filter.outcomes));
  if (filter.cursor !== undefined) {
    const at = sql.bind(filter.cursor.startedMs);
    where.push(`(s.started_ms < ${at} OR (s.started_ms = ${at} AND s.key < ${sql.bind(filter.cursor.key)}))`);
  }
  return {
    sql: `SELECT s.* FROM sessions s ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
          ORDER BY s.started_ms DESC, s.key DESC LIMIT ${sql.bind(pageSize(filter) + 1)}`,
    params: sql.args,
  };
}

/** The invitations of the sessions with these keys, oldest first. */
export function invitationsStatement(keys: readonly number[]): SqlStatement {
  return {
    sql: `SELECT * FROM invitations WHERE session_key IN (SELECT value FROM json_each(?)) ORDER BY started_ms, rowid`,
    params: [JSON.stringify(keys)],
  };
}

const pageSize = (filter: HistoryFilter): number => Math.max(1, Math.min(filter.limit, 500));

/** The page from the rows of the two statements. */
function assemble(
  filter: HistoryFilter,
  sessionRows: readonly unknown[],
  invitationRows: readonly unknown[],
): HistoryPage {
  const limit = pageSize(filter);
  const rows = sessionRows as SessionRow[];
  const page = rows.slice(0, limit);
  const byKey = new Map<number, InvitationHistory[]>(page.map((row) => [row.key, []]));
  for (const row of invitationRows as InvitationRow[]) {
    if (row.session_key !== null) byKey.get(row.session_key)?.push(invitationOf(row));
  }
  const last = page[page.length - 1];
  return {
    sessions: page.map((row) => sessionOf(row, byKey.get(row.key) ?? [])),
    next:
      rows.length > limit && last !== undefined
        ? encodeCursor({ startedMs: last.started_ms, key: last.key })
        : null,
  };
}

const keysOf = (filter: HistoryFilter, rows: readonly unknown[]): number[] =>
  (rows as SessionRow[]).slice(0, pageSize(filter)).map((row) => row.key);

/** One page of sessions matching `filter`, newest first, each with its invitations (oldest first). */
export async function queryHistory(executor: SqlExecutor, filter: HistoryFilter): Promise<HistoryPage> {
  const sessions = await executor.all(sessionsStatement(filter));
  const keys = keysOf(filter, sessions);
  const invitations = keys.length === 0 ? [] : await executor.all(invitationsStatement(keys));
  return assemble(filter, sessions, invitations);
}

/** The same on a connection of the caller's own (the CLI's, read-only). */
export function queryHistorySync(db: Database, filter: HistoryFilter): HistoryPage {
  const run = (statement: SqlStatement): unknown[] => {
    const prepared = db.prepare(statement.sql);
    const params = statement.params;
    return params === undefined
      ? prepared.all()
      : Array.isArray(params)
        ? prepared.all(...params)
        : prepared.all(params);
  };
  const sessions = run(sessionsStatement(filter));
  const keys = keysOf(filter, sessions);
  return assemble(filter, sessions, keys.length === 0 ? [] : run(invitationsStatement(keys)));
}
