// The read-only picture of a session, for operators (HTTP API, metrics) and tests.
import type { Flow, SessionOutcome } from '../../machines/index.js';

export interface SessionView {
  readonly id: string;
  readonly flow: Flow;
  /** The machine's state, e.g. `authenticating`, `inRoom`, `invitation.talking`, `ended`. */
  readonly state: string;
  readonly room: string;
  readonly adminUuid: string;
  readonly otherUuid?: string;
  /** The invitee leg of the invitation in progress (or the last one) and what the machine knows of it. */
  readonly inviteeUuid?: string;
  readonly inviteeStatus?: string;
  readonly outcome?: SessionOutcome;
  readonly startedAt: number;
}

/** `{ invitation: 'talking' }` → `invitation.talking`. */
export function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([key, inner]) => `${key}.${stateName(inner)}`)
      .join(',');
  }
  return String(value);
}
