// Test callers as FreeSWITCH loopback legs. `originate loopback/<number>/<context> &park()` makes two
// channels: the outer `-a` leg (the handset: parked, it only holds the call up) and the inner `-b` leg,
// which runs the dialplan exactly like a call from a phone and is the channel dynconf sees. Keys are
// pressed on the inner leg with uuid_recv_dtmf (they arrive as DTMF events, as from a phone; they never
// reach dialplan bindings, which dynconf does not use).
import { randomUUID } from 'node:crypto';
import type { FreeSwitchDriver } from './freeswitch-driver.js';

export interface Phone {
  /** The caller ID it calls with. */
  readonly callerId: string;
  /** The number it dialed. */
  readonly dialed: string;
  /** The handset: the loopback `-a` leg the suite originated. Killing it hangs the call up. */
  readonly handset: string;
  /** The call as FreeSWITCH routes it: the loopback `-b` leg (the caller dynconf serves). */
  readonly leg: string;
}

export interface DialOptions {
  readonly from: string;
  readonly to: string;
  /** Dialplan context. Default `default`. */
  readonly context?: string;
  /** How long the call may take to be answered. Default 10 s. */
  readonly timeoutMs?: number;
}

/** Places a call and returns once it is answered (900 answers at once; 7100 once 701 answers). */
export async function dial(fs: FreeSwitchDriver, options: DialOptions): Promise<Phone> {
  const handset = randomUUID();
  const timeoutSec = Math.ceil((options.timeoutMs ?? 10_000) / 1000);
  const variables = [
    `origination_uuid=${handset}`,
    `origination_caller_id_number=${options.from}`,
    `origination_caller_id_name=e2e-${options.from}`,
    `originate_timeout=${timeoutSec}`,
    'loopback_bowout=false',
    'dynconf_e2e=handset',
  ].join(',');
  const context = options.context ?? 'default';
  const result = await fs.bgapi(
    `originate {${variables}}loopback/${options.to}/${context} &park()`,
    (timeoutSec + 5) * 1000,
  );
  if (!result.startsWith('+OK')) {
    throw new Error(`calling ${options.to} from ${options.from} failed: ${result.trim()}`);
  }
  const leg = await fs.getVar(handset, 'other_loopback_leg_uuid');
  if (leg === undefined) throw new Error(`the call ${handset} to ${options.to} has no loopback -b leg`);
  return { callerId: options.from, dialed: options.to, handset, leg };
}

/** Keys pressed by the caller of `phone`. */
export function press(fs: FreeSwitchDriver, phone: Phone, keys: string): Promise<void> {
  return fs.recvDtmf(phone.leg, keys);
}

/** Keys pressed on a given leg (the other party of a two-party call, an invitee). */
export function pressOn(fs: FreeSwitchDriver, uuid: string, keys: string): Promise<void> {
  return fs.recvDtmf(uuid, keys);
}

/** The caller hangs up. */
export function hangUp(fs: FreeSwitchDriver, phone: Phone): Promise<void> {
  return fs.kill(phone.handset);
}
