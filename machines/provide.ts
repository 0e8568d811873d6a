// Binds the runtime's effect implementations to the machine, and creates session actors.

import { type AnyActorRef, createActor, type Snapshot } from 'xstate';
import { type EffectName, type EffectParams, perEffect, type SessionEffects } from './actions.js';
import type { SessionInput } from './context.js';
import { adminSessionMachine } from './session.js';

/** Every effect's implementation, carried out on `host` (whatever the runtime acts on for one session). */
export type EffectTable<H> = {
  readonly [K in EffectName]: (host: H, params: EffectParams[K]) => void;
};

/**
 * The session machine with every effect from `table`, carried out on the host of the actor that asks
 * for it (`hostOf(self)`): provided once, it serves any number of actors.
 */
export function provideEffects<H>(table: EffectTable<H>, hostOf: (self: AnyActorRef) => H) {
  const dispatch =
    <K extends EffectName>(name: K) =>
    ({ self }: { self: AnyActorRef }, params: EffectParams[K]) =>
      table[name](hostOf(self), params);
  return adminSessionMachine.provide({
    actions: perEffect<{ [K in EffectName]: ReturnType<typeof dispatch<K>> }>(dispatch),
  });
}

/** Each effect as a call of the same method of a `SessionEffects` object. */
const toMethods = perEffect<EffectTable<SessionEffects>>(
  <K extends EffectName>(name: K) =>
    (effects: SessionEffects, params: EffectParams[K]) =>
      effects[name](params),
);

/** The session machine with every effect implemented by `effects` (each called with its params). */
export function withEffects(effects: SessionEffects) {
  return provideEffects(toMethods, () => effects);
}

export type SessionStart =
  | { readonly input: SessionInput }
  /** A snapshot checked by `restoreSession`. */
  | { readonly snapshot: Snapshot<unknown> };

/** A session actor (not started) for a new session or a restored one, from a machine with its effects. */
export function createActorFrom(logic: ReturnType<typeof withEffects>, start: SessionStart) {
  if ('input' in start) return createActor(logic, { input: start.input });
  // A restored actor takes its context from the snapshot; xstate's types still ask for an input.
  return createActor(logic, { snapshot: start.snapshot, input: undefined as unknown as SessionInput });
}

/** A session actor (not started) for a new session or a restored one. */
export function createSessionActor(effects: SessionEffects, start: SessionStart) {
  return createActorFrom(withEffects(effects), start);
}
