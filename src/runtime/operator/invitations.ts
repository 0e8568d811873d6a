// Calls the operator places: a number called straight into a room. The number goes through the same routing
// and allow rules as an administrator's keypad (toll-fraud guard) and counts against the same cap on
// outbound calls up at once; the call is an originate with our own origination uuid into
// `conference:<room>@<profile>` (answered → member of the room), marked on FreeSWITCH like the legs the
// sessions call, so a restarted controller takes it over. The request returns at once; the outcome comes
// later, from the background job (or, for a call taken over, from the leg's own events). No leg outlives
// its purpose: a call still ringing is cancelled when its room is gone, or when dynconf stops.
import { randomUUID } from 'node:crypto';
import type { InviteFailure } from '../../../machines/index.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config/index.js';
import { kill } from '../../esl/commands.js';
import type { DynconfEvent } from '../../esl/events.js';
import { describeCommandError } from '../../esl/result.js';
import type { Logger } from '../../log.js';
import { type AllowedRouteDecision, isDialableNumber } from '../../routing.js';
import type { Commander } from '../commander.js';
import type { OutboundCalls } from '../outbound-calls.js';
import { inviteFailureFor } from '../translate.js';
import { accepted, type OperatorResult, refusal } from './results.js';

/** Extra time past the ring timeout before a background job with no answer is given up (and hung up). */
const JOB_SLACK_SEC = 30;

export interface InvitationPlaced {
  readonly uuid: string;
  readonly room: string;
  readonly number: string;
  readonly state: 'calling';
  /** The routing rule that allowed the number. */
  readonly rule: string;
}

/** A call still ringing. */
export interface InvitationSnapshot {
  readonly uuid: string;
  readonly room: string;
  readonly number: string;
  /** Epoch ms (the runtime's clock). */
  readonly startedAt: number;
}

/** How an invitation ended, in the machine's words for failures. */
export type InvitationEnding = 'answered' | 'cancelled' | InviteFailure;

export type InvitationReport =
  /** Refused before anything was called (what the keypad's refusals count as). */
  | {
      readonly kind: 'refused';
      readonly room: string;
      readonly number: string;
      readonly ending: 'invalid-number' | 'not-allowed';
    }
  /** The call is being placed (the rules and caps allowed it). */
  | {
      readonly kind: 'placed';
      readonly uuid: string;
      readonly room: string;
      readonly number: string;
      readonly rule: string;
    }
  /** A call that was answered (a member of the room) has hung up. */
  | { readonly kind: 'left'; readonly uuid: string }
  | {
      readonly kind: 'ended';
      readonly uuid: string;
      readonly room: string;
      readonly number: string;
      readonly ending: InvitationEnding;
      /** FreeSWITCH's cause, when it gave one (`NO_ANSWER`, `USER_BUSY`, …). */
      readonly cause?: string;
    };

/** A leg of the operator's found on FreeSWITCH by a recovery. */
export interface FoundGuest {
  readonly uuid: string;
  readonly room: string;
  readonly number: string;
  /** Answered already: it needs nothing more, but counts as a call up until it hangs up. */
  readonly answered: boolean;
}

export interface OperatorInvitationsDeps {
  readonly config: Pick<Config, 'routes' | 'conference' | 'maxOutboundLegsPerAdmin' | 'maxOutboundLegs'>;
  readonly commander: Commander;
  /** The invitation service: the same rules, caps, marks and counter as the keypad's calls. */
  readonly outbound: OutboundCalls;
  readonly clock: Clock;
  readonly logger: Logger;
}

interface Pending extends InvitationSnapshot {
  readonly jobUuid: string | undefined;
  cancelled: boolean;
}

export class OperatorInvitations {
  readonly #d: OperatorInvitationsDeps;
  readonly #logger: Logger;
  readonly #pending = new Map<string, Pending>();
  /** Every leg of the operator's up or on its way, until it hangs up (what the shared cap counts). */
  readonly #up = new Map<string, { readonly room: string; readonly number: string }>();
  readonly #reports = new Set<(report: InvitationReport) => void>();
  readonly #changes = new Set<() => void>();
  #closed = false;
  /** The controller is gone: nothing is sent any more, whatever a job still pending says. */
  #stopped = false;

  constructor(deps: OperatorInvitationsDeps) {
    this.#d = deps;
    this.#logger = deps.logger.child({ module: 'invitations' });
  }

  /**
   * Places the call; resolves as soon as FreeSWITCH has it, not when it is answered. `offline`: why
   * FreeSWITCH cannot take commands now (undefined while it can).
   */
  async invite(room: string, number: string, offline?: string): Promise<OperatorResult<InvitationPlaced>> {
    const admitted = this.#admit(room, number, offline);
    return admitted.ok ? this.#place(room, number, admitted.value) : admitted;
  }

