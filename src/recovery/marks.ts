// Reading the marks dynconf keeps on the legs it manages (their names: runtime/channel-vars.ts), and packing
// the machine snapshot kept on the administrator's leg.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Flow } from '../../machines/index.js';
import { MARK } from '../runtime/channel-vars.js';

export { ADMIN_MARKS, MARK, ROLE } from '../runtime/channel-vars.js';

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
