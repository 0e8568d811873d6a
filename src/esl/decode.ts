// The ONE module that decodes FreeSWITCH events into DynconfEvents. Pure: an event's headers in (an
// object, or the JSON text read lazily by json-headers.ts), a typed event (or undefined) out, plus
// counters. Never throws on bad input: unknown and malformed events are counted and dropped. Kept cheap
// (no copies of headers): it sees every event FreeSWITCH sends.
import { EventNames, isEventName } from 'esl-lite';
import { channelInfoOf, type EventHeaders, type HeaderSource, objectHeaders } from './channel-info.js';
import type {
  ChannelInfo,
  ConferenceMember,
  DecodeCounters,
  DynconfEvent,
  PlainChannelEventType,
} from './events.js';
import { jsonTextHeaders } from './json-headers.js';
import { parsePlainEvent } from './plain.js';

export type { EventHeaders } from './channel-info.js';

export function createDecodeCounters(): DecodeCounters {
  return { decoded: 0, ignored: 0, unknown: 0, malformed: 0 };
}

const PLAIN_CHANNEL_EVENTS: Readonly<Record<string, PlainChannelEventType>> = {
  CHANNEL_CREATE: 'channel-create',
  CHANNEL_OUTGOING: 'channel-outgoing',
  CHANNEL_ANSWER: 'channel-answer',
  CHANNEL_PARK: 'channel-park',
  CHANNEL_UNPARK: 'channel-unpark',
  CHANNEL_DESTROY: 'channel-destroy',
};

const CONFERENCE_SUBCLASS = 'conference::maintenance';

/** Outcome of one decode, before counting. */
type Outcome = DynconfEvent | 'ignored' | 'unknown' | 'malformed';

/**
 * Decodes one event. `headers` is a `text/event-json` body parsed with JSON.parse, or the result of
 * parsePlainEvent(). Returns undefined for events dynconf does not use (counted as ignored), does not
 * know (unknown) or cannot read (malformed); `counters`, when given, is updated.
 */
export function decodeEvent(headers: unknown, counters?: DecodeCounters): DynconfEvent | undefined {
  const outcome =
    typeof headers === 'object' && headers !== null && !Array.isArray(headers)
      ? decodeHeaders(objectHeaders(headers as EventHeaders))
      : 'malformed';
  return counted(outcome, counters);
}

function counted(outcome: Outcome, counters: DecodeCounters | undefined): DynconfEvent | undefined {
  if (typeof outcome === 'string') {
    if (counters) counters[outcome]++;
    return undefined;
  }
  if (counters) counters.decoded++;
  return outcome;
}

/**
 * Decodes a `text/event-json` body as it came off the socket, exactly as decodeEvent(JSON.parse(body)).
 * Events dynconf never uses are recognised by their name and counted as ignored without being parsed:
 * FreeSWITCH writes `Event-Name` first in every event but CUSTOM and PRIVATE_COMMAND, and parsing is most
 * of the cost of an event. The others are checked and indexed in one pass and their headers read from the
 * text when asked for (json-headers.ts); a body of another shape is parsed by JSON.parse.
 */
export function decodeJsonBody(body: Buffer, counters?: DecodeCounters): DynconfEvent | undefined {
  const name = leadingEventName(body);
  if (name !== undefined && IGNORED_EVENT_NAMES.has(name)) {
    if (counters) counters.ignored++;
    return undefined;
  }
  const text = body.toString('utf8');
  const headers = jsonTextHeaders(text);
  if (headers !== undefined) return counted(decodeHeaders(headers), counters);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (counters) counters.malformed++;
    return undefined;
  }
  return decodeEvent(parsed, counters);
}

const NAME_FIRST = Buffer.from('{"Event-Name":"', 'latin1');

/** `X` when the body starts with `{"Event-Name":"X"`, else undefined. */
function leadingEventName(body: Buffer): string | undefined {
  if (
    body.length <= NAME_FIRST.length ||
    body.compare(NAME_FIRST, 0, NAME_FIRST.length, 0, NAME_FIRST.length) !== 0
  ) {
    return undefined;
  }
  const end = body.indexOf(0x22, NAME_FIRST.length); // the closing quote; event names need no escapes
  return end < 0 || end - NAME_FIRST.length > 64
    ? undefined
    : body.toString('latin1', NAME_FIRST.length, end);
}

/** Decodes a `text/event-plain` body (URL-encoded `Key: value` lines). */
export function decodePlainEvent(text: string, counters?: DecodeCounters): DynconfEvent | undefined {
  const headers = parsePlainEvent(text);
  if (headers === undefined) {
    if (counters) counters.malformed++;
    return undefined;
  }
  return decodeEvent(headers, counters);
}

