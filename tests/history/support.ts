// Shared pieces of the history tests: a temporary directory, a writer on a manual clock whose "later turns"
// run only when the test says so (no sleeps, no timing), a log to read, and the events the runtime sends
// a session's machine, built as the runtime builds them.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { SessionEvent } from '../../machines/index.js';
import { ManualClock } from '../../src/clock.js';
import {
  HistoryWriter,
  type InvitationSource,
  inThreadExecutor,
  openHistoryReader,
  parseHistoryFilter,
  type SessionHistory,
  SessionHistoryFeed,
  type SessionStart,
  type WriterOptions,
} from '../../src/history/index.js';
import { createLogger } from '../../src/log.js';

/** 2026-11-24T08:00:00Z */
export const T0 = Date.UTC(2026, 10, 24, 8, 0, 0);
export const DAY = 86_400_000;

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'dynconf-history-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The current test's temporary directory and the history file in it. */
export interface TempHistory {
  readonly dir: string;
  readonly path: string;
}

/**
 * A fresh temporary directory for every test of the calling file, removed after it; `onEach` gets it
 * before each test (to set the file's own variables).
 */
export function useTempHistory(onEach?: (files: TempHistory) => void): TempHistory {
  let current: { dir: string; remove(): void } | undefined;
  const files: TempHistory = {
    get dir() {
      if (current === undefined) throw new Error('the temporary directory exists only during a test');
      return current.dir;
    },
    get path() {
      return join(files.dir, 'history.sqlite');
    },
  };
  beforeEach(() => {
    current = tempDir();
    onEach?.(files);
  });
  afterEach(() => {
    current?.remove();
    current = undefined;
  });
  return files;
}

export interface LogLine {
  level: number;
  msg: string;
  kind?: string;
  [key: string]: unknown;
}

/**
 * A writer on a ManualClock, SQLite on the test's own thread (unless `executor` says otherwise); `turns()`
 * runs what it deferred to later turns of the event loop and waits for what it started.
 */
export function harness(
  path: string,
  options: Partial<Omit<WriterOptions, 'path' | 'clock' | 'logger'>> & { start?: number } = {},
) {
  const clock = new ManualClock(options.start ?? T0);
  const logs: LogLine[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  });
  const deferred: (() => void)[] = [];
  const writer = new HistoryWriter({
    retentionDays: 90,
    ...options,
    executor: options.executor ?? inThreadExecutor(),
    path,
    clock,
    logger,
    defer: (fn) => void deferred.push(fn),
  });
  const turns = async (): Promise<number> => {
    let n = 0;
    for (;;) {
      await writer.settled();
      const fn = deferred.shift();
      if (fn === undefined) return n;
      fn();
      n++;
    }
  };
  return {
    clock,
    logs,
    writer,
    feed: new SessionHistoryFeed(writer),
    /** Runs every deferred turn (and those they defer), waiting for each; how many ran. */
    turns,
    /** Runs the next deferred turn without waiting for what it starts. */
    startTurn(): void {
      deferred.shift()?.();
    },
    /** Lets `ms` of clock time pass (timers: flush, retry, retention), then runs the turns. */
    async advance(ms: number): Promise<void> {
      clock.advance(ms);
      await turns();
    },
    get deferred(): number {
      return deferred.length;
    },
    /** Log lines at `level` or above whose message contains `text`. */
    logged(text: string, level = 30): LogLine[] {
      return logs.filter((line) => line.level >= level && line.msg.includes(text));
    },
  };
}

/** Every session in the file, newest first (read-only, as `dynconf history` reads it). */
export function readAll(path: string, filter: Record<string, string> = {}): SessionHistory[] {
  const opened = openHistoryReader(path);
  if (!opened.ok) throw new Error(opened.message);
  try {
    const parsed = parseHistoryFilter({ limit: '500', ...filter }, T0);
    if (!parsed.ok) throw new Error(`${parsed.field}: ${parsed.message}`);
    return [...opened.reader.query(parsed.filter).sessions];
  } finally {
    opened.reader.close();
  }
}

/** A FreeSWITCH-like uuid. */
export const uuid = (): string => randomUUID();

/** A session's start as the runtime builds it (caller from the channel, tenant from the context). */
export function sessionStart(overrides: Partial<SessionStart> = {}): SessionStart {
  const id = overrides.id ?? uuid().slice(0, 8);
  return {
    id,
    adminUuid: uuid(),
    flow: 'access',
    at: T0,
    room: `dynconf-${id}`,
    callerNumber: '1001',
    callerName: 'Alice',
    context: 'default',
    node: '127.0.0.1:8021',
    ...overrides,
  };
}

/** The machine's events for one invitation, as the runtime sends them. */
export const ev = {
  dialed: (at: number, digits: string, legId: string, rule = 'internal'): SessionEvent => ({
    type: 'number.dialed',
    at,
    digits,
    route: { allowed: true, rule, answerSupervision: true, ringTimeoutMs: 30_000, legId },
  }),
  refused: (at: number, digits: string, reason: 'not-allowed' | 'invalid-number'): SessionEvent => ({
    type: 'number.dialed',
    at,
    digits,
    route: { allowed: false, reason },
  }),
  ringing: (at: number, legId: string): SessionEvent => ({ type: 'invitee.ringing', at, legId }),
  answered: (at: number, legId: string): SessionEvent => ({ type: 'invitee.answered', at, legId }),
  voicemail: (at: number, legId: string): SessionEvent => ({ type: 'invitee.voicemail', at, legId }),
  failed: (
    at: number,
    legId: string,
    reason: 'no-answer' | 'busy' | 'rejected' | 'unreachable' | 'invalid-number' | 'not-allowed' | 'failed',
  ): SessionEvent => ({ type: 'invitee.failed', at, legId, reason }),
  hungUp: (at: number, legId: string): SessionEvent => ({ type: 'invitee.hungUp', at, legId }),
  ringDue: (at: number): SessionEvent => ({ type: 'deadline.reached', at, name: 'ring' }),
  join: (at: number): SessionEvent => ({ type: 'key.command', at, command: 'join-with-guest' }),
  returnAlone: (at: number): SessionEvent => ({ type: 'key.command', at, command: 'return-alone' }),
  adminHungUp: (at: number): SessionEvent => ({ type: 'admin.hungUp', at }),
  callFailed: (at: number, legId: string): SessionEvent => ({
    type: 'command.failed',
    at,
    command: 'callInvitee',
    legId,
    detail: '-ERR',
  }),
};

export const SOURCES: readonly InvitationSource[] = ['keypad', 'operator'];
