import { describe, expect, it } from 'vitest';
import type { InviteFailure } from '../../machines/index.js';
import { inRoom, ringing, route, talking, types } from './support.js';

describe('calling the invitee', () => {
  it('answered: private bridge with the administrator (the room cannot hear them)', () => {
    const s = ringing('leg-1');
    expect(s.send({ type: 'invitee.ringing', legId: 'leg-1' })).toEqual([]);
    const effects = s.send({ type: 'invitee.answered', legId: 'leg-1' });
    expect(effects).toEqual([
      { type: 'cancelDeadline', params: { name: 'ring' } },
      { type: 'bridgeAdminAndInvitee', params: { legId: 'leg-1' } },
    ]);
    expect(s.state()).toEqual({ invitation: 'talking' });
    expect(s.context().legs['leg-1']).toBe('up');
  });

  it('** while talking: invitee and administrator moved into the room separately (admin stays moderator)', () => {
    const s = talking('leg-1');
    const effects = s.send({ type: 'key.command', command: 'join-with-guest' });
    expect(effects).toEqual([
      { type: 'moveInviteeIntoRoom', params: { legId: 'leg-1', room: 'room-1' } },
      { type: 'returnAdminToRoom', params: { room: 'room-1' } },
    ]);
    expect(s.state()).toBe('inRoom');
    expect(s.context().legs['leg-1']).toBe('joined');
  });

  it('*# while talking: invitee hung up, administrator back alone', () => {
    const s = talking('leg-1');
    expect(s.send({ type: 'key.command', command: 'return-alone' })).toEqual([
      { type: 'hangupInvitee', params: { legId: 'leg-1', reason: 'returned-alone' } },
      { type: 'returnAdminToRoom', params: { room: 'room-1' } },
    ]);
    expect(s.context().legs['leg-1']).toBe('released');
  });

  it('*# while ringing: the ringing leg is cancelled, administrator back alone', () => {
    const s = ringing('leg-1');
    expect(s.send({ type: 'key.command', command: 'return-alone' })).toEqual([
      { type: 'cancelDeadline', params: { name: 'ring' } },
      { type: 'hangupInvitee', params: { legId: 'leg-1', reason: 'returned-alone' } },
      { type: 'returnAdminToRoom', params: { room: 'room-1' } },
    ]);
  });

  it('** and 0 while ringing are ignored (nobody to bring in yet)', () => {
    const s = ringing('leg-1');
    expect(s.send({ type: 'key.command', command: 'join-with-guest' })).toEqual([]);
    expect(s.send({ type: 'key.command', command: 'dial' })).toEqual([]);
    expect(s.state()).toEqual({ invitation: 'ringing' });
  });

  it('no answer within the ring timeout: leg cancelled, no-answer indication, back to the room', () => {
    const s = ringing('leg-1', { ringTimeoutMs: 30_000 });
    expect(s.send({ type: 'deadline.reached', name: 'ring' }, 29_000)).toEqual([]);
    const effects = s.send({ type: 'deadline.reached', name: 'ring' }, 1_000);
    expect(effects).toEqual([
      { type: 'cancelDeadline', params: { name: 'ring' } },
      { type: 'hangupInvitee', params: { legId: 'leg-1', reason: 'no-answer' } },
      { type: 'announce', params: { prompt: 'no-answer' } },
      { type: 'returnAdminToRoom', params: { room: 'room-1' } },
    ]);
    expect(s.state()).toBe('inRoom');
  });

  it.each<InviteFailure>([
    'no-answer',
    'busy',
    'rejected',
    'unreachable',
    'invalid-number',
    'not-allowed',
    'failed',
  ])('invitee call failed (%s): back to the room automatically, with that reason', (reason) => {
    const s = ringing('leg-1');
    const effects = s.send({ type: 'invitee.failed', legId: 'leg-1', reason });
    expect(effects).toEqual([
      { type: 'cancelDeadline', params: { name: 'ring' } },
      { type: 'announce', params: { prompt: reason } },
      { type: 'returnAdminToRoom', params: { room: 'room-1' } },
    ]);
    expect(s.context().legs['leg-1']).toBe('released');
  });

  it('invitee hangs up during the private talk: back to the room with an indication', () => {
    const s = talking('leg-1');
    expect(s.send({ type: 'invitee.hungUp', legId: 'leg-1' })).toEqual([
      { type: 'announce', params: { prompt: 'invitee-hung-up' } },
      { type: 'returnAdminToRoom', params: { room: 'room-1' } },
    ]);
    expect(types(s.effects)).not.toContain('hangupInvitee');
  });

  it('invitee leg ending while ringing: back to the room', () => {
    const s = ringing('leg-1');
    expect(types(s.send({ type: 'invitee.hungUp', legId: 'leg-1' }))).toEqual([
      'cancelDeadline',
      'announce',
      'returnAdminToRoom',
    ]);
  });

  it('events about another leg (an earlier invitee) are ignored', () => {
    const s = talking('leg-1');
    for (const event of [
      { type: 'invitee.hungUp', legId: 'leg-0' },
      { type: 'invitee.failed', legId: 'leg-0', reason: 'busy' },
      { type: 'invitee.voicemail', legId: 'leg-0' },
      { type: 'command.failed', command: 'bridgeAdminAndInvitee', legId: 'leg-0' },
    ] as const) {
      expect(s.send(event)).toEqual([]);
    }
    expect(s.state()).toEqual({ invitation: 'talking' });
  });

  it('a late answer after the ring timeout is ignored (the leg was already cancelled)', () => {
    const s = ringing('leg-1');
    s.send({ type: 'deadline.reached', name: 'ring' }, 30_000);
    expect(s.send({ type: 'invitee.answered', legId: 'leg-1' })).toEqual([]);
    expect(s.state()).toBe('inRoom');
  });

  it('the originate refused at command level: leg released, prompt, back to the room', () => {
    const s = ringing('leg-1');
    expect(s.send({ type: 'command.failed', command: 'callInvitee', legId: 'leg-1' })).toEqual([
      { type: 'cancelDeadline', params: { name: 'ring' } },
      { type: 'hangupInvitee', params: { legId: 'leg-1', reason: 'call-failed' } },
      { type: 'announce', params: { prompt: 'failed' } },
      { type: 'returnAdminToRoom', params: { room: 'room-1' } },
    ]);
  });

  it('the private bridge failing: invitee hung up (never left alone), back to the room', () => {
    const s = talking('leg-1');
    expect(
      types(s.send({ type: 'command.failed', command: 'bridgeAdminAndInvitee', legId: 'leg-1' })),
    ).toEqual(['hangupInvitee', 'announce', 'returnAdminToRoom']);
  });

  it('moving the invitee into the room failing: that leg is hung up rather than left parked', () => {
    const s = talking('leg-1');
    s.send({ type: 'key.command', command: 'join-with-guest' });
    expect(s.send({ type: 'command.failed', command: 'moveInviteeIntoRoom', legId: 'leg-1' })).toEqual([
      { type: 'hangupInvitee', params: { legId: 'leg-1', reason: 'join-failed' } },
    ]);
    expect(s.context().legs['leg-1']).toBe('released');
  });

  it('repeated invitations: 0 → dial → ** again and again, each with its own leg', () => {
    const s = inRoom();
    for (let i = 1; i <= 5; i++) {
      const legId = `leg-${i}`;
      s.send({ type: 'key.command', command: 'dial' });
      s.send({ type: 'number.dialed', digits: `80${i}`, route: route(legId) });
      s.send({ type: 'invitee.answered', legId });
      s.send({ type: 'key.command', command: 'join-with-guest' });
      expect(s.state()).toBe('inRoom');
    }
    expect(s.context().invitations).toBe(5);
    expect(Object.values(s.context().legs)).toEqual(['joined', 'joined', 'joined', 'joined', 'joined']);
    // a joined guest leaving the room later does not disturb the administrator
    expect(s.send({ type: 'invitee.hungUp', legId: 'leg-2' })).toEqual([]);
  });

  it('a leg id used before is refused (originate must be idempotent per id)', () => {
    const s = talking('leg-1');
    s.send({ type: 'key.command', command: 'join-with-guest' });
    s.send({ type: 'key.command', command: 'dial' });
    const effects = s.send({ type: 'number.dialed', digits: '802', route: route('leg-1') });
    expect(types(effects)).not.toContain('callInvitee');
    expect(s.context().legs['leg-1']).toBe('joined');
  });
});

