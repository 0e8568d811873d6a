// Reads the headers of a `text/event-json` body without JSON.parse. FreeSWITCH writes a flat, compact
// object of ~100-250 string (or string array) values, mostly channel variables the runtime never reads;
// parsing them all into an object was the largest cost of ingest. One pass over the text checks it is
// valid JSON of that shape and notes where each key starts; a header is cut out of the text when asked
// for. Anything else (whitespace, numbers, nested objects, escaped keys) is left to JSON.parse.
import type { HeaderSource } from './channel-info.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
/** JSON.parse rejects these raw in a string; outside strings only whitespace may be one. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHAR = /[\u0000-\u001f]/;

function isHexDigit(c: number): boolean {
  const lower = c | 0x20;
  return (c >= 0x30 && c <= 0x39) || (lower >= 0x61 && lower <= 0x66);
}

/** Length of the escape starting at `at` (a backslash) in `text`, or 0 when JSON does not allow it. */
function escapeLength(text: string, at: number): number {
  switch (text.charCodeAt(at + 1)) {
    case QUOTE:
    case BACKSLASH:
    case 0x2f: // /
    case 0x62: // b
    case 0x66: // f
    case 0x6e: // n
    case 0x72: // r
    case 0x74: // t
      return 2;
    case 0x75: // u
      return isHexDigit(text.charCodeAt(at + 2)) &&
        isHexDigit(text.charCodeAt(at + 3)) &&
        isHexDigit(text.charCodeAt(at + 4)) &&
        isHexDigit(text.charCodeAt(at + 5))
        ? 6
        : 0;
    default:
      return 0;
  }
}

/**
 * A cheap filter over keys (from length, middle and last character, 10 bits): a lookup compares the text
 * only where this matches. The same function of the key's characters for a key in the text and for a
 * name asked for.
 */
function keySignature(text: string, from: number, length: number): number {
  if (length === 0) return 0;
  return (
    (length * 997 + text.charCodeAt(from + (length >> 1)) * 31 + text.charCodeAt(from + length - 1)) & 1023
  );
}

/** Keys are noted as `start * 1024 + signature`, a small integer while `start` < 2^20. */
const SIGNATURE_BITS = 10;
const SIGNATURE_MASK = 1023;
const MAX_INDEXED_LENGTH = 1 << 20;

/** Where indexKeys() writes, copied out at the end at its exact size. */
const scratch: number[] = [];

/** Scan state: the text and the next backslash at or after the scan position (text.length if none). */
let scanText = '';
let nextBackslash = 0;

/** Index of the quote closing the string that opens at `open`, or -1 when the string is not valid JSON. */
function stringEnd(open: number): number {
  const text = scanText;
  let close = text.indexOf('"', open + 1);
  if (close < 0) return -1;
  while (nextBackslash < close) {
    const length = escapeLength(text, nextBackslash);
    if (length === 0) return -1;
    const after = nextBackslash + length;
    if (after > close) {
      close = text.indexOf('"', after); // the quote was escaped
      if (close < 0) return -1;
    }
    nextBackslash = text.indexOf('\\', after);
    if (nextBackslash < 0) nextBackslash = text.length;
  }
  return close;
}

/** Index after the value that starts at `at` (a string or an array of strings), or -1. */
function valueEnd(at: number): number {
  const text = scanText;
  const first = text.charCodeAt(at);
  if (first === QUOTE) {
    const close = stringEnd(at);
    return close < 0 ? -1 : close + 1;
  }
  if (first !== OPEN_BRACKET) return -1;
  let pos = at + 1;
  if (text.charCodeAt(pos) === CLOSE_BRACKET) return pos + 1;
  for (;;) {
    if (text.charCodeAt(pos) !== QUOTE) return -1;
    const close = stringEnd(pos);
    if (close < 0) return -1;
    const next = text.charCodeAt(close + 1);
    if (next === CLOSE_BRACKET) return close + 2;
    if (next !== COMMA) return -1;
    pos = close + 2;
  }
}

/**
 * Every key of `text` in order, as start * 1024 + signature, when `text` is a compact JSON object of
 * string or string-array values with unescaped keys (then JSON.parse would accept it); otherwise
 * undefined (it may or may not be valid JSON).
 */
