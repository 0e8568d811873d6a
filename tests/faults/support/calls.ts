// Counting what a fault cost, from the simulator itself: calls dropped (a person's call that the switch
// hung up, rather than the phone on it or the test) and orphan legs (a leg dynconf created, still up outside
// a room, whose administrator has no session any more).
import { VirtualClock } from '../../../src/clock.js';
import type { ChannelInfo } from '../../../src/simulator/index.js';
import type { Harness } from '../../e2e/support/harness.js';

/** Phone time the controller has to hang up a leg whose session is gone before it counts as an orphan. */
export const ORPHAN_GRACE_MS = 2_000;

export interface DroppedCall {
  readonly uuid: string;
  readonly name: string;
  readonly cause: string;
  /** `sip_hangup_disposition`: `send_bye`, `send_cancel`, `send_refuse` (the switch ended it). */
  readonly disposition: string;
}

export interface CallWatch {
  /** Every person's call the switch hung up since the watch began (none that the phone or the test ended). */
  dropped(): readonly DroppedCall[];
  stop(): void;
}

/**
 * Watches every hang-up from now on. A person's call is a SIP leg (`sofia/…`: an administrator, the other
 * party of a two-party call, an invitee's phone); it is dropped when FreeSWITCH reports that it sent the
 * BYE or CANCEL itself (`sip_hangup_disposition` `send_*`): the phone did not hang up (that is `recv_*`,
 * which is also what the test's own `call.hangup()` produces). Calls that vanish in a FreeSWITCH crash send
 * no event: they were ended by the fault the test injected, not counted here. Only for scenarios where no
 * phone hangs up a bridged call (its peer would be hung up by the switch, on the caller's behalf).
 */
export function watchCalls(h: Harness): CallWatch {
  const dropped: DroppedCall[] = [];
  const off = h.sim.onEvent((event) => {
    if (event.name !== 'CHANNEL_HANGUP_COMPLETE' || event.uuid === undefined) return;
    const name = event.get('Channel-Name') ?? '';
    const disposition = event.get('variable_sip_hangup_disposition') ?? '';
    if (!name.startsWith('sofia/') || disposition.startsWith('recv_')) return;
    dropped.push({ uuid: event.uuid, name, cause: event.get('Hangup-Cause') ?? '', disposition });
  });
  return { dropped: () => [...dropped], stop: off };
}

/** Legs dynconf originated (`dynconf_role=invitee`), up outside a room, with no session of their administrator. */
export function orphanLegs(h: Harness): ChannelInfo[] {
  const admins = new Set(h.controller.sessions().map((s) => s.adminUuid));
  return h.sim
    .channels()
    .filter(
      (c) =>
        c.variables.dynconf_role === 'invitee' &&
        c.where.state !== 'in-conference' &&
        !admins.has(c.variables.dynconf_admin ?? ''),
    );
}

/**
 * The orphan legs still up after the controller had ORPHAN_GRACE_MS of phone time to hang them up (far
 * less than any ring timeout, which would end a ringing orphan by itself). On a scaled clock: wall time.
 */
export async function lastingOrphans(h: Harness): Promise<ChannelInfo[]> {
  const none = () => orphanLegs(h).length === 0;
  try {
    if (h.clock instanceof VirtualClock) {
      await h.clock.until(none, 'orphan legs hung up', { withinMs: ORPHAN_GRACE_MS });
    } else {
      await h.until(none, 'orphan legs hung up', { timeoutMs: ORPHAN_GRACE_MS });
    }
  } catch {
    // counted below
  }
  return orphanLegs(h);
}
