// Turns decoded FreeSWITCH events about a session's legs into the machine's SessionEvents. Pure: the leg's
// role and what was already reported go in; events and the facts to record come out. Each invitee
// outcome is reported once, whichever of its several signals (job result, channel events) comes first.
import type { InviteFailure, SessionEvent } from '../../machines/index.js';
import type { DynconfEvent, EventOf } from '../esl/events.js';
import { LOOPBACK_APP, READ_RESULT } from './channel-vars.js';
import type { InviteeFacts, LegRole } from './legs.js';

export interface LegDescription {
  readonly role: LegRole;
  /** The invitee leg id, for invitee and related legs. */
  readonly inviteeId: string | undefined;
  readonly invitee: Readonly<InviteeFacts>;
}

export interface Translation {
  readonly events: SessionEvent[];
  /** Facts to record on the invitee leg (`inviteeId`). */
  readonly facts?: Partial<InviteeFacts>;
}

const NOTHING: Translation = { events: [] };

/** FreeSWITCH hangup causes of a failed call attempt → why the invitation failed. */
const FAILURE_BY_CAUSE: Readonly<Record<string, InviteFailure>> = {
  NO_ANSWER: 'no-answer',
  ALLOTTED_TIMEOUT: 'no-answer',
  NO_USER_RESPONSE: 'no-answer',
  USER_BUSY: 'busy',
  CALL_REJECTED: 'rejected',
  NORMAL_TEMPORARY_FAILURE: 'unreachable',
  DESTINATION_OUT_OF_ORDER: 'unreachable',
  NETWORK_OUT_OF_ORDER: 'unreachable',
  RECOVERY_ON_TIMER_EXPIRE: 'unreachable',
  SUBSCRIBER_ABSENT: 'unreachable',
  USER_NOT_REGISTERED: 'unreachable',
  UNALLOCATED_NUMBER: 'invalid-number',
  INVALID_NUMBER_FORMAT: 'invalid-number',
  NO_ROUTE_DESTINATION: 'invalid-number',
  CHAN_NOT_IMPLEMENTED: 'invalid-number',
};

/** Why an invitation failed, from a hangup cause or an originate's `-ERR <CAUSE>`. */
export function inviteFailureFor(cause: string): InviteFailure {
  return FAILURE_BY_CAUSE[cause.trim()] ?? 'failed';
}

/** Translates one channel event routed to `leg` (`at` = when it was received). */
export function translateChannelEvent(event: DynconfEvent, leg: LegDescription, at: number): Translation {
  switch (leg.role) {
    case 'admin':
      return event.type === 'channel-hangup' ? { events: [{ type: 'admin.hungUp', at }] } : NOTHING;
    case 'other':
      return event.type === 'channel-hangup' ? { events: [{ type: 'other.hungUp', at }] } : NOTHING;
    case 'invitee':
      return translateInviteeEvent(event, leg, at);
    case 'related':
      return voicemailOf(event, leg, at);
  }
}

function translateInviteeEvent(event: DynconfEvent, leg: LegDescription, at: number): Translation {
  const legId = leg.inviteeId;
  if (legId === undefined) return NOTHING;
  const facts = leg.invitee;
  switch (event.type) {
    case 'channel-progress':
      return facts.answered || facts.ended ? NOTHING : { events: [{ type: 'invitee.ringing', at, legId }] };
    case 'channel-park':
      // &park() runs once the originate has finished: the leg is answered and ours to bridge.
      return answered(leg, legId, at);
    case 'channel-hangup': {
      if (facts.ended) return NOTHING;
      if (facts.answered) return { events: [{ type: 'invitee.hungUp', at, legId }], facts: { ended: true } };
      if (facts.cancelled) return { events: [], facts: { ended: true } };
      const reason = inviteFailureFor(event.cause);
      return { events: [{ type: 'invitee.failed', at, legId, reason }], facts: { ended: true } };
    }
    default:
      return voicemailOf(event, leg, at);
  }
}

/** The originate's BACKGROUND_JOB for invitee leg `leg`. */
export function translateOriginateJob(
  event: EventOf<'background-job'>,
  leg: LegDescription,
  at: number,
): Translation {
  const legId = leg.inviteeId;
  if (legId === undefined) return NOTHING;
  if (event.ok) {
    const answer = answered(leg, legId, at);
    return { events: answer.events, facts: { ...answer.facts, jobDone: true } };
  }
  if (leg.invitee.ended || leg.invitee.cancelled || leg.invitee.answered) {
    return { events: [], facts: { jobDone: true, ended: true } };
  }
  const reason = inviteFailureFor(event.reply);
  return { events: [{ type: 'invitee.failed', at, legId, reason }], facts: { jobDone: true, ended: true } };
}

function answered(leg: LegDescription, legId: string, at: number): Translation {
  const facts = leg.invitee;
  if (facts.answered || facts.ended || facts.cancelled) return NOTHING;
  return { events: [{ type: 'invitee.answered', at, legId }], facts: { answered: true } };
}

/**
 * Voicemail answered for the invitee: a leg of its call runs the `voicemail` application (the loopback
 * `-b` leg of a forward to voicemail, trace 09 part 1), or is a `loopback/…` leg created for
 * `loopback/app=voicemail` (`variable_loopback_app`, trace 09 part 2).
 */
function voicemailOf(event: DynconfEvent, leg: LegDescription, at: number): Translation {
  const legId = leg.inviteeId;
  if (legId === undefined || leg.invitee.voicemail || leg.invitee.ended || leg.invitee.cancelled)
    return NOTHING;
  if (!('channel' in event) || event.channel === undefined) return NOTHING;
  const runsVoicemail = event.type === 'channel-execute' && event.application === 'voicemail';
  const voicemailLoopback =
    event.channel.name?.startsWith('loopback/') === true &&
    event.channel.variable(LOOPBACK_APP) === 'voicemail';
  if (!runsVoicemail && !voicemailLoopback) return NOTHING;
  return { events: [{ type: 'invitee.voicemail', at, legId }], facts: { voicemail: true } };
}

export type DigitsResult =
  /** Digits were entered (ended by `#` or by the inter-digit timeout). */
  | { readonly kind: 'digits'; readonly digits: string }
  /** Nothing usable was entered (no digit, or an entry the regexp refused). */
  | { readonly kind: 'none' };

/**
 * Reads a play_and_get_digits result from its CHANNEL_EXECUTE_COMPLETE (trace 02): the digits are in
 * `variable_<name>` (absent = no input), `variable_read_result` is `success`, `failure` or `timeout`.
 * Application-Response is not used: it is `_none_` whatever happened.
 */
export function readDigits(event: EventOf<'channel-execute-complete'>, variable: string): DigitsResult {
  const digits = event.channel.variable(variable);
  const result = event.channel.variable(READ_RESULT);
  if (digits === undefined || digits === '' || result === 'failure') return { kind: 'none' };
  return { kind: 'digits', digits };
}
