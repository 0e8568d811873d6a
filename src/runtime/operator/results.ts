// How an operator's request ends, as a value: done, or refused with a kind the operator side turns into its
// own answer (an HTTP status) and a message in words. Never thrown.

export type RefusalKind =
  /** The request itself is wrong (a number that is not one, a value FreeSWITCH must not see). */
  | 'invalid'
  /** The routing rules do not allow the number. */
  | 'not-allowed'
  /** The room, or the member, is not there. */
  | 'not-found'
  /** A cap on outbound calls is reached. */
  | 'too-many-calls'
  /** The same thing is under way already (the number is ringing into, or is in, that room). */
  | 'conflict'
  /** dynconf cannot act now: stopping, or FreeSWITCH not connected. */
  | 'unavailable'
  /** FreeSWITCH refused the command (`detail`: its reply). */
  | 'switch-refused'
  /** FreeSWITCH did not answer in time. */
  | 'switch-timeout';

export interface Refusal {
  readonly ok: false;
  readonly kind: RefusalKind;
  readonly message: string;
  /** FreeSWITCH's own words, when it gave any. */
  readonly detail?: string;
}

export type OperatorResult<T> = { readonly ok: true; readonly value: T } | Refusal;

export const accepted = <T>(value: T): OperatorResult<T> => ({ ok: true, value });

export const refusal = (kind: RefusalKind, message: string, detail?: string): Refusal =>
  detail === undefined ? { ok: false, kind, message } : { ok: false, kind, message, detail };
