// The session's vocabulary: its types, the effect placeholders the runtime replaces, and its guards.

import { setup } from 'xstate';
import { type EffectName, type EffectParams, perEffect } from './actions.js';
import type { SessionContext, SessionInput } from './context.js';
import type { SessionEvent } from './events.js';
import {
  canRestoreCall,
  isCorrectPin,
  isCurrentLeg,
  isCurrentLegActive,
  isCurrentLegCalling,
  isDue,
  isEmptyNumber,
  isFailedCommand,
  isFailedLegCommand,
  isKey,
  mayRetryPin,
  usableRoute,
} from './guards.js';

function notProvided(name: EffectName): never {
  throw new Error(`session effect '${name}' is not provided: give it with machine.provide or withEffects`);
}

/** Every effect, typed with its params, failing loudly until the runtime provides it. */
const placeholders = perEffect<{ [K in EffectName]: (_: unknown, params: EffectParams[K]) => void }>(
  (name) => () => notProvided(name),
);

export const sessionSetup = setup({
  types: {} as { context: SessionContext; events: SessionEvent; input: SessionInput },
  actions: placeholders,
  guards: {
    pinCorrect: ({ event }) => isCorrectPin(event),
    pinRetry: ({ context, event }) => mayRetryPin(context, event),
    canRestoreCall: ({ context }) => canRestoreCall(context),
    pinDue: ({ context, event }) => isDue(context, event, 'pin'),
    dialDue: ({ context, event }) => isDue(context, event, 'dial'),
    ringDue: ({ context, event }) => isDue(context, event, 'ring'),
    keyDial: ({ event }) => isKey(event, 'dial'),
    keyJoin: ({ event }) => isKey(event, 'join-with-guest'),
    keyReturn: ({ event }) => isKey(event, 'return-alone'),
    otherHeld: ({ context }) => context.otherParty === 'held',
    emptyNumber: ({ event }) => isEmptyNumber(event),
    refusedRoute: ({ event }) => event.type === 'number.dialed' && !event.route.allowed,
    usableRoute: ({ context, event }) => usableRoute(context, event) !== undefined,
    legCalling: ({ context, event }) => isCurrentLegCalling(context, event),
    legActive: ({ context, event }) => isCurrentLegActive(context, event),
    legCurrent: ({ context, event }) => isCurrentLeg(context, event),
    returnOnVoicemail: ({ context }) => context.settings.returnOnVoicemail,
    failedAdminMove: ({ event }) =>
      isFailedCommand(event, 'joinRoomAsModerator') || isFailedCommand(event, 'returnAdminToRoom'),
    failedOtherMove: ({ event }) => isFailedCommand(event, 'moveOtherPartyIntoRoom'),
    failedInviteeMove: ({ event }) => isFailedCommand(event, 'moveInviteeIntoRoom'),
    failedCollectPin: ({ event }) => isFailedCommand(event, 'collectPin'),
    failedHold: ({ event }) => isFailedCommand(event, 'holdOtherParty'),
    failedRebridge: ({ event }) => isFailedCommand(event, 'rebridgeParties'),
    failedCollectNumber: ({ event }) => isFailedCommand(event, 'leaveRoomAndCollectNumber'),
    failedCall: ({ context, event }) =>
      isFailedLegCommand(context, event, 'callInvitee') ||
      isFailedLegCommand(context, event, 'bridgeAdminAndInvitee'),
  },
});
