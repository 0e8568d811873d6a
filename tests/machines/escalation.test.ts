import { describe, expect, it } from 'vitest';
import { startSession, types } from './support.js';

const escalation = (otherPartyPresent = true) => startSession({ flow: 'escalation', otherPartyPresent });

describe('flow 2: *0 during a two-party call', () => {
  it('holds the other party while the presser is asked for the password', () => {
    const s = escalation();
    expect(types(s.effects)).toEqual(['holdOtherParty', 'collectPin', 'armDeadline']);
    expect(s.context().otherParty).toBe('held');
  });

  it('right password: both into the new room, the presser as moderator', () => {
    const s = escalation();
    const effects = s.send({ type: 'pin.entered', result: 'correct' });
    expect(effects).toEqual([
      { type: 'cancelDeadline', params: { name: 'pin' } },
      { type: 'joinRoomAsModerator', params: { room: 'room-1' } },
      { type: 'moveOtherPartyIntoRoom', params: { room: 'room-1' } },
    ]);
    expect(s.state()).toBe('inRoom');
    expect(s.context().otherParty).toBe('in-room');
  });

  it('from the room, 0 / ** work as in flow 1', () => {
    const s = escalation();
    s.send({ type: 'pin.entered', result: 'correct' });
    expect(types(s.send({ type: 'key.command', command: 'dial' }))).toContain('leaveRoomAndCollectNumber');
    expect(s.state()).toBe('dialing');
  });

  it('a wrong password retries, then maxPinAttempts failures bridge the two back (call unchanged)', () => {
    const s = escalation();
    expect(types(s.send({ type: 'pin.entered', result: 'wrong' }))).toEqual([
      'announce',
      'collectPin',
      'armDeadline',
    ]);
    s.send({ type: 'pin.entered', result: 'wrong' });
    const effects = s.send({ type: 'pin.entered', result: 'wrong' });
    expect(effects).toEqual([
      { type: 'cancelDeadline', params: { name: 'pin' } },
      { type: 'announce', params: { prompt: 'wrong-pin' } },
      { type: 'rebridgeParties', params: undefined },
    ]);
    expect(types(effects)).not.toContain('hangupAdmin');
    expect(s.state()).toBe('restoringCall');
    const done = s.send({ type: 'parties.rebridged' });
    expect(done).toEqual([{ type: 'releaseSession', params: { outcome: 'call-restored' } }]);
    expect(s.state()).toBe('callRestored');
    expect(s.status()).toBe('done');
  });

  it('no entry at all restores the call at once (an accidental *0)', () => {
    const s = escalation();
    const effects = s.send({ type: 'pin.entered', result: 'no-input' });
    expect(types(effects)).toEqual(['cancelDeadline', 'rebridgeParties']);
    expect(s.state()).toBe('restoringCall');
  });

  it('a lost entry result (pin deadline) restores the call too', () => {
    const s = escalation();
    expect(types(s.send({ type: 'deadline.reached', name: 'pin' }, 30_000))).toEqual([
      'cancelDeadline',
      'rebridgeParties',
    ]);
  });

  it('lockout restores the call after the locked-out prompt, never drops it', () => {
    const s = escalation();
    const effects = s.send({ type: 'caller.lockedOut' });
    expect(effects).toEqual([
      { type: 'cancelDeadline', params: { name: 'pin' } },
      { type: 'announce', params: { prompt: 'locked-out' } },
      { type: 'rebridgeParties', params: undefined },
    ]);
  });

  it('the password prompt failing restores the call', () => {
    const s = escalation();
    expect(types(s.send({ type: 'command.failed', command: 'collectPin' }))).toEqual([
      'cancelDeadline',
      'rebridgeParties',
    ]);
  });

  it('other party hangs up during entry, right password: the room with the administrator alone', () => {
    const s = escalation();
    expect(s.send({ type: 'other.hungUp' })).toEqual([]);
    expect(s.context().otherParty).toBe('gone');
    const effects = s.send({ type: 'pin.entered', result: 'correct' });
    expect(types(effects)).toEqual(['cancelDeadline', 'joinRoomAsModerator']);
    expect(s.state()).toBe('inRoom');
  });

  it('other party hangs up during entry, entry fails: goodbye and hang up (nobody to go back to)', () => {
    const s = escalation();
    s.send({ type: 'other.hungUp' });
    const effects = s.send({ type: 'pin.entered', result: 'no-input' });
    expect(types(effects)).toEqual(['cancelDeadline', 'announce', 'hangupAdmin', 'releaseSession']);
    expect(effects[1]).toEqual({ type: 'announce', params: { prompt: 'goodbye' } });
    expect(s.context().outcome).toBe('pin-failed');
  });

  it('the other party already gone at *0: no hold, then as above', () => {
    const s = escalation(false);
    expect(types(s.effects)).toEqual(['collectPin', 'armDeadline']);
    s.send({ type: 'pin.entered', result: 'correct' });
    expect(s.context().otherParty).toBe('gone');
  });

  it('hold failing means the other party is gone', () => {
    const s = escalation();
    s.send({ type: 'command.failed', command: 'holdOtherParty' });
    expect(s.context().otherParty).toBe('gone');
  });

  it('the presser hangs up during entry: the held other party is hung up too (no one left on hold)', () => {
    const s = escalation();
    const effects = s.send({ type: 'admin.hungUp' });
    expect(types(effects)).toEqual(['cancelDeadline', 'hangupOtherParty', 'releaseSession']);
    expect(s.context().otherParty).toBe('released');
  });

  it('restoring: the other party hangs up before the bridge: goodbye to the presser', () => {
    const s = escalation();
    s.send({ type: 'pin.entered', result: 'no-input' });
    const effects = s.send({ type: 'other.hungUp' });
    expect(types(effects)).toEqual(['announce', 'hangupAdmin', 'releaseSession']);
    expect(s.context().outcome).toBe('other-party-gone');
  });

  it('restoring: the bridge failing ends the presser with goodbye and releases the other', () => {
    const s = escalation();
    s.send({ type: 'pin.entered', result: 'no-input' });
    const effects = s.send({ type: 'command.failed', command: 'rebridgeParties' });
    expect(types(effects)).toEqual(['announce', 'hangupAdmin', 'hangupOtherParty', 'releaseSession']);
  });

  it('restoring: the presser hangs up before the bridge: the other party is hung up', () => {
    const s = escalation();
    s.send({ type: 'pin.entered', result: 'no-input' });
    expect(types(s.send({ type: 'admin.hungUp' }))).toEqual(['hangupOtherParty', 'releaseSession']);
  });

  it('in the room, the other party failing to move in is hung up rather than left on hold', () => {
    const s = escalation();
    s.send({ type: 'pin.entered', result: 'correct' });
    expect(types(s.send({ type: 'command.failed', command: 'moveOtherPartyIntoRoom' }))).toEqual([
      'hangupOtherParty',
    ]);
    expect(s.context().otherParty).toBe('released');
  });

  it('the other party hanging up once in the room changes nothing for the administrator', () => {
    const s = escalation();
    s.send({ type: 'pin.entered', result: 'correct' });
    expect(s.send({ type: 'other.hungUp' })).toEqual([]);
    expect(s.state()).toBe('inRoom');
  });
});
