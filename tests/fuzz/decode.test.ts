// Property-based tests of src/esl/decode.ts: whatever a body holds (random bytes, bad JSON, JSON that is not
// an object, recorded events with damaged headers, NUL bytes, invalid UTF-8, URL encoding that does not
// decode), decoding never throws, exactly one counter moves per body, and a body is returned as an event
// only when it is counted as decoded. What the decoder returns can be read in full without throwing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecodeCounters, decodeEvent, decodeJsonBody, decodePlainEvent } from '../../src/esl/decode.js';
import type { DecodeCounters, DynconfEvent } from '../../src/esl/events.js';
import { damagedEvent, RECORDED_JSON, RECORDED_PLAIN, readAll, weirdString } from './support/events.js';

const TYPES = new Set([
  'channel-create',
  'channel-outgoing',
  'channel-answer',
  'channel-park',
  'channel-unpark',
  'channel-destroy',
  'channel-progress',
  'channel-bridge',
  'channel-unbridge',
  'channel-hangup',
  'channel-hangup-complete',
  'channel-execute',
  'channel-execute-complete',
  'channel-uuid',
  'dtmf',
  'background-job',
  'conference',
  'custom',
]);

const total = (c: DecodeCounters) => c.decoded + c.ignored + c.unknown + c.malformed;

/** Decodes once and checks the bookkeeping: one counter moved, an event iff it was `decoded`. */
function decodeChecked(decode: (counters: DecodeCounters) => DynconfEvent | undefined) {
  const counters = createDecodeCounters();
  const event = decode(counters);
  expect(total(counters)).toBe(1);
  expect(event !== undefined).toBe(counters.decoded === 1);
  if (event !== undefined) {
    expect(TYPES.has(event.type)).toBe(true);
    readAll(event);
  }
  return { event, counters };
}

/** What two decodings must agree on. */
function summary(event: DynconfEvent | undefined): unknown {
  return event === undefined ? undefined : JSON.stringify(readAll(event));
}

