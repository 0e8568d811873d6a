// The room view against the conference events real FreeSWITCH 1.10.12 sent (traces 03, 04, 07, 10, 13) and
// the json_list / show channels replies it gave (traces 04, 11).
import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/esl/decode.js';
import type { EventOf } from '../../src/esl/events.js';
import {
  parseConferenceJsonList,
  parseShowChannelsJson,
  withCallDirections,
} from '../../src/esl/listings.js';
import { RoomView } from '../../src/room-view/index.js';
import { type InRecord, loadTrace, traceFiles } from '../support/traces.js';

type ConferenceEvent = EventOf<'conference'>;

const fileFor = (prefix: string): string => {
  const file = traceFiles().find((f) => f.startsWith(prefix));
  if (file === undefined) throw new Error(`no trace ${prefix}`);
  return file;
};

function conferenceEvents(prefix: string): ConferenceEvent[] {
  const events: ConferenceEvent[] = [];
  for (const rec of loadTrace(fileFor(prefix))) {
    if (rec.dir !== 'in' || rec.contentType !== 'text/event-json') continue;
    const body = rec.bodyRaw !== undefined ? JSON.parse(rec.bodyRaw) : rec.body;
    const event = decodeEvent(body);
    if (event?.type === 'conference') events.push(event);
  }
  return events;
}

/** api/response bodies that answered `out` records matching `command` (replies come in order). */
function apiReplies(prefix: string, command: RegExp): string[] {
  const records = loadTrace(fileFor(prefix));
  const replies: string[] = [];
  records.forEach((rec, index) => {
    if (rec.dir !== 'out' || !command.test(rec.raw)) return;
    const reply = records
      .slice(index + 1)
      .find((r): r is InRecord => r.dir === 'in' && r.contentType === 'api/response' && r.conn === undefined);
    if (reply !== undefined && typeof reply.body === 'string') replies.push(reply.body);
  });
  return replies;
}

/** Applies events one by one; `at(action, n)` runs a check right after the n-th event with that action. */
function replay(
  events: ConferenceEvent[],
  view: RoomView,
  checks: Record<string, (view: RoomView) => void> = {},
): void {
  const seen = new Map<string, number>();
  for (const event of events) {
    view.apply(event);
    const key = `${event.action}#${(seen.get(event.action) ?? 0) + 1}`;
    seen.set(event.action, (seen.get(event.action) ?? 0) + 1);
    checks[key]?.(view);
  }
}

