// Recovery of one session: events may have been lost (event-socket drop, restart), so its machine and
// its legs are brought in line with what FreeSWITCH has now. recovery/reconcile.ts decides what to do;
// this carries it out on the session.
import type { SessionContext } from '../../machines/index.js';
import { kill } from '../esl/commands.js';
import type { ChannelInfo, EventOf } from '../esl/events.js';
import {
  GONE,
  type LegFacts,
  type ReconcileInput,
  type RecoveryStep,
  reconcileLegs,
  reconcileState,
} from '../recovery/reconcile.js';
import type { EffectHost } from './effects/host.js';
import { holdOtherPartyAgain, prepareEscalation } from './effects/other-party.js';
import { adoptEntry, runEffect } from './effects/table.js';
import { ADOPTED_ENTRY, type Leg } from './legs.js';

/** What FreeSWITCH says about a session's legs, for `Session.recover`. */
export interface SessionFacts {
  readonly admin: LegFacts;
  readonly other: LegFacts | undefined;
  /** By leg id, for the leg ids the machine knows (absent = gone). */
  readonly invitees: ReadonlyMap<string, LegFacts>;
  /** Channels marked for this administrator that the session does not know, outside any room. */
  readonly strays: readonly string[];
  /** The administrator's channel as FreeSWITCH dumped it (its variables hold an unread entry result). */
  readonly adminInfo?: ChannelInfo;
}

export interface RecoveryHost extends EffectHost {
  /** Rebuilt from FreeSWITCH's state rather than started by a call. */
  readonly restored: boolean;
  machine(): { readonly state: string; readonly context: SessionContext; readonly active: boolean };
  /** The session has let go of everything: nothing more is done for it. */
  finished(): boolean;
}

export class SessionRecovery {
  readonly #host: RecoveryHost;
  /** A recovery ran once (a restored session took its legs' places from FreeSWITCH). */
  #recovered = false;

  constructor(host: RecoveryHost) {
    this.#host = host;
  }

  /**
   * A restored session takes over the invitee legs its machine knows. Their originate jobs (if any)
   * answer the old controller, never this one.
   */
  takeOverLegs(context: SessionContext): void {
    for (const [legId, status] of Object.entries(context.legs)) {
      const leg = this.#host.legs.add(legId, 'invitee', legId);
      leg.invitee.jobDone = true;
      leg.invitee.answered = status === 'up';
      leg.invitee.joined = status === 'joined';
      leg.invitee.cancelled = status === 'released';
      leg.invitee.ended = status === 'released';
    }
  }

  /** Brings the machine and the legs in line with `facts`. */
  recover(facts: SessionFacts): void {
    // Only the first recovery of a restored session starts from nothing; later ones find its own work.
    const fresh = this.#host.restored && !this.#recovered;
    this.#takeFacts(facts, fresh);
    const before = this.#host.machine();
    if (!before.active) return;
    this.#runSteps(reconcileLegs(this.#reconcileInput(facts, fresh)), facts, fresh);
    const after = this.#host.machine();
    if (after.active && after.state === before.state) {
      this.#runSteps(reconcileState(this.#reconcileInput(facts, fresh)), facts, fresh);
    }
  }

  /** Legs FreeSWITCH no longer has are gone; a restored session takes where its legs are from FreeSWITCH. */
  #takeFacts(facts: SessionFacts, fresh: boolean): void {
    const { admin, other, legs, logger } = this.#host;
    const take = (leg: Leg, fact: LegFacts) => {
      if (!fact.exists) {
        if (!leg.gone) logger.warn({ leg: leg.uuid, role: leg.role }, 'leg ended while events were lost');
        leg.markGone();
        if (leg.role === 'invitee') leg.invitee.ended = true;
        return;
      }
      leg.seen = true;
      if (!fresh) return;
      // Nothing is known of the old controller's moves: the next move parks the leg first.
      leg.parked = false;
      leg.inRoom = fact.room !== undefined;
      leg.bridgedTo = fact.bridgedTo;
    };
    take(admin, facts.admin);
    if (other) take(other, facts.other ?? GONE);
    for (const legId of Object.keys(this.#host.machine().context.legs)) {
      const leg = legs.get(legId);
      if (leg !== undefined) take(leg, facts.invitees.get(legId) ?? GONE);
    }
    this.#recovered = true;
  }

