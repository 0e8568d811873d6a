// Cuts the event socket's byte stream into frames: a block of `Name: value` header lines ended by a
// blank line, then `Content-Length` bytes of body. Synchronous and pull-style (push() the chunks as they
// come, then next() until it has nothing), so a TCP read of many frames costs no promise per frame, and a
// body that lies within one read is handed on as a view of it, not a copy. Whatever the chunking (a
// chunk may end anywhere, even between the two newlines that end a header block), the frames are the same.
// Bounded: a header block that does not end within `maxHeaderBytes`, or a Content-Length that is not a
// number of bytes or is over `maxBodyBytes`, is not FreeSWITCH talking: next() returns a FramingError
// and the stream is to be dropped (nothing after it can be trusted).

export interface FramerLimits {
  readonly maxHeaderBytes: number;
  readonly maxBodyBytes: number;
}

/** FreeSWITCH's frame headers are a few short lines; its largest bodies (`show channels as json` on a busy
 * switch) a few MB. */
export const DEFAULT_FRAMER_LIMITS: FramerLimits = Object.freeze({
  maxHeaderBytes: 64 * 1024,
  maxBodyBytes: 32 * 1024 * 1024,
});

export interface Frame {
  /** `Content-Type`, `Reply-Text`, …: the last of repeated names counts. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

export class FramingError extends Error {
  override readonly name = 'FramingError';
}

interface Head {
  readonly headers: ReadonlyMap<string, string>;
  readonly contentLength: number;
}

const EMPTY = Buffer.alloc(0);
const HEADER_END = Buffer.from('\n\n', 'latin1');
const DIGITS = /^\d+$/;

/** The header lines before `end` (utf8 text, `Name: value`, split at the first ": " so that a value may
 * hold one), or why they cannot frame a body. */
function readHead(block: Buffer, end: number, maxBodyBytes: number): Head | FramingError {
  const headers = new Map<string, string>();
  for (const line of block.toString('utf8', 0, end).split('\n')) {
    const colon = line.indexOf(': ');
    if (colon >= 0) headers.set(line.slice(0, colon), line.slice(colon + 2));
  }
  const lengthText = headers.get('Content-Length');
  if (lengthText === undefined) return { headers, contentLength: 0 };
  if (!DIGITS.test(lengthText)) {
    return new FramingError(
      `Content-Length is not a number of bytes: ${JSON.stringify(lengthText.slice(0, 40))}`,
    );
  }
  const contentLength = Number(lengthText);
  if (!(contentLength <= maxBodyBytes)) {
    const shown = lengthText.length > 20 ? `${lengthText.slice(0, 20)}...` : lengthText;
    return new FramingError(`Content-Length ${shown} is over the limit of ${maxBodyBytes} bytes`);
  }
  return { headers, contentLength };
}

export class EslFramer {
  readonly #limits: FramerLimits;
  /** Bytes not framed yet, from the start of a header block (while no body is being gathered). */
  #rest: Buffer = EMPTY;
  /** Headers of the frame whose body is being gathered. */
  #head: Head | undefined;
  /** That body's bytes so far (the last part may run past its end). */
  #parts: Buffer[] = [];
  #gathered = 0;
  #failed = false;

  constructor(limits: FramerLimits = DEFAULT_FRAMER_LIMITS) {
    this.#limits = limits;
  }

  /** Bytes received and not yet handed on as a frame (left over when the stream ends mid-frame). */
  get pendingBytes(): number {
    return this.#head === undefined ? this.#rest.length : this.#gathered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0 || this.#failed) return;
    if (this.#head !== undefined) {
      this.#parts.push(chunk);
      this.#gathered += chunk.length;
    } else {
      // Only a header block's start is ever left over here (at most maxHeaderBytes): the copy is bounded.
      this.#rest = this.#rest.length === 0 ? chunk : Buffer.concat([this.#rest, chunk]);
    }
  }

  /** The next whole frame, undefined until more bytes come, or the FramingError that ends the stream. */
  next(): Frame | FramingError | undefined {
    if (this.#failed) return undefined;
    if (this.#head !== undefined) return this.#bodyDone(this.#head);
    const data = this.#rest;
    if (data.length === 0) return undefined;
    const { maxHeaderBytes, maxBodyBytes } = this.#limits;
    const end = data.indexOf(HEADER_END);
    if (end < 0) {
      return data.length > maxHeaderBytes
        ? this.#fail(new FramingError(`no end of headers within ${maxHeaderBytes} bytes`))
        : undefined;
    }
    if (end > maxHeaderBytes) {
      return this.#fail(new FramingError(`a header block longer than ${maxHeaderBytes} bytes`));
    }
    const head = readHead(data, end, maxBodyBytes);
    if (head instanceof FramingError) return this.#fail(head);
    const bodyStart = end + HEADER_END.length;
    const bodyEnd = bodyStart + head.contentLength;
    if (bodyEnd <= data.length) {
      this.#rest = data.subarray(bodyEnd);
      return frameOf(head, head.contentLength === 0 ? EMPTY : data.subarray(bodyStart, bodyEnd));
    }
    this.#rest = EMPTY;
    this.#head = head;
    const started = data.subarray(bodyStart);
    this.#parts = started.length === 0 ? [] : [started];
    this.#gathered = started.length;
    return undefined;
  }

  #bodyDone(head: Head): Frame | undefined {
    if (this.#gathered < head.contentLength) return undefined;
    const parts = this.#parts;
    const all = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, this.#gathered);
    this.#head = undefined;
    this.#parts = [];
    this.#gathered = 0;
    this.#rest = all.subarray(head.contentLength);
    return frameOf(head, all.subarray(0, head.contentLength));
  }

  #fail(error: FramingError): FramingError {
    this.#failed = true;
    this.#rest = EMPTY;
    this.#parts = [];
    return error;
  }
}

function frameOf(head: Head, body: Buffer): Frame {
  return { headers: head.headers, body };
}
