// What a session does after events may have been lost, state by state (recovery/reconcile.ts).
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type SessionContext } from '../../machines/index.js';
import {
  GONE,
  type LegFacts,
  type ReconcileInput,
  reconcileLegs,
  reconcileState,
} from '../../src/recovery/reconcile.js';

const ADMIN = 'aaaaaaaa-0000-4000-8000-000000000001';
const OTHER = 'cccccccc-0000-4000-8000-000000000003';
const LEG = 'bbbbbbbb-0000-4000-8000-000000000002';
const ROOM = 'dc-room-1';
const NOW = 100_000;

const up = (where: Partial<LegFacts> = {}): LegFacts => ({
  exists: true,
  answered: true,
  room: undefined,
  bridgedTo: undefined,
  entry: 'none',
  ...where,
});

const route = {
  allowed: true,
  rule: 'extensions',
  answerSupervision: true,
  ringTimeoutMs: 30_000,
  legId: LEG,
} as const;

function input(
  state: string,
  context: Partial<SessionContext> = {},
  facts: Partial<ReconcileInput> = {},
): ReconcileInput {
  return {
    state,
    context: {
      version: 1,
      flow: 'access',
      room: ROOM,
      settings: DEFAULT_SETTINGS,
      pinFailures: 0,
      otherParty: 'none',
      roomRequested: false,
      adminInRoom: false,
      invitation: null,
      legs: {},
      invitations: 0,
      deadlines: {},
      outcome: null,
      ...context,
    },
    restored: true,
    now: NOW,
    adminUuid: ADMIN,
    admin: up(),
    otherUuid: undefined,
    other: undefined,
    invitees: new Map(),
    strays: [],
    adminBusy: false,
    otherBusy: false,
    ...facts,
  };
}

const invitation = { legId: LEG, number: '801', route };

describe('reconcileLegs: what ended while nobody listened', () => {
  it('the administrator gone: that, and nothing else', () => {
    expect(reconcileLegs(input('inRoom', {}, { admin: GONE, strays: [OTHER] }))).toEqual([
      { kind: 'send', event: { type: 'admin.hungUp', at: NOW } },
    ]);
  });

  it('the invitee gone: failed while ringing, hung up once answered', () => {
    const ringing = input('invitation.ringing', { invitation, legs: { [LEG]: 'calling' } });
    expect(reconcileLegs(ringing)).toEqual([
      { kind: 'send', event: { type: 'invitee.failed', at: NOW, legId: LEG, reason: 'failed' } },
    ]);
    const talking = input('invitation.talking', { invitation, legs: { [LEG]: 'up' } });
    expect(reconcileLegs(talking)).toEqual([
      { kind: 'send', event: { type: 'invitee.hungUp', at: NOW, legId: LEG } },
    ]);
  });

  it('flow 2: the held party gone', () => {
    const held = input(
      'authenticating',
      { flow: 'escalation', otherParty: 'held' },
      { otherUuid: OTHER, other: GONE },
    );
    expect(reconcileLegs(held)).toEqual([{ kind: 'send', event: { type: 'other.hungUp', at: NOW } }]);
  });

  it('tidies legs the machine no longer wants, and moves a guest that never reached the room', () => {
    const legs = { [LEG]: 'released' as const, [OTHER]: 'joined' as const };
    const facts = {
      invitees: new Map([
        [LEG, up()],
        [OTHER, up()],
      ]),
      strays: ['dddddddd-0000-4000-8000-000000000004'],
    };
    expect(reconcileLegs(input('inRoom', { legs }, facts))).toEqual([
      { kind: 'hangup', uuid: LEG, why: 'the session had hung it up' },
      { kind: 'effect', effect: { type: 'moveInviteeIntoRoom', params: { legId: OTHER, room: ROOM } } },
      { kind: 'hangup', uuid: 'dddddddd-0000-4000-8000-000000000004', why: expect.any(String) },
    ]);
    // Already in the room, or in a room by now: left alone.
    const settled = {
      invitees: new Map([
        [LEG, up({ room: ROOM })],
        [OTHER, up({ room: ROOM })],
      ]),
    };
    expect(reconcileLegs(input('inRoom', { legs }, settled))).toEqual([]);
  });
});