describe('room view from recorded conference events', () => {
  it('follows a member through create, floor, a move to another room, mute, unmute, deaf and leaving (03)', () => {
    const view = new RoomView();
    const steps: string[] = [];
    replay(conferenceEvents('03'), view, {
      'add-member#1': (v) => {
        const room = v.room('room-a');
        expect(room?.profile).toBe('dynconf');
        expect(room?.members).toHaveLength(1);
        expect(room?.members[0]).toMatchObject({ id: 32, number: '1001', moderator: true, muted: false });
        steps.push('joined');
      },
      'floor-change#1': (v) => {
        expect(v.room('room-a')?.members[0]?.floor).toBe(true);
        steps.push('floor');
      },
      'add-member#2': (v) => {
        // The member left room-a first; room-a (empty) waits for its conference-destroy.
        expect(v.room('room-a')?.members).toHaveLength(0);
        expect(v.room('room-b')?.members.map((m) => m.id)).toEqual([32]);
        steps.push('moved');
      },
      'conference-destroy#1': (v) => {
        expect(v.room('room-a')).toBeUndefined();
        expect(v.rooms().map((r) => r.name)).toEqual(['room-b']);
        steps.push('room-a gone');
      },
      'mute-member#1': (v) => {
        expect(v.room('room-b')?.members[0]).toMatchObject({ muted: true, talking: false });
        steps.push('muted');
      },
      'unmute-member#1': (v) => {
        expect(v.room('room-b')?.members[0]?.muted).toBe(false);
        steps.push('unmuted');
      },
      'deaf-member#1': (v) => {
        expect(v.room('room-b')?.members[0]).toMatchObject({ muted: true, deaf: true });
        steps.push('deaf');
      },
    });
    expect(steps).toEqual(['joined', 'floor', 'moved', 'room-a gone', 'muted', 'unmuted', 'deaf']);
    expect(view.rooms()).toEqual([]);
    expect(view.size).toBe(0);
    expect(view.memberCount).toBe(0);
  });

  it('forgets a room when it is destroyed and starts afresh when it is created again (04)', () => {
    const view = new RoomView();
    const uuids: (string | undefined)[] = [];
    replay(conferenceEvents('04'), view, {
      'add-member#1': (v) => uuids.push(v.room('room-a')?.conferenceUuid),
      'conference-destroy#1': (v) => expect(v.room('room-a')).toBeUndefined(),
      'conference-create#2': (v) => {
        expect(v.room('room-a')?.members).toEqual([]);
        uuids.push(v.room('room-a')?.conferenceUuid);
      },
      'add-member#3': (v) => expect(v.room('room-a')?.members.map((m) => m.number)).toEqual(['1001', '1002']),
      'del-member#2': (v) => expect(v.room('room-a')?.members.map((m) => m.number)).toEqual(['1002']),
    });
    expect(uuids).toHaveLength(2);
    expect(uuids[0]).not.toBe(uuids[1]);
    expect(view.rooms()).toEqual([]);
  });

  it('shows invitees by the number dialed and tracks the moderator flag across -both transfers (07)', () => {
    const view = new RoomView();
    let largest = 0;
    replay(conferenceEvents('07'), view, {
      'add-member#3': (v) => {
        const invitee = v.room('room-a')?.members.find((m) => m.id === 37);
        // An outbound leg's caller ID is FreeSWITCH's (0000000000): the person is the number dialed.
        expect(invitee).toMatchObject({ number: '801', moderator: false });
      },
      'add-member#4': (v) => expect(v.room('room-a')?.members.find((m) => m.id === 36)?.moderator).toBe(true),
      'add-member#6': (v) => {
        // `uuid_transfer -both` gave both legs the same destination: the admin is no longer moderator.
        expect(v.room('room-a')?.members.find((m) => m.id === 36)?.moderator).toBe(false);
      },
      'del-member#5': (v) => {
        largest = Math.max(largest, v.memberCount);
      },
    });
    expect(largest).toBe(4);
    expect(view.rooms()).toEqual([]);
  });

  it('ends with no room after every recorded scenario', () => {
    for (const prefix of ['03', '04', '07', '10', '13']) {
      const view = new RoomView();
      let peak = 0;
      view.onChange(() => {
        peak = Math.max(peak, view.size);
      });
      replay(conferenceEvents(prefix), view);
      expect(peak, prefix).toBeGreaterThan(0);
      expect(view.rooms(), prefix).toEqual([]);
    }
  });

  it('ignores the late destroy of an earlier room of the same name', () => {
    const events = conferenceEvents('04');
    const firstDestroy = events.find((e) => e.action === 'conference-destroy');
    const secondCreate = events.filter((e) => e.action === 'conference-create')[1];
    const add = events.filter((e) => e.action === 'add-member')[1];
    if (!firstDestroy || !secondCreate || !add) throw new Error('trace 04 changed');
    const view = new RoomView();
    view.apply(secondCreate);
    view.apply(add);
    expect(view.apply(firstDestroy)).toBeUndefined();
    expect(view.room('room-a')?.members).toHaveLength(1);
  });

  it('reports each change once and nothing for events that change nothing', () => {
    const view = new RoomView();
    const changes: string[] = [];
    view.onChange((c) => changes.push(c.kind === 'reset' ? 'reset' : `${c.kind}:${c.room}`));
    const events = conferenceEvents('10');
    for (const e of events) view.apply(e);
    expect(changes).toEqual([
      'created:room-a', // conference-create
      'updated:room-a', // add-member
      'updated:room-a', // floor-change: the member holds the floor
      'updated:room-a', // floor-change: nobody
      'updated:room-a', // del-member
      'destroyed:room-a',
    ]);
  });

  it('survives a listener that throws', () => {
    const view = new RoomView();
    view.onChange(() => {
      throw new Error('listener bug');
    });
    for (const e of conferenceEvents('10')) view.apply(e);
    expect(view.rooms()).toEqual([]);
  });
});

