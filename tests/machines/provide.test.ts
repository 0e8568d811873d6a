// Effects provided once, for many actors: each effect runs on the host of the actor that asked for it.

import { describe, expect, it } from 'vitest';
import { type AnyActorRef, createActor } from 'xstate';
import { type EffectRequest, type EffectTable, perEffect, provideEffects } from '../../machines/index.js';
import { T0 } from './support.js';

/** A host that records what was asked of it. */
interface Recorder {
  readonly effects: EffectRequest[];
}

const recordOn = perEffect<EffectTable<Recorder>>((type) => (host: Recorder, params: unknown) => {
  host.effects.push({ type, params } as EffectRequest);
});

describe('provideEffects', () => {
  it('runs each effect on the host of the actor that asked for it', () => {
    const hosts = new Map<AnyActorRef, Recorder>();
    const machine = provideEffects(recordOn, (self) => {
      const host = hosts.get(self);
      if (host === undefined) throw new Error('unknown actor');
      return host;
    });
    const a = createActor(machine, { input: { flow: 'access', at: T0, room: 'room-a' } });
    const b = createActor(machine, { input: { flow: 'access', at: T0, room: 'room-b' } });
    const hostA: Recorder = { effects: [] };
    const hostB: Recorder = { effects: [] };
    hosts.set(a, hostA);
    hosts.set(b, hostB);
    a.start();
    b.start();
    a.send({ type: 'pin.entered', at: T0 + 10, result: 'correct' });

    expect(hostB.effects.map((e) => e.type)).toEqual(['collectPin', 'armDeadline']);
    expect(hostA.effects).toContainEqual({ type: 'joinRoomAsModerator', params: { room: 'room-a' } });
    expect(hostB.effects).not.toContainEqual(expect.objectContaining({ type: 'joinRoomAsModerator' }));
  });
});
