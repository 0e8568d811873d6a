// decodeJsonBody() reads the headers of the events dynconf uses from the JSON text (json-headers.ts)
// instead of JSON.parse. It must give exactly what a full parse gives: every field of every event,
// every header and variable a ChannelInfo can be asked for, the last of repeated keys, the first value
// of arrays, and the same count (decoded / ignored / unknown / malformed) for any body, valid or not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerValue } from '../../src/esl/channel-info.js';
import { createDecodeCounters, decodeEvent, decodeJsonBody } from '../../src/esl/decode.js';
import type { ChannelInfo, DecodeCounters, DynconfEvent } from '../../src/esl/events.js';
import { jsonTextHeaders } from '../../src/esl/json-headers.js';
import { bodyText, type InRecord, loadTrace, traceFiles } from '../support/traces.js';

const recorded = traceFiles().flatMap((file) =>
  loadTrace(file)
    .filter((r): r is InRecord => r.dir === 'in' && r.contentType === 'text/event-json')
    .map((r) => bodyText(r)),
);

/** The decoder as it was: events not used skipped by their leading name, all others JSON.parse'd. */
const NAME_FIRST = Buffer.from('{"Event-Name":"', 'latin1');
function isIgnoredName(name: string): boolean {
  const counters = createDecodeCounters();
  decodeEvent({ 'Event-Name': name }, counters);
  return counters.ignored === 1;
}
function fullParseDecode(body: Buffer, counters: DecodeCounters): DynconfEvent | undefined {
  if (
    body.length > NAME_FIRST.length &&
    body.compare(NAME_FIRST, 0, NAME_FIRST.length, 0, NAME_FIRST.length) === 0
  ) {
    const end = body.indexOf(0x22, NAME_FIRST.length);
    if (
      end >= 0 &&
      end - NAME_FIRST.length <= 64 &&
      isIgnoredName(body.toString('latin1', NAME_FIRST.length, end))
    ) {
      counters.ignored++;
      return undefined;
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    counters.malformed++;
    return undefined;
  }
  return decodeEvent(parsed, counters);
}

/** Names that are not keys but look like them. */
const LOOK_ALIKES = [
  '',
  '__proto__',
  'constructor',
  'toString',
  'a"b',
  '\\',
  '\u0000',
  'Event-Name":"DTMF',
  'x',
];
function namesFor(keys: readonly string[]): string[] {
  const names = new Set(LOOK_ALIKES);
  for (const key of keys) {
    names.add(key);
    names.add(`${key}x`);
    names.add(`x${key}`);
    names.add(key.slice(1));
    names.add(key.slice(0, -1));
    names.add(`${key}"`);
  }
  return [...names];
}

function channelView(channel: ChannelInfo | undefined, names: readonly string[]): unknown {
  if (channel === undefined) return undefined;
  return {
    uuid: channel.uuid,
    direction: channel.direction,
    name: channel.name,
    callerNumber: channel.callerNumber,
    callerName: channel.callerName,
    destinationNumber: channel.destinationNumber,
    answerState: channel.answerState,
    channelState: channel.channelState,
    callState: channel.callState,
    otherLegUuid: channel.otherLegUuid,
    json: JSON.stringify(channel),
    headers: names.map((n) => channel.header(n)),
    variables: names.map((n) => channel.variable(n.startsWith('variable_') ? n.slice(9) : n)),
  };
}

/** Everything a reader of the event can see, reading `names` through every accessor that takes a name. */
function view(event: DynconfEvent | undefined, names: readonly string[]): unknown {
  if (event === undefined) return undefined;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === 'channel') fields[key] = channelView(value as ChannelInfo | undefined, names);
    else if (typeof value === 'function')
      fields[key] = names.map((n) => (value as (n: string) => unknown)(n));
    else fields[key] = value;
  }
  return fields;
}

function keysOf(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? Object.keys(parsed) : [];
  } catch {
    return [];
  }
}

/** Decodes `body` both ways and expects the same counts and the same event, read through `names`. */
function expectSameDecoding(body: Buffer, names: readonly string[]): DecodeCounters {
  const fast = createDecodeCounters();
  const full = createDecodeCounters();
  const a = decodeJsonBody(body, fast);
  const b = fullParseDecode(body, full);
  expect(fast).toEqual(full);
  expect(view(a, names)).toEqual(view(b, names));
  return fast;
}

