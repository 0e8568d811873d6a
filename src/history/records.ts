// What the call history keeps, and what the runtime hands it. A session is one administrator's time with
// dynconf (dial 900 or `*0`, PIN, room, invitations); an invitation is one number called into a room, from
// the keypad or by an operator, or refused before anything was called. Never a PIN, a dial string (it may
// carry a gateway's credentials) or a token: only who, when, which number, which routing rule, how it ended.
import type { Flow, InviteFailure, SessionOutcome } from '../../machines/index.js';

export type { Flow, SessionOutcome };

/** How a session ended (the machine's words), with what an operator reads. Every outcome is listed. */
const SESSION_OUTCOME_TEXT: Readonly<Record<SessionOutcome, string>> = {
  'admin-hung-up': 'administrator hung up',
  'pin-failed': 'wrong PIN',
  'locked-out': 'locked out',
  'call-restored': 'back to the call',
  'other-party-gone': 'other party gone',
  'service-error': 'service error',
};
export const SESSION_OUTCOMES = Object.keys(SESSION_OUTCOME_TEXT) as readonly SessionOutcome[];

/** Refused before anything was called: the routing rules, not a number, or a cap on outbound calls. */
export type RefusedOutcome = 'not-allowed' | 'invalid-number' | 'too-many-calls';

/**
 * How an invitation ended. `answered`: someone took the call (talked privately, came into the room, or
 * hung up after talking); `voicemail`: a voicemail answered; `cancelled`: given up while it rang (`*#`,
 * the administrator hung up); the rest are the machine's reasons for a call that failed, and the refusals.
 */
export type InvitationOutcome = 'answered' | 'voicemail' | 'cancelled' | InviteFailure | RefusedOutcome;

const INVITATION_OUTCOME_TEXT: Readonly<Record<InvitationOutcome, string>> = {
  answered: 'answered',
  voicemail: 'voicemail',
  cancelled: 'cancelled',
  'no-answer': 'no answer',
  busy: 'busy',
  rejected: 'rejected',
  unreachable: 'unreachable',
  'invalid-number': 'invalid number',
  'not-allowed': 'not allowed',
  'too-many-calls': 'too many calls',
  failed: 'failed',
};
export const INVITATION_OUTCOMES = Object.keys(INVITATION_OUTCOME_TEXT) as readonly InvitationOutcome[];
export const REFUSED_OUTCOMES: readonly RefusedOutcome[] = [
  'not-allowed',
  'invalid-number',
  'too-many-calls',
];

/** Who placed the invitation: an administrator from the keypad, or an operator (HTTP API, dashboard). */
export type InvitationSource = 'keypad' | 'operator';
export const INVITATION_SOURCES: readonly InvitationSource[] = ['keypad', 'operator'];
export const FLOWS: readonly Flow[] = ['access', 'escalation'];

export function sessionOutcomeText(outcome: SessionOutcome): string {
  return SESSION_OUTCOME_TEXT[outcome];
}

export function invitationOutcomeText(outcome: InvitationOutcome): string {
  return INVITATION_OUTCOME_TEXT[outcome];
}

export function isSessionOutcome(value: string): value is SessionOutcome {
  return Object.hasOwn(SESSION_OUTCOME_TEXT, value);
}

export function isInvitationOutcome(value: string): value is InvitationOutcome {
  return Object.hasOwn(INVITATION_OUTCOME_TEXT, value);
}

// ---- What the runtime reports (all times epoch ms on the runtime's clock) --------------------------------

/** A session began: the call answered at the access number, `*0` recognised, or rebuilt after a restart. */
export interface SessionStart {
  /** The runtime's session id. */
  readonly id: string;
  /** The administrator's leg (FreeSWITCH uuid): with the id, what names the session across restarts. */
  readonly adminUuid: string;
  readonly flow: Flow;
  readonly at: number;
  readonly room: string;
  /** The administrator's caller ID. */
  readonly callerNumber?: string;
  readonly callerName?: string;
  /** The dialplan context of the administrator's call. */
  readonly context?: string;
  /** The context, when it is a configured tenant (`tenants.<context>`); absent: the top-level settings. */
  readonly tenant?: string;
  /** The FreeSWITCH node (`host:port`) the call is on. */
  readonly node?: string;
  /** Rebuilt from FreeSWITCH's state after a controller restart: the row written before is kept. */
  readonly restored?: boolean;
}

