// The operator's controls over a room: mute, unmute or remove one member; lock, unlock or end the room.
// Each is one `conference …` command built by esl/commands.ts; the room view learns the result from the
// conference events FreeSWITCH sends back, like any other change.
import { type ApiCommand, conferenceLock, conferenceMember } from '../esl/commands.js';
import type { BuildResult } from '../esl/result.js';
import { describeCommandError } from '../esl/result.js';
import type { RoomState } from '../room-view/index.js';
import { type CommandLink, done, notConnected, type Outcome, refused } from './outcome.js';

export type MemberAction = 'mute' | 'unmute' | 'kick';
export type RoomAction = 'lock' | 'unlock' | 'end';

export interface ControlResult {
  readonly room: string;
  readonly action: MemberAction | RoomAction;
  readonly member?: number;
  /** FreeSWITCH's reply, e.g. `OK mute 12`. */
  readonly reply: string;
}

export interface RoomControlOptions {
  readonly link: CommandLink;
  /** The room as dynconf sees it now (undefined: FreeSWITCH has no such room). */
  readonly room: (name: string) => RoomState | undefined;
  readonly timeoutMs: number;
}

export class RoomControl {
  readonly #options: RoomControlOptions;

  constructor(options: RoomControlOptions) {
    this.#options = options;
  }

  async member(roomName: string, memberId: number, action: MemberAction): Promise<Outcome<ControlResult>> {
    const room = this.#options.room(roomName);
    if (room === undefined) return refused(404, `no room named ${roomName}`);
    if (!room.members.some((m) => m.id === memberId)) {
      return refused(404, `room ${roomName} has no member ${memberId}`);
    }
    return this.#send(conferenceMember(roomName, action, memberId), {
      room: roomName,
      action,
      member: memberId,
    });
  }

  async room(roomName: string, action: RoomAction): Promise<Outcome<ControlResult>> {
    const room = this.#options.room(roomName);
    if (room === undefined) return refused(404, `no room named ${roomName}`);
    // Ending a room hangs up every member; the room goes when the last one has left.
    const command =
      action === 'end'
        ? conferenceMember(roomName, 'hup', 'all')
        : conferenceLock(roomName, action === 'lock');
    return this.#send(command, { room: roomName, action });
  }

  async #send(
    built: BuildResult<ApiCommand>,
    what: Omit<ControlResult, 'reply'>,
  ): Promise<Outcome<ControlResult>> {
    const down = notConnected(this.#options.link);
    if (down) return down;
    if (!built.ok) return refused(400, `invalid ${built.error.field}: ${built.error.reason}`);
    const reply = await this.#options.link.api(built.command, { timeoutMs: this.#options.timeoutMs });
    if (!reply.ok) {
      const reason = describeCommandError(reply.error);
      // A room that ended between our look and FreeSWITCH's is simply not there any more.
      if (/Non-Existant ID/i.test(reason) && what.member !== undefined) {
        return refused(404, `room ${what.room} has no member ${what.member}`, reason);
      }
      if (/Conference .* not found/i.test(reason)) return refused(404, `no room named ${what.room}`, reason);
      const status = reply.error.kind === 'timeout' ? 504 : 502;
      return refused(status, `FreeSWITCH did not ${what.action} ${describeTarget(what)}`, reason);
    }
    return done({ ...what, reply: reply.body.trim() });
  }
}

function describeTarget(what: Omit<ControlResult, 'reply'>): string {
  return what.member === undefined ? `room ${what.room}` : `member ${what.member} of room ${what.room}`;
}
