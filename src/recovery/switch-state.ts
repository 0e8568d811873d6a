// What FreeSWITCH has now, read after a restart or a reconnect: every channel (`show channels as json`),
// each one's variables and answer state (`uuid_dump <uuid> json`, read live, no lag), every room and its
// members (`conference json_list`, no lag). Bridges come from `show channels`' call_uuid, which lags the
// events by 0.1–0.25 s (trace README), so the reader waits that long after a reconnect before asking.
import { channelInfo } from '../esl/channel-info.js';
import { conferenceJsonList, dumpChannel, showChannelsJson } from '../esl/commands.js';
import type { ChannelInfo } from '../esl/events.js';
import { parseConferenceJsonList, parseShowChannelsJson } from '../esl/listings.js';
import { type CommandError, describeCommandError } from '../esl/result.js';
import type { Logger } from '../log.js';
import type { Commander } from '../runtime/commander.js';

/** One live channel as FreeSWITCH reports it. */
export interface ChannelFacts {
  readonly uuid: string;
  /** The channel's headers and variables, from its dump. */
  readonly info: ChannelInfo;
  readonly answered: boolean;
  /** The room it is a member of (json_list), if any. */
  readonly room: string | undefined;
  readonly moderator: boolean;
  /** The channel it is bridged with (both share a call_uuid, neither is in a room), if any. */
  readonly bridgedTo: string | undefined;
}

export interface SwitchState {
  readonly channels: ReadonlyMap<string, ChannelFacts>;
  /** Room name → member uuids. */
  readonly rooms: ReadonlyMap<string, readonly string[]>;
}

export type ReadResult =
  | { readonly ok: true; readonly state: SwitchState }
  | { readonly ok: false; readonly error: string };

/** A channel's dump: its JSON body, or `gone` when FreeSWITCH says there is no such channel any more. */
export type DumpReply = string | 'gone';

/** Builds the picture from the three replies (pure; the trace-11 bodies are its fixtures). */
export function buildSwitchState(
  showChannelsBody: string,
  jsonListBody: string,
  dumps: ReadonlyMap<string, DumpReply>,
): ReadResult {
  const rows = parseShowChannelsJson(showChannelsBody);
  if (!rows.ok) return { ok: false, error: `show channels: ${rows.reason}` };
  const list = parseConferenceJsonList(jsonListBody, 0);
  if (!list.ok) return { ok: false, error: `conference json_list: ${list.reason}` };
  const rooms = new Map<string, string[]>();
  const membership = new Map<string, { room: string; moderator: boolean }>();
  for (const room of list.value) {
    const uuids: string[] = [];
    for (const member of room.members) {
      if (member.uuid === undefined) continue;
      uuids.push(member.uuid);
      membership.set(member.uuid, { room: room.name, moderator: member.moderator });
    }
    rooms.set(room.name, uuids);
  }
  const byCall = new Map<string, string[]>();
  for (const row of rows.value) {
    if (row.callUuid === undefined || membership.has(row.uuid)) continue;
    byCall.set(row.callUuid, [...(byCall.get(row.callUuid) ?? []), row.uuid]);
  }
  const peers = new Map<string, string>();
  for (const legs of byCall.values()) {
    const [a, b] = legs;
    if (legs.length !== 2 || a === undefined || b === undefined) continue;
    peers.set(a, b);
    peers.set(b, a);
  }
  const channels = new Map<string, ChannelFacts>();
  for (const row of rows.value) {
    const dump = dumps.get(row.uuid);
    if (dump === undefined || dump === 'gone') continue;
    let headers: unknown;
    try {
      headers = JSON.parse(dump);
    } catch {
      return { ok: false, error: `uuid_dump ${row.uuid}: not JSON` };
    }
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
      return { ok: false, error: `uuid_dump ${row.uuid}: not a JSON object` };
    }
    const info = channelInfo(row.uuid, headers as Record<string, unknown>);
    if (info.answerState === 'hangup') continue;
    const member = membership.get(row.uuid);
    const peer = peers.get(row.uuid);
    channels.set(row.uuid, {
      uuid: row.uuid,
      info,
      answered: info.answerState === 'answered',
      room: member?.room,
      moderator: member?.moderator ?? false,
      bridgedTo: peer !== undefined && dumps.get(peer) !== 'gone' ? peer : undefined,
    });
  }
  return { ok: true, state: { channels, rooms } };
}

/** Dumps asked at once; FreeSWITCH answers a connection's commands in order anyway. */
const DUMPS_IN_FLIGHT = 16;

/** Reads FreeSWITCH's state. Any reply other than a clear answer makes the whole read fail (retry later). */
export async function readSwitchState(commander: Commander, logger: Logger): Promise<ReadResult> {
  const shown = await commander.api(showChannelsJson(), logger);
  if (!shown.ok) return { ok: false, error: `show channels: ${describeCommandError(shown.error)}` };
  const listed = await commander.api(conferenceJsonList(), logger);
  // No room at all: FreeSWITCH 1.10 answers `-ERR No active conferences.` to a bare json_list.
  if (!listed.ok && !refused(listed.error, /No active conferences/i))
    return { ok: false, error: `conference json_list: ${describeCommandError(listed.error)}` };
  const listBody = listed.ok ? listed.body : '[]';
  const rows = parseShowChannelsJson(shown.body);
  if (!rows.ok) return { ok: false, error: `show channels: ${rows.reason}` };
  const dumps = new Map<string, DumpReply>();
  const queue = rows.value.map((row) => row.uuid);
  let failure: string | undefined;
  const worker = async () => {
    for (let uuid = queue.shift(); uuid !== undefined && failure === undefined; uuid = queue.shift()) {
      const reply = await commander.api(dumpChannel(uuid), logger);
      if (reply.ok) dumps.set(uuid, reply.body);
      else if (refused(reply.error, /No such channel/i)) dumps.set(uuid, 'gone');
      else failure = `uuid_dump ${uuid}: ${describeCommandError(reply.error)}`;
    }
  };
  await Promise.all(Array.from({ length: Math.min(DUMPS_IN_FLIGHT, queue.length) }, worker));
  if (failure !== undefined) return { ok: false, error: failure };
  return buildSwitchState(shown.body, listBody, dumps);
}

/** FreeSWITCH refused the command with a reply that says `why`. */
function refused(error: CommandError, why: RegExp): boolean {
  return error.kind === 'rejected' && why.test(error.reply);
}
