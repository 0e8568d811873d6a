// What dynconf keeps on the legs (marks.ts), how a recovery sorts FreeSWITCH's channels (plan.ts), and the
// safe state a session falls back to when its snapshot cannot be restored (fallback.ts).

import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import {
  adminSessionMachine,
  DEFAULT_SETTINGS,
  persistSession,
  restoreSession,
} from '../../machines/index.js';
import { channelInfo } from '../../src/esl/channel-info.js';
import { dumpChannel, setPackedVariable, transferToExtension } from '../../src/esl/commands.js';
import { createLogger } from '../../src/log.js';
import { fallbackFor } from '../../src/recovery/fallback.js';
import {
  type AdminMarks,
  MARK,
  packMachine,
  readAdminMarks,
  unpackMachine,
} from '../../src/recovery/marks.js';
import { entryOf, orphansOf, planRecovery, straysOf } from '../../src/recovery/plan.js';
import type { OperatorInvitations } from '../../src/runtime/operator/invitations.js';
import { takeOverGuests } from '../../src/runtime/operator/take-over.js';

const silentLogger = createLogger({ level: 'silent', destination: { write: () => {} } });

import type { ChannelFacts } from '../../src/recovery/switch-state.js';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function channel(
  n: number,
  variables: Record<string, string>,
  where: Partial<Pick<ChannelFacts, 'room' | 'bridgedTo' | 'answered'>> & { direction?: string } = {},
): ChannelFacts {
  const headers: Record<string, unknown> = {
    'Call-Direction': where.direction ?? 'inbound',
    'Answer-State': where.answered === false ? 'ringing' : 'answered',
  };
  for (const [name, value] of Object.entries(variables)) headers[`variable_${name}`] = value;
  return {
    uuid: uuid(n),
    info: channelInfo(uuid(n), headers),
    answered: where.answered ?? true,
    room: where.room,
    moderator: false,
    bridgedTo: where.bridgedTo,
  };
}

function snapshotIn(state: 'authenticating' | 'inRoom') {
  const actor = createActor(
    adminSessionMachine.provide({
      actions: Object.fromEntries(
        ['collectPin', 'armDeadline', 'joinRoomAsModerator', 'cancelDeadline'].map((n) => [n, () => {}]),
      ),
    }),
    { input: { flow: 'access', at: 1000, room: 'dc-room-1' } },
  );
  actor.start();
  if (state === 'inRoom') actor.send({ type: 'pin.entered', at: 2000, result: 'correct' });
  return persistSession(actor.getPersistedSnapshot());
}

