// The operator's picture of the rooms: FreeSWITCH's rooms and members (room view) joined with dynconf's
// administrator sessions (what each administrator is doing now) and the invitations the operator placed.
// A session's room is listed even while FreeSWITCH has no such room (an administrator alone in it who
// pressed 0 to dial: FreeSWITCH destroys an empty room), marked `live: false`.
import type { MemberState, RoomState } from '../room-view/index.js';
import type { ConnectionState, InvitationSnapshot, LegInfo } from '../runtime/operator/index.js';

export type { InvitationSnapshot };

/** Who is on the legs dynconf deals with (the runtime's channel table, OperatorDesk.leg). */
export interface LegLookup {
  leg(uuid: string | undefined): LegInfo | undefined;
}

/** What the API reads of an administrator session (the runtime's SessionView has these fields). */
export interface SessionSnapshot {
  readonly id: string;
  readonly flow: string;
  /** The machine's state, e.g. `authenticating`, `inRoom`, `dialing`, `invitation.ringing`. */
  readonly state: string;
  readonly room: string;
  readonly adminUuid: string;
  readonly inviteeUuid?: string;
  readonly inviteeStatus?: string;
  readonly startedAt: number;
}

/** What an administrator is doing, in an operator's words. */
export type AdministratorActivity =
  | 'entering-pin'
  | 'in-room'
  | 'dialing'
  | 'ringing'
  | 'talking-privately'
  | 'voicemail'
  | 'restoring-call'
  | 'ending';

export interface ApiAdministrator {
  readonly session: string;
  readonly flow: string;
  readonly uuid: string;
  readonly number: string | null;
  readonly name: string | null;
  readonly activity: AdministratorActivity;
  /** The machine's own state name. */
  readonly state: string;
  /** A member of the room right now. */
  readonly inRoom: boolean;
  /** The person being called or talked to privately (ringing, talking-privately, voicemail). */
  readonly invitee: {
    readonly uuid: string;
    readonly number: string | null;
    readonly status: string | null;
  } | null;
  readonly since: string;
}

export interface ApiMember {
  readonly id: number;
  readonly uuid: string | null;
  readonly number: string | null;
  readonly name: string | null;
  /** The room's administrator (moderator, or the leg of an administrator session). */
  readonly administrator: boolean;
  readonly moderator: boolean;
  readonly talking: boolean;
  readonly muted: boolean;
  readonly deaf: boolean;
  readonly floor: boolean;
  readonly joinedAt: string;
}

export interface ApiInvitation {
  readonly uuid: string;
  readonly number: string;
  readonly state: 'calling';
  readonly startedAt: string;
}

export interface ApiRoom {
  readonly name: string;
  /** The FreeSWITCH node (`host:port` of its event socket) the room is on. */
  readonly node: string;
  /** FreeSWITCH has this room now (false: only an administrator session refers to it). */
  readonly live: boolean;
  readonly locked: boolean;
  readonly profile: string | null;
  readonly createdAt: string | null;
  readonly memberCount: number;
  readonly members: readonly ApiMember[];
  readonly administrators: readonly ApiAdministrator[];
  readonly invitations: readonly ApiInvitation[];
}

export interface ApiNode {
  readonly id: string;
  readonly connection: ConnectionState;
  /** Its rooms were read from FreeSWITCH on the current connection (false while disconnected). */
  readonly synced: boolean;
  /** Connected since, or down since (ISO 8601), when the connection says. */
  readonly since: string | null;
  /** Why it is not connected (absent while it is). */
  readonly reason?: string;
}

export interface RoomsPayload {
  /** Every node's rooms were read on its current connection. */
  readonly synced: boolean;
  /** `connected` when every node is; otherwise the state of the first node that is not. */
  readonly connection: ConnectionState;
  readonly nodes: readonly ApiNode[];
  readonly generatedAt: string;
  readonly rooms: readonly ApiRoom[];
}

/** What one node contributes to the picture. */
export interface NodeInputs {
  readonly node: string;
  readonly rooms: readonly RoomState[];
  readonly sessions: readonly SessionSnapshot[];
  readonly invitations: readonly InvitationSnapshot[];
  readonly legs: LegLookup;
  readonly synced: boolean;
  readonly connection: ConnectionState;
  readonly since?: string | null;
  readonly reason?: string | undefined;
}

