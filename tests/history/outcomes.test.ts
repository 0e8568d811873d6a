// Every way a session and an invitation can end, for both flows and both sources, written through the
// recorder (sessions, the operator's calls) and the feed (the keypad's invitations, from the events the
// runtime sends the machine), read back from the file as `dynconf history` reads it.
import { describe, expect, it } from 'vitest';
import {
  FLOWS,
  INVITATION_OUTCOMES,
  type InvitationHistory,
  type InvitationOutcome,
  SESSION_OUTCOMES,
} from '../../src/history/index.js';
import { ev, harness, readAll, sessionStart, T0, useTempHistory, uuid } from './support.js';

const S = 1000;

let path = '';
useTempHistory((files) => {
  path = files.path;
});

describe('sessions', () => {
  it.each(FLOWS.flatMap((flow) => SESSION_OUTCOMES.map((outcome) => [flow, outcome] as const)))(
    '%s, ending %s, round trip',
    async (flow, outcome) => {
      const h = harness(path);
      const start = sessionStart({
        flow,
        callerNumber: '+49 30 1234',
        callerName: 'Müller, Anna',
        context: 'pbx-a.example.com',
        tenant: 'pbx-a.example.com',
      });
      h.feed.started(start);
      h.feed.ended({
        id: start.id,
        adminUuid: start.adminUuid,
        at: T0 + 95 * S,
        outcome,
        authenticated: outcome !== 'pin-failed' && outcome !== 'locked-out',
        pinFailures: outcome === 'pin-failed' ? 3 : 1,
      });
      await h.writer.close();
      expect(readAll(path)).toEqual([
        {
          id: start.id,
          adminUuid: start.adminUuid,
          flow,
          callerNumber: '+49 30 1234',
          callerName: 'Müller, Anna',
          context: 'pbx-a.example.com',
          tenant: 'pbx-a.example.com',
          node: '127.0.0.1:8021',
          room: start.room,
          startedAt: '2026-11-24T08:00:00.000Z',
          endedAt: '2026-11-24T08:01:35.000Z',
          outcome,
          durationMs: 95_000,
          authenticated: outcome !== 'pin-failed' && outcome !== 'locked-out',
          pinFailures: outcome === 'pin-failed' ? 3 : 1,
          restored: false,
          invitations: [],
        },
      ]);
    },
  );

  it('a session without a tenant, caller name or end is kept as such', async () => {
    const h = harness(path);
    const start = sessionStart({ callerName: undefined, context: undefined, node: undefined });
    h.feed.started(start);
    await h.writer.close();
    const [session] = readAll(path);
    expect(session).toMatchObject({
      callerName: null,
      context: null,
      tenant: null,
      node: null,
      endedAt: null,
      outcome: null,
      durationMs: null,
      authenticated: null,
      pinFailures: null,
    });
  });

  it('keeps nothing that is not a caller ID: control characters go, long names are cut', async () => {
    const h = harness(path);
    const start = sessionStart({ callerName: `Eve\u0000\u001b[31m${'x'.repeat(500)}` });
    h.feed.started(start);
    await h.writer.close();
    const [session] = readAll(path);
    expect(session?.callerName).toBe(`Eve[31m${'x'.repeat(500)}`.slice(0, 128));
  });
});

/** One keypad invitation through the feed: the events after `dialed`, then the session's end at `endAt`. */
async function keypad(
  events: (leg: string) => Parameters<ReturnType<typeof harness>['feed']['observe']>[1][],
  options: { endAt?: number; rule?: string } = {},
): Promise<InvitationHistory[]> {
  const h = harness(path);
  const start = sessionStart();
  const leg = uuid();
  h.feed.started(start);
  h.feed.observe(start.id, ev.dialed(T0 + 10 * S, '801', leg, options.rule));
  for (const event of events(leg)) h.feed.observe(start.id, event);
  h.feed.ended({
    id: start.id,
    adminUuid: start.adminUuid,
    at: options.endAt ?? T0 + 300 * S,
    outcome: 'admin-hung-up',
  });
  expect(h.feed.size).toBe(0);
  await h.writer.close();
  const [session] = readAll(path);
  return [...(session?.invitations ?? [])];
}