describe('marks', () => {
  it('a machine snapshot packs into uuid_setvar-safe text and back', () => {
    const persisted = snapshotIn('inRoom');
    const packed = packMachine(JSON.stringify(persisted));
    expect(packed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(packed.length).toBeLessThan(2048);
    expect(unpackMachine(packed)).toEqual(persisted);
    const restored = restoreSession(unpackMachine(packed));
    expect(restored.ok && restored.context.roomRequested).toBe(true);
    expect(setPackedVariable(uuid(1), MARK.machine, packed).ok).toBe(true);
  });

  it('reads the deflated snapshots earlier versions wrote (legs that outlived an upgrade)', () => {
    const persisted = snapshotIn('inRoom');
    const deflated = deflateRawSync(Buffer.from(JSON.stringify(persisted))).toString('base64url');
    expect(unpackMachine(deflated)).toEqual(persisted);
  });

  it('anything else unpacks to nothing, never throws', () => {
    for (const bad of ['', 'not-deflated', 'has spaces', '%%%', 'AAAA'])
      expect(unpackMachine(bad)).toBeUndefined();
  });

  it('reads an administrator leg; a leg without a session mark is none', () => {
    const vars: Record<string, string> = {
      dynconf_session: 'ab12cd34',
      dynconf_flow: 'escalation',
      dynconf_room: 'dc-room-1',
      dynconf_other: uuid(2),
      dynconf_state: 'inRoom',
      dynconf_machine: packMachine(JSON.stringify({ machineVersion: 1 })),
    };
    expect(readAdminMarks((n) => vars[n])).toEqual({
      sessionId: 'ab12cd34',
      flow: 'escalation',
      room: 'dc-room-1',
      otherUuid: uuid(2),
      state: 'inRoom',
      machine: { machineVersion: 1 },
    });
    expect(readAdminMarks((n) => (n === 'dynconf_session' ? '_undef_' : undefined))).toBeUndefined();
    expect(readAdminMarks(() => undefined)).toBeUndefined();
  });
});

describe('command builders used by recovery and shutdown', () => {
  it('packed values, channel dumps and dialplan transfers are checked like every command', () => {
    expect(setPackedVariable(uuid(1), 'dynconf_machine', 'a b').ok).toBe(false);
    expect(setPackedVariable(uuid(1), 'dynconf_machine', 'x'.repeat(16385)).ok).toBe(false);
    expect(setPackedVariable('nope', 'dynconf_machine', 'abc').ok).toBe(false);
    const dump = dumpChannel(uuid(1));
    expect(dump.ok && dump.command.text).toBe(`uuid_dump ${uuid(1)} json`);
    const transfer = transferToExtension(uuid(1), { extension: 'dynconf_unavailable', context: 'dynconf' });
    expect(transfer.ok && transfer.command.text).toBe(
      `uuid_transfer ${uuid(1)} dynconf_unavailable XML dynconf`,
    );
    expect(transferToExtension(uuid(1), { extension: 'a b', context: 'dynconf' }).ok).toBe(false);
  });
});

describe('planRecovery', () => {
  it('sorts administrators, callers of the access number, and legs kept for an administrator', () => {
    const admin = channel(1, { dynconf_session: 's1', dynconf_role: 'admin' });
    const caller = channel(2, { dynconf_role: 'admin' });
    const ringing = channel(3, { dynconf_role: 'admin' }, { answered: false });
    const fallback = channel(4, { dynconf_role: 'unavailable' });
    const invitee = channel(
      5,
      { dynconf_role: 'invitee', dynconf_admin: uuid(1) },
      { direction: 'outbound' },
    );
    const other = channel(6, { dynconf_role: 'other', dynconf_admin: uuid(9) });
    const stranger = channel(7, {});
    const inRoom = channel(8, { dynconf_role: 'admin' }, { room: 'r' });
    const state = {
      channels: new Map(
        [admin, caller, ringing, fallback, invitee, other, stranger, inRoom].map((c) => [c.uuid, c]),
      ),
      rooms: new Map(),
    };
    const plan = planRecovery(state);
    expect([...plan.admins.keys()]).toEqual([uuid(1)]);
    expect(plan.accessCallers.map((c) => c.uuid)).toEqual([uuid(2)]);
    expect([...plan.byAdmin].map(([a, legs]) => [a, legs.map((l) => l.uuid)])).toEqual([
      [uuid(1), [uuid(5)]],
      [uuid(9), [uuid(6)]],
    ]);
  });

  it('orphans: an invitee outside a room, a held other party; never a room member, a bridged party or a loopback inner leg', () => {
    const legs = [
      channel(1, { dynconf_role: 'invitee' }),
      channel(2, { dynconf_role: 'invitee' }, { room: 'r' }),
      channel(3, { dynconf_role: 'other' }),
      channel(4, { dynconf_role: 'other' }, { bridgedTo: uuid(9) }),
      channel(5, { dynconf_role: 'invitee', loopback_leg: 'B' }),
    ];
    expect(orphansOf(legs).map((l) => l.uuid)).toEqual([uuid(1), uuid(3)]);
    expect(straysOf(legs, (u) => u === uuid(1))).toEqual([]);
    expect(straysOf(legs, () => false)).toEqual([uuid(1)]);
  });

  it("the operator's legs: taken over when ringing into a live room or in one; hung up when their room is gone", () => {
    const state = {
      channels: new Map(
        [
          channel(
            1,
            { dynconf_role: 'guest', dynconf_room: 'live' },
            { answered: false, direction: 'outbound' },
          ),
          channel(
            2,
            { dynconf_role: 'guest', dynconf_room: 'gone' },
            { answered: false, direction: 'outbound' },
          ),
          channel(
            3,
            { dynconf_role: 'guest', dynconf_room: 'live' },
            { room: 'live', direction: 'outbound' },
          ),
          channel(4, { dynconf_role: 'guest', dynconf_room: 'gone', loopback_leg: 'B' }, { answered: false }),
          channel(5, { dynconf_role: 'invitee', dynconf_admin: uuid(9) }),
        ].map((c) => [c.uuid, c]),
      ),
      rooms: new Map([['live', [uuid(3)]]]),
    };
    const plan = planRecovery(state);
    expect(plan.guests.map((g) => g.uuid)).toEqual([uuid(1), uuid(2), uuid(3), uuid(4)]);
    const adopted: unknown[] = [];
    const hungUp: string[] = [];
    const calls = {
      knows: () => false,
      adopt: (found: unknown) => void adopted.push(found),
    } as unknown as OperatorInvitations;
    const count = takeOverGuests(plan.guests, {
      calls,
      logger: silentLogger,
      roomLives: (room) => state.rooms.has(room),
      hangUp: (leg) => void hungUp.push(leg),
    });
    expect(count).toBe(1);
    expect(hungUp).toEqual([uuid(2)]);
    expect(adopted).toEqual([
      { uuid: uuid(1), room: 'live', number: '', answered: false },
      { uuid: uuid(3), room: 'live', number: '', answered: true },
    ]);
  });

  it('tells an entry running, finished and unread, or nothing to take over', () => {
    const pagd = { current_application: 'play_and_get_digits' };
    expect(entryOf(channel(1, pagd))).toBe('running');
    expect(entryOf(channel(1, { ...pagd, read_result: 'success', dynconf_pin: '1234' }))).toBe('completed');
    expect(entryOf(channel(1, { ...pagd, read_result: 'timeout' }))).toBe('completed');
    // Half read by a controller that died: the digits are gone, ask again.
    expect(entryOf(channel(1, { ...pagd, read_result: 'success' }))).toBe('none');
    expect(entryOf(channel(1, { ...pagd, read_result: 'dynconf_read' }))).toBe('none');
    expect(entryOf(channel(1, { current_application: 'playback' }))).toBe('none');
  });
});

describe('fallbackFor', () => {
  const input = { settings: DEFAULT_SETTINGS, now: 5000, otherAlive: true, freshRoom: () => 'dc-fresh' };
  const marks = (state: string | undefined, flow: AdminMarks['flow'] = 'access'): AdminMarks => ({
    sessionId: 's1',
    flow,
    room: 'dc-room-1',
    otherUuid: undefined,
    state,
    machine: undefined,
  });
  const resumed = (m: AdminMarks, otherAlive = true) => {
    const fallback = fallbackFor(m, { ...input, otherAlive });
    if (fallback.kind !== 'resume') return fallback.kind;
    const restored = restoreSession(persistSession(fallback.snapshot));
    if (!restored.ok) throw new Error(restored.error);
    return `${fallback.state} ${restored.context.room} ${restored.context.otherParty}`;
  };

  it('chooses a safe state from the last state written', () => {
    expect(resumed(marks('invitation.talking'))).toBe('inRoom dc-room-1 none');
    expect(resumed(marks('dialing', 'escalation'))).toBe('inRoom dc-room-1 in-room');
    expect(resumed(marks('authenticating', 'escalation'))).toBe('restoringCall dc-room-1 held');
    expect(resumed(marks('authenticating', 'escalation'), false)).toBe('authenticating dc-room-1 gone');
    expect(resumed(marks('restoringCall', 'escalation'), false)).toBe('hangup');
    expect(resumed(marks('authenticating'))).toBe('authenticating dc-room-1 none');
    expect(resumed(marks(undefined))).toBe('authenticating dc-room-1 none');
    expect(resumed(marks('ended'))).toBe('hangup');
    expect(resumed(marks('callRestored', 'escalation'))).toBe('clear');
    expect(resumed({ ...marks('inRoom'), room: undefined })).toBe('inRoom dc-fresh none');
  });
});
