// FreeSWITCH's listings read into plain rows, beside the decoding of its events: the reply of
// `conference json_list` (its cJSON print: a tab-indented array of rooms with their members, trace 11) and
// the reply of `show channels as json`, with the call direction of each channel (json_list does not say
// which members are calls FreeSWITCH placed). The recovery and the room view both read them.

/** One member of a room as json_list shows it. */
export interface ListedMember {
  /** FreeSWITCH's `Member-ID` (switch-wide counter): what mute/unmute/kick take. */
  readonly id: number;
  /** The member's channel uuid. */
  readonly uuid: string | undefined;
  /** Who the member is: the caller ID of an inbound call, the dialed number of a call FreeSWITCH placed. */
  readonly number: string | undefined;
  readonly name: string | undefined;
  /** Joined with `+flags{moderator}`: dynconf's administrator. */
  readonly moderator: boolean;
  readonly talking: boolean;
  /** Cannot speak (muted by the operator or a caller control). */
  readonly muted: boolean;
  /** Cannot hear. */
  readonly deaf: boolean;
  /** Holds the floor (the loudest recent speaker). */
  readonly floor: boolean;
  /** Epoch ms the member joined (from `join_time`). */
  readonly joinedAt: number;
}

/** One room as json_list shows it. */
export interface ListedRoom {
  readonly name: string;
  /** `Conference-Unique-ID`: a room created again under the same name gets a new one. */
  readonly conferenceUuid: string | undefined;
  readonly locked: boolean;
  /** Epoch ms the room was created (from `run_time`). */
  readonly createdAt: number;
  /** As FreeSWITCH lists them. */
  readonly members: readonly ListedMember[];
}

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const flag = (flags: Json, name: string): boolean | undefined =>
  typeof flags[name] === 'boolean' ? (flags[name] as boolean) : undefined;

/**
 * `body` of `conference json_list` at epoch ms `now`. `+OK No active conferences.` (what some versions
 * answer with no room) and an empty array are both "no rooms"; anything else that is not the JSON array
 * is an error naming what was wrong.
 */
export function parseConferenceJsonList(body: string, now: number): ParseResult<ListedRoom[]> {
  const text = body.trim();
  if (text === '' || /^\+OK No active conferences/i.test(text)) return { ok: true, value: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (!Array.isArray(parsed)) return { ok: false, reason: 'not a JSON array of rooms' };
  const rooms: ListedRoom[] = [];
  for (const entry of parsed) {
    if (!isObject(entry)) continue;
    const name = str(entry.conference_name);
    if (name === undefined) continue;
    const runTime = num(entry.run_time) ?? 0;
    const members: ListedMember[] = [];
    for (const m of Array.isArray(entry.members) ? entry.members : []) {
      if (!isObject(m)) continue;
      const id = num(m.id);
      // Members of type "recording_node" (a room being recorded) have no channel; they are not people.
      if (id === undefined || (m.type !== undefined && m.type !== 'caller')) continue;
      const flags = isObject(m.flags) ? m.flags : {};
      const speak = flag(flags, 'can_speak') ?? true;
      const number = str(m.caller_id_number);
      const callerName = str(m.caller_id_name);
      members.push({
        id,
        uuid: str(m.uuid),
        number,
        name: callerName,
        moderator: flag(flags, 'is_moderator') ?? false,
        talking: speak && (flag(flags, 'talking') ?? false),
        muted: !speak,
        deaf: !(flag(flags, 'can_hear') ?? true),
        floor: flag(flags, 'has_floor') ?? false,
        joinedAt: now - (num(m.join_time) ?? 0) * 1000,
      });
    }
    rooms.push({
      name,
      conferenceUuid: str(entry.conference_uuid),
      locked: entry.locked === true,
      createdAt: now - runTime * 1000,
      members,
    });
  }
  return { ok: true, value: rooms };
}

/** A channel of `show channels as json`: who it is from FreeSWITCH's point of view. */
export interface ChannelRow {
  readonly uuid: string;
  readonly direction: 'inbound' | 'outbound' | undefined;
  /** The number first dialed (`initial_dest`; `dest` changes with every transfer): of an outbound leg, the party called. */
  readonly destination: string | undefined;
  readonly callerNumber: string | undefined;
  readonly callerName: string | undefined;
  /** `call_uuid`: the same non-empty value on both legs of a bridge (shown with a lag of 0.1–0.25 s). */
  readonly callUuid: string | undefined;
}

/** `{"row_count":N,"rows":[…]}`, or `{"row_count": 0}` with no channels (trace 11). */
export function parseShowChannelsJson(body: string): ParseResult<ChannelRow[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.trim());
  } catch (err) {
    return { ok: false, reason: `not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (!isObject(parsed)) return { ok: false, reason: 'not a JSON object' };
  const rows = Array.isArray(parsed.rows) ? parsed.rows : [];
  const channels: ChannelRow[] = [];
  for (const row of rows) {
    if (!isObject(row)) continue;
    const uuid = str(row.uuid);
    if (uuid === undefined) continue;
    const direction = row.direction === 'inbound' || row.direction === 'outbound' ? row.direction : undefined;
    channels.push({
      uuid,
      direction,
      destination: str(row.initial_dest) ?? str(row.dest),
      callerNumber: str(row.cid_num),
      callerName: str(row.cid_name),
      callUuid: str(row.call_uuid),
    });
  }
  return { ok: true, value: channels };
}

/** Members of calls FreeSWITCH placed are shown by the number that was dialed, as events show them. */
export function withCallDirections(
  rooms: readonly ListedRoom[],
  channels: readonly ChannelRow[],
): ListedRoom[] {
  const byUuid = new Map(channels.map((c) => [c.uuid, c]));
  return rooms.map((room) => ({
    ...room,
    members: room.members.map((member) => {
      const channel = member.uuid === undefined ? undefined : byUuid.get(member.uuid);
      if (channel?.direction !== 'outbound' || channel.destination === undefined) return member;
      return { ...member, number: channel.destination, name: undefined };
    }),
  }));
}
