// Event-socket wire frames for fuzzing: a model of a frame, its bytes, generators of frames, garbage and
// chunkings, and a driver that runs a framer over chunks while counting how many bytes it pulled, so that
// tests can bound what it buffered. The framers: dynconf's own (src/esl/framer.ts, what the controller
// reads FreeSWITCH with) and esl-lite's patched FreeSwitchParser, ESM and CommonJS builds (what the
// benchmark's esl-lite consumer and the security proxy use); all of them must make the same of any bytes.
import { createRequire } from 'node:module';
import {
  FreeSwitchParser,
  type FreeSwitchParserLimitOptions,
  type FreeSwitchParserNonEmptyBufferAtEndError,
} from 'esl-lite';
import fc from 'fast-check';
import { DEFAULT_FRAMER_LIMITS, EslFramer, FramingError } from '../../../src/esl/framer.js';
import { silentLogger } from '../../../src/log.js';

export type Parser = typeof FreeSwitchParser;

/** A frame as the tests read it, whichever framer made it. */
export interface ParsedFrame {
  readonly headers: { get(name: string): string | undefined };
  readonly body: Buffer;
}

/** A framer run over a source of chunks, in esl-lite's shape: frames, then the bytes left over as an
 * error value; a framing error is thrown (named FreeSwitchParserFramingError, as esl-lite's is). */
export type Framing = (
  source: AsyncIterable<Buffer>,
  limits?: FreeSwitchParserLimitOptions,
) => AsyncIterable<ParsedFrame | Error>;

const eslLite =
  (parser: Parser): Framing =>
  (source, limits) =>
    parser(source, silentLogger(), limits);

/** dynconf's EslFramer, pushed each chunk as it comes and drained of whole frames after each. */
export async function* dynconfFraming(
  source: AsyncIterable<Buffer>,
  limits?: FreeSwitchParserLimitOptions,
): AsyncGenerator<ParsedFrame | Error> {
  const framer = new EslFramer({ ...DEFAULT_FRAMER_LIMITS, ...limits });
  for await (const chunk of source) {
    framer.push(chunk);
    for (let frame = framer.next(); frame !== undefined; frame = framer.next()) {
      if (frame instanceof FramingError) {
        const error = new Error(frame.message);
        error.name = 'FreeSwitchParserFramingError';
        throw error;
      }
      yield frame;
    }
  }
  if (framer.pendingBytes > 0) {
    const leftOver = new Error(`${framer.pendingBytes} bytes left over`) as Error & { buffer: Buffer };
    leftOver.name = 'FreeSwitchParserNonEmptyBufferAtEndError';
    leftOver.buffer = Buffer.alloc(framer.pendingBytes);
    yield leftOver;
  }
}

interface EslLiteModule {
  FreeSwitchParser: Parser;
}

const cjs = createRequire(import.meta.url)('esl-lite') as EslLiteModule;

interface Build {
  readonly build: string;
  readonly parser: Framing;
}

export const DYNCONF: Build = { build: 'dynconf EslFramer', parser: dynconfFraming };
export const ESM: Build = { build: 'esl-lite esm', parser: eslLite(FreeSwitchParser) };
export const CJS: Build = { build: 'esl-lite cjs', parser: eslLite(cjs.FreeSwitchParser) };
/** Every framer: they must behave the same. */
export const PARSERS: readonly Build[] = [DYNCONF, ESM, CJS];

/** One frame as FreeSWITCH would send it: header lines (in order) and a body. */
export interface WireFrame {
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

/** The frame's bytes: `Name: value` lines, a blank line, the body. */
export function encodeFrame(frame: WireFrame): Buffer {
  const head = frame.headers.map(([name, value]) => `${name}: ${value}\n`).join('');
  return Buffer.concat([Buffer.from(`${head}\n`, 'utf8'), frame.body]);
}

export function encodeFrames(frames: readonly WireFrame[]): Buffer {
  return Buffer.concat(frames.map(encodeFrame));
}

const CONTENT_TYPES = [
  'auth/request',
  'command/reply',
  'api/response',
  'text/event-json',
  'text/event-plain',
  'text/disconnect-notice',
  'log/data',
  'text/rude-rejection',
];

const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,23}$/);
/** Header values: any text on one line, including `: `, NUL and non-ASCII (no newline, no lone surrogates). */
const headerValue = fc
  .string({ unit: 'grapheme', maxLength: 60 })
  .map((s) => s.replace(/[\n\r]/g, ' ').replace(/[\uD800-\uDFFF]/g, '?'));

