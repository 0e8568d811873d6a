// The event alphabet of the model-based tests: every event type, with a representative set of payloads
// chosen from the current context (the next fresh leg id, the current leg, a stale leg).

import type { FailableCommand, SessionContext, SessionEvent, SessionInput } from '../../machines/index.js';

/** Every ordinary fact happens at NOW; deadlines are reported far later (due) or too early (stale). */
export const NOW = 1_000;
export const LATE = 10_000_000_000;
/** Bound on invitations so the graph stays finite. */
export const MAX_INVITATIONS = 2;

const FAILABLE: readonly FailableCommand[] = [
  'collectPin',
  'holdOtherParty',
  'joinRoomAsModerator',
  'moveOtherPartyIntoRoom',
  'rebridgeParties',
  'leaveRoomAndCollectNumber',
  'callInvitee',
  'bridgeAdminAndInvitee',
  'moveInviteeIntoRoom',
  'returnAdminToRoom',
  'hangupInvitee',
];

export interface Alphabet {
  /** Include room confirmations, stale facts and command failures (a larger graph). */
  readonly faults: boolean;
}

export function eventsFor(context: SessionContext, alphabet: Alphabet): SessionEvent[] {
  const at = NOW;
  const fresh = `leg-${context.invitations + 1}`;
  const current = context.invitation?.legId ?? fresh;
  const events: SessionEvent[] = [
    { type: 'pin.entered', at, result: 'correct' },
    { type: 'pin.entered', at, result: 'wrong' },
    { type: 'pin.entered', at, result: 'no-input' },
    { type: 'caller.lockedOut', at },
    { type: 'key.command', at, command: 'dial' },
    { type: 'key.command', at, command: 'join-with-guest' },
    { type: 'key.command', at, command: 'return-alone' },
    { type: 'key.command', at, command: 'escalate' },
    { type: 'number.none', at },
    { type: 'number.dialed', at, digits: '', route: { allowed: false, reason: 'not-allowed' } },
    { type: 'number.dialed', at, digits: '0900', route: { allowed: false, reason: 'not-allowed' } },
    { type: 'number.dialed', at, digits: 'abc', route: { allowed: false, reason: 'invalid-number' } },
    { type: 'invitee.ringing', at, legId: current },
    { type: 'invitee.answered', at, legId: current },
    { type: 'invitee.voicemail', at, legId: current },
    { type: 'invitee.failed', at, legId: current, reason: 'busy' },
    { type: 'invitee.failed', at, legId: current, reason: 'no-answer' },
    { type: 'invitee.hungUp', at, legId: current },
    { type: 'admin.hungUp', at },
    { type: 'other.hungUp', at },
    { type: 'parties.rebridged', at },
    { type: 'deadline.reached', at: LATE, name: 'pin' },
    { type: 'deadline.reached', at: LATE, name: 'dial' },
    { type: 'deadline.reached', at: LATE, name: 'ring' },
  ];
  if (context.invitations < MAX_INVITATIONS) {
    const route = { allowed: true, rule: 'r', ringTimeoutMs: 30_000, legId: fresh } as const;
    events.push(
      { type: 'number.dialed', at, digits: '801', route: { ...route, answerSupervision: true } },
      { type: 'number.dialed', at, digits: '0049301234', route: { ...route, answerSupervision: false } },
    );
  }
  if (alphabet.faults) {
    events.push(
      { type: 'room.joined', at },
      { type: 'room.left', at },
      { type: 'deadline.reached', at: 0, name: 'ring' },
      { type: 'invitee.hungUp', at, legId: 'leg-stale' },
      {
        type: 'number.dialed',
        at,
        digits: '802',
        route: { allowed: true, rule: 'r', ringTimeoutMs: 30_000, legId: current, answerSupervision: true },
      },
      ...FAILABLE.map((command): SessionEvent => ({ type: 'command.failed', at, command, legId: current })),
    );
  }
  return events;
}

/** The inputs the model is explored from: both flows and the options that change behaviour. */
export const MODEL_INPUTS: ReadonlyArray<{ name: string; input: SessionInput }> = [
  { name: 'access, defaults', input: { flow: 'access', at: NOW, room: 'room-m', maxPinAttempts: 2 } },
  {
    name: 'access, return on voicemail, end room when admin leaves',
    input: {
      flow: 'access',
      at: NOW,
      room: 'room-m',
      maxPinAttempts: 2,
      returnOnVoicemail: true,
      endConferenceWhenAdminLeaves: true,
    },
  },
  {
    name: 'escalation, other party there',
    input: { flow: 'escalation', at: NOW, room: 'room-m', maxPinAttempts: 2 },
  },
  {
    name: 'escalation, other party gone',
    input: { flow: 'escalation', at: NOW, room: 'room-m', maxPinAttempts: 2, otherPartyPresent: false },
  },
];
