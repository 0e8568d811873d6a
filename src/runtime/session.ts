// One administrator session: the machine actor, the legs it owns (session-legs.ts), a logger bound to the
// call. Started by a call or rebuilt from FreeSWITCH (recovery), it ends when the machine has released it
// and its legs are done (session-ending.ts). What it does on the way is elsewhere: the effects (effects/),
// event delivery and keys (session-events.ts), recovery (session-recovery.ts), drain and hand-off
// (drain.ts); each gets a narrow view of the session. Nothing thrown in here leaves it.
import { randomUUID } from 'node:crypto';
import type { Snapshot } from 'xstate';
import {
  type Flow,
  persistSession,
  type SessionContext,
  type SessionEvent,
  type SessionOutcome,
} from '../../machines/index.js';
import type { Clock } from '../clock.js';
import type { PinVerifier } from '../config/index.js';
import type { DynconfEvent, EventOf } from '../esl/events.js';
import type { Logger } from '../log.js';
import { MarkWriter } from '../recovery/mark-writer.js';
import type { Commander } from './commander.js';
import type { RuntimeCounters } from './counters.js';
import { type DrainHost, drainSession } from './drain.js';
import type { EffectHost } from './effects/host.js';
import { prepareEscalation } from './effects/other-party.js';
import { LegActions } from './leg-actions.js';
import type { Leg } from './legs.js';
import type { LockoutReason, PinGuard } from './lockout.js';
import type { OutboundCalls } from './outbound-calls.js';
import type { SessionRegistry } from './registry.js';
import type { SessionActor, SessionActors } from './session-actors.js';
import { type EndingHost, SessionEnding } from './session-ending.js';
import { type DeliveryHost, SessionEvents } from './session-events.js';
import { SessionLegs } from './session-legs.js';
import { type RecoveryHost, type SessionFacts, SessionRecovery } from './session-recovery.js';
import { type SessionView, stateName } from './session-view.js';
import type { RuntimeSettings } from './settings.js';
import type { DeadlineTimers, ScopedTimers } from './timers.js';

export type { SessionView } from './session-view.js';

export interface SessionDeps {
  readonly commander: Commander;
  readonly clock: Clock;
  /** The controller's logger; the session takes a child bound to its call. */
  readonly logger: Logger;
  readonly settings: RuntimeSettings;
  readonly timers: DeadlineTimers;
  readonly registry: SessionRegistry<Session>;
  readonly actors: SessionActors;
  readonly pins: PinVerifier;
  readonly guard: PinGuard;
  readonly counters: RuntimeCounters;
  /** The invitation service every call placed goes through (keypad and operator alike). */
  readonly outbound: OutboundCalls;
  /** Called once, when the session has ended and let go of everything. */
  readonly onFinished: (session: Session) => void;
  /** Sees every event sent to the machine (metrics: how invitations end). Must not throw. */
  readonly observe?: (sessionId: string, event: SessionEvent) => void;
}

/** The administrator: caller ID (routing templates), dialplan context (tenant) and domain ({domain}). */
export interface SessionCaller {
  readonly number?: string;
  readonly name?: string;
  readonly context?: string;
  readonly domain?: string;
}

export interface SessionInit {
  readonly flow: Flow;
  readonly room: string;
  readonly adminUuid: string;
  /** Flow 2: the other party of the two-party call. */
  readonly otherUuid?: string;
  /** The administrator's caller ID (routing templates) and the brute-force guard's key. */
  readonly caller: SessionCaller;
  readonly lockoutKey: string;
  /** Flow 1: the administrator's leg is parked already (the session starts on its CHANNEL_PARK). */
  readonly adminParked: boolean;
  /** A session rebuilt from what its legs keep on FreeSWITCH (recovery): its id and machine snapshot. */
  readonly restore?: { readonly id: string; readonly snapshot: Snapshot<unknown> };
}

/** The one view of the session its parts get: each declares the part of it it needs. */
type SessionHost = EffectHost & RecoveryHost & DrainHost & DeliveryHost & EndingHost;

export class Session {
  readonly id: string;
  /** Rebuilt from FreeSWITCH's state rather than started by a call. */
  readonly restored: boolean;
  readonly flow: Flow;
  readonly room: string;
  readonly adminUuid: string;
  readonly otherUuid: string | undefined;
  readonly lockoutKey: string;
  /** The administrator's caller ID, context and domain. */
  readonly caller: SessionCaller;
  /** The tenant whose settings the session uses (its context, when configured); undefined: the top level. */
  readonly tenant: string | undefined;
  readonly startedAt: number;
  readonly logger: Logger;
  readonly #deps: SessionDeps;
  readonly #legs: SessionLegs;
  readonly #timers: ScopedTimers;
  readonly #marks: MarkWriter;
  readonly #host: SessionHost;
  readonly #events: SessionEvents;
  readonly #recovery: SessionRecovery;
  readonly #ending: SessionEnding;
  readonly #actor: SessionActor;
  #lastState = '';