/** Body bytes: anything, often with the bytes that matter to framing (`\n\n`, `:`, NUL, invalid UTF-8). */
export const bodyBytes = (maxLength = 600) =>
  fc
    .array(
      fc.oneof(
        fc.uint8Array({ maxLength: 40 }),
        fc.constantFrom(
          Buffer.from('\n\n'),
          Buffer.from('Content-Length: 12\n\n'),
          Buffer.from([0]),
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from('{"Event-Name":"DTMF"}'),
        ),
      ),
      { maxLength: Math.ceil(maxLength / 20) },
    )
    .map((parts) => Buffer.concat(parts).subarray(0, maxLength));

/** A well-formed frame: Content-Type, extra headers, and a Content-Length matching the body (when any). */
export const wireFrame: fc.Arbitrary<WireFrame> = fc
  .record({
    contentType: fc.constantFrom(...CONTENT_TYPES),
    extra: fc.uniqueArray(fc.tuple(headerName, headerValue), {
      maxLength: 4,
      selector: ([name]) => name.toLowerCase(),
    }),
    body: bodyBytes(),
    explicitZero: fc.boolean(),
  })
  .map(({ contentType, extra, body, explicitZero }) => {
    const headers: Array<readonly [string, string]> = extra.filter(
      ([name]) => name !== 'Content-Length' && name !== 'Content-Type',
    );
    if (body.length > 0 || explicitZero) headers.unshift(['Content-Length', String(body.length)]);
    headers.splice(Math.min(1, headers.length), 0, ['Content-Type', contentType]);
    return { headers, body };
  });

/** Split points for a buffer of `length` bytes, biased to tiny chunks (boundaries inside `\n\n`). */
export function chunking(length: number): fc.Arbitrary<number[]> {
  if (length < 2) return fc.constant([]);
  return fc
    .uniqueArray(fc.integer({ min: 1, max: length - 1 }), { maxLength: 40 })
    .map((cuts) => cuts.sort((a, b) => a - b));
}

export function splitAt(buffer: Buffer, cuts: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(buffer.subarray(start, cut));
    start = cut;
  }
  chunks.push(buffer.subarray(start));
  return chunks.filter((c) => c.length > 0);
}

/** What the parser made of a stream. */
export interface ParseOutcome {
  readonly frames: ParsedFrame[];
  /** Bytes the parser held when the stream ended (FreeSwitchParserNonEmptyBufferAtEndError), if any. */
  readonly leftOver: number | undefined;
  /** The framing error that stopped it, if any. */
  readonly framingError: Error | undefined;
  /** Bytes pulled from the source before the parser stopped. */
  readonly pulled: number;
  /** Bytes pulled since the last frame was yielded, at the moment it stopped (what it was holding). */
  readonly pulledSinceLastFrame: number;
}

/**
 * Runs the parser over `source` (any iterable of chunks, possibly endless). Any exception other than the
 * framing error is rethrown: a test that gets one has found a crash.
 */
export async function parse(
  parser: Framing,
  source: Iterable<Buffer> | AsyncIterable<Buffer>,
  limits?: FreeSwitchParserLimitOptions,
): Promise<ParseOutcome> {
  let pulled = 0;
  let sinceFrame = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      pulled += chunk.length;
      sinceFrame += chunk.length;
      yield chunk;
    }
  }
  const frames: ParseOutcome['frames'] = [];
  let leftOver: number | undefined;
  let framingError: Error | undefined;
  try {
    for await (const item of parser(counted(), limits)) {
      if (item instanceof Error) {
        // (The CommonJS build has its own class: compare by name.)
        if (item.name !== 'FreeSwitchParserNonEmptyBufferAtEndError') throw item;
        leftOver = (item as FreeSwitchParserNonEmptyBufferAtEndError).buffer.length;
        continue;
      }
      sinceFrame = 0;
      frames.push({ headers: item.headers, body: item.body });
    }
  } catch (err) {
    if (!(err instanceof Error) || err.name !== 'FreeSwitchParserFramingError') throw err;
    framingError = err;
  }
  return { frames, leftOver, framingError, pulled, pulledSinceLastFrame: sinceFrame };
}

/** Endless chunks of `chunk` (a parser that buffers without bound never stops reading it). */
export function* repeat(chunk: Buffer, maxBytes = 256 * 1024 * 1024): Generator<Buffer> {
  for (let sent = 0; sent < maxBytes; sent += chunk.length) yield chunk;
}