describe('json-headers on every recorded event', () => {
  it('indexes every recorded body (none falls back to JSON.parse) and reads every key as a full parse', () => {
    expect(recorded.length).toBeGreaterThan(2500);
    let repeated = 0;
    let arrays = 0;
    let escaped = 0;
    for (const text of recorded) {
      const headers = jsonTextHeaders(text);
      expect(headers).toBeDefined();
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const keys = Object.keys(parsed);
      const names = namesFor(keys);
      expect(names.map((n) => headers?.get(n))).toEqual(names.map((n) => headerValue(parsed, n)));
      if (text.split('"Hangup-Cause":').length > 2) repeated++;
      if (keys.some((k) => Array.isArray(parsed[k]))) arrays++;
      if (keys.some((k) => headerValue(parsed, k)?.match(/["\\\r\n]/))) escaped++;
    }
    // the cases that matter were met: repeated keys, arrays, escaped values
    expect({ repeated: repeated > 50, arrays: arrays > 100, escaped: escaped > 500 }).toEqual({
      repeated: true,
      arrays: true,
      escaped: true,
    });
  });

  it('decodes every recorded event as the full parse did: every field, header and variable; same counts', () => {
    const total = createDecodeCounters();
    for (const text of recorded) {
      const counters = expectSameDecoding(Buffer.from(text, 'utf8'), namesFor(keysOf(text)));
      for (const k of ['decoded', 'ignored', 'unknown', 'malformed'] as const) total[k] += counters[k];
    }
    expect(total.decoded).toBeGreaterThan(1000);
    expect(total.malformed + total.unknown).toBe(0);
  });

  it('gives the last Hangup-Cause of a CHANNEL_HANGUP_COMPLETE where the key repeats with other values', () => {
    const text = recorded.find((t) => t.startsWith('{"Event-Name":"CHANNEL_HANGUP_COMPLETE"')) ?? '';
    const edited = text.replace('"Hangup-Cause":"NORMAL_CLEARING"', '"Hangup-Cause":"FIRST_ONE"');
    expect(edited).not.toBe(text);
    const event = decodeJsonBody(Buffer.from(edited));
    expect(event?.type === 'channel-hangup-complete' && event.cause).toBe('NORMAL_CLEARING');
    expect(view(event, ['Hangup-Cause'])).toEqual(view(decodeEvent(JSON.parse(edited)), ['Hangup-Cause']));
  });

  it('does not take a name that runs on past the end of a key (into its value) for that key', () => {
    let indexed = 0;
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }),
        fc.string({ unit: 'binary', maxLength: 10 }),
        (k, v) => {
          const json = `{"Event-Name":"DTMF",${JSON.stringify(k)}:${JSON.stringify(v)}}`;
          const headers = jsonTextHeaders(json);
          if (headers === undefined) return; // an escaped key: JSON.parse decides
          indexed++;
          const parsed = JSON.parse(json) as Record<string, unknown>;
          const names = [`${k}"`, `${k}":`, ...[...v].map((_, n) => `${k}":"${[...v].slice(0, n).join('')}`)];
          expect(names.map((n) => headers.get(n))).toEqual(names.map((n) => headerValue(parsed, n)));
          expect(headers.get(k)).toBe(v);
        },
      ),
      { numRuns: 5000 },
    );
    expect(indexed).toBeGreaterThan(2500);
  });
});

// ---- generated bodies ----

const EVENT_NAMES = [
  'DTMF',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_BRIDGE',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_UUID',
  'CHANNEL_PARK',
  'BACKGROUND_JOB',
  'CUSTOM',
  'CHANNEL_STATE',
  'NO_SUCH_EVENT',
];
const KEYS = [
  'Event-Name',
  'Unique-ID',
  'Unique-ID2',
  'XUnique-ID',
  'Unique-I',
  'unique-id',
  'Old-Unique-ID',
  'DTMF-Digit',
  'DTMF-Source',
  'DTMF-Duration',
  'Hangup-Cause',
  'Application',
  'Application-Data',
  'Application-UUID',
  'Application-Response',
  'Job-UUID',
  'Job-Command',
  '_body',
  'Event-Subclass',
  'Action',
  'Conference-Name',
  'Conference-Size',
  'Member-ID',
  'Member-Type',
  'Hear',
  'Bridge-A-Unique-ID',
  'Bridge-B-Unique-ID',
  'Other-Leg-Unique-ID',
  'Channel-Name',
  'Call-Direction',
  'Answer-State',
  'variable_x',
  'variable_xy',
  'variable_yx',
  'variable_',
  'ab',
  'ba',
  'aab',
  '',
  '__proto__',
  'constructor',
];
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom('"', '\\', '\n', '\u0000', '/', ':', ',', '{', '}', '[', ']', 'a', 'é', '\u2028'),
  }),
  fc.constantFrom(
    'u-1',
    '5',
    '12',
    'true',
    'false',
    'inbound',
    'moderator',
    'conference::maintenance',
    'add-member',
    '+OK done\n',
    '-ERR USER_BUSY\n',
    '","Unique-ID":"evil',
    '\\","DTMF-Digit":"9',
    'Unique-ID":"',
    ...EVENT_NAMES,
    ...KEYS,
  ),
);
const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: text });
const value = fc.oneof(
  { weight: 30, arbitrary: text },
  { weight: 6, arbitrary: fc.array(text, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 1 })) },
);

