// What a history query may ask, checked once: from text (a URL's query string, the command line) or from
// values. Times are ISO 8601, epoch milliseconds, or a span back from now (`30m`, `24h`, `7d`); numbers and
// caller IDs match exactly, or by prefix with a trailing `*` (`0049*`). Never throws: a bad value comes
// back naming its field.
import { FLOWS, type Flow, isInvitationOutcome, isSessionOutcome } from './records.js';

export const MAX_LIMIT = 500;
export const DEFAULT_LIMIT = 50;

/**
 * Outcome words a query accepts besides the outcomes themselves: `refused`, any number refused before it
 * was called (not-allowed, invalid-number or too-many-calls without a call); `open`, no end recorded.
 */
export const OUTCOME_WORDS: readonly string[] = ['refused', 'open'];

export interface Match {
  readonly value: string;
  readonly prefix: boolean;
}

export interface HistoryFilter {
  /** Sessions started at or after (epoch ms). */
  readonly from?: number;
  /** Sessions started before (epoch ms). */
  readonly to?: number;
  /** The administrator's caller ID number. */
  readonly caller?: Match;
  /** A number one of the session's invitations called (or tried to). */
  readonly number?: Match;
  /** Session outcomes, invitation outcomes, `refused`, `open`: a session matches any of them. */
  readonly outcomes?: readonly string[];
  readonly tenant?: string;
  readonly flow?: Flow;
  readonly limit: number;
  /** Where the previous page ended. */
  readonly cursor?: Cursor;
}

export interface Cursor {
  readonly startedMs: number;
  readonly key: number;
}

/** The raw filter, each field as text (query string, command line). */
export interface FilterText {
  readonly from?: string;
  readonly to?: string;
  readonly caller?: string;
  readonly number?: string;
  /** Comma-separated. */
  readonly outcome?: string;
  readonly tenant?: string;
  readonly flow?: string;
  readonly limit?: string;
  readonly cursor?: string;
}

export type FilterResult =
  | { readonly ok: true; readonly filter: HistoryFilter }
  | { readonly ok: false; readonly field: keyof FilterText; readonly message: string };

const SPAN_UNITS: Readonly<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** A time: epoch ms, ISO 8601 (date only: midnight UTC), or a span back from `now` (`90m`, `24h`, `7d`, `2w`). */
export function parseTime(text: string, now: number): number | undefined {
  const value = text.trim();
  if (/^\d{1,16}$/.test(value)) return Number(value);
  const span = /^(\d{1,6})([mhdw])$/.exec(value);
  if (span !== null) return now - Number(span[1]) * (SPAN_UNITS[span[2] ?? ''] ?? 0);
  if (!/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return undefined;
  const ms = Date.parse(value.replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : undefined;
}

function parseMatch(text: string): Match | undefined {
  const value = text.trim();
  if (value.length === 0 || value.length > 64) return undefined;
  return value.endsWith('*') && value.length > 1
    ? { value: value.slice(0, -1), prefix: true }
    : { value, prefix: false };
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.startedMs}.${cursor.key}`).toString('base64url');
}

export function decodeCursor(text: string): Cursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(text)) return undefined;
  const match = /^(\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (match === null) return undefined;
  return { startedMs: Number(match[1]), key: Number(match[2]) };
}

/** Checks each outcome word; returns the unknown one, if any. */
function unknownOutcome(words: readonly string[]): string | undefined {
  return words.find((w) => !isSessionOutcome(w) && !isInvitationOutcome(w) && !OUTCOME_WORDS.includes(w));
}

/** The filter from text; `now` for spans like `7d`. */
export function parseHistoryFilter(text: FilterText, now: number = Date.now()): FilterResult {
  const fail = (field: keyof FilterText, message: string): FilterResult => ({ ok: false, field, message });
  const given = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';
  const filter: { -readonly [K in keyof HistoryFilter]: HistoryFilter[K] } = { limit: DEFAULT_LIMIT };
  for (const field of ['from', 'to'] as const) {
    const value = text[field];
    if (!given(value)) continue;
    const ms = parseTime(value, now);
    if (ms === undefined)
      return fail(
        field,
        'must be a time: ISO 8601 (2026-11-24T08:00), epoch milliseconds, or 30m, 24h, 7d ago',
      );
    filter[field] = ms;
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.to <= filter.from)
    return fail('to', 'must be later than from');
  for (const field of ['caller', 'number'] as const) {
    const value = text[field];
    if (!given(value)) continue;
    const match = parseMatch(value);
    if (match === undefined) return fail(field, 'must be 1 to 64 characters (a trailing * matches any rest)');
    filter[field] = match;
  }
  if (given(text.outcome)) {
    const words = text.outcome
      .split(',')
      .map((w) => w.trim())
      .filter((w) => w.length > 0);
    const bad = unknownOutcome(words);
    if (bad !== undefined || words.length === 0)
      return fail(
        'outcome',
        `${JSON.stringify(bad ?? text.outcome)} is not an outcome (see the list in --help)`,
      );
    filter.outcomes = words;
  }
  if (given(text.tenant)) {
    const tenant = text.tenant.trim();
    if (tenant.length > 253) return fail('tenant', 'must be a dialplan context');
    filter.tenant = tenant;
  }
  if (given(text.flow)) {
    const flow = text.flow.trim();
    if (!(FLOWS as readonly string[]).includes(flow))
      return fail('flow', `must be one of ${FLOWS.join(', ')}`);
    filter.flow = flow as Flow;
  }
  if (given(text.limit)) {
    const limit = /^\d{1,4}$/.test(text.limit.trim()) ? Number(text.limit.trim()) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) return fail('limit', `must be a number from 1 to ${MAX_LIMIT}`);
    filter.limit = limit;
  }
  if (given(text.cursor)) {
    const cursor = decodeCursor(text.cursor.trim());
    if (cursor === undefined) return fail('cursor', 'is not a cursor this history gave');
    filter.cursor = cursor;
  }
  return { ok: true, filter };
}
