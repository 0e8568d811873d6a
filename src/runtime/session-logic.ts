// The session machine with its effects provided once per process, not once per session (`provide`
// copies the whole machine). Its effects go to the session whose actor is being driven: every start,
// send and stop of a session's actor runs inside `driving`, and xstate runs actions synchronously there.
import { createActor } from 'xstate';
import {
  EFFECT_NAMES,
  type SessionEffects,
  type SessionInput,
  type SessionStart,
  withEffects,
} from '../../machines/index.js';

let driven: SessionEffects | undefined;

function drivenEffects(): SessionEffects {
  if (driven === undefined) throw new Error('session effect outside its session');
  return driven;
}

const dispatcher = Object.fromEntries(
  EFFECT_NAMES.map((name) => [
    name,
    (params: unknown) => {
      const effects = drivenEffects();
      (effects[name] as (params: unknown) => void).call(effects, params);
    },
  ]),
) as unknown as SessionEffects;

const sessionLogic = withEffects(dispatcher);

export type SessionLogic = typeof sessionLogic;

/** Runs `work` with `effects` receiving the machine's effects (nested calls restore the outer session). */
export function driving<T>(effects: SessionEffects, work: () => T): T {
  const outer = driven;
  driven = effects;
  try {
    return work();
  } finally {
    driven = outer;
  }
}

/** A session actor (not started), as `createSessionActor` makes it, sharing the provided machine. */
export function createSharedSessionActor(start: SessionStart) {
  if ('input' in start) return createActor(sessionLogic, { input: start.input });
  // A restored actor takes its context from the snapshot; xstate's types still ask for an input.
  return createActor(sessionLogic, {
    snapshot: start.snapshot,
    input: undefined as unknown as SessionInput,
  });
}
