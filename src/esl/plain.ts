// `text/event-plain` bodies: `Key: value` lines with URL-encoded values, ended by a blank line; an
// event with a body (BACKGROUND_JOB) has an inner `Content-Length` and the body after the blank line.
// Parsed into the same header object shape as `text/event-json`, so decode.ts handles both.

const ARRAY_PREFIX = 'ARRAY::';

function urlDecode(value: string): string | undefined {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * Header object of a plain event: values URL-decoded; FreeSWITCH's `ARRAY::a|:b` multi-values become
 * `['a', 'b']` as in JSON; a body becomes `_body` as in JSON. Returns undefined when a value is not
 * valid URL encoding (the event is malformed).
 */
export function parsePlainEvent(text: string): Record<string, unknown> | undefined {
  const headers: Record<string, unknown> = {};
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    if (end === pos) {
      pos = end + 1;
      break; // blank line: end of headers
    }
    const line = text.slice(pos, end);
    pos = end + 1;
    const colon = line.indexOf(': ');
    if (colon <= 0) continue;
    const decoded = urlDecode(line.slice(colon + 2));
    if (decoded === undefined) return undefined;
    const name = line.slice(0, colon);
    headers[name] = decoded.startsWith(ARRAY_PREFIX)
      ? decoded.slice(ARRAY_PREFIX.length).split('|:')
      : decoded;
  }
  if (headers['Content-Length'] !== undefined) {
    const length = Number(headers['Content-Length']);
    const rest = Buffer.from(text.slice(pos), 'utf8');
    headers._body = rest.subarray(0, Number.isFinite(length) ? length : rest.length).toString('utf8');
  }
  return headers;
}
