import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../src/esl/events.js';
import type { InviteeFacts } from '../../src/runtime/legs.js';
import {
  inviteFailureFor,
  type LegDescription,
  readDigits,
  translateChannelEvent,
  translateOriginateJob,
} from '../../src/runtime/translate.js';
import { channelEvent, event, traceEvents } from './support.js';

const B = '0b0b0b0b-0000-4000-8000-000000000001';
const facts = (over: Partial<InviteeFacts> = {}): InviteeFacts => ({
  answered: false,
  ended: false,
  voicemail: false,
  cancelled: false,
  joined: false,
  jobDone: false,
  ...over,
});
const invitee = (over: Partial<InviteeFacts> = {}): LegDescription => ({
  role: 'invitee',
  inviteeId: B,
  invitee: facts(over),
});
const job = (body: string) =>
  event({
    'Event-Name': 'BACKGROUND_JOB',
    'Job-UUID': 'j',
    'Job-Command': 'originate',
    _body: body,
  }) as EventOf<'background-job'>;

describe('invite failure reasons', () => {
  it.each([
    ['NO_ANSWER', 'no-answer'],
    ['ALLOTTED_TIMEOUT', 'no-answer'],
    ['USER_BUSY', 'busy'],
    ['CALL_REJECTED', 'rejected'],
    ['NORMAL_TEMPORARY_FAILURE', 'unreachable'],
    ['DESTINATION_OUT_OF_ORDER', 'unreachable'],
    ['NETWORK_OUT_OF_ORDER', 'unreachable'],
    ['RECOVERY_ON_TIMER_EXPIRE', 'unreachable'],
    ['SUBSCRIBER_ABSENT', 'unreachable'],
    ['USER_NOT_REGISTERED', 'unreachable'],
    ['UNALLOCATED_NUMBER', 'invalid-number'],
    ['INVALID_NUMBER_FORMAT', 'invalid-number'],
    ['NO_ROUTE_DESTINATION', 'invalid-number'],
    ['CHAN_NOT_IMPLEMENTED', 'invalid-number'],
    ['SOMETHING_ELSE', 'failed'],
  ])('%s → %s', (cause, reason) => {
    expect(inviteFailureFor(cause)).toBe(reason);
  });
});

