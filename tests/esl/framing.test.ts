// Every framer (dynconf's EslFramer, which the controller reads FreeSWITCH with, and esl-lite's
// FreeSwitchParser as patched in patches/esl-lite+3.2.0.patch, both builds) must frame FreeSWITCH's byte
// stream the same way whatever the TCP chunking: every recorded frame, headers and body bytes.
import { describe, expect, it } from 'vitest';
import { seededRandom as random } from '../../src/simulator/server/pipeline.js';
import { type Framing, PARSERS } from '../fuzz/support/wire.js';
import { bodyText, type InRecord, inboundStream, loadTrace, traceFiles } from '../support/traces.js';

function mainFrames(file: string): InRecord[] {
  return loadTrace(file).filter((r): r is InRecord => r.dir === 'in' && r.conn === undefined);
}

async function* fromChunks(chunks: Buffer[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield chunk;
}

/** Parses `chunks` and returns the first difference from `expected`, or undefined when all match. */
async function firstMismatch(
  parser: Framing,
  chunks: Buffer[],
  expected: InRecord[],
): Promise<string | undefined> {
  let index = 0;
  for await (const frame of parser(fromChunks(chunks))) {
    if (frame instanceof Error) return `parser error ${frame.name} after ${index} frames`;
    const rec = expected[index];
    if (rec === undefined) return `extra frame ${index}: ${frame.headers.get('Content-Type')}`;
    for (const [name, value] of Object.entries(rec.headers)) {
      if (frame.headers.get(name) !== value) {
        return `frame ${index} header ${name}: ${JSON.stringify(frame.headers.get(name))} != ${JSON.stringify(value)}`;
      }
    }
    if (!frame.body.equals(Buffer.from(bodyText(rec), 'utf8')))
      return `frame ${index} (${rec.contentType}): body differs`;
    index++;
  }
  return index === expected.length ? undefined : `only ${index} of ${expected.length} frames`;
}

function randomChunks(stream: Buffer, seed: number): Buffer[] {
  const next = random(seed);
  const chunks: Buffer[] = [];
  for (let pos = 0; pos < stream.length; ) {
    // Mostly TCP-like sizes, often tiny ones so that boundaries land inside header terminators.
    const size = next() < 0.3 ? 1 + Math.floor(next() * 8) : 1 + Math.floor(next() * 4096);
    chunks.push(stream.subarray(pos, pos + size));
    pos += size;
  }
  return chunks;
}

describe.each(PARSERS)('$build framing', ({ parser }) => {
  // 40 frames of trace 12: auth/request, command/reply, api/response (with and without a trailing
  // newline) and text/event-json; about 12.8 kB, so about 12 800 split points.
  const frames = mainFrames('12-error-replies.jsonl').slice(0, 40);
  const stream = inboundStream(frames);

  it('recovers every frame when the stream is split in two at every byte offset', async () => {
    const failures: string[] = [];
    let offsets = 0;
    for (let offset = 1; offset < stream.length; offset++) {
      offsets++;
      const chunks = [stream.subarray(0, offset), stream.subarray(offset)];
      const mismatch = await firstMismatch(parser, chunks, frames);
      if (mismatch !== undefined) failures.push(`offset ${offset}: ${mismatch}`);
    }
    expect(stream.length).toBeGreaterThan(12_000);
    expect(offsets).toBe(stream.length - 1);
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('recovers every frame when the stream arrives one byte at a time', async () => {
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect(await firstMismatch(parser, bytes, frames)).toBeUndefined();
  });

  it.each(traceFiles())('recovers every frame of %s in seeded random chunk sizes', async (file) => {
    const all = mainFrames(file);
    const whole = inboundStream(all);
    for (const seed of [1, 2, 3]) {
      const chunks = randomChunks(whole, seed * 7919 + whole.length);
      expect({ seed, mismatch: await firstMismatch(parser, chunks, all) }).toEqual({
        seed,
        mismatch: undefined,
      });
    }
  });

  it('yields a frame with Content-Length: 0 as an empty body instead of merging it with the next', async () => {
    const wire = Buffer.from(
      'Content-Type: api/response\nContent-Length: 0\n\nContent-Type: api/response\nContent-Length: 4\n\n+OK\n',
    );
    const out: { type: string | undefined; body: string }[] = [];
    for await (const frame of parser(fromChunks([wire]))) {
      if (!(frame instanceof Error))
        out.push({ type: frame.headers.get('Content-Type'), body: frame.body.toString() });
    }
    expect(out).toEqual([
      { type: 'api/response', body: '' },
      { type: 'api/response', body: '+OK\n' },
    ]);
  });

  it('keeps header values that contain ": " whole (bgapi Reply-Text)', async () => {
    const wire = Buffer.from(
      'Content-Type: command/reply\nReply-Text: +OK Job-UUID: 7f4e\nJob-UUID: 7f4e\n\n',
    );
    const texts: (string | undefined)[] = [];
    for await (const frame of parser(fromChunks([wire]))) {
      if (frame instanceof Error) throw frame;
      texts.push(frame.headers.get('Reply-Text'));
    }
    expect(texts).toEqual(['+OK Job-UUID: 7f4e']);
  });
});
