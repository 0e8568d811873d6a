// Every event FreeSWITCH 1.10.12 sent in the recordings goes through decode.ts; the typed events must
// carry the values the recordings show (digits, causes, rooms, members, job results, legs).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecodeCounters, decodeEvent, decodePlainEvent } from '../../src/esl/decode.js';
import type { DecodeCounters, DynconfEvent, EventOf } from '../../src/esl/events.js';
import { type InRecord, loadTrace, type TraceRecord, traceFiles } from '../support/traces.js';

const files = traceFiles();
const fileFor = (prefix: string): string => {
  const file = files.find((f) => f.startsWith(prefix));
  if (file === undefined) throw new Error(`no trace ${prefix}`);
  return file;
};

interface Decoded {
  records: TraceRecord[];
  events: DynconfEvent[];
  counters: DecodeCounters;
  /** Event records seen (text/event-json and text/event-plain). */
  eventRecords: number;
}

const cache = new Map<string, Decoded>();
function decodeTrace(prefix: string): Decoded {
  const file = fileFor(prefix);
  const hit = cache.get(file);
  if (hit) return hit;
  const records = loadTrace(file);
  const counters = createDecodeCounters();
  const events: DynconfEvent[] = [];
  let eventRecords = 0;
  for (const rec of records) {
    if (rec.dir !== 'in') continue;
    let event: DynconfEvent | undefined;
    if (rec.contentType === 'text/event-json') {
      eventRecords++;
      // bodyRaw is the exact JSON text (repeated keys): decode what JSON.parse makes of it, as the
      // connection does.
      event = decodeEvent(rec.bodyRaw !== undefined ? JSON.parse(rec.bodyRaw) : rec.body, counters);
    } else if (rec.contentType === 'text/event-plain') {
      eventRecords++;
      event = decodePlainEvent(rec.body as string, counters);
    }
    if (event) events.push(event);
  }
  const result = { records, events, counters, eventRecords };
  cache.set(file, result);
  return result;
}

function ofType<T extends DynconfEvent['type']>(events: DynconfEvent[], type: T): EventOf<T>[] {
  return events.filter((e): e is EventOf<T> => e.type === type);
}
const digits = (events: DynconfEvent[]) =>
  ofType(events, 'dtmf')
    .map((e) => e.digit)
    .join('');
const causes = (events: DynconfEvent[]) => ofType(events, 'channel-hangup').map((e) => e.cause);
const outs = (records: TraceRecord[]) =>
  records.filter((r): r is Extract<TraceRecord, { dir: 'out' }> => r.dir === 'out' && r.conn === undefined);
/** `name: value` header of an out record (sendmsg / bgapi). */
const outHeader = (raw: string, name: string) =>
  raw
    .split('\n')
    .find((l) => l.startsWith(`${name}: `))
    ?.slice(name.length + 2);
const conferenceSummary = (events: DynconfEvent[]) =>
  ofType(events, 'conference')
    .filter((e) => e.action !== 'play-file' && e.action !== 'play-file-done')
    .map((e) => [e.action, e.room, e.member?.id, e.member?.type]);

describe('decode.ts on every recorded event', () => {
  it.each(files)(
    '%s: decodes without throwing; every event counted once, none malformed or unknown',
    (file) => {
      const { counters, eventRecords, events } = decodeTrace(file.slice(0, 2));
      expect(counters.decoded + counters.ignored + counters.unknown + counters.malformed).toBe(eventRecords);
      expect(counters.decoded).toBe(events.length);
      expect(counters.decoded).toBeGreaterThan(0);
      expect({ malformed: counters.malformed, unknown: counters.unknown }).toEqual({
        malformed: 0,
        unknown: 0,
      });
    },
  );

  it('counts the events dynconf does not use as ignored (CHANNEL_STATE, API, PRESENCE_IN, CODEC, …)', () => {
    // 01 (event json ALL) has CHANNEL_STATE, CHANNEL_CALLSTATE, PRESENCE_IN, CODEC, API … beside ours.
    const { counters } = decodeTrace('01');
    expect(counters.ignored).toBeGreaterThan(15);
    // 13 subscribed only to what dynconf needs: nothing ignored.
    expect(decodeTrace('13').counters.ignored).toBe(0);
  });
});

