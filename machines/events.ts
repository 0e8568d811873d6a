// The facts the runtime reports to an administrator session. Every event carries `at` (epoch ms of the
// fact): the machine has no clock, and deadlines are computed from these times.

/** Outcome of one password entry. The password itself never enters the machine. */
export type PinResult = 'correct' | 'wrong' | 'no-input';

/** A command recognised from the administrator's keys (see keys.ts): 0, `**`, `*#`, `*0`. */
export type KeyCommand = 'dial' | 'join-with-guest' | 'return-alone' | 'escalate';

/** Why calling the invitee failed before a conversation started. */
export type InviteFailure =
  | 'no-answer'
  | 'busy'
  | 'rejected'
  | 'unreachable'
  | 'invalid-number'
  | 'not-allowed'
  | 'failed';

/** The named deadlines a session can arm. */
export type DeadlineName = 'pin' | 'dial' | 'ring';

/** The routing rules allow the number: how to call it. */
export interface AllowedRoute {
  readonly allowed: true;
  /** The routing rule that matched; opaque to the machine, handed back in `callInvitee`. */
  readonly rule: string;
  /** False for FXO/GSM-like trunks that report "answered" at once: no automatic return then. */
  readonly answerSupervision: boolean;
  readonly ringTimeoutMs: number;
  /** Leg id the runtime pre-generated for the invitee (its origination uuid): makes originate idempotent. */
  readonly legId: string;
}

/** The routing rules refuse the number (toll-fraud guard) or it cannot be a number at all. */
export interface RefusedRoute {
  readonly allowed: false;
  readonly reason: 'not-allowed' | 'invalid-number';
}

export type Route = AllowedRoute | RefusedRoute;

/** Effects that can fail at the command level; reported back with `command.failed`. */
export type FailableCommand =
  | 'collectPin'
  | 'holdOtherParty'
  | 'joinRoomAsModerator'
  | 'moveOtherPartyIntoRoom'
  | 'rebridgeParties'
  | 'leaveRoomAndCollectNumber'
  | 'callInvitee'
  | 'bridgeAdminAndInvitee'
  | 'moveInviteeIntoRoom'
  | 'returnAdminToRoom'
  | 'hangupInvitee';

export type SessionEvent =
  /** A password entry ended (`#`, inter-digit timeout, or no digits at all). */
  | { readonly type: 'pin.entered'; readonly at: number; readonly result: PinResult }
  /** The brute-force guard refuses this caller (too many failures in its window). */
  | { readonly type: 'caller.lockedOut'; readonly at: number }
  /** keys.ts recognised a command on the administrator's leg (only that leg's keys are fed). */
  | { readonly type: 'key.command'; readonly at: number; readonly command: KeyCommand }
  /** Number entry after dial tone ended with digits, already resolved by the routing rules. */
  | { readonly type: 'number.dialed'; readonly at: number; readonly digits: string; readonly route: Route }
  /** Number entry after dial tone ended without any digit. */
  | { readonly type: 'number.none'; readonly at: number }
  /** The invitee's leg is ringing (180/183). Informational. */
  | { readonly type: 'invitee.ringing'; readonly at: number; readonly legId: string }
  /** The invitee's leg answered (for unsupervised trunks this comes almost at once). */
  | { readonly type: 'invitee.answered'; readonly at: number; readonly legId: string }
  /** The invitee's leg was answered by voicemail (runtime's detection, e.g. a loopback voicemail app). */
  | { readonly type: 'invitee.voicemail'; readonly at: number; readonly legId: string }
  /** Calling the invitee failed before answer (originate error, or the ringing leg ended). Also accepted
   * after an answer (e.g. a late originate error), where it means the leg is gone, like `invitee.hungUp`. */
  | {
      readonly type: 'invitee.failed';
      readonly at: number;
      readonly legId: string;
      readonly reason: InviteFailure;
    }
  /** The invitee's leg ended after it had answered. */
  | { readonly type: 'invitee.hungUp'; readonly at: number; readonly legId: string }
  /** The administrator's leg ended. */
  | { readonly type: 'admin.hungUp'; readonly at: number }
  /** Flow 2: the other party of the original call ended. */
  | { readonly type: 'other.hungUp'; readonly at: number }
  /** Flow 2: `rebridgeParties` succeeded; the original call goes on. */
  | { readonly type: 'parties.rebridged'; readonly at: number }
  /** FreeSWITCH confirms the administrator is a member of the room (add-member). */
  | { readonly type: 'room.joined'; readonly at: number }
  /** FreeSWITCH confirms the administrator left the room (del-member). */
  | { readonly type: 'room.left'; readonly at: number }
  /** A deadline armed with `armDeadline` fell due (sent at or after its `at`). */
  | { readonly type: 'deadline.reached'; readonly at: number; readonly name: DeadlineName }
  /** A requested effect could not be carried out (e.g. FreeSWITCH answered -ERR). */
  | {
      readonly type: 'command.failed';
      readonly at: number;
      readonly command: FailableCommand;
      /** The invitee leg the command was about, for invitee commands. */
      readonly legId?: string;
      /** Free text for logs; the machine does not read it. */
      readonly detail?: string;
    };

export type SessionEventType = SessionEvent['type'];
