// How an operator request ends: a value the routes turn into an HTTP answer. Never thrown.
import type { OperatorResult, RefusalKind } from '../runtime/operator/index.js';

export type Outcome<T> =
  | { readonly ok: true; readonly status: number; readonly value: T }
  | { readonly ok: false; readonly status: number; readonly error: string; readonly detail?: string };

export const done = <T>(value: T, status = 200): Outcome<T> => ({ ok: true, status, value });

export const refused = (status: number, error: string, detail?: string): Outcome<never> =>
  detail === undefined ? { ok: false, status, error } : { ok: false, status, error, detail };

/** The runtime's refusals as HTTP statuses. */
const STATUS_OF: Readonly<Record<RefusalKind, number>> = {
  invalid: 400,
  'not-allowed': 403,
  'not-found': 404,
  'too-many-calls': 429,
  conflict: 409,
  unavailable: 503,
  'switch-refused': 502,
  'switch-timeout': 504,
};

/** The runtime's answer to a request, as the HTTP answer (`status` when it was done). */
export function outcomeOf<T>(result: OperatorResult<T>, status = 200): Outcome<T> {
  return result.ok
    ? done(result.value, status)
    : refused(STATUS_OF[result.kind], result.message, result.detail);
}

/** 503 unless the event socket is up: commands sent now would wait for a reconnect, or run late. */
export function notConnected(state: string): Outcome<never> | undefined {
  return state === 'connected' ? undefined : refused(503, offlineReason(state));
}

export function offlineReason(state: string): string {
  return `FreeSWITCH is not connected (event socket ${state}); try again shortly`;
}
