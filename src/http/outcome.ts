// How an operator request ends: a value the routes turn into an HTTP answer. Never thrown.
import type { ApiCommand } from '../esl/commands.js';
import type { ApiResult, BgapiResult, CommandOptions, ConnectionState } from '../esl/connection.js';

export type Outcome<T> =
  | { readonly ok: true; readonly status: number; readonly value: T }
  | { readonly ok: false; readonly status: number; readonly error: string; readonly detail?: string };

export const done = <T>(value: T, status = 200): Outcome<T> => ({ ok: true, status, value });

export const refused = (status: number, error: string, detail?: string): Outcome<never> =>
  detail === undefined ? { ok: false, status, error } : { ok: false, status, error, detail };

/** What the operator API sends commands through (EslConnection, possibly instrumented). */
export interface CommandLink {
  readonly state: ConnectionState;
  api(command: ApiCommand, options: CommandOptions): Promise<ApiResult>;
  bgapi(command: ApiCommand, options: CommandOptions & { jobUuid?: string }): Promise<BgapiResult>;
}

/** 503 unless the event socket is up: commands sent now would wait for a reconnect, or run late. */
export function notConnected(link: CommandLink): Outcome<never> | undefined {
  return link.state === 'connected'
    ? undefined
    : refused(503, `FreeSWITCH is not connected (event socket ${link.state}); try again shortly`);
}
