// Where the history's SQLite calls run. In the controller: a worker thread (workerExecutor), so that no
// disk write, fsync or WAL checkpoint ever runs on the thread that handles calls. Measured here (5-record
// batches, WAL, synchronous=NORMAL, ext4): on the calling thread a batch takes it for 0.1 ms typically but
// 5 ms at p99 and 7-9 ms at worst (checkpoints, page-cache writeback; moving only the checkpoints to a
// thread does not remove them); through the worker the calling thread spends 0.01 ms typically, 0.3 ms at
// p99. In tests: the calling thread (inThreadExecutor), where faults are easy to put in. Both run the same
// handler (sql-handler.ts); a call answers with a promise either way, in the order made.
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  createSqlHandler,
  type SqlHandlerDeps,
  type SqlReply,
  type SqlRequest,
  type SqlStatement,
} from './sql-handler.js';

export type { SqlStatement };

export interface SqlExecutor {
  /** Opens the file (creating it and its directory) and applies `pragmas`; nothing when it is open. */
  open(path: string, pragmas: readonly string[]): Promise<void>;
  /** The statements in one transaction; the changes of each. `guardFile`: see SqlRequest. */
  run(statements: readonly SqlStatement[], guardFile: boolean): Promise<number[]>;
  all(statement: SqlStatement): Promise<unknown[]>;
  /** Applies `pragmas` (best effort) and closes the file; it can be opened again. */
  close(pragmas: readonly string[]): Promise<void>;
  /** Ends the executor (its thread). */
  end(): Promise<void>;
}

/** An error as the handler described it, rebuilt on this side (name, code and message kept). */
function rebuild(error: { name: string; code?: string; message: string }): Error {
  const err = new Error(error.message);
  err.name = error.name;
  if (error.code !== undefined) Object.assign(err, { code: error.code });
  return err;
}

function settle<T>(reply: SqlReply): Promise<T> {
  return reply.ok ? Promise.resolve(reply.value as T) : Promise.reject(rebuild(reply.error));
}

function executorOf(call: (request: SqlRequest) => Promise<unknown>, end: () => Promise<void>): SqlExecutor {
  return {
    open: async (path, pragmas) => void (await call({ op: 'open', path, pragmas })),
    run: (statements, guardFile) => call({ op: 'run', statements, guardFile }) as Promise<number[]>,
    all: (statement) => call({ op: 'all', statement }) as Promise<unknown[]>,
    close: async (pragmas) => void (await call({ op: 'close', pragmas })),
    end,
  };
}

const handlerDeps: SqlHandlerDeps = {
  Database,
  mkdirSync,
  accessSync,
  existsSync,
  statSync,
  dirname,
  W_OK: constants.W_OK,
};

/** SQLite on the calling thread. */
export function inThreadExecutor(): SqlExecutor {
  const handle = createSqlHandler(handlerDeps);
  return executorOf(
    (request) => settle(handle(request)),
    async () => void handle({ op: 'close', pragmas: [] }),
  );
}

/**
 * The worker's program: the handler's own source, given its dependencies there. `__name` is what some
 * TypeScript runners (tsx) wrap functions in to keep their names; the compiled build does not need it.
 * (Coverage instrumentation would break this: the project runs none.)
 */
const WORKER_SOURCE = `'use strict';
const __name = (target) => target;
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const handle = (${createSqlHandler.toString()})({
  Database: require(workerData.module),
  mkdirSync: fs.mkdirSync,
  accessSync: fs.accessSync,
  existsSync: fs.existsSync,
  statSync: fs.statSync,
  dirname: path.dirname,
  W_OK: fs.constants.W_OK,
});
parentPort.on('message', (message) => parentPort.postMessage({ id: message.id, reply: handle(message.request) }));
`;

export interface WorkerExecutorOptions {
  /** The better-sqlite3 module to load in the worker (tests: one that does not load). */
  readonly module?: string;
}

/**
 * SQLite in a worker thread of its own, started on the first call and again after it died. It holds the
 * process open only while a call is waiting for its answer.
 */
export function workerExecutor(options: WorkerExecutorOptions = {}): SqlExecutor {
  const module = options.module ?? createRequire(import.meta.url).resolve('better-sqlite3');
  let worker: Worker | undefined;
  let nextId = 0;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();

  const failAll = (err: Error) => {
    const callers = [...waiting.values()];
    waiting.clear();
    for (const caller of callers) caller.reject(err);
  };

  const start = (): Worker => {
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { module } });
    started.on('message', (message: { id: number; reply: SqlReply }) => {
      const caller = waiting.get(message.id);
      waiting.delete(message.id);
      if (waiting.size === 0) started.unref();
      if (caller !== undefined) settle(message.reply).then(caller.resolve, caller.reject);
    });
    started.on('error', (err) => failAll(err));
    started.on('exit', (code) => {
      if (worker === started) worker = undefined;
      failAll(
        Object.assign(new Error(`the history's SQLite thread stopped (exit code ${code})`), {
          code: 'DYNCONF_WORKER_EXIT',
        }),
      );
    });
    return started;
  };

  const call = (request: SqlRequest): Promise<unknown> =>
    new Promise((resolve, reject) => {
      worker ??= start();
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, request });
    });

  return executorOf(call, async () => {
    const running = worker;
    worker = undefined;
    if (running !== undefined) await running.terminate();
  });
}