describe('01 inbound call to 900 reaches park', () => {
  it('gives the caller channel life cycle with its headers', () => {
    const { events } = decodeTrace('01');
    const lifecycle = events
      .filter((e) => e.type !== 'channel-execute' && e.type !== 'channel-execute-complete')
      .map((e) => (e.type === 'channel-progress' ? `progress:${e.media}` : e.type));
    expect(lifecycle).toEqual([
      'channel-create',
      'progress:true',
      'channel-answer',
      'channel-park',
      'channel-hangup',
      'channel-unpark',
      'channel-hangup-complete',
      'channel-destroy',
    ]);
    const park = ofType(events, 'channel-park')[0];
    expect(park?.channel.name).toBe('sofia/internal/1001@127.0.0.1:5070');
    expect(park?.channel.destinationNumber).toBe('900');
    expect(park?.channel.direction).toBe('inbound');
    expect(park?.channel.answerState).toBe('answered');
    expect(park?.channel.variable('dynconf_role')).toBe('admin');
    expect(park?.channel.header('Caller-Context')).toBe('default');
    const uuids = new Set(events.map((e) => ('channel' in e ? e.channel?.uuid : undefined)));
    expect(uuids.size).toBe(1);
    expect(causes(events)).toEqual(['NORMAL_CLEARING']);
    const apps = ofType(events, 'channel-execute').map((e) => e.application);
    expect(apps).toEqual(['hash', 'hash', 'hash', 'export', 'set', 'answer', 'park']);
  });
});

describe('02 PIN entry with play_and_get_digits', () => {
  const { events, records } = decodeTrace('02');

  it('gives the digits in order, from the leg that pressed them', () => {
    expect(digits(events)).toBe('1234#9999#1212#5678#12#5');
    const dtmf = ofType(events, 'dtmf');
    expect(new Set(dtmf.map((e) => e.source))).toEqual(new Set(['APP']));
    expect(new Set(dtmf.map((e) => e.durationSamples))).toEqual(new Set([2000]));
  });

  it('matches each sendmsg event-uuid to the app start and completion (Application-UUID)', () => {
    const sent = outs(records)
      .filter((r) => r.raw.startsWith('sendmsg'))
      .map((r) => outHeader(r.raw, 'event-uuid'));
    expect(sent).toHaveLength(6);
    const completions = ofType(events, 'channel-execute-complete').filter(
      (e) => e.application === 'play_and_get_digits',
    );
    expect(completions.map((e) => e.applicationUuid)).toEqual(sent);
    const starts = ofType(events, 'channel-execute').filter((e) => e.application === 'play_and_get_digits');
    expect(starts.map((e) => e.applicationUuid)).toEqual(sent);
    expect(starts[0]?.applicationData).toBe(
      '1 8 1 3000 # silence_stream://500 silence_stream://250 dynconf_pin \\d+ 2000',
    );
    expect(
      completions.map((e) => [e.channel.variable('read_result'), e.channel.variable('dynconf_pin')]),
    ).toEqual([
      ['success', '1234'],
      ['success', '9999'],
      ['failure', undefined],
      ['timeout', '12'],
      ['success', '5678'],
      ['success', undefined],
    ]);
    expect(completions[0]?.applicationResponse).toBe('_none_');
  });
});

