// One FreeSWITCH event: ordered headers (keys may repeat, as FreeSWITCH's own JSON shows), optional body.
import type { SimEvent } from '../types.js';
import { urlEncode } from '../wire/url.js';

export type HeaderValue = string | string[];

export class EventData implements SimEvent {
  readonly headers: Array<[string, HeaderValue]> = [];
  body?: string;

  constructor(
    readonly name: string,
    readonly sequence: number,
    readonly subclass?: string,
  ) {}

  get uuid(): string | undefined {
    return this.get('Unique-ID');
  }

  /** Appends a header (a repeated key stays repeated, like FreeSWITCH's switch_event_add_header). */
  add(key: string, value: HeaderValue): this {
    this.headers.push([key, value]);
    return this;
  }

  /** Replaces the first header with this key, or appends it. */
  set(key: string, value: HeaderValue): this {
    const at = this.headers.findIndex(([k]) => k === key);
    if (at >= 0) this.headers[at] = [key, value];
    else this.headers.push([key, value]);
    return this;
  }

  get(key: string): string | undefined {
    const found = this.headers.find(([k]) => k === key);
    if (found === undefined) return undefined;
    const value = found[1];
    return typeof value === 'string' ? value : value.join('|');
  }

  /** The event as `text/event-json` body: compact, keys in order, `_body` last. */
  toJson(): string {
    const parts = this.headers.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    if (this.body !== undefined) {
      parts.push(`"Content-Length":${JSON.stringify(String(Buffer.byteLength(this.body, 'utf8')))}`);
      parts.push(`"_body":${JSON.stringify(this.body)}`);
    }
    return `{${parts.join(',')}}`;
  }

  /** The event as `text/event-plain` body: `Key: url-encoded value` lines, a blank line, then the body. */
  toPlain(): string {
    let out = '';
    for (const [k, v] of this.headers) {
      const text = typeof v === 'string' ? v : `ARRAY::${v.join('|:')}`;
      out += `${k}: ${urlEncode(text)}\n`;
    }
    if (this.body !== undefined) {
      return `${out}Content-Length: ${Buffer.byteLength(this.body, 'utf8')}\n\n${this.body}`;
    }
    return `${out}\n`;
  }
}