/** Writes a JSON string escaping characters at random (\uXXXX in either case, short escapes, raw). */
function writeString(s: string, seed: number): string {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 16;
  };
  if (seed % 3 === 0) return JSON.stringify(s);
  let out = '"';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    const pick = next() % 4;
    const mustEscape = ch === '"' || ch === '\\' || code < 0x20;
    if (!mustEscape && pick < 2) out += ch;
    else if (pick === 2 && JSON.stringify(ch).length === 4) out += JSON.stringify(ch).slice(1, -1);
    else if (ch.length === 1 && pick === 3 && ch === '/') out += '\\/';
    else
      for (const unit of ch.length === 1 ? [code] : [ch.charCodeAt(0), ch.charCodeAt(1)]) {
        const hex = `\\u${unit.toString(16).padStart(4, '0')}`;
        out += next() % 2 === 0 ? hex : hex.toUpperCase().replace('\\U', '\\u');
      }
  }
  return `${out}"`;
}

function writeValue(v: unknown, seed: number): string {
  if (typeof v === 'string') return writeString(v, seed);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string'))
    return `[${v.map((x, i) => writeString(x, seed + i)).join(',')}]`;
  return JSON.stringify(v) ?? 'null';
}

const COMPLETE = [
  '"Unique-ID":"u-1"',
  '"DTMF-Digit":"5"',
  '"Application":"park"',
  '"Job-UUID":"j-1"',
  '"Hangup-Cause":"NORMAL_CLEARING"',
  '"Old-Unique-ID":"u-0"',
  '"Bridge-B-Unique-ID":"u-2"',
  '"Event-Subclass":"conference::maintenance"',
  '"Action":"add-member"',
  '"Conference-Name":"room-a"',
  '"Member-ID":"7"',
].join(',');
const entries = fc.array(fc.tuple(key, value, fc.nat()), { maxLength: 14 });
/** A JSON object text: random entries, maybe an Event-Name (first or not), maybe with whitespace. */
const body = fc
  .record({
    name: fc.option(fc.constantFrom(...EVENT_NAMES)),
    nameAt: fc.nat(),
    entries,
    spaced: fc.nat(4).map((n) => n === 0),
    complete: fc.boolean(),
  })
  .map(({ name, nameAt, entries: list, spaced, complete }) => {
    // keys mostly as FreeSWITCH writes them (an escaped key is valid JSON, left to JSON.parse)
    const parts = list.map(
      ([k, v, seed]) =>
        `${seed % 10 === 0 ? writeString(k, seed + 1) : JSON.stringify(k)}:${writeValue(v, seed)}`,
    );
    // what each event type needs, among the random entries (which may repeat and override them)
    if (complete) parts.splice(nameAt % (parts.length + 1), 0, COMPLETE);
    if (name !== null) parts.splice(nameAt % (parts.length + 1), 0, `"Event-Name":${JSON.stringify(name)}`);
    return spaced ? `{ ${parts.join(' , ').replaceAll('":"', '" : "')} }` : `{${parts.join(',')}}`;
  });

