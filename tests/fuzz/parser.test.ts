// Property-based tests of the framers: dynconf's EslFramer (src/esl/framer.ts) and esl-lite's
// FreeSwitchParser as dynconf patches it (patches/esl-lite+3.2.0.patch). Whatever bytes arrive, in
// whatever chunks, a framer either yields well-formed frames or stops with a framing error; it never
// throws anything else and never buffers more than its limits (a header block that never ends, a
// Content-Length of 2 GB, negative or not a number: stop at once); and they all make the same of any bytes.
import { FreeSwitchParserLimits } from 'esl-lite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FRAMER_LIMITS } from '../../src/esl/framer.js';
import {
  bodyBytes,
  chunking,
  ESM,
  encodeFrame,
  encodeFrames,
  PARSERS,
  type ParseOutcome,
  parse,
  repeat,
  splitAt,
  type WireFrame,
  wireFrame,
} from './support/wire.js';

const SMALL = { maxHeaderBytes: 128, maxBodyBytes: 512 } as const;

/** Frames and a chunking of their bytes. */
const framesInChunks = fc.array(wireFrame, { minLength: 1, maxLength: 8 }).chain((frames) => {
  const wire = encodeFrames(frames);
  return fc.tuple(fc.constant(frames), fc.constant(wire), chunking(wire.length));
});

function expectFrames(outcome: ParseOutcome, frames: readonly WireFrame[]): void {
  expect(outcome.framingError).toBeUndefined();
  expect(outcome.frames.length).toBe(frames.length);
  frames.forEach((frame, i) => {
    const got = outcome.frames[i];
    for (const [name, value] of frame.headers) expect(got?.headers.get(name)).toBe(value);
    expect(got?.body.equals(frame.body)).toBe(true);
  });
}

/** Bytes that mean something to the framing, mixed with anything. */
const garbage = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) },
      {
        weight: 4,
        arbitrary: fc
          .constantFrom(
            '\n',
            '\n\n',
            ': ',
            'Content-Length: ',
            'Content-Type: text/event-json\n',
            'Content-Type: api/response\n',
            '-1',
            '0',
            '12',
            '511',
            '513',
            '2147483648',
            'abc',
            '\u0000',
            '{"Event-Name":"DTMF"}',
          )
          .map((s) => Buffer.from(s, 'utf8')),
      },
      { weight: 1, arbitrary: fc.constant(Buffer.from([0xc3, 0x28, 0xff, 0xfe])) },
    ),
    { maxLength: 120 },
  )
  .map((parts) => Buffer.concat(parts));