describe('03 conference join and DTMF', () => {
  const { events } = decodeTrace('03');

  it('decodes conference actions, rooms, member ids and types', () => {
    expect(conferenceSummary(events).slice(0, 8)).toEqual([
      ['conference-create', 'room-a', undefined, undefined],
      ['add-member', 'room-a', 32, 'moderator'],
      ['floor-change', 'room-a', 32, 'moderator'],
      ['floor-change', 'room-a', undefined, undefined],
      ['del-member', 'room-a', 32, 'moderator'],
      ['conference-create', 'room-b', undefined, undefined],
      ['add-member', 'room-b', 32, 'moderator'],
      ['conference-destroy', 'room-a', undefined, undefined],
    ]);
  });

  it('carries profile, size, conference uuid, the member channel and its flags', () => {
    const conf = ofType(events, 'conference');
    const create = conf[0];
    expect(create).toMatchObject({
      action: 'conference-create',
      profile: 'dynconf',
      size: 0,
      member: undefined,
    });
    expect(create?.channel).toBeUndefined();
    const add = conf.find((e) => e.action === 'add-member');
    expect(add).toMatchObject({ size: 1, conferenceUuid: create?.conferenceUuid });
    expect(add?.member).toEqual({
      id: 32,
      uuid: 'a6d9f794-384b-411b-93cf-a861198c5d32',
      type: 'moderator',
      hear: true,
      speak: true,
      talking: false,
      floor: false,
    });
    expect(add?.channel?.uuid).toBe('a6d9f794-384b-411b-93cf-a861198c5d32');
    expect(conf.find((e) => e.action === 'mute-member')?.member).toMatchObject({ speak: false, hear: true });
    expect(conf.find((e) => e.action === 'deaf-member')?.member).toMatchObject({ speak: false, hear: false });
    expect(conf.find((e) => e.action === 'mute-member')?.profile).toBe('default');
  });

  it('gives the digits pressed in the rooms', () => {
    expect(digits(events)).toBe('0***#00*#');
  });
});

describe('05 originate outcomes', () => {
  const { events, records } = decodeTrace('05');

  it('gives the hangup causes of the invitee legs', () => {
    expect(causes(events)).toEqual([
      'NORMAL_CLEARING',
      'NO_ANSWER',
      'USER_BUSY',
      'NORMAL_CLEARING',
      'NORMAL_CLEARING',
      'NORMAL_TEMPORARY_FAILURE',
      'NO_ANSWER',
      'NORMAL_TEMPORARY_FAILURE',
      'NORMAL_CLEARING',
      'ORIGINATOR_CANCEL',
    ]);
  });

  it('matches every BACKGROUND_JOB to its bgapi by Job-UUID, with ok/err bodies', () => {
    const jobs = new Map(ofType(events, 'background-job').map((e) => [e.jobUuid, e]));
    const originates = outs(records).filter((r) => r.raw.startsWith('bgapi originate'));
    expect(originates).toHaveLength(13);
    const results = originates.map((r) => {
      const job = jobs.get(outHeader(r.raw, 'job-uuid') ?? '');
      const ours = /origination_uuid=([0-9a-f-]+)/.exec(r.raw)?.[1];
      expect(job?.command).toBe('originate');
      return job?.ok ? (job.reply === ours ? 'OK ours' : `OK ${job.reply}`) : job?.reply;
    });
    expect(results).toEqual([
      'OK ours',
      'NO_ANSWER',
      'USER_BUSY',
      'OK ours',
      'OK ours',
      'SUBSCRIBER_ABSENT',
      'USER_NOT_REGISTERED',
      'NORMAL_TEMPORARY_FAILURE',
      'NO_ANSWER',
      'NORMAL_TEMPORARY_FAILURE',
      'CHAN_NOT_IMPLEMENTED',
      'NORMAL_CLEARING',
      'ORIGINATOR_CANCEL',
    ]);
    const busy = [...jobs.values()].find((j) => j.reply === 'USER_BUSY');
    expect(busy).toMatchObject({ ok: false, body: '-ERR USER_BUSY\n' });
    expect(busy?.arg).toContain('sofia/internal/801@127.0.0.1:5092 &park()');
  });

  it('shows the invitee leg as outbound with our origination uuid, progress then answer', () => {
    const first = outs(records).find((r) => r.raw.startsWith('bgapi originate'));
    const b = /origination_uuid=([0-9a-f-]+)/.exec(first?.raw ?? '')?.[1];
    const legEvents = events.filter((e) => 'channel' in e && e.channel?.uuid === b);
    expect(legEvents[0]?.type).toBe('channel-outgoing');
    const types = legEvents.map((e) => (e.type === 'channel-progress' ? `progress:${e.media}` : e.type));
    expect(types).toContain('progress:false');
    expect(types.indexOf('channel-answer')).toBeGreaterThan(types.indexOf('progress:false'));
    const outgoing = legEvents[0] as EventOf<'channel-outgoing'>;
    expect(outgoing.channel.direction).toBe('outbound');
    expect(outgoing.channel.destinationNumber).toBe('801');
    const answer = legEvents.find((e) => e.type === 'channel-answer') as EventOf<'channel-answer'>;
    expect(answer.channel.variable('dynconf_role')).toBe('invitee');
    expect(answer.channel.answerState).toBe('answered');
  });
});

