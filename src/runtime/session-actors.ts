// The session machine for every session of one runtime, its effects provided once (`provide` copies the
// whole machine, too much per call). xstate passes each effect the actor that asked for it (`self`); the
// effect runs on that actor's host, registered when the actor was created.
import type { Actor, AnyActorRef } from 'xstate';
import {
  type AdminSessionMachine,
  createActorFrom,
  provideEffects,
  type SessionStart,
} from '../../machines/index.js';
import type { EffectHost } from './effects/host.js';
import { SESSION_EFFECTS } from './effects/table.js';

export type SessionActor = Actor<AdminSessionMachine>;

export class SessionActors {
  readonly #hosts = new WeakMap<AnyActorRef, EffectHost>();
  readonly #logic = provideEffects(SESSION_EFFECTS, (self) => this.#hostOf(self));

  /** A session actor (not started) whose effects run on `host`. */
  create(host: EffectHost, start: SessionStart): SessionActor {
    const actor = createActorFrom(this.#logic, start);
    this.#hosts.set(actor, host);
    return actor;
  }

  #hostOf(self: AnyActorRef): EffectHost {
    const host = this.#hosts.get(self);
    if (host === undefined) throw new Error('session effect of an actor no session created');
    return host;
  }
}
