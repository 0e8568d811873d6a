// The operator API's one credential: the bearer token of the configuration (http.token). Compared in
// constant time. Browsers get it as a cookie after signing in on the dashboard (EventSource cannot send
// headers); the cookie holds a value derived from the token, never the token itself. `?token=` is taken
// only on the live-event stream, for clients that can do nothing else.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const SESSION_COOKIE = 'dynconf_session';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Constant-time equality of two secrets of any length. */
export function sameSecret(expected: string, given: string): boolean {
  return timingSafeEqual(digest(expected), digest(given));
}

/** The cookie value that stands for `token` (a browser never holds the token itself). */
export function sessionValue(token: string): string {
  return createHash('sha256').update(`dynconf-dashboard\n${token}`, 'utf8').digest('base64url');
}

export function cookieValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const header = headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

export type AuthResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: 401 | 403; readonly message: string };

export interface Credentials {
  readonly headers: IncomingHttpHeaders;
  /** `?token=` of the request, only where the route accepts it. */
  readonly queryToken?: string | undefined;
}

/** Checks a request's credentials against the configured token (undefined: the operator API is off). */
export function authenticate(token: string | undefined, credentials: Credentials): AuthResult {
  if (token === undefined) {
    return {
      ok: false,
      status: 403,
      message:
        'the operator API is switched off: set http.token (16 characters or more) in the configuration',
    };
  }
  const bearer = bearerToken(credentials.headers);
  if (bearer !== undefined) {
    return sameSecret(token, bearer)
      ? { ok: true }
      : { ok: false, status: 401, message: 'wrong bearer token' };
  }
  const cookie = cookieValue(credentials.headers, SESSION_COOKIE);
  if (cookie !== undefined && sameSecret(sessionValue(token), cookie)) return { ok: true };
  if (credentials.queryToken !== undefined) {
    return sameSecret(token, credentials.queryToken)
      ? { ok: true }
      : { ok: false, status: 401, message: 'wrong token' };
  }
  return {
    ok: false,
    status: 401,
    message: 'missing credentials: send "Authorization: Bearer <http.token>" (or sign in on the dashboard)',
  };
}
