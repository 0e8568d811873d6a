import { describe, expect, it } from 'vitest';
import { inRoom, route, types } from './support.js';

describe('in the room and dialing', () => {
  it('0 in the room: leaves the room for dial tone and number entry, with an entry deadline', () => {
    const s = inRoom({ dialEntryTimeoutMs: 20_000 });
    const effects = s.send({ type: 'key.command', command: 'dial' });
    expect(effects).toEqual([
      { type: 'leaveRoomAndCollectNumber', params: undefined },
      { type: 'armDeadline', params: { name: 'dial', at: s.now + 20_000 } },
    ]);
    expect(s.state()).toBe('dialing');
  });

  it('other keys in the room are ignored', () => {
    const s = inRoom();
    for (const command of ['join-with-guest', 'return-alone', 'escalate'] as const) {
      expect(s.send({ type: 'key.command', command })).toEqual([]);
    }
    expect(s.state()).toBe('inRoom');
  });

  it('tracks FreeSWITCH confirmations of the administrator in and out of the room', () => {
    const s = inRoom();
    expect(s.context().adminInRoom).toBe(true);
    s.send({ type: 'key.command', command: 'dial' });
    expect(s.context().adminInRoom).toBe(false);
    s.send({ type: 'number.none' });
    s.send({ type: 'room.joined' });
    expect(s.context().adminInRoom).toBe(true);
    s.send({ type: 'room.left' });
    expect(s.context().adminInRoom).toBe(false);
  });

  it('no digits: back to the room without a prompt', () => {
    const s = inRoom();
    s.send({ type: 'key.command', command: 'dial' });
    const effects = s.send({ type: 'number.none' });
    expect(effects).toEqual([
      { type: 'cancelDeadline', params: { name: 'dial' } },
      { type: 'returnAdminToRoom', params: { room: 'room-1' } },
    ]);
    expect(s.state()).toBe('inRoom');
  });

  it('blank digits count as no digits', () => {
    const s = inRoom();
    s.send({ type: 'key.command', command: 'dial' });
    expect(types(s.send({ type: 'number.dialed', digits: '  ', route: route('leg-1') }))).toEqual([
      'cancelDeadline',
      'returnAdminToRoom',
    ]);
  });

  it('the dial deadline passing (entry result lost) returns to the room', () => {
    const s = inRoom();
    s.send({ type: 'key.command', command: 'dial' });
    expect(s.send({ type: 'deadline.reached', name: 'dial' }, 1000)).toEqual([]);
    expect(types(s.send({ type: 'deadline.reached', name: 'dial' }, 30_000))).toEqual([
      'cancelDeadline',
      'returnAdminToRoom',
    ]);
  });

  it.each(['not-allowed', 'invalid-number'] as const)(
    'a %s number is refused with that prompt, back to the room',
    (reason) => {
      const s = inRoom();
      s.send({ type: 'key.command', command: 'dial' });
      const effects = s.send({ type: 'number.dialed', digits: '0900123', route: { allowed: false, reason } });
      expect(effects).toEqual([
        { type: 'cancelDeadline', params: { name: 'dial' } },
        { type: 'announce', params: { prompt: reason } },
        { type: 'returnAdminToRoom', params: { room: 'room-1' } },
      ]);
      expect(s.context().invitations).toBe(0);
    },
  );

  it('an allowed number: the invitee is called with the pre-generated leg id, ring deadline armed, ringback', () => {
    const s = inRoom();
    s.send({ type: 'key.command', command: 'dial' });
    const r = route('leg-7', { ringTimeoutMs: 25_000 });
    const effects = s.send({ type: 'number.dialed', digits: '801', route: r });
    expect(effects).toEqual([
      { type: 'cancelDeadline', params: { name: 'dial' } },
      { type: 'callInvitee', params: { legId: 'leg-7', number: '801', route: r } },
      { type: 'armDeadline', params: { name: 'ring', at: s.now + 25_000 } },
      { type: 'playRingback', params: undefined },
    ]);
    expect(s.state()).toEqual({ invitation: 'ringing' });
    expect(s.context().legs).toEqual({ 'leg-7': 'calling' });
  });

  it('a route the machine cannot use (empty leg id, bad ring timeout) is refused, never called', () => {
    for (const bad of [
      route('', {}),
      route('leg-1', { ringTimeoutMs: 0 }),
      route('leg-1', { ringTimeoutMs: Number.NaN }),
    ]) {
      const s = inRoom();
      s.send({ type: 'key.command', command: 'dial' });
      const effects = s.send({ type: 'number.dialed', digits: '801', route: bad });
      expect(types(effects)).not.toContain('callInvitee');
      expect(effects).toContainEqual({ type: 'announce', params: { prompt: 'failed' } });
      expect(s.state()).toBe('inRoom');
    }
  });

  it('number collection failing returns to the room with a prompt', () => {
    const s = inRoom();
    s.send({ type: 'key.command', command: 'dial' });
    expect(types(s.send({ type: 'command.failed', command: 'leaveRoomAndCollectNumber' }))).toEqual([
      'cancelDeadline',
      'announce',
      'returnAdminToRoom',
    ]);
  });

  it('keys while dialing are ignored (the digits belong to number entry)', () => {
    const s = inRoom();
    s.send({ type: 'key.command', command: 'dial' });
    for (const command of ['dial', 'join-with-guest', 'return-alone', 'escalate'] as const) {
      expect(s.send({ type: 'key.command', command })).toEqual([]);
    }
    expect(s.state()).toBe('dialing');
  });

  it('the administrator cannot be put into the room: service-error prompt and hang up, no dead air', () => {
    const s = inRoom();
    const effects = s.send({ type: 'command.failed', command: 'returnAdminToRoom' });
    expect(types(effects)).toEqual(['announce', 'hangupAdmin', 'releaseSession']);
    expect(s.context().outcome).toBe('service-error');
  });
});
