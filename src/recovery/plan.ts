// Sorts FreeSWITCH's channels by what they are to dynconf (pure): administrators with a session mark,
// callers of the access number nobody serves yet, legs dynconf called or holds for an administrator, legs
// it called for the operator, and everything else (left alone).
import {
  CURRENT_APPLICATION,
  DIAL_VARIABLE,
  LOOPBACK_LEG,
  MARK,
  PIN_VARIABLE,
  READ_RESULT,
  RESULT_READ,
  ROLE,
} from '../runtime/channel-vars.js';
import { type AdminMarks, readAdminMarks } from './marks.js';
import { type EntryFacts, GONE, type LegFacts } from './reconcile.js';
import type { ChannelFacts, SwitchState } from './switch-state.js';

export interface MarkedAdmin {
  readonly facts: ChannelFacts;
  readonly marks: AdminMarks;
}

export interface RecoveryPlan {
  /** Legs with a session mark, by uuid. */
  readonly admins: ReadonlyMap<string, MarkedAdmin>;
  /** Callers of the access number without a session mark, answered, in no room and no bridge. */
  readonly accessCallers: readonly ChannelFacts[];
  /** Legs marked `dynconf_admin=<uuid>` (invitees, flow 2's other party), by administrator uuid. */
  readonly byAdmin: ReadonlyMap<string, readonly ChannelFacts[]>;
  /** Legs the operator called into a room (`dynconf_role=guest`). */
  readonly guests: readonly ChannelFacts[];
}

export function planRecovery(state: SwitchState): RecoveryPlan {
  const admins = new Map<string, MarkedAdmin>();
  const accessCallers: ChannelFacts[] = [];
  const byAdmin = new Map<string, ChannelFacts[]>();
  const guests: ChannelFacts[] = [];
  for (const facts of state.channels.values()) {
    const variable = (name: string) => facts.info.variable(name);
    const marks = readAdminMarks(variable);
    if (marks !== undefined) {
      admins.set(facts.uuid, { facts, marks });
      continue;
    }
    const admin = variable(MARK.admin);
    if (admin !== undefined && admin !== '') {
      byAdmin.set(admin, [...(byAdmin.get(admin) ?? []), facts]);
      continue;
    }
    if (variable(MARK.role) === ROLE.guest) {
      guests.push(facts);
      continue;
    }
    if (
      variable(MARK.role) === ROLE.admin &&
      facts.info.direction === 'inbound' &&
      facts.answered &&
      facts.room === undefined &&
      facts.bridgedTo === undefined
    ) {
      accessCallers.push(facts);
    }
  }
  return { admins, accessCallers, byAdmin, guests };
}

export function legFacts(facts: ChannelFacts | undefined): LegFacts {
  if (facts === undefined) return GONE;
  return {
    exists: true,
    answered: facts.answered,
    room: facts.room,
    bridgedTo: facts.bridgedTo,
    entry: entryOf(facts),
  };
}

/**
 * play_and_get_digits clears `read_result` when an entry starts and sets it when it ends; the controller
 * marks it `dynconf_read` once it has read the result (and cleared the digits). `current_application`
 * names the last app started (it stays after the app ends, trace README). So: a value of the entry's own
 * → an unread result (unless it says success with no digits left: half read, ask again); marked read →
 * nothing to take over; unset and the last app is the entry → it runs.
 */
export function entryOf(facts: ChannelFacts): EntryFacts {
  const variable = (name: string) => facts.info.variable(name);
  const result = variable(READ_RESULT);
  if (result === RESULT_READ) return 'none';
  if (result !== undefined) {
    const digits = variable(PIN_VARIABLE) ?? variable(DIAL_VARIABLE);
    return result === 'success' && digits === undefined ? 'none' : 'completed';
  }
  return variable(CURRENT_APPLICATION) === 'play_and_get_digits' ? 'running' : 'none';
}

/**
 * The inner `-b` leg of a loopback pair (a forward to voicemail, trace 09): it lives and ends with its
 * `-a` leg, which is the one dynconf called; it is never hung up on its own.
 */
export function isLoopbackInner(facts: ChannelFacts): boolean {
  return facts.info.variable(LOOPBACK_LEG) === 'B';
}

/**
 * Legs an administrator's session does not know (`known`), outside any room: left over from an invitation
 * the session lost track of. Loopback inner legs go with their `-a` leg.
 */
export function straysOf(legs: readonly ChannelFacts[], known: (uuid: string) => boolean): string[] {
  return legs
    .filter(
      (leg) =>
        leg.info.variable(MARK.role) === ROLE.invitee &&
        leg.room === undefined &&
        !isLoopbackInner(leg) &&
        !known(leg.uuid),
    )
    .map((leg) => leg.uuid);
}

/** The room a leg of the operator's was called into. */
export function guestRoom(facts: ChannelFacts): string | undefined {
  const room = facts.info.variable(MARK.room);
  return room === undefined || room === '' ? undefined : room;
}

/**
 * Legs whose administrator has no session any more and that are not safe where they are: invitees outside
 * a room, and flow 2's other party outside a room and a bridge (held for a presser who is gone).
 */
export function orphansOf(legs: readonly ChannelFacts[]): ChannelFacts[] {
  return legs.filter((leg) => {
    if (leg.room !== undefined || isLoopbackInner(leg)) return false;
    const role = leg.info.variable(MARK.role);
    if (role === ROLE.invitee) return true;
    return role === ROLE.other && leg.bridgedTo === undefined;
  });
}