export interface SessionEnd {
  readonly id: string;
  readonly adminUuid: string;
  readonly at: number;
  readonly outcome: SessionOutcome;
  /** The PIN was accepted (the administrator got into a room). */
  readonly authenticated?: boolean;
  /** Wrong PIN entries in this session. */
  readonly pinFailures?: number;
}

/** A number is being called (the routing rules allowed it; the originate is asked for now). */
export interface InvitationStart {
  /** The invitee leg's uuid (its origination uuid): unique, and what FreeSWITCH's CDRs show. */
  readonly id: string;
  readonly source: InvitationSource;
  /** The administrator's session (keypad); an operator's call belongs to the session that made its room. */
  readonly sessionId?: string;
  readonly room: string;
  readonly number: string;
  /** The routing rule that allowed the number (its name). */
  readonly route: string;
  readonly node?: string;
  readonly at: number;
}

/** A number refused before anything was called. */
export interface InvitationRefusal {
  readonly source: InvitationSource;
  readonly sessionId?: string;
  readonly room: string;
  readonly number: string;
  readonly reason: RefusedOutcome;
  /** The rule that refused it (`allow: false`), if one did. */
  readonly route?: string;
  readonly node?: string;
  readonly at: number;
}

/** The invitee answered, or was brought into the room (`**`). */
export interface InvitationStep {
  readonly id: string;
  readonly at: number;
}

/**
 * The invitation is over for dynconf: the invitee's leg ended or was sent away, or the call failed, or it
 * was handed to the room. Reported more than once, the first outcome stands and the last time counts (so
 * a later report of the invitee leaving the room extends its time there).
 */
export interface InvitationEnd {
  readonly id: string;
  readonly at: number;
  readonly outcome: InvitationOutcome;
  /** FreeSWITCH's hangup cause, when it gave one (`NO_ANSWER`, `USER_BUSY`, …). */
  readonly cause?: string;
}

// ---- What a query returns (times ISO 8601, UTC; durations in ms; null where not known) ------------------

export interface SessionHistory {
  readonly id: string;
  readonly adminUuid: string;
  readonly flow: Flow;
  readonly callerNumber: string | null;
  readonly callerName: string | null;
  readonly context: string | null;
  readonly tenant: string | null;
  readonly node: string | null;
  readonly room: string;
  readonly startedAt: string;
  /** null: no end recorded (still going, or the controller stopped without seeing it end). */
  readonly endedAt: string | null;
  readonly outcome: SessionOutcome | null;
  readonly durationMs: number | null;
  readonly authenticated: boolean | null;
  readonly pinFailures: number | null;
  /** The session went on across a controller restart. */
  readonly restored: boolean;
  /** Oldest first. */
  readonly invitations: readonly InvitationHistory[];
}

export interface InvitationHistory {
  readonly id: string;
  readonly source: InvitationSource;
  readonly number: string;
  readonly route: string | null;
  readonly room: string | null;
  readonly node: string | null;
  readonly startedAt: string;
  readonly answeredAt: string | null;
  /** Brought into the room (`**`, or an operator's call answered). */
  readonly joinedAt: string | null;
  readonly endedAt: string | null;
  readonly outcome: InvitationOutcome | null;
  readonly cause: string | null;
  /** Refused before anything was called (the rules, not a number, a cap). */
  readonly refused: boolean;
  /** From the call to the answer (or to the end, unanswered). */
  readonly ringingMs: number | null;
  /** From the answer to the room (or to the end): the private talk, or the time on voicemail. */
  readonly talkingMs: number | null;
  /** From the room to the end, as far as it was reported. */
  readonly inRoomMs: number | null;
}

export interface HistoryPage {
  /** Newest first. */
  readonly sessions: readonly SessionHistory[];
  /** Cursor for the next (older) page; null when this is the last. */
  readonly next: string | null;
}
