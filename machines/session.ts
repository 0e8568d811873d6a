// The administrator's lifecycle (flow 1: dial 900; flow 2: `*0` in a call) as a pure xstate machine.
// Effects are named placeholders (effects-setup.ts); the runtime provides them. Timers are absolute
// deadlines in context, armed and cancelled through effects, so a restored snapshot can have them re-armed.

import { and } from 'xstate';
import { initialContext } from './context.js';
import { sessionSteps } from './steps.js';

const { assign } = sessionSteps;

export const adminSessionMachine = sessionSteps.createMachine({
  id: 'adminSession',
  context: ({ input }) => initialContext(input),
  initial: 'authenticating',
  // Handled the same in every state that does not say otherwise; anything else is ignored.
  on: {
    'admin.hungUp': { target: '.ended', actions: { type: 'finish', params: { outcome: 'admin-hung-up' } } },
    'room.joined': { actions: assign({ adminInRoom: true }) },
    'room.left': { actions: assign({ adminInRoom: false }) },
    'other.hungUp': { guard: 'otherHeld', actions: assign({ otherParty: 'gone' }) },
    // A party sent into the room never arrived (it may be reported after the administrator moved on):
    // hang it up rather than leave it parked.
    'command.failed': [
      { guard: 'failedOtherMove', actions: 'releaseOtherParty' },
      { guard: 'failedInviteeMove', actions: 'releaseUnjoinedLeg' },
    ],
  },
  states: {
    authenticating: {
      entry: 'startPinEntry',
      exit: { type: 'disarm', params: { name: 'pin' } },
      on: {
        'pin.entered': [
          { guard: 'pinCorrect', target: 'inRoom', actions: 'enterRoom' },
          { guard: 'pinRetry', actions: 'askPinAgain' },
          { guard: 'canRestoreCall', target: 'restoringCall', actions: 'wrongPinPrompt' },
          {
            target: 'ended',
            actions: [
              'wrongPinPrompt',
              { type: 'hangUpWith', params: { prompt: 'goodbye' } },
              { type: 'finish', params: { outcome: 'pin-failed' } },
            ],
          },
        ],
        // The outer bound on one entry passed (its result was lost): counts as an entry without input.
        'deadline.reached': [
          { guard: and(['pinDue', 'pinRetry']), actions: 'askPinAgain' },
          { guard: and(['pinDue', 'canRestoreCall']), target: 'restoringCall' },
          {
            guard: 'pinDue',
            target: 'ended',
            actions: [
              { type: 'hangUpWith', params: { prompt: 'goodbye' } },
              { type: 'finish', params: { outcome: 'pin-failed' } },
            ],
          },
        ],
        'caller.lockedOut': [
          {
            guard: 'canRestoreCall',
            target: 'restoringCall',
            actions: { type: 'announce', params: { prompt: 'locked-out' } },
          },
          {
            target: 'ended',
            actions: [
              { type: 'hangUpWith', params: { prompt: 'locked-out' } },
              { type: 'finish', params: { outcome: 'locked-out' } },
            ],
          },
        ],
        'command.failed': [
          { guard: 'failedHold', actions: assign({ otherParty: 'gone' }) },
          { guard: and(['failedCollectPin', 'canRestoreCall']), target: 'restoringCall' },
          {
            guard: 'failedCollectPin',
            target: 'ended',
            actions: [
              { type: 'hangUpWith', params: { prompt: 'service-error' } },
              { type: 'finish', params: { outcome: 'service-error' } },
            ],
          },
        ],
      },
    },

    /** Flow 2 gave up on the password: the two parties are bridged back; the call goes on. */
    restoringCall: {
      entry: 'rebridgeParties',
      on: {
        'parties.rebridged': {
          target: 'callRestored',
          actions: [
            assign({ otherParty: 'rebridged' }),
            { type: 'finish', params: { outcome: 'call-restored' } },
          ],
        },
        'other.hungUp': {
          target: 'ended',
          actions: [
            assign({ otherParty: 'gone' }),
            { type: 'hangUpWith', params: { prompt: 'goodbye' } },
            { type: 'finish', params: { outcome: 'other-party-gone' } },
          ],
        },
        'command.failed': {
          guard: 'failedRebridge',
          target: 'ended',
          actions: [
            { type: 'hangUpWith', params: { prompt: 'goodbye' } },
            { type: 'finish', params: { outcome: 'other-party-gone' } },
          ],
        },
      },
    },

    inRoom: {
      on: {
        'key.command': { guard: 'keyDial', target: 'dialing', actions: 'leaveRoom' },
        'command.failed': [
          // The administrator could not be put into the room: no silent dead call.
          {
            guard: 'failedAdminMove',
            target: 'ended',
            actions: [
              { type: 'hangUpWith', params: { prompt: 'service-error' } },
              { type: 'finish', params: { outcome: 'service-error' } },
            ],
          },
        ],
      },
    },

    /** Dial tone and number entry, out of the room. */
    dialing: {
      exit: { type: 'disarm', params: { name: 'dial' } },
      on: {
        'number.none': { target: 'inRoom', actions: { type: 'backToRoom', params: {} } },
        'number.dialed': [
          { guard: 'emptyNumber', target: 'inRoom', actions: { type: 'backToRoom', params: {} } },
          { guard: 'refusedRoute', target: 'inRoom', actions: 'refuseNumber' },
          { guard: 'usableRoute', target: 'invitation', actions: 'startInvitation' },
          // An allowed route the machine cannot use (reused leg id, bad ring timeout): a runtime fault.
          { target: 'inRoom', actions: { type: 'backToRoom', params: { prompt: 'failed' } } },
        ],
        'deadline.reached': {
          guard: 'dialDue',
          target: 'inRoom',
          actions: { type: 'backToRoom', params: {} },
        },
        'command.failed': {
          guard: 'failedCollectNumber',
          target: 'inRoom',
          actions: { type: 'backToRoom', params: { prompt: 'failed' } },
        },
      },
    },

    /** One invitee being called, or talking privately with the administrator. */
    invitation: {
      initial: 'ringing',
      on: {
        'key.command': {
          guard: 'keyReturn',
          target: 'inRoom',
          actions: [
            { type: 'releaseInvitee', params: { reason: 'returned-alone' } },
            { type: 'backToRoom', params: {} },
          ],
        },
        // Normally reported before an answer; after one it still means the leg is gone.
        'invitee.failed': {
          guard: 'legActive',
          target: 'inRoom',
          actions: [
            'inviteeEnded',
            {
              type: 'backToRoom',
              params: ({ event }) => ({ prompt: event.reason }),
            },
          ],
        },
        'invitee.hungUp': {
          guard: 'legActive',
          target: 'inRoom',
          actions: ['inviteeEnded', { type: 'backToRoom', params: { prompt: 'invitee-hung-up' } }],
        },
        'command.failed': {
          guard: 'failedCall',
          target: 'inRoom',
          actions: [
            { type: 'releaseInvitee', params: { reason: 'call-failed' } },
            { type: 'backToRoom', params: { prompt: 'failed' } },
          ],
        },
      },
      states: {
        ringing: {
          entry: 'playRingback',
          exit: { type: 'disarm', params: { name: 'ring' } },
          on: {
            'invitee.answered': { guard: 'legCalling', target: 'talking', actions: 'connectInvitee' },
            'invitee.voicemail': [
              {
                guard: and(['legCalling', 'returnOnVoicemail']),
                target: '#adminSession.inRoom',
                actions: [
                  { type: 'releaseInvitee', params: { reason: 'voicemail' } },
                  { type: 'backToRoom', params: { prompt: 'voicemail-detected' } },
                ],
              },
              { guard: 'legCalling', target: 'voicemail', actions: 'connectInvitee' },
            ],
            'deadline.reached': {
              guard: 'ringDue',
              target: '#adminSession.inRoom',
              actions: [
                { type: 'releaseInvitee', params: { reason: 'no-answer' } },
                { type: 'backToRoom', params: { prompt: 'no-answer' } },
              ],
            },
          },
        },
        talking: {
          on: {
            'key.command': { guard: 'keyJoin', target: '#adminSession.inRoom', actions: 'returnWithGuest' },
            'invitee.voicemail': [
              {
                guard: and(['legCurrent', 'returnOnVoicemail']),
                target: '#adminSession.inRoom',
                actions: [
                  { type: 'releaseInvitee', params: { reason: 'voicemail' } },
                  { type: 'backToRoom', params: { prompt: 'voicemail-detected' } },
                ],
              },
              { guard: 'legCurrent', target: 'voicemail' },
            ],
          },
        },
        /** Bridged to a voicemail: only `*#` (or the leg ending) leaves; `**` is ignored. */
        voicemail: {
          entry: { type: 'announce', params: { prompt: 'voicemail-detected' } },
        },
      },
    },

    ended: { type: 'final' },
    callRestored: { type: 'final' },
  },
});

export type AdminSessionMachine = typeof adminSessionMachine;