describe('keypad invitations (the machine events the runtime sends)', () => {
  it('answered, then `*#` after a private talk', async () => {
    const [inv] = await keypad((leg) => [
      ev.ringing(T0 + 11 * S, leg),
      ev.answered(T0 + 13 * S, leg),
      ev.returnAlone(T0 + 75 * S),
    ]);
    expect(inv).toMatchObject({
      source: 'keypad',
      number: '801',
      route: 'internal',
      outcome: 'answered',
      startedAt: '2026-11-24T08:00:10.000Z',
      answeredAt: '2026-11-24T08:00:13.000Z',
      endedAt: '2026-11-24T08:01:15.000Z',
      joinedAt: null,
      ringingMs: 3000,
      talkingMs: 62_000,
      inRoomMs: null,
    });
  });

  it('answered, then `**` into the room; a later end of its leg gives its time in the room', async () => {
    const [inv] = await keypad(
      (leg) => [ev.answered(T0 + 13 * S, leg), ev.join(T0 + 40 * S), ev.hungUp(T0 + 640 * S, leg)],
      {
        endAt: T0 + 900 * S,
      },
    );
    expect(inv).toMatchObject({
      outcome: 'answered',
      joinedAt: '2026-11-24T08:00:40.000Z',
      endedAt: '2026-11-24T08:10:40.000Z',
      ringingMs: 3000,
      talkingMs: 27_000,
      inRoomMs: 600_000,
    });
  });

  it('answered, then the invitee hangs up', async () => {
    const [inv] = await keypad((leg) => [ev.answered(T0 + 13 * S, leg), ev.hungUp(T0 + 20 * S, leg)]);
    expect(inv).toMatchObject({ outcome: 'answered', talkingMs: 7000, endedAt: '2026-11-24T08:00:20.000Z' });
  });

  it('voicemail after an answer: the time on voicemail is its talk time', async () => {
    const [inv] = await keypad((leg) => [
      ev.answered(T0 + 12 * S, leg),
      ev.voicemail(T0 + 14 * S, leg),
      ev.returnAlone(T0 + 30 * S),
      ev.hungUp(T0 + 30 * S, leg),
    ]);
    expect(inv).toMatchObject({ outcome: 'voicemail', ringingMs: 2000, talkingMs: 18_000 });
  });

  it('voicemail detected before any answer, returned automatically', async () => {
    const [inv] = await keypad((leg) => [ev.voicemail(T0 + 15 * S, leg), ev.hungUp(T0 + 16 * S, leg)]);
    expect(inv).toMatchObject({
      outcome: 'voicemail',
      answeredAt: '2026-11-24T08:00:15.000Z',
      talkingMs: 1000,
    });
  });

  it('`**` while ringing or on voicemail changes nothing (the machine ignores it)', async () => {
    const [inv] = await keypad((leg) => [
      ev.join(T0 + 12 * S),
      ev.voicemail(T0 + 14 * S, leg),
      ev.join(T0 + 15 * S),
      ev.returnAlone(T0 + 20 * S),
    ]);
    expect(inv).toMatchObject({ outcome: 'voicemail', joinedAt: null });
  });

  it('cancelled with `*#` while it rang, and its leg ending later does not change that', async () => {
    const [inv] = await keypad((leg) => [ev.returnAlone(T0 + 18 * S), ev.failed(T0 + 19 * S, leg, 'failed')]);
    expect(inv).toMatchObject({ outcome: 'cancelled', ringingMs: 9000, talkingMs: null, answeredAt: null });
  });

  it('cancelled: the administrator hung up while it rang', async () => {
    const [inv] = await keypad(() => [ev.adminHungUp(T0 + 12 * S)]);
    expect(inv).toMatchObject({ outcome: 'cancelled', endedAt: '2026-11-24T08:00:12.000Z' });
  });

  it('cancelled: the session ended while it rang', async () => {
    const [inv] = await keypad(() => [], { endAt: T0 + 15 * S });
    expect(inv).toMatchObject({ outcome: 'cancelled', endedAt: '2026-11-24T08:00:15.000Z' });
  });

  it('no answer within the ring timeout', async () => {
    const [inv] = await keypad((leg) => [ev.ringing(T0 + 11 * S, leg), ev.ringDue(T0 + 40 * S)]);
    expect(inv).toMatchObject({ outcome: 'no-answer', ringingMs: 30_000 });
  });

  it.each(['no-answer', 'busy', 'rejected', 'unreachable', 'invalid-number', 'failed'] as const)(
    'the call fails: %s',
    async (reason) => {
      const [inv] = await keypad((leg) => [ev.failed(T0 + 12 * S, leg, reason)]);
      expect(inv).toMatchObject({ outcome: reason, ringingMs: 2000, answeredAt: null });
    },
  );

  it('the originate fails (command.failed)', async () => {
    const [inv] = await keypad((leg) => [ev.callFailed(T0 + 10 * S, leg)]);
    expect(inv).toMatchObject({ outcome: 'failed', ringingMs: 0 });
  });

  it.each(['not-allowed', 'invalid-number'] as const)('refused by the routing rules: %s', async (reason) => {
    const h = harness(path);
    const start = sessionStart();
    h.feed.started(start);
    h.feed.observe(start.id, ev.refused(T0 + 10 * S, '0900123456', reason));
    await h.writer.close();
    const [inv] = readAll(path)[0]?.invitations ?? [];
    expect(inv).toMatchObject({
      source: 'keypad',
      number: '0900123456',
      route: null,
      outcome: reason,
      startedAt: '2026-11-24T08:00:10.000Z',
      endedAt: '2026-11-24T08:00:10.000Z',
      ringingMs: null,
      talkingMs: null,
    });
  });

  it('several numbers in one session, oldest first; a new number settles the one before', async () => {
    const h = harness(path);
    const start = sessionStart();
    const [a, b] = [uuid(), uuid()];
    h.feed.started(start);
    h.feed.observe(start.id, ev.dialed(T0 + 10 * S, '801', a));
    h.feed.observe(start.id, ev.answered(T0 + 12 * S, a));
    h.feed.observe(start.id, ev.dialed(T0 + 20 * S, '802', b));
    h.feed.observe(start.id, ev.failed(T0 + 21 * S, b, 'busy'));
    h.feed.observe(start.id, ev.refused(T0 + 30 * S, '0049301234', 'not-allowed'));
    h.feed.ended({ id: start.id, adminUuid: start.adminUuid, at: T0 + 40 * S, outcome: 'admin-hung-up' });
    await h.writer.close();
    const invitations = readAll(path)[0]?.invitations ?? [];
    expect(invitations.map((i) => [i.number, i.outcome])).toEqual([
      ['801', 'answered'],
      ['802', 'busy'],
      ['0049301234', 'not-allowed'],
    ]);
  });

  it('events of another leg or an unknown session are ignored', async () => {
    const h = harness(path);
    const start = sessionStart();
    const leg = uuid();
    h.feed.started(start);
    h.feed.observe('no-such', ev.dialed(T0, '801', uuid()));
    h.feed.observe(start.id, ev.dialed(T0 + 10 * S, '801', leg));
    h.feed.observe(start.id, ev.answered(T0 + 11 * S, uuid()));
    h.feed.observe(start.id, ev.ringDue(T0 + 40 * S));
    await h.writer.close();
    const [inv] = readAll(path)[0]?.invitations ?? [];
    expect(inv).toMatchObject({ outcome: 'no-answer', answeredAt: null });
  });
});

