// Counters the controller keeps (for logs, the status view and tests). Never anything secret.
import type { SessionOutcome } from '../../machines/index.js';

export interface RuntimeCounters {
  sessionsStarted: number;
  sessionsFinished: number;
  /** Sessions ended, by outcome. */
  outcomes: Partial<Record<SessionOutcome, number>>;
  pinCorrect: number;
  pinWrong: number;
  pinNoInput: number;
  /** PIN entries refused (or ended) by the brute-force guard. */
  lockouts: number;
  invitations: number;
  /** `*0` recognised in a two-party call. */
  escalations: number;
  /** Errors caught in a session (each logged); they never end another session. */
  sessionErrors: number;
}

export function createCounters(): RuntimeCounters {
  return {
    sessionsStarted: 0,
    sessionsFinished: 0,
    outcomes: {},
    pinCorrect: 0,
    pinWrong: 0,
    pinNoInput: 0,
    lockouts: 0,
    invitations: 0,
    escalations: 0,
    sessionErrors: 0,
  };
}