describe('decodeJsonBody on hostile bodies', () => {
  it('random bytes: never throws, one counter per body', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        decodeChecked((c) => decodeJsonBody(Buffer.from(bytes), c));
      }),
      { numRuns: 2000 },
    );
  });

  it('bytes that start like an event ({"Event-Name":"…): never throws, one counter per body', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('DTMF', 'CHANNEL_STATE', 'CUSTOM', 'BACKGROUND_JOB', 'NO_SUCH', '', 'x'.repeat(70)),
        fc.uint8Array({ maxLength: 200 }),
        (name, rest) => {
          const body = Buffer.concat([Buffer.from(`{"Event-Name":"${name}`), Buffer.from(rest)]);
          decodeChecked((c) => decodeJsonBody(body, c));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('JSON that is not an object (array, string, number, null) is malformed', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(fc.jsonValue()),
          fc.string(),
          fc.double({ noNaN: true }),
          fc.constant(null),
          fc.boolean(),
        ),
        (value) => {
          const { counters } = decodeChecked((c) => decodeJsonBody(Buffer.from(JSON.stringify(value)), c));
          expect(counters.malformed).toBe(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('recorded events cut short are counted, never thrown (ignored when the name says so, else malformed)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RECORDED_JSON),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (headers, at) => {
          const text = JSON.stringify(headers);
          const cut = Buffer.from(text.slice(0, Math.floor(text.length * at)));
          const { counters } = decodeChecked((c) => decodeJsonBody(cut, c));
          expect(counters.decoded + counters.unknown).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('recorded events with damaged headers: never throws; the fast path agrees with a full parse', () => {
    fc.assert(
      fc.property(damagedEvent, (headers) => {
        const text = JSON.stringify(headers);
        const fast = decodeChecked((c) => decodeJsonBody(Buffer.from(text, 'utf8'), c));
        const full = decodeChecked((c) => decodeEvent(JSON.parse(text), c));
        expect(fast.counters).toEqual(full.counters);
        expect(summary(fast.event)).toEqual(summary(full.event));
      }),
      { numRuns: 3000 },
    );
  });

  it('invalid UTF-8 in string values decodes with replacement characters; an escaped NUL is kept; a raw NUL is malformed JSON', () => {
    const dtmf = (name: Buffer) =>
      Buffer.concat([
        Buffer.from('{"Event-Name":"DTMF","Unique-ID":"u-1\\u0000","Caller-Caller-ID-Name":"'),
        name,
        Buffer.from('","DTMF-Digit":"5"}'),
      ]);
    const { event } = decodeChecked((c) => decodeJsonBody(dtmf(Buffer.from([0xff, 0xfe, 0xc3, 0x28])), c));
    expect(event).toMatchObject({ type: 'dtmf', digit: '5' });
    expect(event?.type === 'dtmf' && event.channel.uuid).toBe('u-1\u0000');
    expect(event?.type === 'dtmf' && event.channel.callerName).toBe('\uFFFD\uFFFD\uFFFD(');
    // JSON forbids raw control characters in strings (FreeSWITCH escapes them).
    const raw = decodeChecked((c) => decodeJsonBody(dtmf(Buffer.from([0x41, 0x00])), c));
    expect(raw.counters.malformed).toBe(1);
  });

  it('fields dynconf relies on are refused when they cannot be what FreeSWITCH sends', () => {
    const malformed = [
      { 'Event-Name': 'DTMF', 'Unique-ID': 'u', 'DTMF-Digit': '**' },
      { 'Event-Name': 'DTMF', 'Unique-ID': 'u', 'DTMF-Digit': '' },
      { 'Event-Name': 'DTMF', 'Unique-ID': 'u', 'DTMF-Digit': 5 },
      { 'Event-Name': 'DTMF', 'Unique-ID': '', 'DTMF-Digit': '5' },
      { 'Event-Name': 'CHANNEL_PARK', 'Unique-ID': { uuid: 'u' } },
      { 'Event-Name': 'CHANNEL_HANGUP', 'Unique-ID': 'u' },
      { 'Event-Name': 'BACKGROUND_JOB', _body: '+OK' },
      { 'Event-Name': 'CUSTOM', 'Event-Subclass': 'conference::maintenance', Action: 'add-member' },
      {
        'Event-Name': 'CUSTOM',
        'Event-Subclass': 'conference::maintenance',
        Action: 'add-member',
        'Conference-Name': 'r',
        'Member-ID': 'NaN',
      },
      { 'Event-Name': 42 },
      {},
    ];
    for (const headers of malformed) {
      const { counters } = decodeChecked((c) => decodeEvent(headers, c));
      expect({ headers, counters }).toEqual({
        headers,
        counters: { ...createDecodeCounters(), malformed: 1 },
      });
    }
    const { counters } = decodeChecked((c) => decodeEvent({ 'Event-Name': 'SOMETHING_NEW' }, c));
    expect(counters.unknown).toBe(1);
  });
});

describe('decodePlainEvent on hostile bodies', () => {
  it('random text: never throws, one counter per body', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        decodeChecked((c) => decodePlainEvent(text, c));
      }),
      { numRuns: 2000 },
    );
  });

  it('a recorded plain event with a value that is not valid URL encoding is malformed, whichever header', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RECORDED_PLAIN),
        fc.nat(),
        fc.constantFrom('%', '%Z1', '%E0%A4', '%ED%A0%80', 'abc%'),
        (body, pick, bad) => {
          const lines = body.split('\n');
          const headerLines = lines.map((l, i) => [l, i] as const).filter(([l]) => l.includes(': '));
          const [line, index] = headerLines[pick % headerLines.length] ?? ['', -1];
          if (index < 0) return;
          lines[index] = `${line}${bad}`;
          const { counters } = decodeChecked((c) => decodePlainEvent(lines.join('\n'), c));
          expect(counters.malformed).toBe(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('recorded plain events decode as their JSON twins would; damaged ones are counted, never thrown', () => {
    const counters = createDecodeCounters();
    for (const body of RECORDED_PLAIN) decodePlainEvent(body, counters);
    expect(counters.decoded).toBeGreaterThan(10);
    expect(counters.malformed).toBe(0);
    fc.assert(
      fc.property(
        fc.constantFrom(...RECORDED_PLAIN),
        fc.array(fc.tuple(fc.nat(), weirdString), { maxLength: 5 }),
        (body, edits) => {
          let text = body;
          for (const [at, insert] of edits) {
            const pos = at % (text.length + 1);
            text = text.slice(0, pos) + insert + text.slice(pos);
          }
          decodeChecked((c) => decodePlainEvent(text, c));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('an inner Content-Length that lies (negative, huge, not a number) never reads past the body', () => {
    for (const length of ['-5', '99999999999', 'abc', '1e400', '', '3']) {
      const text = `Event-Name: BACKGROUND_JOB\nJob-UUID: j-1\nContent-Length: ${length}\n\n+OK done\n`;
      const { event } = decodeChecked((c) => decodePlainEvent(text, c));
      expect(event?.type).toBe('background-job');
      if (event?.type === 'background-job') expect('+OK done\n'.startsWith(event.body)).toBe(true);
    }
  });
});