describe('reconcileState: finishing what the state stands for', () => {
  it('PIN entry after a restart: played again at once if it runs, its unread result used, attempts kept', () => {
    const deadlines = { pin: NOW - 1 };
    const reasked = [
      { kind: 'effect', effect: { type: 'collectPin', params: { attempt: 2, maxAttempts: 3 } } },
      { kind: 'arm', name: 'pin', at: NOW + DEFAULT_SETTINGS.pinEntryTimeoutMs },
    ];
    // Running: the caller heard its prompt before the restart and would hear nothing until it timed out.
    const running = input(
      'authenticating',
      { deadlines, pinFailures: 1 },
      { admin: up({ entry: 'running' }) },
    );
    expect(reconcileState(running)).toEqual(reasked);
    // Its result lost: asked again the same way.
    expect(reconcileState(input('authenticating', { deadlines, pinFailures: 1 }))).toEqual(reasked);
    // Finished while nobody listened: the result is taken over, not asked again.
    const completed = reconcileState(
      input('authenticating', { deadlines }, { admin: up({ entry: 'completed' }) }),
    );
    expect(completed).toEqual([
      {
        kind: 'entry',
        entry: 'pin',
        status: 'completed',
        reask: expect.objectContaining({ type: 'collectPin' }),
      },
      { kind: 'arm', name: 'pin', at: NOW - 1 },
    ]);
  });

  it('PIN entry after a reconnect: this controller still waits for the entry that runs', () => {
    const deadlines = { pin: NOW + 5000 };
    const running = input(
      'authenticating',
      { deadlines },
      { admin: up({ entry: 'running' }), restored: false },
    );
    expect(reconcileState(running)).toEqual([
      {
        kind: 'entry',
        entry: 'pin',
        status: 'running',
        reask: expect.objectContaining({ type: 'collectPin' }),
      },
    ]);
  });

  it('number entry after a restart: the dial tone played again at once', () => {
    const deadlines = { dial: NOW + 1000 };
    const context = { deadlines, roomRequested: true };
    const running = input('dialing', context, { admin: up({ entry: 'running' }) });
    expect(reconcileState(running)).toEqual([
      { kind: 'effect', effect: { type: 'leaveRoomAndCollectNumber', params: undefined } },
      { kind: 'arm', name: 'dial', at: NOW + DEFAULT_SETTINGS.dialEntryTimeoutMs },
    ]);
  });

  it('flow 2 PIN entry after a restart: the presser taken out of the call first, or the held party re-held', () => {
    const context = { flow: 'escalation' as const, otherParty: 'held' as const };
    const stillBridged = input('authenticating', context, {
      otherUuid: OTHER,
      other: up({ bridgedTo: ADMIN }),
      admin: up({ bridgedTo: OTHER }),
    });
    expect(reconcileState(stillBridged)[0]).toEqual({ kind: 'prepare-escalation' });
    const held = input('authenticating', context, { otherUuid: OTHER, other: up() });
    expect(reconcileState(held)[0]).toEqual({ kind: 'rehold' });
    // The same controller after a reconnect: its hold is still playing.
    expect(reconcileState({ ...held, restored: false })[0]?.kind).toBe('effect');
  });

  it('restoring the call: reported once bridged, bridged again otherwise', () => {
    const context = { flow: 'escalation' as const, otherParty: 'held' as const };
    const facts = { otherUuid: OTHER, other: up() };
    expect(
      reconcileState(input('restoringCall', context, { ...facts, admin: up({ bridgedTo: OTHER }) })),
    ).toEqual([{ kind: 'send', event: { type: 'parties.rebridged', at: NOW } }]);
    expect(reconcileState(input('restoringCall', context, facts))).toEqual([
      { kind: 'effect', effect: { type: 'rebridgeParties', params: undefined } },
    ]);
  });

  it('in the room: confirmed if there, sent back if not (unless its own move is still under way)', () => {
    expect(reconcileState(input('inRoom', {}, { admin: up({ room: ROOM }) }))).toEqual([
      { kind: 'send', event: { type: 'room.joined', at: NOW } },
    ]);
    expect(reconcileState(input('inRoom', { adminInRoom: true }, { admin: up({ room: ROOM }) }))).toEqual([]);
    expect(reconcileState(input('inRoom'))).toEqual([
      { kind: 'effect', effect: { type: 'returnAdminToRoom', params: { room: ROOM } } },
    ]);
    expect(reconcileState(input('inRoom', {}, { adminBusy: true }))).toEqual([]);
    const flow2 = input(
      'inRoom',
      { flow: 'escalation', otherParty: 'in-room' },
      {
        admin: up({ room: ROOM }),
        otherUuid: OTHER,
        other: up(),
      },
    );
    expect(reconcileState(flow2)).toContainEqual({
      kind: 'effect',
      effect: { type: 'moveOtherPartyIntoRoom', params: { room: ROOM } },
    });
  });

  it('number entry: like the PIN', () => {
    expect(reconcileState(input('dialing', { deadlines: { dial: NOW } }))).toEqual([
      { kind: 'effect', effect: { type: 'leaveRoomAndCollectNumber', params: undefined } },
      { kind: 'arm', name: 'dial', at: NOW + DEFAULT_SETTINGS.dialEntryTimeoutMs },
    ]);
  });

  it('ringing: an answer that was missed is reported; else ringback again after a restart, and the ring deadline', () => {
    const context = { invitation, legs: { [LEG]: 'calling' as const }, deadlines: { ring: NOW + 5 } };
    expect(
      reconcileState(input('invitation.ringing', context, { invitees: new Map([[LEG, up()]]) })),
    ).toEqual([
      { kind: 'send', event: { type: 'invitee.answered', at: NOW, legId: LEG } },
      { kind: 'arm', name: 'ring', at: NOW + 5 },
    ]);
    const ringing = { invitees: new Map([[LEG, up({ answered: false })]]) };
    expect(reconcileState(input('invitation.ringing', context, ringing))).toEqual([
      { kind: 'effect', effect: { type: 'playRingback', params: undefined } },
      { kind: 'arm', name: 'ring', at: NOW + 5 },
    ]);
    // The same controller after a reconnect: its timers and ringback still run.
    expect(reconcileState({ ...input('invitation.ringing', context, ringing), restored: false })).toEqual([]);
  });

  it('talking: bridged again when the bridge is not there', () => {
    const context = { invitation, legs: { [LEG]: 'up' as const } };
    const apart = { invitees: new Map([[LEG, up()]]) };
    expect(reconcileState(input('invitation.talking', context, apart))).toEqual([
      { kind: 'effect', effect: { type: 'bridgeAdminAndInvitee', params: { legId: LEG } } },
    ]);
    const together = { invitees: new Map([[LEG, up({ bridgedTo: ADMIN })]]), admin: up({ bridgedTo: LEG }) };
    expect(reconcileState(input('invitation.voicemail', context, together))).toEqual([]);
  });
});
