// Brings one session's machine and FreeSWITCH back in line after events may have been lost (event-socket
// drop, event gap) or the controller restarted (the machine restored from the administrator's leg).
// Pure: what the machine believes and what FreeSWITCH has go in; the steps to take come out.
//
// Two rounds. `reconcileLegs` reports legs that went away as the events the machine missed (the admin,
// the other party, the invitee hung up) and tidies legs the machine no longer wants (hung up but still
// there, handed to the room but not in it, unknown to it). If none of that moved the machine,
// `reconcileState` finishes what the state stands for: it re-asks an entry whose result may be lost or
// that a restored session finds running (PIN, number: the prompt is played again at once), re-sends a move that did not happen (admin into the room, the private bridge, the call
// restored), reports what did happen (answered, rebridged, in the room), and re-arms the deadlines.
import type { EffectRequest, SessionContext, SessionEvent } from '../../machines/index.js';

/**
 * A digit entry (play_and_get_digits) on the leg: `running` (the last app started, no result yet),
 * `completed` (a result nobody has read: `read_result` is set), or `none`.
 */
export type EntryFacts = 'running' | 'completed' | 'none';

/** What FreeSWITCH says about one leg of the session. */
export interface LegFacts {
  readonly exists: boolean;
  readonly answered: boolean;
  /** The room it is a member of. */
  readonly room: string | undefined;
  /** The leg it is bridged with. */
  readonly bridgedTo: string | undefined;
  readonly entry: EntryFacts;
}

export const GONE: LegFacts = {
  exists: false,
  answered: false,
  room: undefined,
  bridgedTo: undefined,
  entry: 'none',
};

export interface ReconcileInput {
  /** The machine's state, as `stateName` writes it (`inRoom`, `invitation.talking`, …). */
  readonly state: string;
  readonly context: SessionContext;
  /** True for a session rebuilt from its snapshot (nothing of the old controller's work is running). */
  readonly restored: boolean;
  readonly now: number;
  readonly adminUuid: string;
  readonly admin: LegFacts;
  readonly otherUuid: string | undefined;
  readonly other: LegFacts | undefined;
  /** Facts of every leg id in `context.legs` (absent = gone). */
  readonly invitees: ReadonlyMap<string, LegFacts>;
  /** Channels marked for this administrator that the machine does not know, outside any room. */
  readonly strays: readonly string[];
  /** Work for the administrator's leg is queued or running (it will finish a move by itself). */
  readonly adminBusy: boolean;
  /** Same for the other party's leg. */
  readonly otherBusy: boolean;
}

export type RecoveryStep =
  /** An event the machine missed. */
  | { readonly kind: 'send'; readonly event: SessionEvent }
  /** An effect to carry out again (every effect is idempotent). */
  | { readonly kind: 'effect'; readonly effect: EffectRequest }
  /**
   * The PIN or number entry on the administrator's leg is still there: `running` (a session of this
   * controller waits for its result) or `completed` (its result is on the channel, unread: fed to the
   * session's collection, or taken over by a restored session). Where neither holds, it is asked again.
   */
  | {
      readonly kind: 'entry';
      readonly entry: 'pin' | 'number';
      readonly status: 'running' | 'completed';
      /** The effect that asks again, if the entry cannot be taken over. */
      readonly reask: EffectRequest;
    }
  /** Flow 2: the presser is still in the two-party call: take them out of it (park_after_bridge, park). */
  | { readonly kind: 'prepare-escalation' }
  /** Flow 2: the other party hears hold music again (what played before is stopped first). */
  | { readonly kind: 'rehold' }
  /** Hang up a leg the machine no longer wants (already released, or unknown to it). */
  | { readonly kind: 'hangup'; readonly uuid: string; readonly why: string }
  /** Arm a deadline (at or after `at`). */
  | { readonly kind: 'arm'; readonly name: 'pin' | 'dial' | 'ring'; readonly at: number };

const legOf = (input: ReconcileInput, legId: string): LegFacts => input.invitees.get(legId) ?? GONE;

/** Round one: legs that ended, and legs the machine no longer wants. */
export function reconcileLegs(input: ReconcileInput): RecoveryStep[] {
  const { context, now: at } = input;
  if (!input.admin.exists) return [{ kind: 'send', event: { type: 'admin.hungUp', at } }];
  const steps: RecoveryStep[] = [];
  if (context.otherParty === 'held' && input.other !== undefined && !input.other.exists) {
    steps.push({ kind: 'send', event: { type: 'other.hungUp', at } });
  }
  const current = context.invitation?.legId;
  for (const [legId, status] of Object.entries(context.legs)) {
    const leg = legOf(input, legId);
    if (status === 'calling' || status === 'up') {
      if (leg.exists || legId !== current) continue;
      steps.push({
        kind: 'send',
        event:
          status === 'up'
            ? { type: 'invitee.hungUp', at, legId }
            : { type: 'invitee.failed', at, legId, reason: 'failed' },
      });
    } else if (status === 'released') {
      if (leg.exists && leg.room === undefined) {
        steps.push({ kind: 'hangup', uuid: legId, why: 'the session had hung it up' });
      }
    } else if (status === 'joined' && leg.exists && leg.room !== context.room) {
      steps.push({
        kind: 'effect',
        effect: { type: 'moveInviteeIntoRoom', params: { legId, room: context.room } },
      });
    }
  }
  for (const uuid of input.strays) {
    steps.push({ kind: 'hangup', uuid, why: 'a leg of this administrator the session does not know' });
  }
  return steps;
}

