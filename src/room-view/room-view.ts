// Which conference rooms exist and who is in them, kept from `conference::maintenance` events through a
// table mapping each action to its handler (as drachtio-fsmrf's conference.js does), and replaced whole by
// a `conference json_list` snapshot after every (re)connect (sync.ts). A destroyed room leaves nothing
// behind: its entry, its members and everything said about them go with it.
import type { EventOf } from '../esl/events.js';
import type { ListedMember, ListedRoom } from '../esl/listings.js';
import { partyOf } from '../esl/party.js';
import type { Logger } from '../log.js';

export type ConferenceEvent = EventOf<'conference'>;

/** A member of a room (the fields json_list gives; events keep them up to date). */
export type MemberState = ListedMember;

export interface RoomState {
  readonly name: string;
  /** `Conference-Unique-ID`: a room created again under the same name gets a new one. */
  readonly conferenceUuid: string | undefined;
  /** `Conference-Profile-Name` (absent after a rebuild until the room's next event). */
  readonly profile: string | undefined;
  readonly locked: boolean;
  /** Epoch ms the room was created (as seen by dynconf; from `run_time` after a rebuild). */
  readonly createdAt: number;
  /** Oldest first. */
  readonly members: readonly MemberState[];
}

/** What changed, for listeners (the dashboard's live updates, metrics). */
export type RoomChange =
  | { readonly kind: 'created' | 'updated' | 'destroyed'; readonly room: string }
  | { readonly kind: 'reset' };

type MutableMember = { -readonly [K in keyof MemberState]: MemberState[K] };

interface MutableRoom {
  name: string;
  conferenceUuid: string | undefined;
  profile: string | undefined;
  locked: boolean;
  createdAt: number;
  members: Map<number, MutableMember>;
}

/** What a handler returns: the change it made, or nothing when the event changed nothing. */
type Handled = RoomChange | undefined;

type Handler = (table: RoomTable, event: ConferenceEvent, now: number) => Handled;

/**
 * Conference actions → what they do to the view. Member events carry the member's whole state (flags and
 * channel), so every member handler first brings the member up to date, then applies its own action over
 * the flags (an action says more than a flag read at another moment). Actions not listed (play-file,
 * play-file-done, dtmf, …) change nothing. `kick-member` is followed by `del-member`, which removes.
 */
const HANDLERS: Readonly<Record<string, Handler>> = {
  'conference-create': (t, e, now) => t.createRoom(e, now),
  'conference-destroy': (t, e) => t.destroyRoom(e),
  'add-member': (t, e, now) => t.updateMember(e, now, {}),
  'del-member': (t, e) => t.removeMember(e),
  'start-talking': (t, e, now) => t.updateMember(e, now, { talking: true }),
  'stop-talking': (t, e, now) => t.updateMember(e, now, { talking: false }),
  'mute-member': (t, e, now) => t.updateMember(e, now, { muted: true, talking: false }),
  'unmute-member': (t, e, now) => t.updateMember(e, now, { muted: false }),
  'deaf-member': (t, e, now) => t.updateMember(e, now, { deaf: true }),
  'undeaf-member': (t, e, now) => t.updateMember(e, now, { deaf: false }),
  'floor-change': (t, e) => t.changeFloor(e),
  lock: (t, e, now) => t.setLocked(e, now, true),
  unlock: (t, e, now) => t.setLocked(e, now, false),
};

/** The actions that change who is in which room (talking and floor only change how members look). */
export const STRUCTURAL_ACTIONS: ReadonlySet<string> = new Set([
  'conference-create',
  'conference-destroy',
  'add-member',
  'del-member',
  'mute-member',
  'unmute-member',
  'deaf-member',
  'undeaf-member',
  'lock',
  'unlock',
]);

/** A room as read from `conference json_list` (esl/listings.ts). */
export type RoomSnapshot = ListedRoom;

class RoomTable {
  readonly rooms = new Map<string, MutableRoom>();

  /** The room an event is about, created if it is new or replaced if it is a new room of the same name. */
  roomFor(event: ConferenceEvent, now: number): { room: MutableRoom; created: boolean } {
    const existing = this.rooms.get(event.room);
    const sameRoom =
      existing !== undefined &&
      (existing.conferenceUuid === undefined ||
        event.conferenceUuid === undefined ||
        existing.conferenceUuid === event.conferenceUuid);
    if (existing !== undefined && sameRoom) {
      existing.conferenceUuid ??= event.conferenceUuid;
      if (event.profile !== undefined) existing.profile = event.profile;
      return { room: existing, created: false };
    }
    // New, or a room created again under the same name whose destroy we never saw: start afresh.
    const room: MutableRoom = {
      name: event.room,
      conferenceUuid: event.conferenceUuid,
      profile: event.profile,
      locked: false,
      createdAt: now,
      members: new Map(),
    };
    this.rooms.set(room.name, room);
    return { room, created: true };
  }

  createRoom(event: ConferenceEvent, now: number): Handled {
    const { room, created } = this.roomFor(event, now);
    return created ? { kind: 'created', room: room.name } : undefined;
  }

  destroyRoom(event: ConferenceEvent): Handled {
    const room = this.rooms.get(event.room);
    if (room === undefined) return undefined;
    // The destroy of an earlier room of the same name, arriving after its successor was created.
    if (
      room.conferenceUuid !== undefined &&
      event.conferenceUuid !== undefined &&
      room.conferenceUuid !== event.conferenceUuid
    ) {
      return undefined;
    }
    this.rooms.delete(event.room);
    return { kind: 'destroyed', room: event.room };
  }

