// Binds the runtime's effect implementations to the machine, and creates session actors.

import { createActor, type Snapshot } from 'xstate';
import type { SessionEffects } from './actions.js';
import type { SessionInput } from './context.js';
import { adminSessionMachine } from './session.js';

/** The session machine with every effect implemented by `effects` (each called with its params). */
export function withEffects(effects: SessionEffects) {
  return adminSessionMachine.provide({
    actions: {
      collectPin: (_, params) => effects.collectPin(params),
      announce: (_, params) => effects.announce(params),
      hangupAdmin: () => effects.hangupAdmin(),
      holdOtherParty: () => effects.holdOtherParty(),
      hangupOtherParty: () => effects.hangupOtherParty(),
      rebridgeParties: () => effects.rebridgeParties(),
      joinRoomAsModerator: (_, params) => effects.joinRoomAsModerator(params),
      moveOtherPartyIntoRoom: (_, params) => effects.moveOtherPartyIntoRoom(params),
      leaveRoomAndCollectNumber: () => effects.leaveRoomAndCollectNumber(),
      callInvitee: (_, params) => effects.callInvitee(params),
      playRingback: () => effects.playRingback(),
      bridgeAdminAndInvitee: (_, params) => effects.bridgeAdminAndInvitee(params),
      moveInviteeIntoRoom: (_, params) => effects.moveInviteeIntoRoom(params),
      returnAdminToRoom: (_, params) => effects.returnAdminToRoom(params),
      hangupInvitee: (_, params) => effects.hangupInvitee(params),
      endRoom: (_, params) => effects.endRoom(params),
      armDeadline: (_, params) => effects.armDeadline(params),
      cancelDeadline: (_, params) => effects.cancelDeadline(params),
      releaseSession: (_, params) => effects.releaseSession(params),
    },
  });
}

export type SessionStart =
  | { readonly input: SessionInput }
  /** A snapshot checked by `restoreSession`. */
  | { readonly snapshot: Snapshot<unknown> };

/** A session actor (not started) for a new session or a restored one. */
export function createSessionActor(effects: SessionEffects, start: SessionStart) {
  const logic = withEffects(effects);
  if ('input' in start) return createActor(logic, { input: start.input });
  // A restored actor takes its context from the snapshot; xstate's types still ask for an input.
  return createActor(logic, { snapshot: start.snapshot, input: undefined as unknown as SessionInput });
}
