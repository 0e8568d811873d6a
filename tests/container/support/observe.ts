// What the scenarios check, read from FreeSWITCH itself (conference json_list, show channels, show
// bridged_calls, its events), never from dynconf's own view.
import { eventually } from './eventually.js';
import type { Conference, ConferenceMember, FreeSwitchDriver, FsEvent } from './freeswitch-driver.js';

/** Applications that collect digits: a PIN or a number can be keyed in once one of them runs. */
const COLLECTING_APPS = new Set(['play_and_get_digits', 'read']);

export interface RoomSeat {
  readonly room: Conference;
  readonly member: ConferenceMember;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
}

/** Resolves when `uuid` starts collecting digits after event `after` (a prompt that takes keys). */
export function waitUntilCollecting(
  fs: FreeSwitchDriver,
  uuid: string,
  after: number,
  options: WaitOptions = {},
): Promise<FsEvent> {
  return fs.waitForEvent(
    `${uuid} to collect digits (CHANNEL_EXECUTE of ${[...COLLECTING_APPS].join(' or ')})`,
    (e) =>
      e.name === 'CHANNEL_EXECUTE' && e.uuid === uuid && COLLECTING_APPS.has(e.header('Application') ?? ''),
    { after, timeoutMs: options.timeoutMs ?? 15_000 },
  );
}

export async function roomOf(fs: FreeSwitchDriver, uuid: string): Promise<RoomSeat | undefined> {
  for (const room of await fs.conferences()) {
    const member = room.members.find((m) => m.uuid === uuid);
    if (member !== undefined) return { room, member };
  }
  return undefined;
}

/** Resolves when `uuid` is a member of a conference (optionally: that one, as moderator or not). */
export function waitInRoom(
  fs: FreeSwitchDriver,
  uuid: string,
  options: WaitOptions & { room?: string; moderator?: boolean; members?: number } = {},
): Promise<RoomSeat> {
  const wants = [
    options.room === undefined ? 'a room' : `room ${options.room}`,
    options.moderator === undefined ? '' : options.moderator ? 'as moderator' : 'not as moderator',
    options.members === undefined ? '' : `with ${options.members} member(s)`,
  ].filter((s) => s.length > 0);
  return eventually(
    `${uuid} in ${wants.join(' ')}`,
    async () => {
      const seat = await roomOf(fs, uuid);
      if (seat === undefined) return undefined;
      if (options.room !== undefined && seat.room.conference_name !== options.room) return undefined;
      if (options.moderator !== undefined && (seat.member.flags.is_moderator === true) !== options.moderator)
        return undefined;
      if (options.members !== undefined && seat.room.members.length !== options.members) return undefined;
      return seat;
    },
    { timeoutMs: options.timeoutMs ?? 15_000, describe: () => fs.describe() },
  );
}

/** Resolves when `uuid` is in no conference. */
export function waitOutOfRooms(fs: FreeSwitchDriver, uuid: string, options: WaitOptions = {}): Promise<true> {
  return eventually(
    `${uuid} to be in no room`,
    async () => ((await roomOf(fs, uuid)) === undefined ? true : undefined),
    { timeoutMs: options.timeoutMs ?? 15_000, describe: () => fs.describe() },
  );
}

/** The leg `uuid` is bridged with right now, if any. */
export async function bridgePeer(fs: FreeSwitchDriver, uuid: string): Promise<string | undefined> {
  for (const row of await fs.bridgedCalls()) {
    if (row.uuid === uuid) return row.b_uuid;
    if (row.b_uuid === uuid) return row.uuid;
  }
  return undefined;
}

/** Resolves with the peer once `uuid` is bridged (to `peer`, if given). */
export function waitBridged(
  fs: FreeSwitchDriver,
  uuid: string,
  options: WaitOptions & { peer?: string } = {},
): Promise<string> {
  return eventually(
    `${uuid} bridged${options.peer === undefined ? '' : ` with ${options.peer}`}`,
    async () => {
      const peer = await bridgePeer(fs, uuid);
      if (peer === undefined || (options.peer !== undefined && peer !== options.peer)) return undefined;
      return peer;
    },
    { timeoutMs: options.timeoutMs ?? 15_000, describe: () => fs.describe() },
  );
}

/** Resolves once `uuid` is in no bridge (show bridged_calls lags the events by up to a quarter second). */
export function waitUnbridged(fs: FreeSwitchDriver, uuid: string, options: WaitOptions = {}): Promise<true> {
  return eventually(
    `${uuid} to be in no bridge`,
    async () => ((await bridgePeer(fs, uuid)) === undefined ? true : undefined),
    { timeoutMs: options.timeoutMs ?? 15_000, describe: () => fs.describe() },
  );
}