function decodeHeaders(h: HeaderSource): Outcome {
  const name = h.get('Event-Name');
  if (name === undefined) return 'malformed';
  const plain = PLAIN_CHANNEL_EVENTS[name];
  if (plain !== undefined) {
    const channel = requiredChannel(h);
    return channel ? { type: plain, channel } : 'malformed';
  }
  switch (name) {
    case 'CHANNEL_PROGRESS':
    case 'CHANNEL_PROGRESS_MEDIA': {
      const channel = requiredChannel(h);
      return channel
        ? { type: 'channel-progress', channel, media: name === 'CHANNEL_PROGRESS_MEDIA' }
        : 'malformed';
    }
    case 'CHANNEL_BRIDGE':
    case 'CHANNEL_UNBRIDGE':
      return decodeBridge(h, name === 'CHANNEL_BRIDGE' ? 'channel-bridge' : 'channel-unbridge');
    case 'CHANNEL_HANGUP':
    case 'CHANNEL_HANGUP_COMPLETE': {
      const channel = requiredChannel(h);
      const cause = h.get('Hangup-Cause');
      if (!channel || cause === undefined) return 'malformed';
      return {
        type: name === 'CHANNEL_HANGUP' ? 'channel-hangup' : 'channel-hangup-complete',
        channel,
        cause,
      };
    }
    case 'CHANNEL_EXECUTE':
    case 'CHANNEL_EXECUTE_COMPLETE':
      return decodeExecute(h, name === 'CHANNEL_EXECUTE' ? 'channel-execute' : 'channel-execute-complete');
    case 'CHANNEL_UUID': {
      const channel = requiredChannel(h);
      const oldUuid = h.get('Old-Unique-ID');
      return channel && oldUuid !== undefined ? { type: 'channel-uuid', channel, oldUuid } : 'malformed';
    }
    case 'DTMF':
      return decodeDtmf(h);
    case 'BACKGROUND_JOB':
      return decodeBackgroundJob(h);
    case 'CUSTOM':
      return decodeCustom(h);
    default:
      return isEventName(name) ? 'ignored' : 'unknown';
  }
}

function requiredChannel(h: HeaderSource): ChannelInfo | undefined {
  const uuid = h.get('Unique-ID');
  return uuid === undefined || uuid === '' ? undefined : channelInfoOf(uuid, h);
}

function decodeBridge(h: HeaderSource, type: 'channel-bridge' | 'channel-unbridge'): Outcome {
  const channel = requiredChannel(h);
  if (!channel) return 'malformed';
  const aLegUuid = h.get('Bridge-A-Unique-ID') ?? channel.uuid;
  const bLegUuid = h.get('Bridge-B-Unique-ID') ?? h.get('Other-Leg-Unique-ID');
  if (bLegUuid === undefined) return 'malformed';
  return { type, channel, aLegUuid, bLegUuid };
}

function decodeExecute(h: HeaderSource, type: 'channel-execute' | 'channel-execute-complete'): Outcome {
  const channel = requiredChannel(h);
  const application = h.get('Application');
  if (!channel || application === undefined) return 'malformed';
  return {
    type,
    channel,
    application,
    applicationData: h.get('Application-Data') ?? '',
    applicationResponse: h.get('Application-Response'),
    applicationUuid: h.get('Application-UUID'),
  };
}

function decodeDtmf(h: HeaderSource): Outcome {
  const channel = requiredChannel(h);
  const digit = h.get('DTMF-Digit');
  if (!channel || digit === undefined || digit.length !== 1) return 'malformed';
  return {
    type: 'dtmf',
    channel,
    digit,
    source: h.get('DTMF-Source') ?? '',
    durationSamples: toNumber(h.get('DTMF-Duration')),
  };
}

function decodeBackgroundJob(h: HeaderSource): Outcome {
  const jobUuid = h.get('Job-UUID');
  if (jobUuid === undefined) return 'malformed';
  const body = h.get('_body') ?? '';
  const ok = !body.startsWith('-');
  return {
    type: 'background-job',
    jobUuid,
    command: h.get('Job-Command') ?? '',
    arg: h.get('Job-Command-Arg') ?? '',
    ok,
    body,
    reply: replyText(body),
  };
}

/** `+OK <x>\n` -> `<x>`, `-ERR <x>\n` -> `<x>`, anything else: trimmed of its trailing newline. */
function replyText(body: string): string {
  let text = body.endsWith('\n') ? body.slice(0, -1) : body;
  if (text.startsWith('+OK')) text = text.slice(3);
  else if (text.startsWith('-ERR')) text = text.slice(4);
  else return text;
  return text.startsWith(' ') ? text.slice(1) : text;
}

function decodeCustom(h: HeaderSource): Outcome {
  const subclass = h.get('Event-Subclass');
  if (subclass === undefined || subclass === '') return 'malformed';
  const uuid = h.get('Unique-ID');
  const channel = uuid === undefined || uuid === '' ? undefined : channelInfoOf(uuid, h);
  if (subclass !== CONFERENCE_SUBCLASS) {
    return { type: 'custom', subclass, channel, header: (name: string) => h.get(name) };
  }
  const action = h.get('Action');
  const room = h.get('Conference-Name');
  if (action === undefined || room === undefined) return 'malformed';
  let member: ConferenceMember | undefined;
  const memberId = h.get('Member-ID');
  if (memberId !== undefined) {
    const id = toNumber(memberId);
    if (id === undefined) return 'malformed';
    member = {
      id,
      uuid,
      type: h.get('Member-Type') === 'moderator' ? 'moderator' : 'member',
      hear: toFlag(h.get('Hear')),
      speak: toFlag(h.get('Speak')),
      talking: toFlag(h.get('Talking')),
      floor: toFlag(h.get('Floor')),
    };
  }
  return {
    type: 'conference',
    action,
    room,
    profile: h.get('Conference-Profile-Name'),
    conferenceUuid: h.get('Conference-Unique-ID'),
    size: toNumber(h.get('Conference-Size')),
    member,
    channel,
  };
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) ? n : undefined;
}

function toFlag(value: string | undefined): boolean | undefined {
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

/** FreeSWITCH event names decodeHeaders() ignores whatever their other headers say (derived from it). */
const IGNORED_EVENT_NAMES: ReadonlySet<string> = new Set(
  [...EventNames].filter((name) => decodeHeaders(objectHeaders({ 'Event-Name': name })) === 'ignored'),
);
