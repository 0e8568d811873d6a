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
  /** Times FreeSWITCH's state was read to rebuild or check the sessions (start, reconnect). */
  recoveries: number;
  /** Sessions rebuilt from what their legs keep on FreeSWITCH (after a restart). */
  sessionsRestored: number;
  /** Legs hung up because no session wanted them any more (their administrator was gone). */
  orphansHungUp: number;
  /** New callers turned away (or `*0` ignored) because the controller was overloaded. */
  overloadRefusals: number;
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
    recoveries: 0,
    sessionsRestored: 0,
    orphansHungUp: 0,
    overloadRefusals: 0,
  };
}
