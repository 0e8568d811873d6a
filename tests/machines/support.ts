// Test support: a session actor whose effects are recorded in order, and event builders.

import { createActor } from 'xstate';
import {
  type AllowedRoute,
  type EffectRequest,
  perEffect,
  type SessionEffects,
  type SessionEvent,
  type SessionInput,
  withEffects,
} from '../../machines/index.js';

export const T0 = 1_000_000;

export function recordingEffects(log: EffectRequest[]): SessionEffects {
  return perEffect<SessionEffects>((type) => (params: unknown) => {
    log.push({ type, params } as EffectRequest);
  });
}

export function startSession(input: Partial<SessionInput> = {}) {
  const effects: EffectRequest[] = [];
  const actor = createActor(withEffects(recordingEffects(effects)), {
    input: { flow: 'access', at: T0, room: 'room-1', ...input },
  });
  actor.start();
  let now = T0;
  return {
    actor,
    effects,
    /** Sends an event `dt` ms after the previous one; returns the effects it caused. */
    send(event: DistributiveOmit<SessionEvent, 'at'>, dt = 10): EffectRequest[] {
      now += dt;
      const before = effects.length;
      actor.send({ ...event, at: now } as SessionEvent);
      return effects.slice(before);
    },
    get now() {
      return now;
    },
    state: () => actor.getSnapshot().value,
    context: () => actor.getSnapshot().context,
    status: () => actor.getSnapshot().status,
  };
}

export type Session = ReturnType<typeof startSession>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export function route(legId: string, overrides: Partial<AllowedRoute> = {}): AllowedRoute {
  return {
    allowed: true,
    rule: 'extensions',
    answerSupervision: true,
    ringTimeoutMs: 30_000,
    legId,
    ...overrides,
  };
}

export function types(effects: readonly EffectRequest[]): string[] {
  return effects.map((e) => e.type);
}

/** Brings a flow-1 session into the room. */
export function inRoom(input: Partial<SessionInput> = {}): Session {
  const s = startSession(input);
  s.send({ type: 'pin.entered', result: 'correct' });
  s.send({ type: 'room.joined' });
  return s;
}

/** Brings a flow-1 session to ringing leg `legId`. */
export function ringing(
  legId = 'leg-1',
  overrides: Partial<AllowedRoute> = {},
  input: Partial<SessionInput> = {},
) {
  const s = inRoom(input);
  s.send({ type: 'key.command', command: 'dial' });
  s.send({ type: 'number.dialed', digits: '801', route: route(legId, overrides) });
  return s;
}

/** Brings a flow-1 session to a private talk with leg `legId`. */
export function talking(
  legId = 'leg-1',
  overrides: Partial<AllowedRoute> = {},
  input: Partial<SessionInput> = {},
) {
  const s = ringing(legId, overrides, input);
  s.send({ type: 'invitee.answered', legId });
  return s;
}
