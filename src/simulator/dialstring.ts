// Parsing of FreeSWITCH dial strings and argument lists, the way FreeSWITCH does it (quotes, escapes,
// `{var=value,...}` channel variables), so that odd input behaves as on the real thing.

/** Splits on `sep` outside single quotes; `\x` escapes x; quotes are removed from the pieces. */
export function splitQuoted(text: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\\' && i + 1 < text.length) {
      cur += text[i + 1];
      i++;
    } else if (ch === "'") {
      quoted = !quoted;
    } else if (ch === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}

/** Splits an argument string on blanks, keeping single- or double-quoted words together (quotes removed). */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let has = false;
  for (const ch of text) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      has = true;
    } else if (ch === ' ' || ch === '\t') {
      if (has || cur !== '') out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has || cur !== '') out.push(cur);
  return out;
}

/** Index of the bracket closing the one at `open`, ignoring brackets inside single quotes; -1 if none. */
function closing(text: string, open: number, close: string): number {
  let quoted = false;
  for (let i = open + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === "'") quoted = !quoted;
    else if (ch === close && !quoted) return i;
  }
  return -1;
}

export interface DialString {
  /** Variables from `{...}` (all legs) and `[...]` (this leg), in order; later ones win. */
  vars: Map<string, string>;
  /** What is left: `user/801`, `sofia/gateway/gsm/0612...`, `loopback/7002/default`. */
  target: string;
}

export class DialStringError extends Error {}

/** `{a=b,c='x,y'}[d=e]user/801` → vars + target. Throws DialStringError on an unbalanced bracket. */
export function parseDialString(text: string): DialString {
  const vars = new Map<string, string>();
  let rest = text.trim();
  for (;;) {
    const open = rest[0];
    if (open !== '{' && open !== '[' && open !== '<') break;
    const close = open === '{' ? '}' : open === '[' ? ']' : '>';
    const end = closing(rest, 0, close);
    if (end < 0) throw new DialStringError(`unbalanced ${open} in dial string`);
    for (const pair of splitQuoted(rest.slice(1, end), ',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      vars.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
    rest = rest.slice(end + 1);
  }
  return { vars, target: rest };
}

/** Splits an originate command line into its dial string and the remaining words. */
export function splitOriginateArgs(args: string): { dial: string; rest: string[] } | undefined {
  const text = args.trim();
  if (text === '') return undefined;
  let depth = 0;
  let quoted = false;
  let i = 0;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && (ch === '{' || ch === '[' || ch === '<')) depth++;
    else if (!quoted && (ch === '}' || ch === ']' || ch === '>')) depth--;
    else if (!quoted && depth <= 0 && ch === ' ') break;
  }
  return { dial: text.slice(0, i), rest: splitArgs(text.slice(i + 1)) };
}
