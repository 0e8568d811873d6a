// Internal steps of the session: context bookkeeping together with the effects that go with it.
// Each step enqueues effects only (never other steps), so every effect stays visible by name.

import { type EventObject, enqueueActions, type ParameterizedObject, assign as xstateAssign } from 'xstate';
import type { EffectName, EffectParams, InviteeHangupReason, Prompt, SessionOutcome } from './actions.js';
import type { LegStatus, SessionContext } from './context.js';
import { sessionSetup } from './effects-setup.js';
import type { DeadlineName, SessionEvent } from './events.js';
import { currentLegStatus, isWrongPin, usableRoute } from './guards.js';

/**
 * Ended legs remembered (besides every leg still calling or up): enough to refuse a replayed leg id and to
 * release a leg whose move into the room failed, while a session that invites people all day keeps a small
 * snapshot (it is written to FreeSWITCH after every transition).
 */
export const ENDED_LEGS_KEPT = 8;

function withLeg(context: SessionContext, legId: string, status: LegStatus) {
  const legs: Record<string, LegStatus> = { ...context.legs, [legId]: status };
  // Keys keep their insertion order: the oldest ended legs come first.
  const ended = Object.keys(legs).filter((id) => legs[id] === 'released' || legs[id] === 'joined');
  for (const id of ended.slice(0, Math.max(0, ended.length - ENDED_LEGS_KEPT))) delete legs[id];
  return legs;
}

function withoutDeadline(context: SessionContext, name: DeadlineName) {
  const { [name]: _gone, ...rest } = context.deadlines;
  return rest;
}

type EffectAction = { [K in EffectName]: { type: K; params: EffectParams[K] } }[EffectName];
type StepParams = ParameterizedObject['params'] | undefined;

/** A step that may only enqueue effects (typed), with params of its own. */
function step<P extends StepParams = undefined>(
  collect: Parameters<
    typeof enqueueActions<
      SessionContext,
      SessionEvent,
      P,
      SessionEvent,
      never,
      EffectAction,
      never,
      never,
      EventObject
    >
  >[0],
) {
  return enqueueActions<
    SessionContext,
    SessionEvent,
    P,
    SessionEvent,
    never,
    EffectAction,
    never,
    never,
    EventObject
  >(collect);
}

const assign = xstateAssign<SessionContext, SessionEvent, undefined, SessionEvent, never>;

