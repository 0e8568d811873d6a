// Real FreeSWITCH events (from the recordings) and ways to damage them, for fuzzing the decoder and the
// runtime: deleted headers, values of the wrong type, NUL bytes, lone surrogates, URL-encoding that does not
// decode, and reading every field of whatever the decoder returns.
import fc from 'fast-check';
import type { DynconfEvent } from '../../../src/esl/events.js';
import { bodyText, type InRecord, loadTrace, traceFiles } from '../../support/traces.js';

type Headers = Record<string, unknown>;

function sample<T>(items: T[], count: number): T[] {
  const step = Math.max(1, Math.floor(items.length / count));
  return items.filter((_, i) => i % step === 0).slice(0, count);
}

/** Recorded `text/event-json` events (a spread sample across every trace). */
export const RECORDED_JSON: readonly Headers[] = sample(
  traceFiles().flatMap((file) =>
    loadTrace(file)
      .filter((r): r is InRecord => r.dir === 'in' && r.contentType === 'text/event-json')
      .map((r) => (typeof r.body === 'object' ? r.body : (JSON.parse(bodyText(r)) as Headers))),
  ),
  600,
);

/** Recorded `text/event-plain` bodies (trace 14). */
export const RECORDED_PLAIN: readonly string[] = loadTrace('14-plain-format-sample.jsonl')
  .filter((r): r is InRecord => r.dir === 'in' && r.contentType === 'text/event-plain')
  .map((r) => bodyText(r));

/** Headers the decoder and the runtime read: mutations aim at them most. */
export const READ_HEADERS = [
  'Event-Name',
  'Event-Subclass',
  'Unique-ID',
  'Old-Unique-ID',
  'Other-Leg-Unique-ID',
  'Bridge-A-Unique-ID',
  'Bridge-B-Unique-ID',
  'Call-Direction',
  'Channel-Name',
  'Caller-Caller-ID-Number',
  'Caller-Caller-ID-Name',
  'Caller-Destination-Number',
  'Answer-State',
  'Hangup-Cause',
  'Application',
  'Application-Data',
  'Application-UUID',
  'Application-Response',
  'DTMF-Digit',
  'DTMF-Duration',
  'DTMF-Source',
  'Job-UUID',
  'Job-Command',
  '_body',
  'Action',
  'Conference-Name',
  'Conference-Size',
  'Member-ID',
  'Member-Type',
  'variable_dynconf_role',
  'variable_dynconf_pin',
  'variable_dynconf_star0',
  'variable_read_result',
  'variable_other_loopback_leg_uuid',
] as const;

/** Strings FreeSWITCH never sends but a broken or hostile peer might. */
export const weirdString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uD800',
    '\uDFFF',
    'a\nb',
    '%',
    '%ZZ',
    '%E0%A4',
    '%ED%A0%80',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: FreeSWITCH's variable expansion, on purpose.
    '${system(rm -rf /)}',
    '}&park()',
    '**',
    '*#',
    '-1',
    '1e400',
    'NaN',
    'x'.repeat(20_000),
    'ARRAY::a|:b',
    'conference::maintenance',
    'dynconf::star0',
    'admin',
    'inbound',
    'outbound',
  ),
);

/** Any JSON value, or a weird string. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: weirdString },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.array(weirdString, { maxLength: 3 }) },
);

type Mutation =
  | { readonly kind: 'delete'; readonly key: string }
  | { readonly kind: 'set'; readonly key: string; readonly value: unknown };

const key = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...READ_HEADERS) },
  { weight: 1, arbitrary: weirdString },
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  key.map((k) => ({ kind: 'delete' as const, key: k })),
  fc.tuple(key, weirdValue).map(([k, value]) => ({ kind: 'set' as const, key: k, value })),
);

export function mutate(headers: Headers, mutations: readonly Mutation[]): Headers {
  const out: Headers = { ...headers };
  for (const m of mutations) {
    if (m.kind === 'delete') delete out[m.key];
    else out[m.key] = m.value;
  }
  return out;
}

/** A recorded event with a few of its headers damaged. */
export const damagedEvent: fc.Arbitrary<Headers> = fc
  .tuple(fc.constantFrom(...RECORDED_JSON), fc.array(mutation, { minLength: 1, maxLength: 6 }))
  .map(([headers, mutations]) => mutate(headers, mutations));

/**
 * Reads everything a consumer of the event could read (every field, every ChannelInfo getter, variables and
 * headers by name, the member, JSON serialisation). Throws if any of it throws.
 */
export function readAll(event: DynconfEvent): unknown[] {
  const seen: unknown[] = [event.type];
  const channel = 'channel' in event ? event.channel : undefined;
  if (channel !== undefined) {
    seen.push(
      channel.uuid,
      channel.direction,
      channel.name,
      channel.callerNumber,
      channel.callerName,
      channel.destinationNumber,
      channel.answerState,
      channel.channelState,
      channel.callState,
      channel.otherLegUuid,
      channel.variable('dynconf_role'),
      channel.variable('dynconf_pin'),
      channel.header('Event-Date-Timestamp'),
      channel.header('\u0000'),
    );
  }
  for (const [name, value] of Object.entries(event)) {
    if (typeof value === 'function') seen.push(name, (value as (n: string) => unknown)('Action'));
    else seen.push(name, value);
  }
  seen.push(JSON.stringify(event));
  return seen;
}