describe('06 private bridge', () => {
  it('gives the a and b legs of each bridge as the uuid_bridge command named them', () => {
    const { events, records } = decodeTrace('06');
    const bridged = outs(records)
      .filter((r) => r.raw.startsWith('api uuid_bridge'))
      .map((r) => r.raw.trim().split(' ').slice(2));
    const bridges = ofType(events, 'channel-bridge').map((e) => [e.aLegUuid, e.bLegUuid]);
    expect(bridges).toEqual(bridged);
    const unbridges = ofType(events, 'channel-unbridge');
    expect(unbridges.map((e) => [e.aLegUuid, e.bLegUuid])).toEqual(bridged);
    expect(ofType(events, 'channel-bridge')[0]?.channel.otherLegUuid).toBe(bridged[0]?.[1]);
    expect(digits(events)).toBe('***#5');
  });
});

describe('07, 04, 10, 13: member numbers and causes', () => {
  it('07 moves the admin in and out of room-a as moderator, then (after -both) as member', () => {
    expect(conferenceSummary(decodeTrace('07').events).slice(0, 10)).toEqual([
      ['conference-create', 'room-a', undefined, undefined],
      ['add-member', 'room-a', 35, 'member'],
      ['floor-change', 'room-a', 35, 'member'],
      ['add-member', 'room-a', 36, 'moderator'],
      ['del-member', 'room-a', 36, 'moderator'],
      ['add-member', 'room-a', 37, 'member'],
      ['add-member', 'room-a', 36, 'moderator'],
      ['del-member', 'room-a', 36, 'moderator'],
      ['add-member', 'room-a', 38, 'member'],
      ['add-member', 'room-a', 36, 'member'],
    ]);
  });

  it('04 destroys an emptied room and creates it again with a new Conference-Unique-ID', () => {
    const conf = ofType(decodeTrace('04').events, 'conference');
    const creates = conf.filter((e) => e.action === 'conference-create');
    expect(creates.map((e) => e.room)).toEqual(['room-a', 'room-a']);
    expect(creates[0]?.conferenceUuid).not.toBe(creates[1]?.conferenceUuid);
    expect(digits(decodeTrace('04').events)).toBe('0801#');
  });

  it('10 hangs up with NORMAL_CLEARING; the failed play_and_get_digits completes on a hung-up channel', () => {
    const { events } = decodeTrace('10');
    expect(causes(events)).toEqual(Array(9).fill('NORMAL_CLEARING'));
    const pagd = ofType(events, 'channel-execute-complete').find(
      (e) => e.application === 'play_and_get_digits',
    );
    expect(pagd?.channel.answerState).toBe('hangup');
    expect(pagd?.channel.variable('read_result')).toBe('failure');
    const killed = ofType(events, 'background-job').find((e) => !e.ok);
    expect(killed).toMatchObject({ body: '-ERR NORMAL_CLEARING\n', reply: 'NORMAL_CLEARING' });
    expect(ofType(events, 'channel-hangup-complete').every((e) => e.cause === 'NORMAL_CLEARING')).toBe(true);
  });

  it('13 (controller-style subscription) has the whole admin flow', () => {
    const { events } = decodeTrace('13');
    expect(digits(events)).toBe('1234#0801#**');
    expect(ofType(events, 'background-job').map((e) => e.reply)).toEqual([
      'b19aa259-ba92-4165-82b8-4777cdd40511',
    ]);
    expect(ofType(events, 'channel-bridge').map((e) => [e.aLegUuid, e.bLegUuid])).toEqual([
      ['254c7d5d-9883-4fb7-aa8a-6589c4fb69ce', 'b19aa259-ba92-4165-82b8-4777cdd40511'],
    ]);
  });
});