  /** The same rules and caps as the keypad's: the route to call, or why not. */
  #admit(room: string, number: string, offline: string | undefined): OperatorResult<AllowedRouteDecision> {
    const { config } = this.#d;
    if (this.#closed) return refusal('unavailable', 'dynconf is stopping');
    if (!isDialableNumber(number)) {
      this.#report({ kind: 'refused', room, number, ending: 'invalid-number' });
      return refusal('invalid', 'number must be 1 to 32 digits (0-9 * #), optionally starting with +');
    }
    for (const [uuid, call] of this.#up) {
      if (call.room !== room || call.number !== number) continue;
      const ringing = this.#pending.has(uuid);
      return refusal(
        'conflict',
        ringing ? `${number} is already being called into ${room}` : `${number} is already in ${room}`,
      );
    }
    const admission = this.#d.outbound.admit({
      source: 'operator',
      number,
      room,
      routes: config.routes,
      callsFromHere: [...this.#pending.values()].filter((p) => p.room === room).length,
      limits: { perAdmin: config.maxOutboundLegsPerAdmin, total: config.maxOutboundLegs },
      logger: this.#logger,
    });
    if (!admission.ok && (admission.reason === 'invalid-number' || admission.reason === 'not-allowed')) {
      this.#report({ kind: 'refused', room, number, ending: admission.reason });
      return refusal('not-allowed', `number not allowed: ${admission.detail}`);
    }
    if (offline !== undefined) return refusal('unavailable', offline);
    return admission.ok ? accepted(admission.route) : refusal('too-many-calls', admission.detail);
  }

  #place(room: string, number: string, route: AllowedRouteDecision): OperatorResult<InvitationPlaced> {
    const { config } = this.#d;
    const uuid = randomUUID();
    const timeoutSec = Math.ceil(route.ringTimeoutMs / 1000);
    const command = this.#d.outbound.place({
      source: 'operator',
      uuid,
      route,
      room,
      timeoutSec,
      profile: config.conference.profile,
    });
    if (!command.ok) return refusal('invalid', `invalid ${command.error.field}: ${command.error.reason}`);
    const jobUuid = randomUUID();
    const pending: Pending = {
      uuid,
      room,
      number,
      startedAt: this.#d.clock.now(),
      jobUuid,
      cancelled: false,
    };
    this.#pending.set(uuid, pending);
    this.#up.set(uuid, { room, number });
    this.#changed();
    this.#logger.info({ uuid, room, rule: route.ruleName, number }, 'operator invitation: calling');
    this.#report({ kind: 'placed', uuid, room, number, rule: route.ruleName });
    // Not awaited: the job lasts as long as the phone rings. Its result settles the invitation.
    const jobMs = (timeoutSec + JOB_SLACK_SEC) * 1000;
    void this.#d.commander.bgapi(command, jobUuid, jobMs, this.#logger).then((result) => {
      if (this.#stopped) return;
      if (result.ok) return this.#settle(pending, 'answered');
      const error = result.error;
      if (error.kind === 'rejected') {
        // The job's body: `-ERR USER_BUSY`. No channel is left.
        this.#up.delete(uuid);
        const cause = error.reply.replace(/^-ERR\s*/, '').trim();
        return this.#settle(pending, pending.cancelled ? 'cancelled' : inviteFailureFor(cause), cause);
      }
      // No result (timeout, connection closed): make sure no call is left ringing, then give up on it.
      this.#logger.warn(
        { uuid, error: describeCommandError(error) },
        'operator invitation: no result; hanging up',
      );
      void this.#hangUp(pending);
      return this.#settle(pending, 'failed', describeCommandError(error));
    });
    return accepted({ uuid, room, number, state: 'calling', rule: route.ruleName });
  }

  /** Hangs up a call of the operator's still ringing into `room`; how it ended comes as a report (`cancelled`). */
  cancel(room: string, uuid: string): OperatorResult<{ readonly uuid: string; readonly room: string }> {
    const pending = this.#pending.get(uuid);
    if (pending === undefined || pending.room !== room)
      return refusal('not-found', `no invitation ${uuid} ringing into ${room}`);
    if (!pending.cancelled) {
      this.#logger.info({ uuid, room }, 'operator invitation cancelled by the operator');
      void this.#hangUp(pending);
    }
    return accepted({ uuid, room });
  }

  /** Invitations still calling. */
  pending(): InvitationSnapshot[] {
    return [...this.#pending.values()].map(({ uuid, room, number, startedAt }) => ({
      uuid,
      room,
      number,
      startedAt,
    }));
  }

  /** Legs of the operator's up or on their way. */
  get legsUp(): number {
    return this.#up.size;
  }

  /** Whether the leg is one of the operator's this controller knows. */
  knows(uuid: string): boolean {
    return this.#up.has(uuid);
  }

  /**
   * A leg of the operator's a recovery found (placed by a controller that is gone): it counts against the
   * cap until it hangs up, and one still ringing is followed to its end like any other.
   */
  adopt(found: FoundGuest): void {
    if (this.#closed || this.#up.has(found.uuid)) return;
    this.#up.set(found.uuid, { room: found.room, number: found.number });
    if (found.answered) return;
    const { uuid, room, number } = found;
    this.#pending.set(uuid, {
      uuid,
      room,
      number,
      startedAt: this.#d.clock.now(),
      jobUuid: undefined,
      cancelled: false,
    });
    this.#logger.info({ uuid, room, number }, 'operator invitation taken over: calling');
    this.#changed();
  }

  /** A recovery read FreeSWITCH's channels: legs it does not have any more hung up meanwhile. */
  retain(exists: (uuid: string) => boolean): void {
    for (const uuid of this.#up.keys()) if (!exists(uuid) && !this.#pending.has(uuid)) this.#up.delete(uuid);
  }

  /** Every event: a leg of the operator's that ends frees its place; a taken-over call ends by its events. */
  observe(event: DynconfEvent): void {
    if (event.type === 'background-job' || event.type === 'conference' || event.type === 'custom') return;
    const uuid = event.channel.uuid;
    if (!this.#up.has(uuid)) return;
    const gone = event.type === 'channel-hangup-complete' || event.type === 'channel-destroy';
    const pending = this.#pending.get(uuid);
    if (gone) {
      this.#up.delete(uuid);
      // Answered (a member of the room) and now gone: its time in the room is over.
      if (pending === undefined) this.#report({ kind: 'left', uuid });
    }
    // Calls placed here are settled by their background job; only a taken-over call has none.
    if (pending === undefined || pending.jobUuid !== undefined) return;
    if (event.type === 'channel-answer') this.#settle(pending, 'answered');
    else if (event.type === 'channel-hangup' || event.type === 'channel-hangup-complete') {
      this.#up.delete(uuid);
      this.#settle(pending, pending.cancelled ? 'cancelled' : inviteFailureFor(event.cause), event.cause);
    } else if (gone) this.#settle(pending, pending.cancelled ? 'cancelled' : 'failed');
  }

  /** The room is gone: calls still ringing into it are cancelled (nobody would be there to meet them). */
  roomGone(room: string): void {
    for (const pending of this.#pending.values()) {
      if (pending.room !== room || pending.cancelled) continue;
      this.#logger.info({ uuid: pending.uuid, room }, 'operator invitation cancelled: its room is gone');
      void this.#hangUp(pending);
    }
  }

  /** How each invitation ended (and each refused number). */
  onReport(listener: (report: InvitationReport) => void): () => void {
    this.#reports.add(listener);
    return () => this.#reports.delete(listener);
  }

  /** The list of pending invitations changed. */
  onChange(listener: () => void): () => void {
    this.#changes.add(listener);
    return () => this.#changes.delete(listener);
  }

  /** dynconf stops: no new call, and every call still ringing is hung up. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#pending.values()].map((pending) => this.#hangUp(pending)));
  }

  /** The controller is gone at once (stop, crash): nothing more is sent; the calls go on in FreeSWITCH. */
  stop(): void {
    this.#closed = true;
    this.#stopped = true;
  }

  async #hangUp(pending: Pending): Promise<void> {
    pending.cancelled = true;
    const reply = await this.#d.commander.api(kill(pending.uuid, 'ORIGINATOR_CANCEL'), this.#logger);
    // `-ERR No such channel!`: not created yet or already gone; the job result settles it either way.
    if (!reply.ok && reply.error.kind !== 'rejected') {
      this.#logger.warn(
        { uuid: pending.uuid, error: describeCommandError(reply.error) },
        'could not hang up an invitation',
      );
    }
  }

  #settle(pending: Pending, ending: InvitationEnding, cause?: string): void {
    if (this.#pending.get(pending.uuid) !== pending) return;
    this.#pending.delete(pending.uuid);
    this.#logger.info(
      { uuid: pending.uuid, room: pending.room, outcome: ending, cause },
      'operator invitation ended',
    );
    this.#report({
      kind: 'ended',
      uuid: pending.uuid,
      room: pending.room,
      number: pending.number,
      ending,
      ...(cause === undefined ? {} : { cause }),
    });
    this.#changed();
  }

  #report(report: InvitationReport): void {
    for (const listener of this.#reports) {
      try {
        listener(report);
      } catch (err) {
        this.#logger.error({ err }, 'invitation listener failed');
      }
    }
  }

  #changed(): void {
    for (const listener of this.#changes) {
      try {
        listener();
      } catch (err) {
        this.#logger.error({ err }, 'invitation listener failed');
      }
    }
  }
}