  constructor(deps: SessionDeps, init: SessionInit) {
    this.id = init.restore?.id ?? randomUUID().slice(0, 8);
    this.restored = init.restore !== undefined;
    this.#deps = deps;
    this.flow = init.flow;
    this.room = init.room;
    this.adminUuid = init.adminUuid;
    this.otherUuid = init.otherUuid;
    this.lockoutKey = init.lockoutKey;
    this.caller = init.caller;
    this.tenant = deps.settings.tenant;
    this.startedAt = deps.clock.now();
    this.logger = deps.logger.child({ session: this.id, adminUuid: init.adminUuid, room: init.room });
    this.#timers = deps.timers.scoped(this.id);
    this.#legs = new SessionLegs({
      clock: deps.clock,
      logger: this.logger,
      register: (leg) => deps.registry.addLeg(this, leg),
      onIdle: () => this.#ending.check(),
      onFault: (err, message) => this.#fault(err, message),
    });
    const actions = new LegActions({
      commander: deps.commander,
      clock: deps.clock,
      logger: this.logger,
      profile: deps.settings.profile,
      leg: (uuid) => this.#legs.get(uuid),
    });
    const admin = this.#legs.add(init.adminUuid, 'admin');
    admin.parked = init.adminParked;
    admin.seen = true;
    const other = init.otherUuid === undefined ? undefined : this.#legs.add(init.otherUuid, 'other');
    if (other) other.seen = true;
    deps.registry.addRoom(this, init.room);
    this.#marks = new MarkWriter(deps.commander, this.logger, {
      id: this.id,
      flow: init.flow,
      room: init.room,
      adminUuid: init.adminUuid,
      otherUuid: init.otherUuid,
    });
    this.#host = this.#hostFor(init, admin, other, actions);
    this.#ending = new SessionEnding(this.#host);
    this.#events = new SessionEvents(this.#host);
    this.#recovery = new SessionRecovery(this.#host);
    this.#actor = deps.actors.create(
      this.#host,
      init.restore !== undefined
        ? { snapshot: init.restore.snapshot }
        : {
            input: {
              flow: init.flow,
              at: this.startedAt,
              room: init.room,
              otherPartyPresent: init.otherUuid !== undefined,
              ...deps.settings.session,
            },
          },
    );
    this.#actor.subscribe({
      next: (snapshot) => {
        const state = stateName(snapshot.value);
        if (state !== this.#lastState) {
          this.logger.debug({ from: this.#lastState || undefined, to: state }, 'session state');
          this.#lastState = state;
        }
        if (!admin.gone) this.#marks.update(state, persistSession(this.#actor.getPersistedSnapshot()));
        if (snapshot.status === 'done') this.#ending.check();
      },
      error: (err) => this.#crashed(err, 'session machine failed'),
    });
  }

  /** Starts the machine. `lockedOut`: the caller may not try a PIN now (brute-force guard). */
  start(options: { lockedOut?: LockoutReason } = {}): void {
    this.#deps.registry.add(this);
    this.#deps.counters.sessionsStarted++;
    this.logger.info({ flow: this.flow, otherUuid: this.otherUuid }, 'session started');
    // The marks go out before any effect: FreeSWITCH knows the legs are this session's first.
    this.#marks.start();
    if (this.flow === 'escalation') prepareEscalation(this.#host);
    try {
      this.#actor.start();
    } catch (err) {
      this.#crashed(err, 'session could not start');
      return;
    }
    if (options.lockedOut !== undefined) {
      this.#deps.counters.lockouts++;
      this.logger.warn(
        { caller: this.lockoutKey, reason: options.lockedOut },
        'caller is locked out; PIN refused',
      );
      this.send({ type: 'caller.lockedOut', at: this.now() });
    }
  }

  /**
   * A session rebuilt from its legs' marks (see RuntimeRecovery): takes over its legs as FreeSWITCH has
   * them, starts the machine from the snapshot (no entry effect runs again), then reconciles.
   */
  resume(facts: SessionFacts): void {
    this.#deps.registry.add(this);
    this.#deps.counters.sessionsRestored++;
    this.#marks.start();
    this.#recovery.takeOverLegs(this.machine().context);
    try {
      this.#actor.start();
    } catch (err) {
      this.#crashed(err, 'restored session could not start');
      return;
    }
    this.logger.info(
      { flow: this.flow, state: stateName(this.#actor.getSnapshot().value), otherUuid: this.otherUuid },
      'session restored',
    );
    this.recover(facts);
  }

  now(): number {
    return this.#deps.clock.now();
  }

  /** The machine's state (`stateName`) and context. */
  /** How the session ended (once its machine released it). */
  get outcome(): SessionOutcome | undefined {
    return this.#ending.outcome;
  }

  machine(): { readonly state: string; readonly context: SessionContext; readonly active: boolean } {
    const snapshot = this.#actor.getSnapshot();
    return {
      state: stateName(snapshot.value),
      context: snapshot.context,
      active: snapshot.status === 'active',
    };
  }

  /** Sends an event to the machine (ignored once it has ended). */
  send(event: SessionEvent): void {
    if (this.#actor.getSnapshot().status !== 'active') return;
    try {
      this.#deps.observe?.(this.id, event);
      this.#actor.send(event);
    } catch (err) {
      this.#fault(err, 'session machine refused an event');
    }
  }

  /** An event the registry routed to one of this session's legs. */
  deliver(event: DynconfEvent, leg: Leg): void {
    try {
      this.#events.channel(event, leg);
    } catch (err) {
      this.#fault(err, 'event handling failed');
    }
    this.#ending.check();
  }

  /** The result of an originate this session sent for invitee leg `inviteeId`. */
  deliverJob(event: EventOf<'background-job'>, inviteeId: string): void {
    try {
      this.#events.job(event, inviteeId);
    } catch (err) {
      this.#fault(err, 'event handling failed');
    }
    this.#ending.check();
  }

  /** A conference event of this session's room without a channel of its own. */
  deliverRoomEvent(event: EventOf<'conference'>): void {
    this.#events.room(event);
  }

  /**
   * Events may have been lost (event-socket drop, restart): brings the machine and the legs in line with
   * what FreeSWITCH has now (session-recovery.ts).
   */
  recover(facts: SessionFacts): void {
    if (this.#ending.finished) return;
    try {
      this.#recovery.recover(facts);
    } catch (err) {
      this.#fault(err, 'recovery of the session failed');
    } finally {
      this.#ending.check();
    }
  }

  /** The controller is shutting down: leaves the call in a safe place (drain.ts). */
  drain(): void {
    drainSession(this.#host);
  }

  /** Nothing left to wait for before the controller exits: ended and let go, or in the room with no call pending. */
  get settled(): boolean {
    if (this.#ending.finished) return true;
    const { state, active } = this.machine();
    if (active && state !== 'inRoom') return false;
    if (this.#legs.anyBusy) return false;
    return this.#legs.liveInvitees().length === 0;
  }

  get finished(): boolean {
    return this.#ending.finished;
  }

  leg(uuid: string): Leg | undefined {
    return this.#legs.get(uuid);
  }

  /** RoutableSession: a channel of an invitee's call (loopback legs, a forward to voicemail). */
  adoptRelatedLeg(uuid: string, inviteeId: string): Leg {
    return this.#legs.addRelated(uuid, inviteeId);
  }

  view(): SessionView {
    const snapshot = this.#actor.getSnapshot();
    const invitation = snapshot.context.invitation;
    return {
      id: this.id,
      flow: this.flow,
      state: stateName(snapshot.value),
      room: this.room,
      adminUuid: this.adminUuid,
      ...(this.otherUuid === undefined ? {} : { otherUuid: this.otherUuid }),
      ...(invitation === null
        ? {}
        : { inviteeUuid: invitation.legId, inviteeStatus: snapshot.context.legs[invitation.legId] }),
      ...(this.#ending.outcome === undefined ? {} : { outcome: this.#ending.outcome }),
      startedAt: this.startedAt,
    };
  }

  /** The controller is stopping: forget timers and let go without waiting for legs. */
  dispose(): void {
    this.#timers.cancelAll();
    try {
      this.#actor.stop();
    } catch {
      // already stopped
    }
    this.#ending.finish();
  }

  // -----------------------------------------------------------------------------------------------

  /** The view of this session its parts get (effects, delivery, recovery, drain, ending). */
  #hostFor(init: SessionInit, admin: Leg, other: Leg | undefined, actions: LegActions): SessionHost {
    const deps = this.#deps;
    return {
      logger: this.logger,
      settings: deps.settings,
      commander: deps.commander,
      counters: deps.counters,
      legs: this.#legs,
      admin,
      actions,
      now: () => this.now(),
      send: (event) => this.send(event),
      lockoutKey: init.lockoutKey,
      pins: deps.pins,
      guard: deps.guard,
      room: init.room,
      caller: init.caller,
      routes: new Map(),
      registerJob: (jobUuid, legId) => deps.registry.addJob(this, jobUuid, legId),
      outbound: deps.outbound,
      other,
      hold: { wanted: true },
      timers: this.#timers,
      release: (outcome) => this.#ending.release(outcome),
      restored: this.restored,
      machine: () => this.machine(),
      finished: () => this.#ending.finished,
      flow: init.flow,
      clearMarks: () => this.#marks.clear(),
      dispose: () => this.dispose(),
      machineActive: () => this.#actor.getSnapshot().status === 'active',
      letGo: () => this.#letGo(),
    };
  }

  #letGo(): void {
    this.#deps.registry.remove(this);
    this.#deps.counters.sessionsFinished++;
    this.logger.debug('session let go of its legs');
    try {
      this.#deps.onFinished(this);
    } catch (err) {
      this.logger.error({ err }, 'session finish listener failed');
    }
  }

  /** The machine itself failed (a bug): end what this session called, let go of the rest, keep others going. */
  #crashed(err: unknown, message: string): void {
    this.#fault(err, message);
    this.#ending.crashed();
  }

  #fault(err: unknown, message: string): void {
    this.#deps.counters.sessionErrors++;
    this.logger.error({ err }, message);
  }
}
