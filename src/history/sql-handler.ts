// The only code that touches the history's SQLite file while the controller runs: open it, run statements in
// one transaction, read rows, close it. It runs in the history's worker thread (executor.ts hands its source
// to the worker), or in the calling thread for tests. So it is self-contained: everything it uses comes in
// through `deps`, nothing from an import or the module around it (type imports aside).
import type DatabaseConstructor from 'better-sqlite3';

export interface SqlStatement {
  readonly sql: string;
  /** Named (`@name`) or positional (`?`) parameters. */
  readonly params?: Readonly<Record<string, unknown>> | readonly unknown[];
  /** Several statements without parameters (DDL): run with exec. */
  readonly exec?: boolean;
}

export type SqlRequest =
  | { readonly op: 'open'; readonly path: string; readonly pragmas: readonly string[] }
  /** One transaction; `guardFile`: refuse (DYNCONF_FILE_GONE) when the file was removed or replaced. */
  | { readonly op: 'run'; readonly statements: readonly SqlStatement[]; readonly guardFile: boolean }
  | { readonly op: 'all'; readonly statement: SqlStatement }
  | { readonly op: 'close'; readonly pragmas: readonly string[] };

export interface SqlErrorInfo {
  readonly name: string;
  readonly code?: string;
  readonly message: string;
}

export type SqlReply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: SqlErrorInfo };

export interface SqlHandlerDeps {
  readonly Database: typeof DatabaseConstructor;
  readonly mkdirSync: (path: string, options: { recursive: true }) => unknown;
  readonly accessSync: (path: string, mode: number) => void;
  readonly existsSync: (path: string) => boolean;
  readonly statSync: (path: string) => { dev: number; ino: number };
  readonly dirname: (path: string) => string;
  readonly W_OK: number;
}

export function createSqlHandler(deps: SqlHandlerDeps): (request: SqlRequest) => SqlReply {
  const MEMORY = ':memory:';
  let db: DatabaseConstructor.Database | undefined;
  let path = '';
  let identity: string | undefined;
  const statements = new Map<string, DatabaseConstructor.Statement>();

  const fileIdentity = (file: string): string | undefined => {
    try {
      const stat = deps.statSync(file);
      return `${stat.dev}:${stat.ino}`;
    } catch {
      return undefined;
    }
  };
  const coded = (message: string, code: string): Error => Object.assign(new Error(message), { code });
  const prepared = (open: DatabaseConstructor.Database, sql: string): DatabaseConstructor.Statement => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = open.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const execute = (open: DatabaseConstructor.Database, statement: SqlStatement, rows: boolean): unknown => {
    if (statement.exec === true) {
      open.exec(statement.sql);
      return 0;
    }
    const stmt = prepared(open, statement.sql);
    const params = statement.params;
    if (rows)
      return params === undefined
        ? stmt.all()
        : Array.isArray(params)
          ? stmt.all(...params)
          : stmt.all(params);
    const result =
      params === undefined ? stmt.run() : Array.isArray(params) ? stmt.run(...params) : stmt.run(params);
    return result.changes;
  };
  const closeDb = (pragmas: readonly string[]): void => {
    const open = db;
    db = undefined;
    identity = undefined;
    statements.clear();
    if (open === undefined) return;
    for (const pragma of pragmas) {
      try {
        open.pragma(pragma);
      } catch {
        // Best effort (someone else has the file open, or the disk refuses).
      }
    }
    try {
      open.close();
    } catch {
      // A connection that cannot even close (its file gone) is dropped all the same.
    }
  };

  return (request) => {
    try {
      switch (request.op) {
        case 'open': {
          if (db !== undefined && path === request.path) return { ok: true, value: null };
          closeDb([]);
          if (request.path !== MEMORY) {
            const dir = deps.dirname(request.path);
            deps.mkdirSync(dir, { recursive: true });
            // SQLite says only "unable to open database file"; the system says why (EACCES, EROFS).
            deps.accessSync(deps.existsSync(request.path) ? request.path : dir, deps.W_OK);
          }
          // No busy wait: a lock held by another process is a failure to retry later.
          const opened = new deps.Database(request.path, { timeout: 0 });
          try {
            for (const pragma of request.pragmas) opened.pragma(pragma);
          } catch (err) {
            opened.close();
            throw err;
          }
          db = opened;
          path = request.path;
          identity = path === MEMORY ? undefined : fileIdentity(path);
          return { ok: true, value: null };
        }
        case 'run': {
          const open = db;
          if (open === undefined) throw coded('the history file is not open', 'DYNCONF_NOT_OPEN');
          if (request.guardFile && path !== MEMORY && fileIdentity(path) !== identity) {
            closeDb([]);
            throw coded(`${path} was removed or replaced`, 'DYNCONF_FILE_GONE');
          }
          const changes = open.transaction(() => request.statements.map((s) => execute(open, s, false)))();
          return { ok: true, value: changes };
        }
        case 'all': {
          const open = db;
          if (open === undefined) throw coded('the history file is not open', 'DYNCONF_NOT_OPEN');
          return { ok: true, value: execute(open, request.statement, true) };
        }
        case 'close':
          closeDb(request.pragmas);
          return { ok: true, value: null };
      }
    } catch (err) {
      const e = err as { name?: unknown; code?: unknown; message?: unknown };
      return {
        ok: false,
        error: {
          name: typeof e?.name === 'string' ? e.name : 'Error',
          ...(typeof e?.code === 'string' ? { code: e.code } : {}),
          message: typeof e?.message === 'string' ? e.message : String(err),
        },
      };
    }
  };
}