describe('voicemail', () => {
  it('answered, then voicemail detected: distinct tone, stays bridged, *# returns', () => {
    const s = talking('leg-1');
    expect(s.send({ type: 'invitee.voicemail', legId: 'leg-1' })).toEqual([
      { type: 'announce', params: { prompt: 'voicemail-detected' } },
    ]);
    expect(s.state()).toEqual({ invitation: 'voicemail' });
    expect(s.send({ type: 'key.command', command: 'join-with-guest' })).toEqual([]);
    expect(types(s.send({ type: 'key.command', command: 'return-alone' }))).toEqual([
      'hangupInvitee',
      'returnAdminToRoom',
    ]);
  });

  it('voicemail straight from ringing: bridged, tone, waits for *#', () => {
    const s = ringing('leg-1');
    expect(types(s.send({ type: 'invitee.voicemail', legId: 'leg-1' }))).toEqual([
      'cancelDeadline',
      'bridgeAdminAndInvitee',
      'announce',
    ]);
    expect(s.state()).toEqual({ invitation: 'voicemail' });
  });

  it('with returnOnVoicemail: returns automatically with the tone, voicemail leg hung up', () => {
    for (const start of [talking, ringing]) {
      const s = start('leg-1', {}, { returnOnVoicemail: true });
      const effects = s.send({ type: 'invitee.voicemail', legId: 'leg-1' });
      expect(effects).toContainEqual({
        type: 'hangupInvitee',
        params: { legId: 'leg-1', reason: 'voicemail' },
      });
      expect(effects).toContainEqual({ type: 'announce', params: { prompt: 'voicemail-detected' } });
      expect(types(effects).at(-1)).toBe('returnAdminToRoom');
      expect(s.state()).toBe('inRoom');
    }
  });

  it('the voicemail hanging up returns the administrator', () => {
    const s = talking('leg-1');
    s.send({ type: 'invitee.voicemail', legId: 'leg-1' });
    expect(types(s.send({ type: 'invitee.hungUp', legId: 'leg-1' }))).toEqual([
      'announce',
      'returnAdminToRoom',
    ]);
  });
});