function indexKeys(text: string): number[] | undefined {
  const length = text.length;
  if (length < 2 || length > MAX_INDEXED_LENGTH || text.charCodeAt(0) !== OPEN_BRACE) return undefined;
  if (CONTROL_CHAR.test(text)) return undefined;
  if (text.charCodeAt(1) === CLOSE_BRACE) return length === 2 ? [] : undefined;
  const keys = scratch;
  let count = 0;
  scanText = text;
  nextBackslash = text.indexOf('\\');
  if (nextBackslash < 0) nextBackslash = length;
  let pos = 1;
  try {
    for (;;) {
      if (text.charCodeAt(pos) !== QUOTE) return undefined;
      const keyEnd = text.indexOf('"', pos + 1);
      // an escape in a key (or no end): left to JSON.parse, as lookups compare raw text
      if (keyEnd < 0 || nextBackslash < keyEnd || text.charCodeAt(keyEnd + 1) !== COLON) return undefined;
      keys[count++] = pos * (SIGNATURE_MASK + 1) + keySignature(text, pos + 1, keyEnd - pos - 1);
      pos = valueEnd(keyEnd + 2);
      if (pos < 0) return undefined;
      const next = text.charCodeAt(pos);
      if (next === CLOSE_BRACE) return pos === length - 1 ? keys.slice(0, count) : undefined;
      if (next !== COMMA) return undefined;
      pos++;
    }
  } finally {
    scanText = '';
    if (keys.length > 2048) keys.length = 0; // a huge body: do not keep its scratch
  }
}

/**
 * `value` without a reference to the text it was cut from. V8 makes a slice of 13 characters or more a view
 * of its parent string: a uuid kept in a table would keep the event's whole body (a few KB) alive, and
 * every body promoted to the old generation that way makes the major GCs come sooner. Slicing a fresh
 * concatenation copies the characters first, so the view is of that small copy.
 */
function detached(value: string): string {
  return value.length < 13 ? value : ` ${value}`.slice(1);
}

/** The headers of one event body, each read from the text when asked for. */
class JsonTextHeaders implements HeaderSource {
  readonly #text: string;
  readonly #keys: readonly number[];

  constructor(text: string, keys: readonly number[]) {
    this.#text = text;
    this.#keys = keys;
  }

  /** Same as headerValue() of JSON.parse(text): the last of repeated keys, the first of an array. */
  get(name: string): string | undefined {
    const text = this.#text;
    const keys = this.#keys;
    const length = name.length;
    const signature = keySignature(name, 0, length);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as number;
      if ((key & SIGNATURE_MASK) !== signature) continue;
      const start = key >>> SIGNATURE_BITS;
      // keys have no escapes: the first quote after the opening one closes the key
      if (text.indexOf('"', start + 1) !== start + 1 + length || !text.startsWith(name, start + 1)) continue;
      return this.#valueAt(start + length + 3);
    }
    return undefined;
  }

  #valueAt(at: number): string | undefined {
    const text = this.#text;
    if (text.charCodeAt(at) !== OPEN_BRACKET) return this.#stringAt(at);
    return text.charCodeAt(at + 1) === QUOTE ? this.#stringAt(at + 1) : undefined; // [] has no first value
  }

  /** The string that opens at `open` (valid: the text was checked). */
  #stringAt(open: number): string {
    const text = this.#text;
    let close = text.indexOf('"', open + 1);
    const raw = text.slice(open + 1, close);
    if (!raw.includes('\\')) return detached(raw);
    let backslash = text.indexOf('\\', open + 1);
    while (backslash >= 0 && backslash < close) {
      const after = backslash + (text.charCodeAt(backslash + 1) === 0x75 ? 6 : 2);
      if (after > close) close = text.indexOf('"', after); // the quote was escaped
      backslash = text.indexOf('\\', after);
    }
    return JSON.parse(text.slice(open, close + 1)) as string;
  }
}

/**
 * The headers of a `text/event-json` body, read lazily, when it has the shape FreeSWITCH writes (compact,
 * string and string-array values) and is valid JSON; undefined otherwise (JSON.parse decides then).
 */
export function jsonTextHeaders(text: string): HeaderSource | undefined {
  const keys = indexKeys(text);
  return keys === undefined ? undefined : new JsonTextHeaders(text, keys);
}