describe("the operator's invitations", () => {
  it('belong to the session whose room they call into, whatever their outcome', async () => {
    const h = harness(path);
    const start = sessionStart();
    h.feed.started(start);
    const outcomes: InvitationOutcome[] = ['answered', 'no-answer', 'busy', 'cancelled', 'failed'];
    outcomes.forEach((outcome, i) => {
      const id = uuid();
      const at = T0 + (10 + i * 60) * S;
      h.writer.invitationPlaced({
        id,
        source: 'operator',
        room: start.room,
        number: `80${i}`,
        route: 'internal',
        at,
      });
      if (outcome === 'answered') {
        h.writer.invitationAnswered({ id, at: at + 4 * S });
        h.writer.invitationJoined({ id, at: at + 4 * S });
      }
      h.writer.invitationEnded({
        id,
        at: at + 20 * S,
        outcome,
        cause: outcome === 'busy' ? 'USER_BUSY' : undefined,
      });
    });
    h.writer.invitationRefused({
      source: 'operator',
      room: start.room,
      number: '0190123',
      reason: 'too-many-calls',
      at: T0 + 400 * S,
    });
    await h.writer.close();
    const invitations = readAll(path)[0]?.invitations ?? [];
    expect(invitations.map((i) => [i.source, i.outcome])).toEqual([
      ...outcomes.map((o) => ['operator', o]),
      ['operator', 'too-many-calls'],
    ]);
    expect(invitations[0]).toMatchObject({ ringingMs: 4000, talkingMs: 0, inRoomMs: 16_000 });
    expect(invitations[2]).toMatchObject({ cause: 'USER_BUSY' });
  });

  it('every invitation outcome the history knows can be stored and read back', async () => {
    const h = harness(path);
    const start = sessionStart();
    h.feed.started(start);
    for (const [i, outcome] of INVITATION_OUTCOMES.entries()) {
      const id = uuid();
      h.writer.invitationPlaced({
        id,
        source: 'keypad',
        sessionId: start.id,
        room: start.room,
        number: `8${i}`,
        route: 'r',
        at: T0 + i,
      });
      h.writer.invitationEnded({ id, at: T0 + i + 1, outcome });
    }
    await h.writer.close();
    expect(readAll(path)[0]?.invitations.map((i) => i.outcome)).toEqual(INVITATION_OUTCOMES);
  });
});