describe('trunks without answer supervision', () => {
  it('no ring deadline is armed: no automatic return on a timeout', () => {
    const s = ringing('leg-1', { answerSupervision: false });
    expect(s.effects).not.toContainEqual(
      expect.objectContaining({ type: 'armDeadline', params: expect.objectContaining({ name: 'ring' }) }),
    );
    expect(s.context().deadlines).toEqual({});
    expect(s.send({ type: 'deadline.reached', name: 'ring' }, 120_000)).toEqual([]);
    expect(s.state()).toEqual({ invitation: 'ringing' });
  });

  it('the immediate "answer" connects the administrator, who hears the far end ring through the bridge', () => {
    const s = ringing('leg-1', { answerSupervision: false });
    expect(s.send({ type: 'invitee.answered', legId: 'leg-1' })).toEqual([
      { type: 'bridgeAdminAndInvitee', params: { legId: 'leg-1' } },
    ]);
    expect(s.send({ type: 'deadline.reached', name: 'ring' }, 120_000)).toEqual([]);
    expect(s.state()).toEqual({ invitation: 'talking' });
  });

  it('the administrator returns with *# (or brings the party in with **)', () => {
    const back = talking('leg-1', { answerSupervision: false });
    expect(types(back.send({ type: 'key.command', command: 'return-alone' }))).toEqual([
      'hangupInvitee',
      'returnAdminToRoom',
    ]);
    const join = talking('leg-2', { answerSupervision: false });
    expect(types(join.send({ type: 'key.command', command: 'join-with-guest' }))).toEqual([
      'moveInviteeIntoRoom',
      'returnAdminToRoom',
    ]);
  });
});

describe('a session that invites people all day', () => {
  it('remembers every live leg and only the latest ended ones: its snapshot stays small', () => {
    const s = inRoom();
    for (let i = 0; i < 40; i++) {
      const legId = `leg-${i}`;
      s.send({ type: 'key.command', command: 'dial' });
      s.send({ type: 'number.dialed', digits: '801', route: route(legId) });
      s.send({ type: 'invitee.answered', legId });
      // Every other one joins the room, the others are sent away.
      s.send({ type: 'key.command', command: i % 2 === 0 ? 'join-with-guest' : 'return-alone' });
      if (i % 2 === 0) s.send({ type: 'room.joined' });
      expect(s.state()).toBe('inRoom');
    }
    const legs = s.context().legs;
    expect(Object.keys(legs)).toEqual(Array.from({ length: 8 }, (_, k) => `leg-${32 + k}`));
    // A recent leg id replayed is still refused (never originated twice).
    s.send({ type: 'key.command', command: 'dial' });
    const replay = s.send({ type: 'number.dialed', digits: '801', route: route('leg-39') });
    expect(types(replay)).not.toContain('callInvitee');
    // A live leg is never forgotten, however many have ended since.
    const live = inRoom();
    live.send({ type: 'key.command', command: 'dial' });
    live.send({ type: 'number.dialed', digits: '801', route: route('leg-live') });
    for (let i = 0; i < 12; i++) live.send({ type: 'invitee.failed', legId: `other-${i}`, reason: 'busy' });
    expect(live.context().legs['leg-live']).toBe('calling');
    const fresh = inRoom();
    fresh.send({ type: 'key.command', command: 'dial' });
    expect(types(fresh.send({ type: 'number.dialed', digits: '801', route: route('leg-39') }))).toContain(
      'callInvitee',
    );
  });
});
