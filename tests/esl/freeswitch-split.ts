// A model, for tests, of how FreeSWITCH 1.10 splits command arguments (switch_utils.c
// switch_separate_string / cleanup_separated_string, switch_event.c switch_event_create_brackets),
// written from reading that code. Used to check that what commands.ts builds arrives in FreeSWITCH
// as exactly the arguments and channel variables intended, with nothing injected.

function unescapeChar(c: string): string {
  return c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c === 's' ? ' ' : c;
}

/** cleanup_separated_string: strip leading spaces, quotes, escapes and trailing spaces. */
export function cleanup(s: string, delim: string | null): string {
  let p = 0;
  while (s[p] === ' ') p++;
  const dest: string[] = [];
  let end: number | null = null;
  let inside = false;
  for (; p < s.length; p++) {
    let escaped = false;
    if (s[p] === '\\') {
      const next = s[p + 1];
      if (next !== undefined) {
        const literal = next === "'" || next === '"' || (delim !== null && next === delim) || next === '\\';
        if (literal || unescapeChar(next) !== next) {
          p++;
          dest.push(literal ? next : unescapeChar(next));
          end = dest.length;
          escaped = true;
        }
      }
    }
    if (!escaped) {
      const ch = s[p] as string;
      if (ch === "'" && (inside || s.indexOf("'", p + 1) >= 0)) {
        inside = !inside;
        if (inside) end = dest.length;
      } else {
        dest.push(ch);
        if (ch !== ' ' || inside) end = dest.length;
      }
    }
  }
  return (end === null ? dest : dest.slice(0, end)).join('');
}

function separateCharDelim(buf: string, delim: string, max: number): string[] {
  const starts: number[] = [];
  const cuts: number[] = [];
  let state: 'start' | 'find' = 'start';
  let inside = false;
  let p = 0;
  while (p < buf.length && starts.length < max) {
    if (state === 'start') {
      starts.push(p);
      state = 'find';
      continue;
    }
    const ch = buf[p];
    if (ch === '\\') p++;
    else if (ch === "'" && (inside || buf.indexOf("'", p + 1) >= 0)) inside = !inside;
    else if (ch === delim && !inside) {
      cuts.push(p);
      state = 'start';
    }
    p++;
  }
  return starts.map((s, i) => cleanup(buf.slice(s, cuts[i] ?? buf.length), delim));
}

function separateBlankDelim(buf: string, max: number): string[] {
  const starts: number[] = [];
  const cuts: number[] = [];
  let state: 'start' | 'skipInitial' | 'find' | 'skipEnding' = 'start';
  let inside = false;
  let p = 0;
  while (p < buf.length && starts.length < max) {
    const ch = buf[p];
    if (state === 'start') {
      starts.push(p);
      state = 'skipInitial';
    } else if (state === 'skipInitial') {
      if (ch === ' ') p++;
      else state = 'find';
    } else if (state === 'find') {
      if (ch === '\\') p++;
      else if (ch === "'") inside = !inside;
      else if (ch === ' ' && !inside) {
        cuts.push(p);
        state = 'skipEnding';
      }
      p++;
    } else if (ch === ' ') p++;
    else state = 'start';
  }
  return starts.map((s, i) => cleanup(buf.slice(s, cuts[i] ?? buf.length), null));
}

/** switch_separate_string(buf, delim, array, max). */
export function separate(buf: string, delim: string, max: number): string[] {
  let d = delim;
  let b = buf;
  if (b.startsWith('^^') && b.length >= 4) {
    d = b[2] as string;
    b = b.slice(3);
  }
  return d === ' ' ? separateBlankDelim(b, max) : separateCharDelim(b, d, max);
}

/** switch_find_end_paren: index of the `close` matching the `open` at 0 (escapes are not looked at). */
function findEndParen(s: string, open: string, close: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === open) depth++;
    else if (s[i] === close && --depth === 0) return i;
  }
  return -1;
}

export interface ParsedOriginate {
  variables: [string, string][];
  dialString: string;
  /** The other arguments of originate (`&park()`, …). */
  rest: string[];
}

/** What `originate <args>` gives FreeSWITCH: the `{…}` variables, the dial string, the rest. */
export function parseOriginate(commandText: string): ParsedOriginate {
  if (!commandText.startsWith('originate ')) throw new Error('not an originate');
  const argv = separate(commandText.slice('originate '.length), ' ', 10);
  const first = argv[0] ?? '';
  if (!first.startsWith('{')) return { variables: [], dialString: first, rest: argv.slice(1) };
  const end = findEndParen(first, '{', '}');
  if (end < 0) throw new Error('unterminated {');
  const variables: [string, string][] = [];
  for (const pair of separate(first.slice(1, end), ',', 1024)) {
    const nv = separate(pair, '=', 2);
    if (nv.length === 2) variables.push([nv[0] as string, nv[1] as string]);
  }
  return { variables, dialString: first.slice(end + 1), rest: argv.slice(1) };
}