/** Round two: finish what the machine's state stands for. Run it only if round one left the state as it was. */
export function reconcileState(input: ReconcileInput): RecoveryStep[] {
  const { context, now, state } = input;
  const steps: RecoveryStep[] = [];
  const reasked = new Set<'pin' | 'dial'>();
  const effect = (request: EffectRequest) => steps.push({ kind: 'effect', effect: request });
  const invitation = context.invitation;
  const invitee = invitation === null ? undefined : legOf(input, invitation.legId);
  switch (state) {
    case 'authenticating': {
      const other = input.other;
      if (context.otherParty === 'held' && other?.exists === true && input.restored) {
        if (input.admin.bridgedTo === input.otherUuid) steps.push({ kind: 'prepare-escalation' });
        else steps.push({ kind: 'rehold' });
      }
      const reask: EffectRequest = {
        type: 'collectPin',
        params: { attempt: context.pinFailures + 1, maxAttempts: context.settings.maxPinAttempts },
      };
      if (!takeOverEntry(input, 'pin', reask, steps)) reasked.add('pin');
      break;
    }
    case 'restoringCall':
      if (input.otherUuid !== undefined && input.admin.bridgedTo === input.otherUuid) {
        steps.push({ kind: 'send', event: { type: 'parties.rebridged', at: now } });
      } else if (!input.adminBusy) effect({ type: 'rebridgeParties', params: undefined });
      break;
    case 'inRoom':
      if (input.admin.room === context.room) {
        if (!context.adminInRoom) steps.push({ kind: 'send', event: { type: 'room.joined', at: now } });
      } else if (!input.adminBusy) {
        effect({ type: 'returnAdminToRoom', params: { room: context.room } });
      }
      if (
        context.otherParty === 'in-room' &&
        input.other?.exists === true &&
        input.other.room !== context.room &&
        !input.otherBusy
      ) {
        effect({ type: 'moveOtherPartyIntoRoom', params: { room: context.room } });
      }
      break;
    case 'dialing':
      if (!takeOverEntry(input, 'number', { type: 'leaveRoomAndCollectNumber', params: undefined }, steps)) {
        reasked.add('dial');
      }
      break;
    case 'invitation.ringing':
      if (invitation === null || invitee === undefined || !invitee.exists) break;
      if (invitee.answered) {
        steps.push({ kind: 'send', event: { type: 'invitee.answered', at: now, legId: invitation.legId } });
      } else if (input.restored && input.admin.room === undefined && input.admin.bridgedTo === undefined) {
        effect({ type: 'playRingback', params: undefined });
      }
      break;
    case 'invitation.talking':
    case 'invitation.voicemail':
      if (invitation === null || invitee === undefined || !invitee.exists) break;
      if (input.admin.bridgedTo !== invitation.legId && !input.adminBusy) {
        effect({ type: 'bridgeAdminAndInvitee', params: { legId: invitation.legId } });
      }
      break;
  }
  steps.push(...deadlines(input, reasked));
  return steps;
}

/**
 * The entry the machine waits for: its result is taken over when it is unread on the channel; an entry
 * still running is left to this controller's own collection, which waits for it. Anything else is asked
 * again at once (the prompt played again, the one running cut short): a result that was lost, and an
 * entry a restored session finds running. That entry's prompt was heard before the controller went away
 * and its wait may have most of its time to go; taking it over would leave the caller in silence until
 * then, and the keys typed meanwhile may be half a PIN. False when asked again.
 */
function takeOverEntry(
  input: ReconcileInput,
  entry: 'pin' | 'number',
  reask: EffectRequest,
  steps: RecoveryStep[],
): boolean {
  const status = input.admin.entry;
  if (status === 'none' || (status === 'running' && input.restored)) {
    steps.push({ kind: 'effect', effect: reask });
    return false;
  }
  steps.push({ kind: 'entry', entry, status, reask });
  return true;
}

/**
 * Deadlines to arm: every one of a restored session (its timers died with the old controller); for an
 * entry asked again, not before a whole new entry could have ended.
 */
function deadlines(input: ReconcileInput, reasked: ReadonlySet<'pin' | 'dial'>): RecoveryStep[] {
  const { context, now } = input;
  const steps: RecoveryStep[] = [];
  const bound = { pin: context.settings.pinEntryTimeoutMs, dial: context.settings.dialEntryTimeoutMs };
  for (const name of ['pin', 'dial', 'ring'] as const) {
    const at = context.deadlines[name];
    if (at === undefined) continue;
    if (name !== 'ring' && reasked.has(name)) {
      steps.push({ kind: 'arm', name, at: Math.max(at, now + bound[name]) });
    } else if (input.restored) steps.push({ kind: 'arm', name, at });
  }
  return steps;
}
