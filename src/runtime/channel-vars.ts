// Every channel variable dynconf reads or writes, and the values it gives them: the one place their names
// are spelled, so the dialplan (freeswitch-config/), the runtime, recovery and the operator API agree.

/**
 * Marks: what dynconf keeps on the legs it manages, so that a restarted controller (or one that lost
 * events) can resume every session from FreeSWITCH's state alone (recovery/marks.ts reads them).
 * - the administrator's leg: session id, flow, room, the other party (flow 2), the machine state (plain
 *   text) and the persisted machine snapshot (deflated JSON, base64url, safe for uuid_setvar);
 * - the legs it called or holds for the administrator: the administrator's uuid and the leg's role;
 * - the legs it called for the operator: the role (`guest`) and the room (runtime/operator/).
 */
export const MARK = {
  session: 'dynconf_session',
  flow: 'dynconf_flow',
  room: 'dynconf_room',
  other: 'dynconf_other',
  state: 'dynconf_state',
  machine: 'dynconf_machine',
  admin: 'dynconf_admin',
  role: 'dynconf_role',
} as const;

/** What a leg is to dynconf; also set by the access-number dialplan on callers of 900. */
export const ROLE_VARIABLE = MARK.role;

/** Values of the role variable. */
export const ROLE = {
  /** Set by the access-number dialplan on callers of 900. */
  admin: 'admin',
  /** Set by the dialplan's "service unavailable" fallback: no controller may take the call any more. */
  unavailable: 'unavailable',
  /** A leg dynconf originated for an administrator. */
  invitee: 'invitee',
  /** Flow 2: the other party of the two-party call. */
  other: 'other',
  /** A leg the operator API called into a room. */
  guest: 'guest',
} as const;

/** Every variable dynconf puts on an administrator's leg (cleared when the leg goes back to a plain call). */
export const ADMIN_MARKS = [
  MARK.session,
  MARK.flow,
  MARK.room,
  MARK.other,
  MARK.state,
  MARK.machine,
] as const;

/** Set by the operator API on the legs it calls into a room: who asked. */
export const INVITED_BY_VARIABLE = 'dynconf_invited_by';

/** Set by the dialplan on ordinary calls where `*0` may start a session (flow 2). */
export const STAR0_VARIABLE = 'dynconf_star0';
export const STAR0_ENABLED = 'enabled';

/** The variable play_and_get_digits fills with the PIN. */
export const PIN_VARIABLE = 'dynconf_pin';
/** The variable play_and_get_digits fills with the dialed number. */
export const DIAL_VARIABLE = 'dynconf_dial';
/** Where play_and_get_digits puts what did not match its pattern, next to `variable`. */
export function invalidDigitsVariable(variable: string): string {
  return `${variable}_invalid`;
}
/**
 * Set by play_and_get_digits when an entry ends (`success`, `failure`, `timeout`), cleared when one starts.
 * The controller sets it to RESULT_READ once it has read the entry: a recovery that finds one of
 * play_and_get_digits' own values there has found a result nobody read.
 */
export const READ_RESULT = 'read_result';
export const RESULT_READ = 'dynconf_read';

/** FreeSWITCH's own: the last application started on the channel (it stays after the app ends). */
export const CURRENT_APPLICATION = 'current_application';
/** FreeSWITCH's own: which end of a loopback pair a channel is (`A`, `B`). */
export const LOOPBACK_LEG = 'loopback_leg';
/** FreeSWITCH's own: the application a loopback leg runs (`voicemail` for a forward to voicemail). */
export const LOOPBACK_APP = 'loopback_app';
/** FreeSWITCH's own: the other end of a loopback pair. */
export const OTHER_LOOPBACK_LEG_UUID = 'other_loopback_leg_uuid';
/** FreeSWITCH's own: the keys that end a playback (`none`: keys never stop it). */
export const PLAYBACK_TERMINATORS = 'playback_terminators';

/** Variables that make a leg park, not hang up, when its bridge ends (trace 06). */
export const PARK_AFTER_BRIDGE = { hangup_after_bridge: 'false', park_after_bridge: 'true' } as const;
/** FreeSWITCH's defaults again, once a two-party call is restored (else a later hang-up parks the survivor). */
export const HANGUP_AFTER_BRIDGE = { park_after_bridge: 'false', hangup_after_bridge: 'true' } as const;
