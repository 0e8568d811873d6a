// Server side of the event-socket framing: a command is a line, optional `Name: value` headers, a blank
// line, then `Content-Length` bytes of body when that header is present. Bytes may arrive in any chunks.
export interface Command {
  line: string;
  /** Headers in the order and spelling received. */
  headers: Array<[string, string]>;
  body?: string;
}

export class CommandParser {
  private buf: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns every command completed by them. */
  push(chunk: Buffer): Command[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Command[] = [];
    for (;;) {
      const cmd = this.next();
      if (cmd === undefined) break;
      out.push(cmd);
    }
    return out;
  }

  get pendingBytes(): number {
    return this.buf.length;
  }

  private next(): Command | undefined {
    // skip blank lines between commands
    let start = 0;
    while (start < this.buf.length && (this.buf[start] === 0x0a || this.buf[start] === 0x0d)) start++;
    if (start > 0) this.buf = this.buf.subarray(start);
    const lf = this.buf.indexOf('\n\n');
    const crlf = this.buf.indexOf('\r\n\r\n');
    let end: number;
    let sepLen: number;
    if (lf < 0 && crlf < 0) return undefined;
    if (crlf >= 0 && (lf < 0 || crlf < lf)) {
      end = crlf;
      sepLen = 4;
    } else {
      end = lf;
      sepLen = 2;
    }
    const head = this.buf.subarray(0, end).toString('utf8').replace(/\r/g, '');
    const lines = head.split('\n');
    const line = (lines.shift() ?? '').trim();
    const headers: Array<[string, string]> = [];
    for (const l of lines) {
      const colon = l.indexOf(':');
      if (colon <= 0) continue;
      headers.push([l.slice(0, colon).trim(), l.slice(colon + 1).trim()]);
    }
    const lengthHeader = headers.find(([k]) => k.toLowerCase() === 'content-length');
    const length = lengthHeader === undefined ? 0 : Number.parseInt(lengthHeader[1], 10);
    const bodyStart = end + sepLen;
    if (Number.isFinite(length) && length > 0) {
      if (this.buf.length < bodyStart + length) return undefined;
      const body = this.buf.subarray(bodyStart, bodyStart + length).toString('utf8');
      this.buf = this.buf.subarray(bodyStart + length);
      return { line, headers, body };
    }
    this.buf = this.buf.subarray(bodyStart);
    return { line, headers };
  }
}

export function header(cmd: Command, name: string): string | undefined {
  const lower = name.toLowerCase();
  return cmd.headers.find(([k]) => k.toLowerCase() === lower)?.[1];
}
