// Validation and escaping of the values that go into FreeSWITCH command strings.
// FreeSWITCH splits command arguments with switch_separate_string() (switch_utils.c): a backslash
// protects the next character from the split, single quotes group, and each token is then "cleaned
// up": paired quotes stripped, `\'` `\"` `\\` `\<delim>` and `\n` `\r` `\t` `\s` unescaped, any other
// `\x` kept as the two characters. Whatever cannot be escaped safely is rejected with a reason.
import { type InvalidCommandInput, invalidInput } from './result.js';

/** A check failed: the reason, ready for InvalidCommandInput. */
type Check = string | undefined;

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const VARIABLE_NAME = /^[A-Za-z0-9_]{1,64}$/;
const ROOM_OR_PROFILE = /^[A-Za-z0-9_.-]{1,64}$/;
const HANGUP_CAUSE = /^[A-Z_]{1,64}$/;
const DTMF_DIGITS = /^[0-9*#A-Da-d]{1,64}$/;
/** Dial strings: endpoint/gateway/number/host:port and URI params; no separators of any FreeSWITCH layer. */
const DIAL_STRING = /^[A-Za-z0-9_.@:/+*#=;%-]{1,256}$/;
/** One argument that FreeSWITCH splits on spaces must not contain any whitespace. */
const NO_WHITESPACE = /^\S+$/;

/** Control characters end an ESL command line (`\n`) or corrupt it; never allowed anywhere. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Rules shared by every free-text value: one line, no variable expansion. FreeSWITCH expands
 * `${…}` in application data and can run API commands through it (`${system(…)}`).
 */
export function checkText(value: string, maxLength = 256): Check {
  if (value.length === 0) return 'must not be empty';
  if (value.length > maxLength) return `must be at most ${maxLength} characters`;
  if (hasControlCharacter(value)) return 'must not contain control characters (newline, CR, tab, …)';
  if (value.includes('${')) return 'must not contain "${" (FreeSWITCH variable expansion)';
  return undefined;
}

function check(
  field: string,
  value: unknown,
  pattern: RegExp,
  reason: string,
): InvalidCommandInput | undefined {
  if (typeof value !== 'string') return invalidInput(field, String(value), 'must be a string');
  return pattern.test(value) ? undefined : invalidInput(field, value, reason);
}

export function checkUuid(field: string, value: unknown): InvalidCommandInput | undefined {
  return check(field, value, UUID, 'must be a uuid (8-4-4-4-12 hex digits)');
}

export function checkVariableName(field: string, value: unknown): InvalidCommandInput | undefined {
  return check(field, value, VARIABLE_NAME, 'must be 1-64 characters of A-Z a-z 0-9 _');
}

export function checkRoomOrProfile(field: string, value: unknown): InvalidCommandInput | undefined {
  return check(field, value, ROOM_OR_PROFILE, 'must be 1-64 characters of A-Z a-z 0-9 _ . -');
}

export function checkHangupCause(field: string, value: unknown): InvalidCommandInput | undefined {
  return check(
    field,
    value,
    HANGUP_CAUSE,
    'must be a FreeSWITCH cause name (A-Z and _), e.g. NORMAL_CLEARING',
  );
}

export function checkDtmfDigits(field: string, value: unknown): InvalidCommandInput | undefined {
  return check(field, value, DTMF_DIGITS, 'must be 1-64 DTMF digits (0-9 * # A-D)');
}

export function checkDialString(field: string, value: unknown): InvalidCommandInput | undefined {
  const bad = check(
    field,
    value,
    DIAL_STRING,
    'must be a single dial string of A-Z a-z 0-9 and _ . @ : / + * # = ; % - (no spaces, commas, |, braces, quotes)',
  );
  if (bad) return bad;
  // `:_:` is originate's enterprise separator: it would start another set of legs.
  if ((value as string).includes(':_:'))
    return invalidInput(field, value as string, 'must not contain ":_:"');
  return undefined;
}

/** An argument that FreeSWITCH splits on spaces (file path, regexp, …): one token, plain text. */
export function checkToken(field: string, value: unknown, maxLength = 256): InvalidCommandInput | undefined {
  if (typeof value !== 'string') return invalidInput(field, String(value), 'must be a string');
  const reason = checkText(value, maxLength);
  if (reason) return invalidInput(field, value, reason);
  if (!NO_WHITESPACE.test(value)) return invalidInput(field, value, 'must not contain spaces');
  return undefined;
}

/** Free text (may contain spaces) that is the last argument of a command or an app's whole data. */
export function checkFreeText(
  field: string,
  value: unknown,
  maxLength = 256,
): InvalidCommandInput | undefined {
  if (typeof value !== 'string') return invalidInput(field, String(value), 'must be a string');
  const reason = checkText(value, maxLength);
  return reason ? invalidInput(field, value, reason) : undefined;
}

export function checkInteger(
  field: string,
  value: unknown,
  min: number,
  max: number,
): InvalidCommandInput | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return invalidInput(field, String(value), `must be an integer from ${min} to ${max}`);
  }
  return undefined;
}

/**
 * A value inside originate's `{name=value,…}` block. FreeSWITCH reads it three times: the api
 * arguments are split on spaces (`\s` is unescaped there to a space; `\,` is left alone), the block
 * is split on `,` (`\,` gives a comma), then `name=value` is split once on `=` (the value keeps any
 * further `=`). So a space becomes `\s` and a comma `\,`.
 * Rejected: `{` `}` (FreeSWITCH finds the block's end by counting braces, ignoring escapes), quotes
 * (a second `'` anywhere later in the block would group across our separators) and backslashes
 * (their unescaping differs between FreeSWITCH versions), plus leading/trailing spaces (trimmed by
 * FreeSWITCH, so the value would not arrive as given).
 */
export function escapeOriginateValue(
  field: string,
  value: unknown,
): { ok: true; text: string } | { ok: false; error: InvalidCommandInput } {
  const bad = checkFreeText(field, value);
  if (bad) return { ok: false, error: bad };
  const text = value as string;
  if (/[{}'"\\]/.test(text)) {
    return { ok: false, error: invalidInput(field, text, 'must not contain { } \' " or \\') };
  }
  if (text.trim() !== text) {
    return { ok: false, error: invalidInput(field, text, 'must not start or end with a space') };
  }
  return { ok: true, text: text.replaceAll(' ', '\\s').replaceAll(',', '\\,') };
}

/**
 * The last argument of an api command that takes "the rest of the line" (uuid_setvar's value):
 * FreeSWITCH's cleanup still strips quotes and unescapes, so a space becomes `\s` and quotes `\'`
 * `\"`. Backslashes are rejected (see escapeOriginateValue), as are leading/trailing spaces.
 */
export function escapeApiArgument(
  field: string,
  value: unknown,
): { ok: true; text: string } | { ok: false; error: InvalidCommandInput } {
  const bad = checkFreeText(field, value);
  if (bad) return { ok: false, error: bad };
  const text = value as string;
  if (text.includes('\\')) return { ok: false, error: invalidInput(field, text, 'must not contain "\\"') };
  if (text.trim() !== text) {
    return { ok: false, error: invalidInput(field, text, 'must not start or end with a space') };
  }
  let out = '';
  for (const ch of text) {
    if (ch === ' ') out += '\\s';
    else if (ch === "'" || ch === '"') out += `\\${ch}`;
    else out += ch;
  }
  return { ok: true, text: out };
}
