// Reading the marks dynconf keeps on the legs it manages (their names: runtime/channel-vars.ts), and packing
// the machine snapshot kept on the administrator's leg.
import { inflateRawSync } from 'node:zlib';
import type { Flow } from '../../machines/index.js';
import { MARK } from '../runtime/channel-vars.js';

export { ADMIN_MARKS, MARK, ROLE } from '../runtime/channel-vars.js';

/** A decoded snapshot above this size is refused (a packed value is about a kilobyte). */
const MAX_MACHINE_BYTES = 256 * 1024;

/**
 * `persistSession(...)` JSON → the value of `dynconf_machine`: the JSON as base64url. It is written on every
 * transition, before the transition's first command: a deflate here (a new zlib stream each time, ~0.2 ms)
 * was the largest cost between a key and the command it causes, for a value of about 1 KB either way.
 */
export function packMachine(json: string): string {
  return Buffer.from(json, 'utf8').toString('base64url');
}

/**
 * The value of `dynconf_machine` → what `persistSession` returned, or undefined if it is not one of ours.
 * Reads the deflated values earlier versions wrote as well (legs that outlived an upgrade).
 */
export function unpackMachine(packed: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(packed)) return undefined;
  const bytes = Buffer.from(packed, 'base64url');
  if (bytes.length > MAX_MACHINE_BYTES) return undefined;
  // A deflated value is never JSON text (compressed bytes are not), so the plain form is tried first.
  return parseObject(bytes) ?? parseObject(inflated(bytes));
}

function inflated(bytes: Buffer): Buffer | undefined {
  try {
    return inflateRawSync(bytes, { maxOutputLength: MAX_MACHINE_BYTES });
  } catch {
    return undefined;
  }
}

function parseObject(bytes: Buffer | undefined): object | undefined {
  if (bytes === undefined || bytes[0] !== 0x7b) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null ? value : undefined;
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