describe('translating invitee legs', () => {
  it('a hang-up before answer is a failure with its reason; after answer it is a hang-up', () => {
    const hangup = channelEvent('CHANNEL_HANGUP', B, { 'Hangup-Cause': 'USER_BUSY' });
    expect(translateChannelEvent(hangup, invitee(), 5).events).toEqual([
      { type: 'invitee.failed', at: 5, legId: B, reason: 'busy' },
    ]);
    expect(translateChannelEvent(hangup, invitee({ answered: true }), 6).events).toEqual([
      { type: 'invitee.hungUp', at: 6, legId: B },
    ]);
  });

  it('our own cancel is not a failure, and nothing is reported twice', () => {
    const cancel = channelEvent('CHANNEL_HANGUP', B, { 'Hangup-Cause': 'ORIGINATOR_CANCEL' });
    expect(translateChannelEvent(cancel, invitee({ cancelled: true }), 1).events).toEqual([]);
    expect(
      translateOriginateJob(job('-ERR ORIGINATOR_CANCEL\n'), invitee({ cancelled: true }), 1).events,
    ).toEqual([]);
    const busy = channelEvent('CHANNEL_HANGUP', B, { 'Hangup-Cause': 'USER_BUSY' });
    expect(translateChannelEvent(busy, invitee({ ended: true }), 1).events).toEqual([]);
    expect(translateOriginateJob(job('-ERR USER_BUSY\n'), invitee({ ended: true }), 1).events).toEqual([]);
  });

  it('the originate result: +OK answers, -ERR <CAUSE> fails with the mapped reason', () => {
    expect(translateOriginateJob(job(`+OK ${B}\n`), invitee(), 1)).toEqual({
      events: [{ type: 'invitee.answered', at: 1, legId: B }],
      facts: { answered: true, jobDone: true },
    });
    expect(translateOriginateJob(job('-ERR NO_ANSWER\n'), invitee(), 2).events).toEqual([
      { type: 'invitee.failed', at: 2, legId: B, reason: 'no-answer' },
    ]);
    // Already answered through its CHANNEL_PARK: the job adds nothing.
    expect(translateOriginateJob(job(`+OK ${B}\n`), invitee({ answered: true }), 3).events).toEqual([]);
  });

  it('the leg parking (&park after the originate) counts as answered, once', () => {
    const park = channelEvent('CHANNEL_PARK', B);
    expect(translateChannelEvent(park, invitee(), 1).events).toEqual([
      { type: 'invitee.answered', at: 1, legId: B },
    ]);
    expect(translateChannelEvent(park, invitee({ answered: true }), 2).events).toEqual([]);
  });

  it('ringing is reported while the leg rings', () => {
    const progress = channelEvent('CHANNEL_PROGRESS', B);
    expect(translateChannelEvent(progress, invitee(), 1).events).toEqual([
      { type: 'invitee.ringing', at: 1, legId: B },
    ]);
  });

  it('administrator and other party: only their hang-up matters', () => {
    const hangup = channelEvent('CHANNEL_HANGUP', B, { 'Hangup-Cause': 'NORMAL_CLEARING' });
    const role = (r: 'admin' | 'other'): LegDescription => ({
      role: r,
      inviteeId: undefined,
      invitee: facts(),
    });
    expect(translateChannelEvent(hangup, role('admin'), 1).events).toEqual([{ type: 'admin.hungUp', at: 1 }]);
    expect(translateChannelEvent(hangup, role('other'), 1).events).toEqual([{ type: 'other.hungUp', at: 1 }]);
    expect(translateChannelEvent(channelEvent('CHANNEL_PARK', B), role('admin'), 1).events).toEqual([]);
  });
});

describe('voicemail detection (trace 09)', () => {
  const related: LegDescription = { role: 'related', inviteeId: B, invitee: facts() };

  it('a related leg running the voicemail application', () => {
    const vm = traceEvents('09-voicemail-invitee.jsonl').find(
      (e) => e.type === 'channel-execute' && e.application === 'voicemail',
    );
    expect(vm).toBeDefined();
    expect(translateChannelEvent(vm as NonNullable<typeof vm>, related, 7).events).toEqual([
      { type: 'invitee.voicemail', at: 7, legId: B },
    ]);
  });

  it('a loopback leg created for loopback/app=voicemail', () => {
    const leg = traceEvents('09-voicemail-invitee.jsonl').find(
      (e) =>
        'channel' in e && e.channel?.variable('loopback_app') === 'voicemail' && e.type === 'channel-create',
    );
    expect(leg).toBeDefined();
    expect(translateChannelEvent(leg as NonNullable<typeof leg>, related, 8).events).toEqual([
      { type: 'invitee.voicemail', at: 8, legId: B },
    ]);
    expect(
      translateChannelEvent(
        leg as NonNullable<typeof leg>,
        { ...related, invitee: facts({ voicemail: true }) },
        9,
      ).events,
    ).toEqual([]);
  });
});

describe('reading play_and_get_digits results (trace 02)', () => {
  const completions = traceEvents('02-pin-play-and-get-digits.jsonl').filter(
    (e): e is EventOf<'channel-execute-complete'> =>
      e.type === 'channel-execute-complete' && e.application === 'play_and_get_digits',
  );

  it('finds the six recorded entries', () => {
    expect(completions).toHaveLength(6);
  });

  it('right PIN, wrong PIN, no input, inter-digit timeout, second try, refused entry', () => {
    expect(completions.map((e) => readDigits(e, 'dynconf_pin'))).toEqual([
      { kind: 'digits', digits: '1234' },
      { kind: 'digits', digits: '9999' },
      { kind: 'none' },
      { kind: 'digits', digits: '12' },
      { kind: 'digits', digits: '5678' },
      { kind: 'none' },
    ]);
  });
});
