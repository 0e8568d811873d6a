import { describe, expect, it } from 'vitest';
import { inRoom, ringing, type Session, startSession, talking, types } from './support.js';

function hangUp(s: Session) {
  const effects = s.send({ type: 'admin.hungUp' });
  expect(s.status()).toBe('done');
  expect(s.state()).toBe('ended');
  expect(s.context().outcome).toBe('admin-hung-up');
  expect(s.context().deadlines).toEqual({});
  expect(effects.at(-1)).toEqual({ type: 'releaseSession', params: { outcome: 'admin-hung-up' } });
  return effects;
}

describe('the administrator hangs up', () => {
  it('in the room: the room goes on (no endRoom by default)', () => {
    const effects = hangUp(inRoom());
    expect(types(effects)).toEqual(['releaseSession']);
  });

  it('in the room with endConferenceWhenAdminLeaves: the room is ended', () => {
    const effects = hangUp(inRoom({ endConferenceWhenAdminLeaves: true, room: 'r-9' }));
    expect(effects).toEqual([
      { type: 'endRoom', params: { room: 'r-9' } },
      { type: 'releaseSession', params: { outcome: 'admin-hung-up' } },
    ]);
  });

  it('while dialing: the dial deadline is cancelled, the room goes on', () => {
    const s = inRoom();
    s.send({ type: 'key.command', command: 'dial' });
    expect(types(hangUp(s))).toEqual(['cancelDeadline', 'releaseSession']);
  });

  it('while the invitee rings: the ringing leg is cancelled, never left ringing', () => {
    const effects = hangUp(ringing('leg-1'));
    expect(effects).toEqual([
      { type: 'cancelDeadline', params: { name: 'ring' } },
      { type: 'hangupInvitee', params: { legId: 'leg-1', reason: 'admin-hung-up' } },
      { type: 'releaseSession', params: { outcome: 'admin-hung-up' } },
    ]);
  });

  it('while talking privately: the invitee is hung up, never left alone in a dead bridge', () => {
    const s = talking('leg-1');
    expect(hangUp(s)).toEqual([
      { type: 'hangupInvitee', params: { legId: 'leg-1', reason: 'admin-hung-up' } },
      { type: 'releaseSession', params: { outcome: 'admin-hung-up' } },
    ]);
    expect(s.context().legs['leg-1']).toBe('released');
  });

  it('while bridged to a voicemail: the voicemail leg is hung up', () => {
    const s = talking('leg-1');
    s.send({ type: 'invitee.voicemail', legId: 'leg-1' });
    expect(types(hangUp(s))).toEqual(['hangupInvitee', 'releaseSession']);
  });

  it('while talking with endConferenceWhenAdminLeaves: invitee hung up and the room ended', () => {
    const s = talking('leg-1', {}, { endConferenceWhenAdminLeaves: true });
    expect(types(hangUp(s))).toEqual(['hangupInvitee', 'endRoom', 'releaseSession']);
  });

  it('after guests joined: their legs belong to the room and are left alone', () => {
    const s = talking('leg-1');
    s.send({ type: 'key.command', command: 'join-with-guest' });
    expect(types(hangUp(s))).toEqual(['releaseSession']);
    expect(s.context().legs['leg-1']).toBe('joined');
  });

  it('before a room was ever requested, endRoom is not asked even when configured', () => {
    const s = startSession({ endConferenceWhenAdminLeaves: true });
    expect(types(hangUp(s))).toEqual(['cancelDeadline', 'releaseSession']);
  });

  it('events after the end are ignored', () => {
    const s = talking('leg-1');
    hangUp(s);
    const before = s.effects.length;
    s.send({ type: 'key.command', command: 'dial' });
    s.send({ type: 'invitee.hungUp', legId: 'leg-1' });
    expect(s.effects.length).toBe(before);
  });
});