describe('08, 09, 12: custom events, uuid changes, errors', () => {
  it('08 decodes CUSTOM dynconf::star0 with the presser as its channel', () => {
    const { events } = decodeTrace('08');
    const star0 = ofType(events, 'custom').filter((e) => e.subclass === 'dynconf::star0');
    expect(star0.map((e) => e.channel?.uuid)).toEqual([
      'e7ab572b-101b-4a77-91af-df72f6cf0969',
      '5b8b6e5e-48e0-4ab0-b8e8-e8765ba22e79',
    ]);
    expect(star0[0]?.header('Event-Subclass')).toBe('dynconf::star0');
    expect(digits(events)).toBe('*0*01234#*09999#*0*0*05*0');
    expect(new Set(ofType(events, 'dtmf').map((e) => e.source))).toEqual(new Set(['APP', 'RTP']));
  });

  it('09 decodes CHANNEL_UUID (loopback) and the voicemail leg', () => {
    const { events } = decodeTrace('09');
    expect(ofType(events, 'channel-uuid').map((e) => [e.oldUuid, e.channel.uuid])).toEqual([
      ['cff6c77f-b5de-47ae-9591-315b5d89146c', '0ed8a6d1-6ebe-4bf3-ab75-49234f9f2c08'],
      ['f018f1d4-17d5-4e7d-ad01-4cbec5469abe', '1c2f366b-e515-45b2-b5bf-2ec8d8829c86'],
    ]);
    const voicemail = ofType(events, 'channel-execute').find((e) => e.application === 'voicemail');
    expect(voicemail?.applicationData).toBe('default 127.0.0.1 1000');
    expect(voicemail?.channel.variable('loopback_leg')).toBe('B');
  });

  it('gives the first value of a multi-valued (JSON array) variable', () => {
    const rec = decodeTrace('01').records.find(
      (r): r is InRecord =>
        r.dir === 'in' && typeof r.body === 'object' && Array.isArray(r.body.variable_DP_MATCH),
    );
    if (rec === undefined) throw new Error('no DP_MATCH array in trace 01');
    const values = (rec.body as Record<string, string[]>).variable_DP_MATCH;
    expect(values?.length).toBeGreaterThan(1);
    const event = decodeEvent(rec.body);
    expect(event && 'channel' in event ? event.channel?.variable('DP_MATCH') : 'no channel').toBe(
      values?.[0],
    );
  });

  it('12 gives -ERR job bodies and the DESTINATION_OUT_OF_ORDER hangup of an unknown app', () => {
    const { events } = decodeTrace('12');
    expect(ofType(events, 'background-job').map((e) => [e.ok, e.body, e.reply])).toEqual([
      [false, '-ERR No such channel!\n', 'No such channel!'],
      [false, '-ERR no_such_api_command Command not found!\n', 'no_such_api_command Command not found!'],
    ]);
    expect(causes(events)).toEqual(['DESTINATION_OUT_OF_ORDER']);
  });
});

