// What dynconf keeps on FreeSWITCH itself, as channel variables of the legs it manages, so that a restarted
// controller (or one that lost events) can resume every session from FreeSWITCH's state alone:
// - the administrator's leg: `dynconf_session` (session id), `dynconf_flow`, `dynconf_room`,
//   `dynconf_other` (flow 2), `dynconf_state` (machine state, plain text) and `dynconf_machine` (the
//   persisted machine snapshot: deflated JSON, base64url, safe for uuid_setvar);
// - the legs it called or holds for the administrator: `dynconf_admin` (administrator uuid) and
//   `dynconf_role` (`invitee`, `other`).
// The access-number dialplan sets `dynconf_role=admin` on callers of 900 (and `unavailable` in its fallback).
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Flow } from '../../machines/index.js';

/** Channel variable names. */
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

/** Values of `dynconf_role`. */
export const ROLE = {
  /** Set by the access-number dialplan on callers of 900. */
  admin: 'admin',
  /** Set by the dialplan's "service unavailable" fallback: no controller may take the call any more. */
  unavailable: 'unavailable',
  /** A leg dynconf originated for an administrator. */
  invitee: 'invitee',
  /** Flow 2: the other party of the two-party call. */
  other: 'other',
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

/** A decoded snapshot above this size is refused (a packed value is a few hundred bytes). */
const MAX_MACHINE_BYTES = 256 * 1024;

/** `persistSession(...)` JSON → the value of `dynconf_machine`. */
export function packMachine(json: string): string {
  return deflateRawSync(Buffer.from(json, 'utf8')).toString('base64url');
}

/** The value of `dynconf_machine` → what `persistSession` returned, or undefined if it is not one of ours. */
export function unpackMachine(packed: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(packed)) return undefined;
  try {
    const json = inflateRawSync(Buffer.from(packed, 'base64url'), { maxOutputLength: MAX_MACHINE_BYTES });
    return JSON.parse(json.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** What an administrator's leg says about its session. */
export interface AdminMarks {
  readonly sessionId: string;
  readonly flow: Flow | undefined;
  readonly room: string | undefined;
  readonly otherUuid: string | undefined;
  /** The machine state last written, e.g. `inRoom`, `invitation.talking`, `ended`. */
  readonly state: string | undefined;
  /** The unpacked snapshot (to check with restoreSession), if there was a readable one. */
  readonly machine: unknown;
}

/** The marks of an administrator's leg, or undefined when the leg has no session mark. */
export function readAdminMarks(variable: (name: string) => string | undefined): AdminMarks | undefined {
  const sessionId = present(variable(MARK.session));
  if (sessionId === undefined) return undefined;
  const flow = variable(MARK.flow);
  const packed = present(variable(MARK.machine));
  return {
    sessionId,
    flow: flow === 'access' || flow === 'escalation' ? flow : undefined,
    room: present(variable(MARK.room)),
    otherUuid: present(variable(MARK.other)),
    state: present(variable(MARK.state)),
    machine: packed === undefined ? undefined : unpackMachine(packed),
  };
}

/** FreeSWITCH answers `_undef_` for an unset variable in some replies; treat it and '' as absent. */
function present(value: string | undefined): string | undefined {
  return value === undefined || value === '' || value === '_undef_' ? undefined : value;
}
