// How each keypad invitation ended, read from the events the runtime sends to an administrator's machine.
// An invitation answered by voicemail is first reported as answered (the far end picked up), so an answer
// is counted only when the invitation moves on without voicemail being detected: private talk ended by
// `**`/`*#`, a hang-up, or the end of the session. Nothing here sees digits or a PIN.
import type { InviteFailure, SessionEvent } from '../../machines/index.js';
import type { DynconfMetrics, InvitationOutcome } from './metrics.js';

/** Why an invitation failed (machine words) → the outcome label. */
export const OUTCOME_OF_FAILURE: Readonly<Record<InviteFailure, InvitationOutcome>> = {
  'no-answer': 'no_answer',
  busy: 'busy',
  rejected: 'rejected',
  unreachable: 'unreachable',
  'invalid-number': 'invalid_number',
  'not-allowed': 'not_allowed',
  failed: 'failed',
};

/** How an invitation ended in the runtime's words (`answered`, `cancelled`, or why it failed) → the label. */
export function outcomeLabel(ending: 'answered' | 'cancelled' | InviteFailure): InvitationOutcome {
  return ending === 'answered' || ending === 'cancelled' ? ending : OUTCOME_OF_FAILURE[ending];
}

interface Pending {
  readonly legId: string;
  answered: boolean;
}

/** The invitation outcomes of every session; one invitation at a time per session. */
export class InvitationOutcomes {
  readonly #metrics: Pick<DynconfMetrics, 'invitation'>;
  readonly #pending = new Map<string, Pending>();

  constructor(metrics: Pick<DynconfMetrics, 'invitation'>) {
    this.#metrics = metrics;
  }

  /** An event sent to session `sessionId`'s machine. */
  observe(sessionId: string, event: SessionEvent): void {
    const pending = this.#pending.get(sessionId);
    switch (event.type) {
      case 'number.dialed':
        if (pending !== undefined) this.#settle(sessionId, pending.answered ? 'answered' : 'cancelled');
        if (event.route.allowed) this.#pending.set(sessionId, { legId: event.route.legId, answered: false });
        else this.#count(event.route.reason === 'not-allowed' ? 'not_allowed' : 'invalid_number');
        return;
      case 'invitee.answered':
        if (pending?.legId === event.legId) pending.answered = true;
        return;
      case 'invitee.voicemail':
        if (pending?.legId === event.legId) this.#settle(sessionId, 'voicemail');
        return;
      case 'invitee.failed':
        if (pending?.legId === event.legId) {
          this.#settle(sessionId, pending.answered ? 'answered' : OUTCOME_OF_FAILURE[event.reason]);
        }
        return;
      case 'invitee.hungUp':
        if (pending?.legId === event.legId) this.#settle(sessionId, 'answered');
        return;
      case 'deadline.reached':
        if (event.name === 'ring' && pending !== undefined && !pending.answered)
          this.#settle(sessionId, 'no_answer');
        return;
      case 'key.command':
        if (
          pending !== undefined &&
          (event.command === 'join-with-guest' || event.command === 'return-alone')
        ) {
          this.#settle(sessionId, pending.answered ? 'answered' : 'cancelled');
        }
        return;
      case 'admin.hungUp':
        if (pending !== undefined) this.#settle(sessionId, pending.answered ? 'answered' : 'cancelled');
        return;
      default:
        return;
    }
  }

  /** The session is over: an invitation still open ends with it. */
  sessionEnded(sessionId: string): void {
    const pending = this.#pending.get(sessionId);
    if (pending !== undefined) this.#settle(sessionId, pending.answered ? 'answered' : 'cancelled');
  }

  /** Sessions with an invitation not yet settled (for tests and leak checks). */
  get open(): number {
    return this.#pending.size;
  }

  #settle(sessionId: string, outcome: InvitationOutcome): void {
    this.#pending.delete(sessionId);
    this.#count(outcome);
  }

  #count(outcome: InvitationOutcome): void {
    this.#metrics.invitation(outcome, 'keypad');
  }
}
