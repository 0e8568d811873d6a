import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { adminSessionMachine } from '../../machines/index.js';
import { startSession, T0, types } from './support.js';

describe('flow 1: password entry', () => {
  it('starts by asking for the password, with its outer deadline armed', () => {
    const s = startSession();
    expect(s.state()).toBe('authenticating');
    expect(s.effects).toEqual([
      { type: 'collectPin', params: { attempt: 1, maxAttempts: 3 } },
      { type: 'armDeadline', params: { name: 'pin', at: T0 + 30_000 } },
    ]);
    expect(s.context().deadlines).toEqual({ pin: T0 + 30_000 });
  });

  it('right password: the administrator is sent into a new room as its moderator', () => {
    const s = startSession({ room: 'dynconf-42' });
    const effects = s.send({ type: 'pin.entered', result: 'correct' });
    expect(effects).toEqual([
      { type: 'cancelDeadline', params: { name: 'pin' } },
      { type: 'joinRoomAsModerator', params: { room: 'dynconf-42' } },
    ]);
    expect(s.state()).toBe('inRoom');
    expect(s.context().roomRequested).toBe(true);
    expect(s.context().deadlines).toEqual({});
  });

  it('wrong password: wrong-pin prompt, then another try with a fresh deadline', () => {
    const s = startSession();
    const effects = s.send({ type: 'pin.entered', result: 'wrong' }, 5000);
    expect(effects).toEqual([
      { type: 'announce', params: { prompt: 'wrong-pin' } },
      { type: 'collectPin', params: { attempt: 2, maxAttempts: 3 } },
      { type: 'armDeadline', params: { name: 'pin', at: T0 + 5000 + 30_000 } },
    ]);
    expect(s.state()).toBe('authenticating');
    expect(s.context().pinFailures).toBe(1);
  });

  it('maxPinAttempts wrong passwords: wrong-pin, goodbye, hang up', () => {
    const s = startSession();
    s.send({ type: 'pin.entered', result: 'wrong' });
    s.send({ type: 'pin.entered', result: 'wrong' });
    const effects = s.send({ type: 'pin.entered', result: 'wrong' });
    expect(types(effects)).toEqual([
      'cancelDeadline',
      'announce',
      'announce',
      'hangupAdmin',
      'releaseSession',
    ]);
    expect(effects[1]).toEqual({ type: 'announce', params: { prompt: 'wrong-pin' } });
    expect(effects[2]).toEqual({ type: 'announce', params: { prompt: 'goodbye' } });
    expect(effects.at(-1)).toEqual({ type: 'releaseSession', params: { outcome: 'pin-failed' } });
    expect(s.status()).toBe('done');
    expect(s.state()).toBe('ended');
  });

  it('honours a configured maxPinAttempts', () => {
    const one = startSession({ maxPinAttempts: 1 });
    expect(one.effects[0]).toEqual({ type: 'collectPin', params: { attempt: 1, maxAttempts: 1 } });
    one.send({ type: 'pin.entered', result: 'wrong' });
    expect(one.status()).toBe('done');

    const five = startSession({ maxPinAttempts: 5 });
    for (let i = 0; i < 4; i++) five.send({ type: 'pin.entered', result: 'wrong' });
    expect(five.state()).toBe('authenticating');
    five.send({ type: 'pin.entered', result: 'correct' });
    expect(five.state()).toBe('inRoom');
  });

  it('no input counts as a failed try, without the wrong-pin prompt', () => {
    const s = startSession();
    const effects = s.send({ type: 'pin.entered', result: 'no-input' });
    expect(types(effects)).toEqual(['collectPin', 'armDeadline']);
    s.send({ type: 'pin.entered', result: 'no-input' });
    const last = s.send({ type: 'pin.entered', result: 'no-input' });
    expect(last).toContainEqual({ type: 'announce', params: { prompt: 'goodbye' } });
    expect(last).not.toContainEqual({ type: 'announce', params: { prompt: 'wrong-pin' } });
    expect(s.context().outcome).toBe('pin-failed');
  });

  it('the outer pin deadline counts as no input when the entry result was lost', () => {
    const s = startSession();
    const effects = s.send({ type: 'deadline.reached', name: 'pin' }, 30_000);
    expect(types(effects)).toEqual(['collectPin', 'armDeadline']);
    expect(s.context().pinFailures).toBe(1);
  });

  it('ignores an early, stale or foreign deadline', () => {
    const s = startSession();
    expect(s.send({ type: 'deadline.reached', name: 'pin' }, 100)).toEqual([]);
    expect(s.send({ type: 'deadline.reached', name: 'ring' }, 60_000)).toEqual([]);
    expect(s.context().pinFailures).toBe(0);
  });

  it('lockout: locked-out prompt, hang up, outcome locked-out', () => {
    const s = startSession();
    const effects = s.send({ type: 'caller.lockedOut' });
    expect(effects).toEqual([
      { type: 'cancelDeadline', params: { name: 'pin' } },
      { type: 'announce', params: { prompt: 'locked-out' } },
      { type: 'hangupAdmin', params: undefined },
      { type: 'releaseSession', params: { outcome: 'locked-out' } },
    ]);
    expect(s.status()).toBe('done');
  });

  it('the prompt failing to run ends the call with a service error', () => {
    const s = startSession();
    const effects = s.send({ type: 'command.failed', command: 'collectPin' });
    expect(effects).toContainEqual({ type: 'announce', params: { prompt: 'service-error' } });
    expect(types(effects)).toContain('hangupAdmin');
    expect(s.context().outcome).toBe('service-error');
  });

  it('keys, numbers and invitee events during password entry are ignored', () => {
    const s = startSession();
    for (const event of [
      { type: 'key.command', command: 'dial' },
      { type: 'number.none' },
      { type: 'invitee.answered', legId: 'x' },
      { type: 'parties.rebridged' },
      { type: 'other.hungUp' },
    ] as const) {
      expect(s.send(event)).toEqual([]);
    }
    expect(s.state()).toBe('authenticating');
  });

  it('administrator hanging up during entry ends the session, nothing left armed', () => {
    const s = startSession();
    const effects = s.send({ type: 'admin.hungUp' });
    expect(effects).toEqual([
      { type: 'cancelDeadline', params: { name: 'pin' } },
      { type: 'releaseSession', params: { outcome: 'admin-hung-up' } },
    ]);
  });

  it('refuses bad input settings with a clear error', () => {
    const bad = [{ maxPinAttempts: 0 }, { maxPinAttempts: 1.5 }, { pinEntryTimeoutMs: -1 }, { room: '' }];
    for (const input of bad) {
      const actor = createActor(adminSessionMachine, {
        input: { flow: 'access', at: 0, room: 'r', ...input },
      });
      const errors: unknown[] = [];
      actor.subscribe({ error: (e) => errors.push(e) });
      actor.start();
      expect(String(errors[0])).toMatch(/maxPinAttempts|pinEntryTimeoutMs|room/);
    }
  });

  it('an effect the runtime did not provide fails loudly, naming it', () => {
    const actor = createActor(adminSessionMachine, { input: { flow: 'access', at: 0, room: 'r' } });
    const errors: unknown[] = [];
    actor.subscribe({ error: (e) => errors.push(e) });
    actor.start();
    expect(String(errors[0])).toContain("'collectPin' is not provided");
  });
});
