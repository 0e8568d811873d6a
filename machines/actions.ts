// The effects an administrator session asks for. The machine only names them; the runtime implements
// every one (provideEffects or withEffects in provide.ts). Effects of one transition come in order, and
// effects aimed at the same leg must be carried out in that order (a prompt finishes before a transfer).
// Every effect must be idempotent: a restored session may ask again for what was already done.

import type { AllowedRoute, DeadlineName, InviteFailure } from './events.js';

/** What the administrator hears. One prompt or tone per value; the runtime maps them to sound files. */
export type Prompt =
  | 'wrong-pin'
  | 'goodbye'
  | 'locked-out'
  | 'voicemail-detected'
  | 'invitee-hung-up'
  | 'service-error'
  | InviteFailure;

/** Why the machine hangs up an invitee leg (for logs and the hangup cause). */
export type InviteeHangupReason =
  | 'admin-hung-up'
  | 'returned-alone'
  | 'no-answer'
  | 'voicemail'
  | 'bridge-failed'
  | 'join-failed'
  | 'call-failed';

/** How a session ended; for logs and metrics. */
export type SessionOutcome =
  | 'admin-hung-up'
  | 'pin-failed'
  | 'locked-out'
  | 'call-restored'
  | 'other-party-gone'
  | 'service-error';

export interface CollectPinParams {
  /** 1-based attempt number. */
  readonly attempt: number;
  readonly maxAttempts: number;
}
export interface AnnounceParams {
  readonly prompt: Prompt;
}
export interface RoomParams {
  readonly room: string;
}
export interface CallInviteeParams {
  readonly legId: string;
  readonly number: string;
  readonly route: AllowedRoute;
}
export interface LegParams {
  readonly legId: string;
}
export interface MoveInviteeParams {
  readonly legId: string;
  readonly room: string;
}
export interface HangupInviteeParams {
  readonly legId: string;
  readonly reason: InviteeHangupReason;
}
export interface ArmDeadlineParams {
  readonly name: DeadlineName;
  /** Epoch ms; send `deadline.reached` at or after it. */
  readonly at: number;
}
export interface CancelDeadlineParams {
  readonly name: DeadlineName;
}
export interface ReleaseParams {
  readonly outcome: SessionOutcome;
}

/** An effect's declaration: the params it takes. Carries a type only; the runtime implements the effect. */
export interface EffectDeclaration<P> {
  /** Never set: only its type matters. */
  readonly takes?: (params: P) => void;
}

function takes<P = undefined>(): EffectDeclaration<P> {
  return {};
}

/**
 * Every effect the session asks for, declared once: name, params, what the runtime must do. Everything
 * else (names, placeholders, provided implementations, the runtime's table) is derived from it.
 */
export const EFFECTS = {
  /** Ask the administrator for the password (prompt, digits, `#` or timeout ends); report `pin.entered`. */
  collectPin: takes<CollectPinParams>(),
  /** Play a prompt or tone to the administrator (parked, or into the private bridge). */
  announce: takes<AnnounceParams>(),
  /** Hang up the administrator's leg (after any prompt queued before it has played). */
  hangupAdmin: takes(),
  /** Flow 2: hold the other party (music or silence) while the presser enters the password. */
  holdOtherParty: takes(),
  /** Flow 2: hang up the held other party (the presser hung up during password entry). */
  hangupOtherParty: takes(),
  /** Flow 2: bridge the two parties back together; report `parties.rebridged` or `command.failed`. */
  rebridgeParties: takes(),
  /** Move the administrator into the room as its moderator (creates the room on first use). */
  joinRoomAsModerator: takes<RoomParams>(),
  /** Flow 2: move the other party into the room as an ordinary member. */
  moveOtherPartyIntoRoom: takes<RoomParams>(),
  /** Take the administrator out of the room, play dial tone, collect a number; report `number.*`. */
  leaveRoomAndCollectNumber: takes(),
  /** Originate the invitee leg with origination uuid `legId` (never twice for the same id). */
  callInvitee: takes<CallInviteeParams>(),
  /** Play ringback to the waiting administrator until the next effect on their leg. */
  playRingback: takes(),
  /** Bridge the administrator with the answered invitee privately (the room cannot hear them). */
  bridgeAdminAndInvitee: takes<LegParams>(),
  /** Move the invitee leg into the room as an ordinary member (separate from the admin's move). */
  moveInviteeIntoRoom: takes<MoveInviteeParams>(),
  /** Move the administrator back into the room, keeping moderator. */
  returnAdminToRoom: takes<RoomParams>(),
  /** Hang up (or cancel, if still ringing) the invitee leg; no error if it is already gone. */
  hangupInvitee: takes<HangupInviteeParams>(),
  /** End the room for everyone (only asked when endConferenceWhenAdminLeaves is set). */
  endRoom: takes<RoomParams>(),
  /** Send `deadline.reached {name}` at or after `at`; re-arming a name replaces it. */
  armDeadline: takes<ArmDeadlineParams>(),
  /** Forget a deadline (a late `deadline.reached` is ignored by the machine anyway). */
  cancelDeadline: takes<CancelDeadlineParams>(),
  /** The session is over: drop it and everything kept about it. Last effect of every ending. */
  releaseSession: takes<ReleaseParams>(),
} as const;

export type EffectName = keyof typeof EFFECTS;

/** Params of each effect (undefined for effects without params). */
export type EffectParams = {
  [K in keyof typeof EFFECTS]: (typeof EFFECTS)[K] extends EffectDeclaration<infer P> ? P : never;
};

/** What the runtime must do for each effect, as one object (tests; a single session). */
export type SessionEffects = { readonly [K in keyof typeof EFFECTS]: (params: EffectParams[K]) => void };

/** One requested effect, as a value (for logs, tests and queues). */
export type EffectRequest = {
  [K in EffectName]: { readonly type: K; readonly params: EffectParams[K] };
}[EffectName];

export const EFFECT_NAMES = Object.keys(EFFECTS) as readonly EffectName[];

/**
 * One value per effect, made by `make` (placeholders, dispatchers, recorders): none can be left out. `make`
 * may be generic in the name (`<K extends EffectName>(name: K) => …`) to keep each value's params exact.
 */
export function perEffect<T extends { readonly [K in EffectName]: unknown }>(
  make: (name: EffectName) => T[EffectName],
): T {
  return Object.fromEntries(EFFECT_NAMES.map((name) => [name, make(name)])) as T;
}
