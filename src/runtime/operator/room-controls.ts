// The operator's controls over a room: mute, unmute or remove one member; lock, unlock or end the room, mute
// or unmute everyone but the moderators.
// Each is one `conference …` command; the room view learns the result from the conference events
// FreeSWITCH sends back, like any other change. FreeSWITCH's refusals are read here, once.
import { type ApiCommand, conferenceLock, conferenceMember } from '../../esl/commands.js';
import type { BuildResult } from '../../esl/result.js';
import { describeCommandError } from '../../esl/result.js';
import type { Logger } from '../../log.js';
import type { Commander } from '../commander.js';
import { accepted, type OperatorResult, refusal } from './results.js';

export type MemberAction = 'mute' | 'unmute' | 'kick';
/** `mute-all` / `unmute-all`: every member but the moderators (the administrator keeps the floor). */
export type RoomAction = 'lock' | 'unlock' | 'end' | 'mute-all' | 'unmute-all';

export interface ControlResult {
  readonly room: string;
  readonly action: MemberAction | RoomAction;
  readonly member?: number;
  /** FreeSWITCH's reply, e.g. `OK mute 12`. */
  readonly reply: string;
}

export function controlMember(
  commander: Commander,
  logger: Logger,
  room: string,
  member: number,
  action: MemberAction,
): Promise<OperatorResult<ControlResult>> {
  return send(commander, logger, conferenceMember(room, action, member), { room, action, member });
}

export function controlRoom(
  commander: Commander,
  logger: Logger,
  room: string,
  action: RoomAction,
): Promise<OperatorResult<ControlResult>> {
  // Ending a room hangs up every member; the room goes when the last one has left.
  const command =
    action === 'end'
      ? conferenceMember(room, 'hup', 'all')
      : action === 'mute-all' || action === 'unmute-all'
        ? conferenceMember(room, action === 'mute-all' ? 'mute' : 'unmute', 'non_moderator')
        : conferenceLock(room, action === 'lock');
  return send(commander, logger, command, { room, action });
}

async function send(
  commander: Commander,
  logger: Logger,
  built: BuildResult<ApiCommand>,
  what: Omit<ControlResult, 'reply'>,
): Promise<OperatorResult<ControlResult>> {
  if (!built.ok) return refusal('invalid', `invalid ${built.error.field}: ${built.error.reason}`);
  const reply = await commander.api(built, logger);
  if (reply.ok) return accepted({ ...what, reply: reply.body.trim() });
  const reason = describeCommandError(reply.error);
  // A member or room that went between the operator's look and FreeSWITCH's is simply not there any more.
  if (/Non-Existant ID/i.test(reason) && what.member !== undefined) {
    return refusal('not-found', `room ${what.room} has no member ${what.member}`, reason);
  }
  if (/Conference .* not found/i.test(reason))
    return refusal('not-found', `no room named ${what.room}`, reason);
  const target =
    what.member === undefined ? `room ${what.room}` : `member ${what.member} of room ${what.room}`;
  return refusal(
    reply.error.kind === 'timeout' ? 'switch-timeout' : 'switch-refused',
    `FreeSWITCH did not ${what.action} ${target}`,
    reason,
  );
}
