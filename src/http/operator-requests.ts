// The operator's requests on one node as HTTP answers: what the HTTP side can tell from its own room view
// and connection (no such room or member, a locked room, FreeSWITCH not connected), then the runtime's
// desk, which places the calls and sends the commands.
import { type InvitationOutcome, outcomeLabel } from '../metrics/index.js';
import type { RoomState } from '../room-view/index.js';
import type {
  ControlResult,
  InvitationPlaced,
  InvitationReport,
  InvitationSnapshot,
  MemberAction,
  OperatorDesk,
  RoomAction,
} from '../runtime/operator/index.js';
import { notConnected, type Outcome, offlineReason, outcomeOf, refused } from './outcome.js';

/** Whether the node has the room now (and whether it is locked), or only one of its sessions refers to it. */
export type RoomStatus = 'live' | 'locked' | 'session' | 'unknown';

export type InvitationResult = InvitationPlaced;

/** How an invitation ended, for the live view (`outcome`: the metrics' label). */
export interface InvitationEnded {
  readonly uuid: string;
  readonly room: string;
  readonly number: string;
  readonly outcome: InvitationOutcome;
  /** FreeSWITCH's cause, when it gave one (`NO_ANSWER`, `USER_BUSY`, …). */
  readonly cause?: string;
}

export interface OperatorRequestsOptions {
  readonly desk: OperatorDesk;
  /** The state of the node's event socket now. */
  readonly connection: () => string;
  readonly roomStatus: (room: string) => RoomStatus;
  /** The room as the room view has it (undefined: FreeSWITCH has no such room). */
  readonly room: (name: string) => RoomState | undefined;
}

export class OperatorRequests {
  readonly #o: OperatorRequestsOptions;

  constructor(options: OperatorRequestsOptions) {
    this.#o = options;
  }

  /** Calls a number into the room; 202 as soon as FreeSWITCH has the call. */
  async invite(room: string, number: string): Promise<Outcome<InvitationResult>> {
    const status = this.#o.roomStatus(room);
    if (status === 'unknown') return refused(404, `no room named ${room}`);
    if (status === 'locked') return refused(409, `room ${room} is locked: unlock it before inviting anyone`);
    const state = this.#o.connection();
    const offline = state === 'connected' ? undefined : offlineReason(state);
    return outcomeOf(await this.#o.desk.invite(room, number, offline), 202);
  }

  /** Invitations still calling. */
  pending(): InvitationSnapshot[] {
    return this.#o.desk.invitations();
  }

  /** Hangs up an invitation of the operator's still ringing into the room. */
  cancelInvitation(room: string, uuid: string): Outcome<{ readonly uuid: string; readonly room: string }> {
    return notConnected(this.#o.connection()) ?? outcomeOf(this.#o.desk.cancelInvitation(room, uuid), 202);
  }

  /** Sends the administrator back to the room (`*#`). */
  returnAdministrator(room: string, uuid: string): Outcome<{ readonly uuid: string; readonly room: string }> {
    return notConnected(this.#o.connection()) ?? outcomeOf(this.#o.desk.returnAdministrator(uuid, room), 202);
  }

  async member(room: string, member: number, action: MemberAction): Promise<Outcome<ControlResult>> {
    const state = this.#o.room(room);
    if (state === undefined) return refused(404, `no room named ${room}`);
    if (!state.members.some((m) => m.id === member))
      return refused(404, `room ${room} has no member ${member}`);
    return notConnected(this.#o.connection()) ?? outcomeOf(await this.#o.desk.member(room, member, action));
  }

  async room(room: string, action: RoomAction): Promise<Outcome<ControlResult>> {
    if (this.#o.room(room) === undefined) return refused(404, `no room named ${room}`);
    return notConnected(this.#o.connection()) ?? outcomeOf(await this.#o.desk.room(room, action));
  }
}

/** An ended invitation as the live view tells it; nothing for a refused number. */
export function invitationEnded(report: InvitationReport): InvitationEnded | undefined {
  if (report.kind !== 'ended') return undefined;
  return {
    uuid: report.uuid,
    room: report.room,
    number: report.number,
    outcome: outcomeLabel(report.ending),
    ...(report.cause === undefined ? {} : { cause: report.cause }),
  };
}
