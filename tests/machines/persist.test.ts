import { describe, expect, it } from 'vitest';
import {
  createSessionActor,
  deadlinesToRearm,
  type EffectRequest,
  MACHINE_VERSION,
  persistSession,
  restoreSession,
} from '../../machines/index.js';
import { recordingEffects, ringing, talking } from './support.js';

function roundTrip(persisted: unknown): unknown {
  return JSON.parse(JSON.stringify(persisted));
}

describe('persisting and restoring a session', () => {
  it('a ringing session survives a restart: same state, its ring deadline to re-arm, carries on', () => {
    const s = ringing('leg-1', { ringTimeoutMs: 30_000 });
    const due = s.context().deadlines.ring;
    const saved = roundTrip(persistSession(s.actor.getPersistedSnapshot()));

    const restored = restoreSession(saved);
    if (!restored.ok) throw new Error(restored.error);
    expect(deadlinesToRearm(restored.context)).toEqual([{ name: 'ring', at: due }]);

    const effects: EffectRequest[] = [];
    const actor = createSessionActor(recordingEffects(effects), { snapshot: restored.snapshot });
    actor.start();
    expect(actor.getSnapshot().value).toEqual({ invitation: 'ringing' });
    expect(effects).toEqual([]); // no entry effect runs again on restore
    actor.send({ type: 'deadline.reached', name: 'ring', at: due ?? 0 });
    expect(effects.map((e) => e.type)).toEqual([
      'cancelDeadline',
      'hangupInvitee',
      'announce',
      'returnAdminToRoom',
    ]);
    expect(actor.getSnapshot().value).toBe('inRoom');
  });

  it('a talking session restored still hangs up its invitee when the administrator leaves', () => {
    const s = talking('leg-1');
    const restored = restoreSession(roundTrip(persistSession(s.actor.getPersistedSnapshot())));
    if (!restored.ok) throw new Error(restored.error);
    const effects: EffectRequest[] = [];
    const actor = createSessionActor(recordingEffects(effects), { snapshot: restored.snapshot });
    actor.start();
    actor.send({ type: 'admin.hungUp', at: 1 });
    expect(effects).toContainEqual({
      type: 'hangupInvitee',
      params: { legId: 'leg-1', reason: 'admin-hung-up' },
    });
  });

  it('refuses, as a value, what it cannot restore', () => {
    const s = talking('leg-1');
    const good = roundTrip(persistSession(s.actor.getPersistedSnapshot())) as {
      machineVersion: number;
      snapshot: { value: unknown; status: string; context: { version: number } };
    };
    const cases: Array<[unknown, RegExp]> = [
      [null, /not a persisted session/],
      ['x', /not a persisted session/],
      [{ ...good, machineVersion: MACHINE_VERSION + 1 }, /machine version/],
      [
        { ...good, snapshot: { ...good.snapshot, context: { ...good.snapshot.context, version: 0 } } },
        /context/,
      ],
      [{ ...good, snapshot: { ...good.snapshot, status: 'done' } }, /not active/],
      [{ ...good, snapshot: { ...good.snapshot, value: 'noSuchState' } }, /unknown state/],
      [{ ...good, snapshot: 'garbage' }, /context/],
    ];
    for (const [data, error] of cases) {
      const result = restoreSession(data);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(error);
    }
    expect(restoreSession(good).ok).toBe(true);
  });
});