describe('json-headers on generated bodies', () => {
  it('valid bodies (escapes, unicode, repeated and look-alike keys, arrays): same headers, same event', () => {
    const seen = { indexed: 0, decoded: 0, repeatedKeys: 0 };
    fc.assert(
      fc.property(body, (json) => {
        const parsed = JSON.parse(json) as Record<string, unknown>;
        const names = namesFor([...KEYS, ...Object.keys(parsed)]);
        const headers = jsonTextHeaders(json);
        if (headers !== undefined) {
          seen.indexed++;
          expect(names.map((n) => headers.get(n))).toEqual(names.map((n) => headerValue(parsed, n)));
        }
        seen.decoded += expectSameDecoding(Buffer.from(json, 'utf8'), names).decoded;
        if (json.split('"Unique-ID":').length > 2) seen.repeatedKeys++;
      }),
      { numRuns: 3000 },
    );
    // the properties held where it matters: indexed bodies, decoded events, repeated keys
    expect(seen.indexed).toBeGreaterThan(500);
    expect(seen.decoded).toBeGreaterThan(100);
    expect(seen.repeatedKeys).toBeGreaterThan(50);
  });

  it('damaged bodies (characters removed, inserted, replaced, cut): counted the same, same event', () => {
    const damage = fc.array(
      fc.tuple(
        fc.constantFrom('remove', 'insert', 'replace', 'cut'),
        fc.nat(),
        fc.constantFrom(
          '"',
          '\\',
          '{',
          '}',
          '[',
          ']',
          ',',
          ':',
          ' ',
          '\n',
          '\t',
          '\u0000',
          'u',
          'a',
          '1',
          'é',
        ),
      ),
      { minLength: 1, maxLength: 3 },
    );
    const source = fc.oneof(body, fc.constantFrom(...recorded.slice(0, 400)));
    fc.assert(
      fc.property(source, damage, (json, edits) => {
        let damaged = json;
        for (const [edit, at, ch] of edits) {
          const i = at % (damaged.length + 1);
          if (edit === 'remove') damaged = damaged.slice(0, i) + damaged.slice(i + 1);
          else if (edit === 'insert') damaged = damaged.slice(0, i) + ch + damaged.slice(i);
          else if (edit === 'replace') damaged = damaged.slice(0, i) + ch + damaged.slice(i + 1);
          else damaged = damaged.slice(0, i);
        }
        expectSameDecoding(Buffer.from(damaged, 'utf8'), namesFor([...KEYS, ...keysOf(damaged)]));
      }),
      { numRuns: 3000 },
    );
  });

  it('bodies that are not valid JSON are malformed; valid ones of another shape are parsed', () => {
    const dtmf = '"Event-Name":"DTMF","Unique-ID":"u-1","DTMF-Digit":"5"';
    const malformed = [
      `{${dtmf},}`,
      `{${dtmf}`,
      `{${dtmf}}x`,
      `{${dtmf},"a":"\\x"}`,
      `{${dtmf},"a":"\\u12g4"}`,
      `{${dtmf},"a":"b\nc"}`,
      `{${dtmf},"a":"\u0001"}`,
      `{${dtmf},"a":["b",]}`,
      `{${dtmf},"a":["b"}`,
      `{${dtmf},"a":[,"b"]}`,
      `{${dtmf},"a":"b"c"}`,
      `{${dtmf},"a"}`,
      `{${dtmf},"a":}`,
      `{${dtmf},"a":"\\"}`,
      `{${dtmf},a:"b"}`,
      `{${dtmf}}}`,
      `{${dtmf}}\u0000`,
      `[${dtmf}]`,
      '',
      '{',
    ];
    for (const json of malformed) {
      const counters = expectSameDecoding(Buffer.from(json, 'utf8'), namesFor(KEYS));
      expect({ json, malformed: counters.malformed }).toEqual({ json, malformed: 1 });
    }
    // valid JSON: what the event says decides (the full parse decodes them the same way, checked above)
    const valid: [string, string | undefined][] = [
      [`{${dtmf}}\n`, '5'],
      [` {${dtmf}}`, '5'],
      [`{${dtmf},"a" : "b"}`, '5'],
      [`{${dtmf},"n":1,"o":{"p":"q"},"t":true,"z":null}`, '5'],
      [`{${dtmf},"esc\\u0061ped":"key","a":"\\\\\\"\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00"}`, '5'],
      ['{"Unique-ID":"u-1","DTMF-Digit":"4","Event-Name":"DTMF","Event-Name":"DTMF"}', '4'],
      [`{${dtmf},"DTMF-Digit":["7","8"]}`, '7'],
      [`{${dtmf},"DTMF-Digit":"\\u0036"}`, '6'],
      [`{${dtmf},"DTMF-Digit":[]}`, undefined],
      [`{${dtmf},"DTMF-Digit":[1]}`, undefined],
      [`{${dtmf},"DTMF-Digit":"55"}`, undefined],
    ];
    for (const [json, digit] of valid) {
      expect(() => JSON.parse(json)).not.toThrow();
      expectSameDecoding(Buffer.from(json, 'utf8'), namesFor([...KEYS, ...keysOf(json)]));
      const event = decodeJsonBody(Buffer.from(json, 'utf8'));
      expect({ json, digit: event?.type === 'dtmf' ? event.digit : undefined }).toEqual({ json, digit });
    }
    // past 1 MiB the text is left to JSON.parse (key offsets are packed into small integers)
    const huge = `{${dtmf},"variable_big":"${'x'.repeat(1 << 20)}","DTMF-Digit":"3"}`;
    expect(jsonTextHeaders(huge)).toBeUndefined();
    expect(jsonTextHeaders(huge.replace('x'.repeat(1 << 20), 'x'.repeat(1000)))?.get('DTMF-Digit')).toBe('3');
    const hugeEvent = decodeJsonBody(Buffer.from(huge, 'utf8'));
    expect(
      hugeEvent?.type === 'dtmf' && [hugeEvent.digit, hugeEvent.channel.variable('big')?.length],
    ).toEqual(['3', 1 << 20]);
  });
});