describe('rebuilding from FreeSWITCH replies', () => {
  it('reads conference json_list as FreeSWITCH prints it (04: two members, newest first)', () => {
    const body = apiReplies('04', /^api conference room-a json_list/)[0];
    if (body === undefined) throw new Error('trace 04 has no json_list reply');
    const now = Date.UTC(2026, 0, 1);
    const parsed = parseConferenceJsonList(body, now);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toHaveLength(1);
    const room = parsed.value[0];
    expect(room).toMatchObject({ name: 'room-a', locked: false, createdAt: now - 1000 });
    expect(room?.members.map((m) => [m.id, m.number, m.moderator, m.floor])).toEqual([
      [34, '1002', false, false],
      [33, '1001', true, true],
    ]);
  });

  it('treats "no active conferences" and an empty array as no rooms, and names what is wrong otherwise', () => {
    expect(parseConferenceJsonList('+OK No active conferences.\n', 0)).toEqual({ ok: true, value: [] });
    expect(parseConferenceJsonList('[]', 0)).toEqual({ ok: true, value: [] });
    const bad = parseConferenceJsonList('{"oops":1}', 0);
    expect(bad).toEqual({ ok: false, reason: 'not a JSON array of rooms' });
    const garbage = parseConferenceJsonList('-ERR something', 0);
    expect(garbage.ok).toBe(false);
  });

  it('uses show channels to name invitees by the number they were called on (11)', () => {
    const list = apiReplies('11', /^api conference json_list/)[0];
    const channels = apiReplies('11', /^api show channels as json/)[0];
    if (list === undefined || channels === undefined) throw new Error('trace 11 changed');
    const rooms = parseConferenceJsonList(list, 0);
    const rows = parseShowChannelsJson(channels);
    if (!rooms.ok || !rows.ok) throw new Error('unparsable trace 11 replies');
    expect(rows.value.find((r) => r.direction === 'outbound')?.destination).toBe('801');
    const fake = rooms.value.map((room) => ({
      ...room,
      members: [
        ...room.members,
        {
          ...(room.members[0] as (typeof room.members)[number]),
          id: 99,
          uuid: rows.value.find((r) => r.direction === 'outbound')?.uuid,
          number: '0000000000',
        },
      ],
    }));
    const named = withCallDirections(fake, rows.value);
    expect(named[0]?.members.map((m) => m.number)).toEqual(['1002', '801']);
    expect(parseShowChannelsJson('{"row_count": 0}')).toEqual({ ok: true, value: [] });
  });

  it('replaceAll keeps what events said about known members and drops rooms FreeSWITCH no longer has', () => {
    const view = new RoomView();
    const events = conferenceEvents('07');
    // Up to the invitee's add-member: room-a with 1002, 1001 (moderator) and the invitee 801.
    const upTo = events.findIndex((e) => e.action === 'add-member' && e.member?.id === 37);
    for (const e of events.slice(0, upTo + 1)) view.apply(e);
    const room = view.room('room-a');
    if (room === undefined) throw new Error('no room-a');
    view.replaceAll([
      {
        name: 'room-a',
        conferenceUuid: room.conferenceUuid,
        locked: true,
        createdAt: 0,
        // json_list shows the invitee with FreeSWITCH's caller ID; the event said 801.
        members: room.members.map((m) => (m.id === 37 ? { ...m, number: '0000000000' } : m)),
      },
      { name: 'other', conferenceUuid: 'u-2', locked: false, createdAt: 0, members: [] },
    ]);
    expect(view.room('room-a')?.locked).toBe(true);
    expect(view.room('room-a')?.members.find((m) => m.id === 37)?.number).toBe('801');
    expect(view.room('room-a')?.profile).toBe('dynconf');
    view.replaceAll([]);
    expect(view.rooms()).toEqual([]);
  });
});
