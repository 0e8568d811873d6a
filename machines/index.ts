/**
 * The administrator's lifecycle, as pure xstate v5 machines: no I/O, no FreeSWITCH types.
 *
 * How the runtime uses it:
 * 1. For a call to the access number (flow 1) or a `*0` recognised in a two-party call (flow 2), create
 *    `createSessionActor(effects, { input: { flow, at, room, ...settings } })` and start it
 *    (or `createActor(withEffects(effects), { input })`; many sessions: `provideEffects(table, hostOf)`
 *    once, then `createActorFrom(machine, { input })` per session).
 * 2. Turn FreeSWITCH facts into `SessionEvent`s (events.ts documents when each is sent), always with the
 *    fact's time in `at`. Feed the administrator's DTMF digits to `readKey` (keys.ts) and send each
 *    recognised command as `key.command`.
 * 3. Carry out each effect (actions.ts documents what each must do), in order, idempotently; report a
 *    command that FreeSWITCH refused with `command.failed`. Deadlines: `armDeadline` / `cancelDeadline`,
 *    then `deadline.reached` when due.
 * 4. Persist `persistSession(actor.getPersistedSnapshot())` when useful; after a restart, `restoreSession`,
 *    `createSessionActor(effects, { snapshot })`, start it, and re-arm `deadlinesToRearm(context)`.
 * The session ends in a final state (`ended`, `callRestored`) after its last effect, `releaseSession`.
 */

export type {
  AnnounceParams,
  ArmDeadlineParams,
  CallInviteeParams,
  CancelDeadlineParams,
  CollectPinParams,
  EffectDeclaration,
  EffectName,
  EffectParams,
  EffectRequest,
  HangupInviteeParams,
  InviteeHangupReason,
  LegParams,
  MoveInviteeParams,
  Prompt,
  ReleaseParams,
  RoomParams,
  SessionEffects,
  SessionOutcome,
} from './actions.js';
export { EFFECT_NAMES, EFFECTS, perEffect } from './actions.js';
export type {
  Flow,
  Invitation,
  LegStatus,
  OtherParty,
  SessionContext,
  SessionInput,
  SessionSettings,
} from './context.js';
export { DEFAULT_SETTINGS, MACHINE_VERSION } from './context.js';
export type {
  AllowedRoute,
  DeadlineName,
  FailableCommand,
  InviteFailure,
  KeyCommand,
  PinResult,
  RefusedRoute,
  Route,
  SessionEvent,
  SessionEventType,
} from './events.js';
export type { KeyInput, KeyState, KeyStep } from './keys.js';
export { DEFAULT_INTER_DIGIT_MS, IDLE_KEYS, readKey, readKeys } from './keys.js';
export type { PersistedSession, RestoreResult } from './persist.js';
export { deadlinesToRearm, persistSession, restoreSession } from './persist.js';
export type { EffectTable, SessionStart } from './provide.js';
export { createActorFrom, createSessionActor, provideEffects, withEffects } from './provide.js';
export type { AdminSessionMachine } from './session.js';
export { adminSessionMachine } from './session.js';
