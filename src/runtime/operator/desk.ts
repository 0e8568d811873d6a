// The runtime's public interface for the operator side (HTTP API, dashboard): the calls the operator places
// (the one invitation service the keypad's sessions share caps, counters and marks with), the controls
// over rooms, and who is on the legs dynconf deals with. Everything FreeSWITCH is asked goes through the
// runtime's Commander; every refusal comes back as a value.
import type { Logger } from '../../log.js';
import type { ChannelTable, LegInfo } from '../channels.js';
import type { Commander } from '../commander.js';
import type {
  InvitationPlaced,
  InvitationReport,
  InvitationSnapshot,
  OperatorInvitations,
} from './invitations.js';
import type { OperatorResult } from './results.js';
import {
  type ControlResult,
  controlMember,
  controlRoom,
  type MemberAction,
  type RoomAction,
} from './room-controls.js';

export interface OperatorDesk {
  /**
   * Calls `number` into `room`: routing and allow rules, the caps on outbound calls, then an originate.
   * Resolves once FreeSWITCH has the call; how it ends comes to `onInvitation`. `offline`: why FreeSWITCH
   * cannot take commands now, as the caller knows it (undefined while it can).
   */
  invite(room: string, number: string, offline?: string): Promise<OperatorResult<InvitationPlaced>>;
  /** The operator's calls still ringing. */
  invitations(): InvitationSnapshot[];
  /** Hangs up one of them. */
  cancelInvitation(
    room: string,
    uuid: string,
  ): OperatorResult<{ readonly uuid: string; readonly room: string }>;
  /**
   * The administrator on leg `uuid`, whose room is `room`, gives up the call they are making or ends their
   * private talk and goes back to the room, as if they pressed `*#`.
   */
  returnAdministrator(
    uuid: string,
    room: string,
  ): OperatorResult<{ readonly uuid: string; readonly room: string }>;
  /** The room is gone for good: calls still ringing into it are hung up. */
  roomGone(room: string): void;
  member(room: string, member: number, action: MemberAction): Promise<OperatorResult<ControlResult>>;
  room(room: string, action: RoomAction): Promise<OperatorResult<ControlResult>>;
  /** Who is on a leg marked with a role (administrator, invitee, guest), until it hangs up. */
  leg(uuid: string | undefined): LegInfo | undefined;
  /** How each invitation of the operator's ended, and each number refused. */
  onInvitation(listener: (report: InvitationReport) => void): () => void;
  /** The list of calls still ringing changed. */
  onChange(listener: () => void): () => void;
}

/** What the desk may ask of the administrators' sessions (the runtime's; none for a desk of its own). */
export interface AdministratorControls {
  returnAdministrator(
    uuid: string,
    room: string,
  ): OperatorResult<{ readonly uuid: string; readonly room: string }>;
}

export interface DeskParts {
  readonly calls: OperatorInvitations;
  readonly administrators: AdministratorControls;
  readonly channels: ChannelTable;
  readonly commander: Commander;
  readonly logger: Logger;
}

export class Desk implements OperatorDesk {
  readonly #p: DeskParts;
  readonly #logger: Logger;

  constructor(parts: DeskParts) {
    this.#p = parts;
    this.#logger = parts.logger.child({ module: 'operator' });
  }

  invite(room: string, number: string, offline?: string) {
    return this.#p.calls.invite(room, number, offline);
  }

  invitations(): InvitationSnapshot[] {
    return this.#p.calls.pending();
  }

  cancelInvitation(room: string, uuid: string) {
    return this.#p.calls.cancel(room, uuid);
  }

  returnAdministrator(uuid: string, room: string) {
    return this.#p.administrators.returnAdministrator(uuid, room);
  }

  roomGone(room: string): void {
    this.#p.calls.roomGone(room);
  }

  member(room: string, member: number, action: MemberAction) {
    return controlMember(this.#p.commander, this.#logger, room, member, action);
  }

  room(room: string, action: RoomAction) {
    return controlRoom(this.#p.commander, this.#logger, room, action);
  }

  leg(uuid: string | undefined): LegInfo | undefined {
    return this.#p.channels.leg(uuid);
  }

  onInvitation(listener: (report: InvitationReport) => void): () => void {
    return this.#p.calls.onReport(listener);
  }

  onChange(listener: () => void): () => void {
    return this.#p.calls.onChange(listener);
  }
}