/** Resolves once every channel in `uuids` is gone. */
export function waitGone(
  fs: FreeSwitchDriver,
  uuids: readonly string[],
  options: WaitOptions = {},
): Promise<true> {
  return eventually(
    `channel(s) ${uuids.join(', ')} to be gone`,
    async () => {
      for (const uuid of uuids) if (await fs.exists(uuid)) return undefined;
      return true;
    },
    { timeoutMs: options.timeoutMs ?? 15_000, describe: () => fs.describe() },
  );
}

/** Resolves once FreeSWITCH has no channel and no conference at all: nothing was left behind. */
export function waitAllClear(fs: FreeSwitchDriver, options: WaitOptions = {}): Promise<true> {
  return eventually(
    'no channel and no conference left in FreeSWITCH',
    async () => {
      const [channels, rooms] = await Promise.all([fs.channels(), fs.conferences()]);
      return channels.length === 0 && rooms.length === 0 ? true : undefined;
    },
    { timeoutMs: options.timeoutMs ?? 15_000, describe: () => fs.describe() },
  );
}

/** The first outbound leg FreeSWITCH created after `after` for `destination` (an invitee's call). */
export function waitLegCreated(
  fs: FreeSwitchDriver,
  destination: string,
  after: number,
  options: WaitOptions = {},
): Promise<FsEvent> {
  return fs.waitForEvent(
    `a leg calling ${destination}`,
    (e) => {
      if (e.name !== 'CHANNEL_CREATE' || e.header('Call-Direction') !== 'outbound') return false;
      // loopback/831-a, or sofia/internal/07831@host (whatever the endpoint puts in the profile)
      const dest = e.header('Caller-Destination-Number') ?? '';
      const name = e.header('Channel-Name') ?? '';
      return (
        dest === destination ||
        dest.endsWith(`/${destination}`) ||
        name.includes(`/${destination}@`) ||
        name.startsWith(`loopback/${destination}-a`)
      );
    },
    { after, timeoutMs: options.timeoutMs ?? 15_000 },
  );
}

/** FreeSWITCH's own time of an event, in ms (Event-Date-Timestamp is in microseconds). */
export function eventTimeMs(event: FsEvent): number {
  const micros = Number(event.header('Event-Date-Timestamp'));
  if (!Number.isFinite(micros)) throw new Error(`${event.name} has no Event-Date-Timestamp`);
  return micros / 1000;
}

/** FreeSWITCH's own clock now, in ms: the time of the BACKGROUND_JOB of a trivial bgapi. */
export async function switchNowMs(fs: FreeSwitchDriver): Promise<number> {
  const mark = fs.cursor();
  await fs.bgapi('strepoch');
  const job = await fs.waitForEvent(
    'the BACKGROUND_JOB of strepoch',
    (e) => e.name === 'BACKGROUND_JOB' && e.header('Job-Command') === 'strepoch',
    { after: mark },
  );
  return eventTimeMs(job);
}

/** The CHANNEL_HANGUP of `uuid` after `after`. */
export function waitHangup(
  fs: FreeSwitchDriver,
  uuid: string,
  after: number,
  options: WaitOptions = {},
): Promise<FsEvent> {
  return fs.waitForEvent(`${uuid} to hang up`, (e) => e.name === 'CHANNEL_HANGUP' && e.uuid === uuid, {
    after,
    timeoutMs: options.timeoutMs ?? 15_000,
  });
}

/** Whether this FreeSWITCH runs the SIP profile `profile` (waits up to `timeoutMs` for it to come up). */
export async function sofiaProfileRunning(
  fs: FreeSwitchDriver,
  profile: string,
  timeoutMs: number,
): Promise<boolean> {
  try {
    return await eventually(
      `SIP profile ${profile} to run`,
      async () => {
        const status = await fs.api('sofia status');
        return new RegExp(`^\\s*${profile}\\s+profile\\s.*RUNNING`, 'm').test(status) ? true : undefined;
      },
      { timeoutMs, intervalMs: 500 },
    );
  } catch {
    return false;
  }
}

/** Whether the sofia gateway `name` exists on this FreeSWITCH. */
export async function sofiaGatewayExists(fs: FreeSwitchDriver, name: string): Promise<boolean> {
  const answer = await fs.api(`sofia status gateway ${name}`);
  return answer.includes(name) && !/Invalid Gateway|^-ERR/m.test(answer);
}

/** Resolves once FreeSWITCH lists no scheduled task of the channel `uuid` (`show tasks` trails the scheduler). */
export function waitNoScheduledTask(
  fs: FreeSwitchDriver,
  uuid: string,
  options: WaitOptions = {},
): Promise<true> {
  return eventually(
    `no scheduled task of ${uuid} in show tasks`,
    async () => ((await fs.scheduledTasks()).some((t) => t.task_group === uuid) ? undefined : true),
    {
      timeoutMs: options.timeoutMs ?? 15_000,
      describe: async () => JSON.stringify(await fs.scheduledTasks()),
    },
  );
}
