// Every effect the machine names (machines/actions.ts), implemented once: the compiler checks that none is
// missing and that each takes its effect's params. Each runs on the host of the session that asked.
import type { EffectName, EffectParams, EffectTable } from '../../../machines/index.js';
import {
  announce,
  endRoom,
  hangupAdmin,
  joinRoomAsModerator,
  playRingback,
  returnAdminToRoom,
} from './admin.js';
import { collectNumber, collectPin } from './entries.js';
import type { AdoptedEntry, EffectHost } from './host.js';
import { bridgeAdminAndInvitee, callInvitee, hangupInvitee, moveInviteeIntoRoom } from './invitee.js';
import { hangupOtherParty, holdOtherParty, moveOtherPartyIntoRoom, rebridgeParties } from './other-party.js';

export const SESSION_EFFECTS = {
  collectPin: (host) => collectPin(host),
  announce,
  hangupAdmin,
  holdOtherParty,
  hangupOtherParty,
  rebridgeParties,
  joinRoomAsModerator,
  moveOtherPartyIntoRoom,
  leaveRoomAndCollectNumber: (host) => collectNumber(host),
  callInvitee,
  playRingback,
  bridgeAdminAndInvitee,
  moveInviteeIntoRoom,
  returnAdminToRoom,
  hangupInvitee,
  endRoom,
  armDeadline: (host, { name, at }) =>
    host.timers.arm(name, at, (now) => host.send({ type: 'deadline.reached', at: now, name })),
  cancelDeadline: (host, { name }) => host.timers.cancel(name),
  releaseSession: (host, { outcome }) => host.release(outcome),
} satisfies EffectTable<EffectHost>;

/** Carries out one effect request (a value naming the effect and its params), e.g. again in a recovery. */
export function runEffect<K extends EffectName>(
  host: EffectHost,
  request: { readonly type: K; readonly params: EffectParams[K] },
): void {
  const table: EffectTable<EffectHost> = SESSION_EFFECTS;
  table[request.type](host, request.params);
}

/**
 * Takes over the PIN or number entry running on the administrator's leg (started by a controller that is
 * gone): waits for its result, or uses `adopted.completed`, and reports it like an entry of its own.
 */
export function adoptEntry(host: EffectHost, kind: 'pin' | 'number', adopted: AdoptedEntry): void {
  if (kind === 'pin') collectPin(host, adopted);
  else collectNumber(host, adopted);
}