export const sessionSteps = sessionSetup.extend({
  actions: {
    disarm: step<{ name: DeadlineName }>(({ context, enqueue }, params) => {
      if (context.deadlines[params.name] === undefined) return;
      enqueue.assign({ deadlines: withoutDeadline(context, params.name) });
      enqueue({ type: 'cancelDeadline', params });
    }),
    /** Starts password entry: holds the other party in flow 2, arms the deadline set by the input. */
    startPinEntry: step(({ context, enqueue }) => {
      if (context.otherParty === 'held') enqueue('holdOtherParty');
      enqueue({ type: 'collectPin', params: { attempt: 1, maxAttempts: context.settings.maxPinAttempts } });
      const due = context.deadlines.pin;
      if (due !== undefined) enqueue({ type: 'armDeadline', params: { name: 'pin', at: due } });
    }),
    askPinAgain: step(({ context, event, enqueue }) => {
      const failures = context.pinFailures + 1;
      const at = event.at + context.settings.pinEntryTimeoutMs;
      enqueue.assign({ pinFailures: failures, deadlines: { ...context.deadlines, pin: at } });
      if (isWrongPin(event)) enqueue({ type: 'announce', params: { prompt: 'wrong-pin' } });
      enqueue({
        type: 'collectPin',
        params: { attempt: failures + 1, maxAttempts: context.settings.maxPinAttempts },
      });
      enqueue({ type: 'armDeadline', params: { name: 'pin', at } });
    }),
    wrongPinPrompt: step(({ event, enqueue }) => {
      if (isWrongPin(event)) enqueue({ type: 'announce', params: { prompt: 'wrong-pin' } });
    }),
    /** Ends the administrator's call with a prompt. */
    hangUpWith: step<{ prompt: Prompt }>(({ enqueue }, params) => {
      enqueue({ type: 'announce', params: { prompt: params.prompt } });
      enqueue('hangupAdmin');
    }),
    enterRoom: step(({ context, enqueue }) => {
      enqueue.assign({ roomRequested: true });
      enqueue({ type: 'joinRoomAsModerator', params: { room: context.room } });
      if (context.otherParty === 'held') {
        enqueue.assign({ otherParty: 'in-room' });
        enqueue({ type: 'moveOtherPartyIntoRoom', params: { room: context.room } });
      }
    }),
    leaveRoom: step(({ context, event, enqueue }) => {
      const at = event.at + context.settings.dialEntryTimeoutMs;
      enqueue.assign({ adminInRoom: false, deadlines: { ...context.deadlines, dial: at } });
      enqueue('leaveRoomAndCollectNumber');
      enqueue({ type: 'armDeadline', params: { name: 'dial', at } });
    }),
    backToRoom: step<{ prompt?: Prompt }>(({ context, enqueue }, params) => {
      if (params.prompt !== undefined) enqueue({ type: 'announce', params: { prompt: params.prompt } });
      enqueue({ type: 'returnAdminToRoom', params: { room: context.room } });
    }),
    /** Refused number: say why, back to the room. */
    refuseNumber: step(({ context, event, enqueue }) => {
      const prompt: Prompt =
        event.type === 'number.dialed' && !event.route.allowed ? event.route.reason : 'failed';
      enqueue({ type: 'announce', params: { prompt } });
      enqueue({ type: 'returnAdminToRoom', params: { room: context.room } });
    }),
    startInvitation: step(({ context, event, enqueue }) => {
      const route = usableRoute(context, event);
      if (route === undefined || event.type !== 'number.dialed') return;
      const invitation = { legId: route.legId, number: event.digits.trim(), route };
      const ringAt = event.at + route.ringTimeoutMs;
      enqueue.assign({
        invitation,
        legs: withLeg(context, route.legId, 'calling'),
        invitations: context.invitations + 1,
        // Unsupervised trunks "answer" at once: no ring deadline, the administrator returns with `*#`.
        deadlines: route.answerSupervision ? { ...context.deadlines, ring: ringAt } : context.deadlines,
      });
      enqueue({ type: 'callInvitee', params: invitation });
      if (route.answerSupervision) enqueue({ type: 'armDeadline', params: { name: 'ring', at: ringAt } });
    }),
    connectInvitee: step(({ context, enqueue }) => {
      if (context.invitation === null) return;
      const { legId } = context.invitation;
      enqueue.assign({ legs: withLeg(context, legId, 'up') });
      enqueue({ type: 'bridgeAdminAndInvitee', params: { legId } });
    }),
    /** `**`: two separate moves, so the administrator keeps moderator. */
    returnWithGuest: step(({ context, enqueue }) => {
      if (context.invitation === null) return;
      const { legId } = context.invitation;
      enqueue.assign({ legs: withLeg(context, legId, 'joined') });
      enqueue({ type: 'moveInviteeIntoRoom', params: { legId, room: context.room } });
      enqueue({ type: 'returnAdminToRoom', params: { room: context.room } });
    }),
    /** The machine ends the invitee's leg (if it is still calling or up). */
    releaseInvitee: step<{ reason: InviteeHangupReason }>(({ context, enqueue }, params) => {
      const status = currentLegStatus(context);
      if (context.invitation === null || (status !== 'calling' && status !== 'up')) return;
      const { legId } = context.invitation;
      enqueue.assign({ legs: withLeg(context, legId, 'released') });
      enqueue({ type: 'hangupInvitee', params: { legId, reason: params.reason } });
    }),
    /** The invitee's leg ended by itself. */
    inviteeEnded: assign(({ context }) =>
      context.invitation === null ? {} : { legs: withLeg(context, context.invitation.legId, 'released') },
    ),
    /** A leg handed to the room never arrived there: end it rather than leave it parked. */
    releaseUnjoinedLeg: step(({ context, event, enqueue }) => {
      if (event.type !== 'command.failed' || event.legId === undefined) return;
      if (context.legs[event.legId] !== 'joined') return;
      enqueue.assign({ legs: withLeg(context, event.legId, 'released') });
      enqueue({ type: 'hangupInvitee', params: { legId: event.legId, reason: 'join-failed' } });
    }),
    releaseOtherParty: step(({ context, enqueue }) => {
      if (context.otherParty !== 'held' && context.otherParty !== 'in-room') return;
      enqueue.assign({ otherParty: 'released' });
      enqueue('hangupOtherParty');
    }),
    /** Every ending goes through here: nothing the session asked for outlives it. */
    finish: step<{ outcome: SessionOutcome }>(({ context, enqueue }, params) => {
      for (const name of Object.keys(context.deadlines) as DeadlineName[]) {
        enqueue({ type: 'cancelDeadline', params: { name } });
      }
      const legs = { ...context.legs };
      for (const [legId, status] of Object.entries(context.legs)) {
        if (status !== 'calling' && status !== 'up') continue;
        legs[legId] = 'released';
        const reason = params.outcome === 'admin-hung-up' ? 'admin-hung-up' : 'call-failed';
        enqueue({ type: 'hangupInvitee', params: { legId, reason } });
      }
      const otherHeld = context.otherParty === 'held';
      if (otherHeld) enqueue('hangupOtherParty');
      if (context.roomRequested && context.settings.endConferenceWhenAdminLeaves) {
        enqueue({ type: 'endRoom', params: { room: context.room } });
      }
      enqueue.assign({
        deadlines: {},
        legs,
        otherParty: otherHeld ? 'released' : context.otherParty,
        outcome: params.outcome,
      });
      enqueue({ type: 'releaseSession', params: { outcome: params.outcome } });
    }),
  },
});