describe('14 plain format', () => {
  const { events, records } = decodeTrace('14');

  it('URL-decodes values: digits, names, subclass', () => {
    expect(digits(events)).toBe('1234#0');
    const create = ofType(events, 'channel-create')[0];
    expect(create?.channel.name).toBe('sofia/internal/1001@127.0.0.1:5070');
    expect(create?.channel.destinationNumber).toBe('900');
    expect(conferenceSummary(events)).toEqual([
      ['conference-create', 'room-p', undefined, undefined],
      ['add-member', 'room-p', 46, 'moderator'],
      ['floor-change', 'room-p', 46, 'moderator'],
      ['floor-change', 'room-p', undefined, undefined],
      ['del-member', 'room-p', 46, 'moderator'],
      ['conference-destroy', 'room-p', undefined, undefined],
    ]);
  });

  it('turns ARRAY:: values into arrays (first value) and reads the event-uuid of sendmsg back', () => {
    const exec = ofType(events, 'channel-execute');
    expect(exec[0]?.channel.variable('DP_MATCH')).toBe('DELAYED NEGOTIATION');
    const sent = outs(records).find((r) => r.raw.startsWith('sendmsg'));
    const pagd = exec.find((e) => e.application === 'play_and_get_digits');
    expect(pagd?.applicationUuid).toBe(outHeader(sent?.raw ?? '', 'event-uuid'));
    expect(pagd?.applicationData).toContain('dynconf_pin \\d+ 2000');
  });

  it('reads the BACKGROUND_JOB body after its inner Content-Length', () => {
    const job = ofType(events, 'background-job')[0];
    const sent = outs(records).find((r) => r.raw.startsWith('bgapi'));
    expect(job?.jobUuid).toBe(outHeader(sent?.raw ?? '', 'job-uuid'));
    expect(job?.command).toBe('conference');
    expect(job?.arg).toBe('room-p json_list');
    const list = JSON.parse(job?.body ?? '') as { conference_name: string }[];
    expect(list[0]?.conference_name).toBe('room-p');
    expect(Buffer.byteLength(job?.body ?? '')).toBe(1306);
  });
});

describe('decoder robustness', () => {
  const sample = decodeTrace('07')
    .records.filter((r): r is InRecord => r.dir === 'in' && typeof r.body === 'object')
    .map((r) => r.body as Record<string, unknown>);

  it('never throws on damaged events: removed, emptied or retyped headers', () => {
    const keys = [
      'Event-Name',
      'Unique-ID',
      'Event-Subclass',
      'Member-ID',
      'Job-UUID',
      'DTMF-Digit',
      'Hangup-Cause',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sample.length - 1 }),
        fc.constantFrom(...keys),
        fc.constantFrom<unknown>(undefined, '', 42, null, [], ['x'], { a: 1 }, 'NOT_AN_EVENT'),
        (index, key, value) => {
          const damaged = { ...sample[index], [key]: value };
          const counters = createDecodeCounters();
          decodeEvent(damaged, counters);
          expect(counters.decoded + counters.ignored + counters.unknown + counters.malformed).toBe(1);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('counts non-objects and events without the fields it needs as malformed, unknown names as unknown', () => {
    const counters = createDecodeCounters();
    for (const input of [null, 'x', 3, [], {}, { 'Event-Name': 'DTMF' }, { 'Event-Name': 'CUSTOM' }]) {
      expect(decodeEvent(input, counters)).toBeUndefined();
    }
    expect(decodeEvent({ 'Event-Name': 'NO_SUCH_EVENT' }, counters)).toBeUndefined();
    expect(decodeEvent({ 'Event-Name': 'BACKGROUND_JOB' }, counters)).toBeUndefined();
    expect(decodePlainEvent('Event-Name: DTMF\nUnique-ID: %E0%A4%A\n\n', counters)).toBeUndefined();
    expect(counters).toEqual({ decoded: 0, ignored: 0, unknown: 1, malformed: 9 });
  });
});