export function activityOf(state: string): AdministratorActivity {
  if (state.startsWith('authenticating')) return 'entering-pin';
  if (state === 'inRoom') return 'in-room';
  if (state.startsWith('dialing')) return 'dialing';
  if (state.startsWith('invitation.ringing')) return 'ringing';
  if (state.startsWith('invitation.talking')) return 'talking-privately';
  if (state.startsWith('invitation.voicemail')) return 'voicemail';
  if (state.startsWith('restoringCall')) return 'restoring-call';
  return 'ending';
}

const iso = (ms: number): string => new Date(ms).toISOString();

function administratorOf(
  session: SessionSnapshot,
  room: RoomState | undefined,
  legs: LegLookup,
): ApiAdministrator {
  const asMember = room?.members.find((m) => m.uuid === session.adminUuid);
  const leg = legs.leg(session.adminUuid);
  const activity = activityOf(session.state);
  const calling = activity === 'ringing' || activity === 'talking-privately' || activity === 'voicemail';
  const invitee =
    calling && session.inviteeUuid !== undefined
      ? {
          uuid: session.inviteeUuid,
          number: legs.leg(session.inviteeUuid)?.number ?? null,
          status: session.inviteeStatus ?? null,
        }
      : null;
  return {
    session: session.id,
    flow: session.flow,
    uuid: session.adminUuid,
    number: asMember?.number ?? leg?.number ?? null,
    name: asMember?.name ?? leg?.name ?? null,
    activity,
    state: session.state,
    inRoom: asMember !== undefined,
    invitee,
    since: iso(session.startedAt),
  };
}

function memberOf(member: MemberState, adminUuids: ReadonlySet<string>, legs: LegLookup): ApiMember {
  // A leg dynconf knows from before it joined (an invitee) may say who it is when the member event does not.
  const leg = legs.leg(member.uuid);
  return {
    id: member.id,
    uuid: member.uuid ?? null,
    number: member.number ?? leg?.number ?? null,
    name: member.name ?? leg?.name ?? null,
    administrator: member.moderator || (member.uuid !== undefined && adminUuids.has(member.uuid)),
    moderator: member.moderator,
    talking: member.talking,
    muted: member.muted,
    deaf: member.deaf,
    floor: member.floor,
    joinedAt: iso(member.joinedAt),
  };
}

/** The whole picture: every node's rooms, node after node. */
export function roomsPayload(nodes: readonly NodeInputs[], now: number): RoomsPayload {
  const down = nodes.find((n) => n.connection !== 'connected');
  return {
    synced: nodes.every((n) => n.synced),
    connection: down?.connection ?? 'connected',
    nodes: nodes.map((n) => ({
      id: n.node,
      connection: n.connection,
      synced: n.synced,
      since: n.since ?? null,
      ...(n.reason === undefined ? {} : { reason: n.reason }),
    })),
    generatedAt: iso(now),
    rooms: nodes.flatMap(nodeRooms),
  };
}

/** One node's rooms: those FreeSWITCH has (oldest first), then those only a session refers to. */
export function nodeRooms(input: NodeInputs): ApiRoom[] {
  const byName = new Map(input.rooms.map((room) => [room.name, room]));
  // Sessions still entering the PIN have no room yet; ended ones are on their way out.
  const sessions = input.sessions.filter((s) => {
    const activity = activityOf(s.state);
    return activity !== 'entering-pin' && activity !== 'ending';
  });
  const names = [...input.rooms.map((room) => room.name)];
  for (const session of sessions)
    if (!byName.has(session.room) && !names.includes(session.room)) names.push(session.room);
  const rooms = names.map((name): ApiRoom => {
    const room = byName.get(name);
    const own = sessions.filter((s) => s.room === name);
    const adminUuids = new Set(own.map((s) => s.adminUuid));
    return {
      name,
      node: input.node,
      live: room !== undefined,
      locked: room?.locked ?? false,
      profile: room?.profile ?? null,
      createdAt: room === undefined ? null : iso(room.createdAt),
      memberCount: room?.members.length ?? 0,
      members: (room?.members ?? []).map((m) => memberOf(m, adminUuids, input.legs)),
      administrators: own.map((s) => administratorOf(s, room, input.legs)),
      invitations: input.invitations
        .filter((i) => i.room === name)
        .map((i) => ({
          uuid: i.uuid,
          number: i.number,
          state: 'calling' as const,
          startedAt: iso(i.startedAt),
        })),
    };
  });
  return rooms;
}