describe('Framers: well-formed frames in any chunking', () => {
  it.each(PARSERS)(
    '$build: yields exactly the frames sent (any headers, any body bytes)',
    async ({ parser }) => {
      await fc.assert(
        fc.asyncProperty(framesInChunks, async ([frames, wire, cuts]) => {
          expectFrames(await parse(parser, splitAt(wire, cuts)), frames);
        }),
        { numRuns: 300 },
      );
    },
  );

  it.each(PARSERS)(
    '$build: a truncated stream yields the complete frames only; the partial one is reported as left over',
    async ({ parser }) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(wireFrame, { minLength: 1, maxLength: 6 }).chain((frames) => {
            const wire = encodeFrames(frames);
            return fc.tuple(
              fc.constant(frames),
              fc.integer({ min: 0, max: wire.length }),
              chunking(wire.length),
            );
          }),
          async ([frames, cut, cuts]) => {
            const wire = encodeFrames(frames);
            const prefix = wire.subarray(0, cut);
            let end = 0;
            const complete = frames.filter((frame) => {
              end += encodeFrame(frame).length;
              return end <= cut;
            });
            const outcome = await parse(
              parser,
              splitAt(
                prefix,
                cuts.filter((c) => c < cut),
              ),
            );
            expectFrames(outcome, complete);
            const after = cut - encodeFrames(complete).length;
            expect(outcome.leftOver ?? 0).toBeLessThanOrEqual(after);
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  it('keeps NUL bytes and invalid UTF-8 in bodies byte for byte, and survives them in headers', async () => {
    for (const { parser } of PARSERS) {
      const body = Buffer.from([0x00, 0xff, 0xfe, 0x0a, 0x0a, 0xc3, 0x28, 0x00]);
      const header = Buffer.concat([
        Buffer.from('Content-Type: api/response\nX-Odd: a'),
        Buffer.from([0x00, 0xff, 0xc3]),
        Buffer.from(`\nContent-Length: ${body.length}\n\n`),
      ]);
      const next = encodeFrame({
        headers: [
          ['Content-Type', 'command/reply'],
          ['Reply-Text', '+OK'],
        ],
        body: Buffer.alloc(0),
      });
      const outcome = await parse(parser, [Buffer.concat([header, body, next])]);
      expect(outcome.framingError).toBeUndefined();
      expect(outcome.frames).toHaveLength(2);
      expect(outcome.frames[0]?.body.equals(body)).toBe(true);
      expect(outcome.frames[0]?.headers.get('X-Odd')).toBe('a\u0000\uFFFD\uFFFD');
      expect(outcome.frames[1]?.headers.get('Reply-Text')).toBe('+OK');
    }
  });
});

describe('Framers: hostile bytes', () => {
  it.each(PARSERS)(
    '$build: random bytes in random chunks: frames or a framing error, nothing else; never more buffered than the limits',
    async ({ parser }) => {
      await fc.assert(
        fc.asyncProperty(
          garbage.chain((bytes) => fc.tuple(fc.constant(bytes), chunking(bytes.length))),
          async ([bytes, cuts]) => {
            const outcome = await parse(parser, splitAt(bytes, cuts), SMALL);
            for (const frame of outcome.frames) {
              const length = frame.headers.get('Content-Length');
              // Every frame yielded is consistent with its own header.
              expect(frame.body.length).toBe(length === undefined ? 0 : Number(length));
              expect(frame.body.length).toBeLessThanOrEqual(SMALL.maxBodyBytes);
            }
            // What it still held at the end: an unfinished header block or body, within the limits.
            expect(outcome.leftOver ?? 0).toBeLessThanOrEqual(
              Math.max(SMALL.maxHeaderBytes, SMALL.maxBodyBytes),
            );
            if (outcome.framingError) expect(outcome.framingError.message).not.toBe('');
          },
        ),
        { numRuns: 500 },
      );
    },
  );

  it.each(PARSERS.filter((b) => b !== ESM))(
    '$build makes the same of the same bytes as esl-lite esm',
    async ({ parser }) => {
      await fc.assert(
        fc.asyncProperty(
          garbage.chain((b) => fc.tuple(fc.constant(b), chunking(b.length))),
          async ([b, cuts]) => {
            const summary = (o: ParseOutcome) => ({
              frames: o.frames.map((f) => [f.headers.get('Content-Type'), f.body.toString('hex')]),
              leftOver: o.leftOver,
              error: o.framingError?.message,
            });
            const a = await parse(ESM.parser, splitAt(b, cuts), SMALL);
            const c = await parse(parser, splitAt(b, cuts), SMALL);
            expect(summary(c)).toEqual(summary(a));
          },
        ),
        { numRuns: 200 },
      );
    },
  );

  it.each(PARSERS)(
    '$build: a header block that never ends (MBs without a blank line): stops after at most its limit plus one chunk',
    async ({ parser }) => {
      const chunk = Buffer.alloc(64 * 1024, 'A');
      // A single newline here and there is a header line, not the end of the block.
      for (let i = 100; i < chunk.length; i += 997) chunk[i] = 0x0a;
      const outcome = await parse(parser, repeat(chunk, 64 * 1024 * 1024));
      expect(outcome.framingError?.message).toBe(
        `no end of headers within ${FreeSwitchParserLimits.maxHeaderBytes} bytes`,
      );
      expect(outcome.pulled).toBeLessThanOrEqual(FreeSwitchParserLimits.maxHeaderBytes + chunk.length);
    },
  );

  it.each(PARSERS)(
    '$build: property: an unterminated header block after any valid frames: those frames, then a stop within the limit plus one chunk',
    async ({ parser }) => {
      const limits = { maxHeaderBytes: 2048, maxBodyBytes: 1024 };
      await fc.assert(
        fc.asyncProperty(
          fc.array(wireFrame, { maxLength: 4 }),
          fc.integer({ min: 1, max: 300 }),
          fc.uint8Array({ minLength: 1, maxLength: 50 }),
          async (frames, chunkSize, filler) => {
            // Filler without a blank line: newlines only ever single.
            const line = Buffer.from(filler).map((b) => (b === 0x0a ? 0x20 : b));
            line[line.length - 1] = 0x0a;
            const tail = Buffer.concat([Buffer.from('x'), line]);
            const wire = encodeFrames(frames);
            async function* source() {
              for (let pos = 0; pos < wire.length; pos += chunkSize)
                yield wire.subarray(pos, pos + chunkSize);
              for (let i = 0; i < 100_000; i++) yield tail;
            }
            const outcome = await parse(parser, source(), limits);
            expect(outcome.frames.map((f) => f.body.toString('hex'))).toEqual(
              frames.map((f) => f.body.toString('hex')),
            );
            expect(outcome.framingError?.message).toBe(
              `no end of headers within ${limits.maxHeaderBytes} bytes`,
            );
            expect(outcome.pulledSinceLastFrame).toBeLessThanOrEqual(
              limits.maxHeaderBytes + chunkSize + tail.length,
            );
          },
        ),
        { numRuns: 150 },
      );
    },
  );

  const BAD_LENGTHS: Array<[string, string]> = [
    ['2^31', '2147483648'],
    ['2^53 + 1', '9007199254740993'],
    ['400 digits', '9'.repeat(400)],
    ['the limit + 1', String(FreeSwitchParserLimits.maxBodyBytes + 1)],
    ['negative', '-1'],
    ['negative zero', '-0'],
    ['not a number', 'abc'],
    ['empty', ''],
    ['leading space', ' 12'],
    ['trailing text', '12abc'],
    ['exponent', '1e3'],
    ['hexadecimal', '0x10'],
    ['plus sign', '+5'],
    ['fraction', '1.5'],
  ];

  it.each(BAD_LENGTHS)(
    'Content-Length %s: a framing error before any body byte is read (every framer)',
    async (_what, value) => {
      for (const { parser } of PARSERS) {
        const head = Buffer.from(`Content-Type: text/event-json\nContent-Length: ${value}\n\n`);
        const body = Buffer.alloc(64 * 1024, '{');
        const outcome = await parse(parser, [head, ...repeat(body, 64 * 1024 * 1024)]);
        expect(outcome.framingError?.message).toMatch(/^Content-Length /);
        expect(outcome.frames).toEqual([]);
        // Stopped on the header chunk: not one body chunk pulled.
        expect(outcome.pulled).toBe(head.length);
      }
    },
  );

  it('a body exactly at the limit is a frame; one byte more is refused', async () => {
    for (const { parser } of PARSERS) {
      const atLimit = Buffer.alloc(SMALL.maxBodyBytes, 'b');
      const ok = await parse(
        parser,
        [
          encodeFrame({
            headers: [
              ['Content-Length', String(atLimit.length)],
              ['Content-Type', 'api/response'],
            ],
            body: atLimit,
          }),
        ],
        SMALL,
      );
      expect(ok.frames).toHaveLength(1);
      expect(ok.frames[0]?.body.length).toBe(SMALL.maxBodyBytes);
      const over = await parse(
        parser,
        [Buffer.from(`Content-Length: ${SMALL.maxBodyBytes + 1}\nContent-Type: api/response\n\n`)],
        SMALL,
      );
      expect(over.framingError?.message).toBe(
        `Content-Length ${SMALL.maxBodyBytes + 1} is over the limit of ${SMALL.maxBodyBytes} bytes`,
      );
    }
  });

  it.each(PARSERS)(
    '$build: a Content-Length too small or too large for its body mis-frames what follows, within the limits, without a crash',
    async ({ parser }) => {
      await fc.assert(
        fc.asyncProperty(
          bodyBytes(200),
          fc.integer({ min: -50, max: 300 }),
          fc.array(wireFrame, { maxLength: 4 }),
          async (body, delta, after) => {
            const claimed = Math.max(0, body.length + delta);
            const head = Buffer.from(`Content-Type: text/event-json\nContent-Length: ${claimed}\n\n`);
            const wire = Buffer.concat([head, body, encodeFrames(after)]);
            const outcome = await parse(parser, [wire], SMALL);
            for (const frame of outcome.frames)
              expect(frame.body.length).toBeLessThanOrEqual(SMALL.maxBodyBytes);
            expect(outcome.leftOver ?? 0).toBeLessThanOrEqual(SMALL.maxBodyBytes);
          },
        ),
        { numRuns: 200 },
      );
    },
  );

  it('the default limits: 64 KiB of headers, 32 MiB of body (the same in both)', () => {
    expect(FreeSwitchParserLimits).toEqual({ maxHeaderBytes: 65_536, maxBodyBytes: 33_554_432 });
    expect(DEFAULT_FRAMER_LIMITS).toEqual(FreeSwitchParserLimits);
  });
});