  #reconcileInput(facts: SessionFacts, fresh: boolean): ReconcileInput {
    const { admin, other, legs } = this.#host;
    const { state, context } = this.#host.machine();
    return {
      state,
      context,
      restored: fresh,
      now: this.#host.now(),
      adminUuid: admin.uuid,
      admin: facts.admin,
      otherUuid: other?.uuid,
      other: facts.other,
      invitees: facts.invitees,
      strays: facts.strays,
      adminBusy: legs.busy(admin),
      otherBusy: legs.busy(other),
    };
  }

  #runSteps(steps: readonly RecoveryStep[], facts: SessionFacts, fresh: boolean): void {
    const host = this.#host;
    for (const step of steps) {
      if (host.finished()) return;
      switch (step.kind) {
        case 'send':
          host.logger.info({ event: step.event.type }, 'recovery: event the session missed');
          // Reported once, whichever signal comes: the leg's later events say nothing new.
          if (step.event.type === 'invitee.answered') {
            const leg = host.legs.get(step.event.legId);
            if (leg !== undefined) leg.invitee.answered = true;
          }
          host.send(step.event);
          break;
        case 'effect':
          if (step.effect.type === 'collectPin' || step.effect.type === 'leaveRoomAndCollectNumber')
            host.logger.info({ effect: step.effect.type }, 'recovery: asking for the entry again');
          else host.logger.info({ effect: step.effect.type }, 'recovery: carrying out again');
          runEffect(host, step.effect);
          break;
        case 'entry':
          this.#takeOverEntry(step, facts.adminInfo, fresh);
          break;
        case 'prepare-escalation':
          prepareEscalation(host);
          break;
        case 'rehold':
          holdOtherPartyAgain(host);
          break;
        case 'hangup':
          host.logger.info({ leg: step.uuid, why: step.why }, 'recovery: hanging up a leg');
          void host.commander.api(kill(step.uuid), host.logger);
          break;
        case 'arm':
          runEffect(host, { type: 'armDeadline', params: { name: step.name, at: step.at } });
          break;
      }
    }
  }

  /**
   * The PIN or number entry found running, or finished with its result unread, on the administrator's leg
   * (a restored session is only sent here for an unread result: one running is asked again at once, see
   * recovery/reconcile.ts). A restored session takes the result over; this controller's own collection
   * gets the completion it missed, or goes on waiting. If neither can be done, the entry is asked again.
   */
  #takeOverEntry(
    step: Extract<RecoveryStep, { kind: 'entry' }>,
    info: ChannelInfo | undefined,
    fresh: boolean,
  ) {
    const host = this.#host;
    const completion = (applicationUuid: string): EventOf<'channel-execute-complete'> | undefined =>
      info === undefined
        ? undefined
        : {
            type: 'channel-execute-complete',
            channel: info,
            application: 'play_and_get_digits',
            applicationData: '',
            applicationResponse: undefined,
            applicationUuid,
          };
    const waiting = host.admin.collecting;
    if (fresh) {
      const completed = step.status === 'completed' ? completion(ADOPTED_ENTRY) : undefined;
      if (completed !== undefined) {
        host.logger.info({ entry: step.entry }, 'recovery: taking over the result of the entry');
        adoptEntry(host, step.entry, { completed });
        return;
      }
    } else if (waiting !== undefined) {
      if (step.status === 'running') return;
      const completed = completion(waiting);
      if (completed !== undefined) {
        host.logger.info({ entry: step.entry }, 'recovery: the entry ended while events were lost');
        host.admin.observe(completed);
        return;
      }
    }
    host.logger.info({ entry: step.entry }, 'recovery: asking for the entry again');
    runEffect(host, step.reask);
    const { context } = host.machine();
    const name = step.entry === 'pin' ? 'pin' : 'dial';
    const bound = name === 'pin' ? context.settings.pinEntryTimeoutMs : context.settings.dialEntryTimeoutMs;
    const due = context.deadlines[name];
    if (due !== undefined)
      runEffect(host, { type: 'armDeadline', params: { name, at: Math.max(due, host.now() + bound) } });
  }
}