  updateMember(event: ConferenceEvent, now: number, override: Partial<MutableMember>): Handled {
    const info = event.member;
    if (info === undefined) return undefined;
    const { room, created } = this.roomFor(event, now);
    const party = partyOf(event.channel);
    const previous = room.members.get(info.id);
    const member: MutableMember = {
      id: info.id,
      uuid: info.uuid ?? previous?.uuid,
      number: party.number ?? previous?.number,
      name: party.name ?? previous?.name,
      moderator: info.type === 'moderator',
      talking: info.talking ?? previous?.talking ?? false,
      muted: info.speak === undefined ? (previous?.muted ?? false) : !info.speak,
      deaf: info.hear === undefined ? (previous?.deaf ?? false) : !info.hear,
      floor: previous?.floor ?? info.floor ?? false,
      joinedAt: previous?.joinedAt ?? now,
      ...override,
    };
    if (member.muted) member.talking = false;
    room.members.set(member.id, member);
    if (created) return { kind: 'created', room: room.name };
    return previous !== undefined && sameMember(previous, member)
      ? undefined
      : { kind: 'updated', room: room.name };
  }

  removeMember(event: ConferenceEvent): Handled {
    const room = this.rooms.get(event.room);
    const id = event.member?.id;
    if (room === undefined || id === undefined || !room.members.delete(id)) return undefined;
    return { kind: 'updated', room: room.name };
  }

  changeFloor(event: ConferenceEvent): Handled {
    const room = this.rooms.get(event.room);
    if (room === undefined) return undefined;
    // floor-change names the new holder (Member-ID), or nobody (New-ID: none, no Member-ID).
    const holder = event.member?.id;
    let changed = false;
    for (const member of room.members.values()) {
      const floor = member.id === holder;
      if (member.floor !== floor) {
        member.floor = floor;
        changed = true;
      }
    }
    return changed ? { kind: 'updated', room: room.name } : undefined;
  }

  setLocked(event: ConferenceEvent, now: number, locked: boolean): Handled {
    const { room, created } = this.roomFor(event, now);
    if (!created && room.locked === locked) return undefined;
    room.locked = locked;
    return { kind: created ? 'created' : 'updated', room: room.name };
  }
}

function sameMember(a: MutableMember, b: MutableMember): boolean {
  return (Object.keys(b) as (keyof MutableMember)[]).every((key) => a[key] === b[key]);
}

function freezeRoom(room: MutableRoom): RoomState {
  const members = [...room.members.values()]
    .sort((a, b) => a.joinedAt - b.joinedAt || a.id - b.id)
    .map((m) => Object.freeze({ ...m }));
  return Object.freeze({
    name: room.name,
    conferenceUuid: room.conferenceUuid,
    profile: room.profile,
    locked: room.locked,
    createdAt: room.createdAt,
    members: Object.freeze(members),
  });
}

export interface RoomViewOptions {
  /** Epoch ms; default Date.now. */
  readonly now?: () => number;
  /** Where a failing change listener is reported. */
  readonly logger?: Logger;
}

export class RoomView {
  readonly #table = new RoomTable();
  readonly #listeners = new Set<(change: RoomChange) => void>();
  readonly #now: () => number;
  readonly #logger: Logger | undefined;

  constructor(options: RoomViewOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger;
  }

  /** Applies one conference event; returns the change it made (undefined: nothing changed). */
  apply(event: ConferenceEvent): RoomChange | undefined {
    const handler = HANDLERS[event.action];
    if (handler === undefined) return undefined;
    const change = handler(this.#table, event, this.#now());
    if (change !== undefined) this.#emit(change);
    return change;
  }

  /** Replaces everything with what FreeSWITCH reported (after a connect). Profiles of known rooms are kept. */
  replaceAll(snapshot: readonly RoomSnapshot[]): void {
    const before = this.#table.rooms;
    const next = new Map<string, MutableRoom>();
    for (const room of snapshot) {
      const old = before.get(room.name);
      const same = old !== undefined && old.conferenceUuid === room.conferenceUuid;
      next.set(room.name, {
        name: room.name,
        conferenceUuid: room.conferenceUuid,
        profile: same ? old.profile : undefined,
        locked: room.locked,
        createdAt: same ? old.createdAt : room.createdAt,
        members: new Map(
          room.members.map((m) => {
            const known = same ? old.members.get(m.id) : undefined;
            // json_list has no call direction: keep what events said about who a member is.
            const member: MutableMember = {
              ...m,
              number: known?.number ?? m.number,
              name: known?.name ?? m.name,
              joinedAt: known?.joinedAt ?? m.joinedAt,
            };
            return [m.id, member];
          }),
        ),
      });
    }
    before.clear();
    for (const [name, room] of next) before.set(name, room);
    this.#emit({ kind: 'reset' });
  }

  /** Forgets every room (e.g. FreeSWITCH can no longer be asked). */
  clear(): void {
    if (this.#table.rooms.size === 0) return;
    this.#table.rooms.clear();
    this.#emit({ kind: 'reset' });
  }

  /** Every room, oldest first. */
  rooms(): RoomState[] {
    return [...this.#table.rooms.values()].sort((a, b) => a.createdAt - b.createdAt).map(freezeRoom);
  }

  room(name: string): RoomState | undefined {
    const room = this.#table.rooms.get(name);
    return room === undefined ? undefined : freezeRoom(room);
  }

  get size(): number {
    return this.#table.rooms.size;
  }

  /** Members in all rooms together. */
  get memberCount(): number {
    let n = 0;
    for (const room of this.#table.rooms.values()) n += room.members.size;
    return n;
  }

  /** Every change; returns the unsubscribe function. */
  onChange(listener: (change: RoomChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(change: RoomChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (err) {
        // A listener's failure is its own; the view stays consistent.
        this.#logger?.error({ err }, 'room view listener failed');
      }
    }
  }
}
