// One administrator session: the machine actor (machines/ withEffects), the legs it owns, one effect
// queue per leg, and a logger bound to the call. Events routed to it are translated into machine events;
// effects the machine asks for become FreeSWITCH commands (effects.ts). Nothing thrown in here leaves it.
import { randomUUID } from 'node:crypto';
import type { Actor, Snapshot } from 'xstate';
import {
  type EffectRequest,
  type Flow,
  IDLE_KEYS,
  type KeyState,
  persistSession,
  readKey,
  type SessionContext,
  type SessionEffects,
  type SessionEvent,
  type SessionOutcome,
} from '../../machines/index.js';
import type { Clock } from '../clock.js';
import type { PinVerifier } from '../config/index.js';
import { breakMedia, kill, transferToExtension } from '../esl/commands.js';
import type { ChannelInfo, DynconfEvent, EventOf } from '../esl/events.js';
import type { Logger } from '../log.js';
import { MarkWriter } from '../recovery/mark-writer.js';
import {
  GONE,
  type LegFacts,
  type ReconcileInput,
  type RecoveryStep,
  reconcileLegs,
  reconcileState,
} from '../recovery/reconcile.js';
import type { AllowedRouteDecision } from '../routing.js';
import type { Commander } from './commander.js';
import { handleConferenceEvent } from './conference-actions.js';
import type { RuntimeCounters } from './counters.js';
import { createEffects, type RuntimeEffects } from './effects.js';
import { LegActions, PARK_AFTER_BRIDGE } from './leg-actions.js';
import { LegQueue } from './leg-queue.js';
import { ADOPTED_ENTRY, Leg, type LegRole } from './legs.js';
import type { LockoutReason, PinGuard } from './lockout.js';
import type { SessionRegistry } from './registry.js';
import { createSharedSessionActor, driving, type SessionLogic } from './session-logic.js';
import type { RuntimeSettings } from './settings.js';
import type { DeadlineTimers } from './timers.js';
import {
  type LegDescription,
  type Translation,
  translateChannelEvent,
  translateOriginateJob,
} from './translate.js';

/** How long (clock ms) a released session waits for the legs it hung up to go before it lets go of them. */
export const LINGER_MS = 30_000;

export interface SessionDeps {
  readonly commander: Commander;
  readonly clock: Clock;
  /** The controller's logger; the session takes a child bound to its call. */
  readonly logger: Logger;
  readonly settings: RuntimeSettings;
  readonly timers: DeadlineTimers;
  readonly registry: SessionRegistry<Session>;
  readonly pins: PinVerifier;
  readonly guard: PinGuard;
  readonly counters: RuntimeCounters;
  /** Called once, when the session has ended and let go of everything. */
  readonly onFinished: (session: Session) => void;
  /** Sees every event sent to the machine (metrics: how invitations end). Must not throw. */
  readonly observe?: (sessionId: string, event: SessionEvent) => void;
}

export interface SessionInit {
  readonly flow: Flow;
  readonly room: string;
  readonly adminUuid: string;
  /** Flow 2: the other party of the two-party call. */
  readonly otherUuid?: string;
  /** The administrator's caller ID (routing templates) and the brute-force guard's key. */
  readonly caller: { readonly number?: string; readonly name?: string };
  readonly lockoutKey: string;
  /** Flow 1: the administrator's leg is parked already (the session starts on its CHANNEL_PARK). */
  readonly adminParked: boolean;
  /** A session rebuilt from what its legs keep on FreeSWITCH (recovery): its id and machine snapshot. */
  readonly restore?: { readonly id: string; readonly snapshot: Snapshot<unknown> };
}

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

/** Where the access number's dialplan sends a call nobody serves ("service unavailable"; dialplan/dynconf.xml). */
export const ACCESS_FALLBACK = { extension: 'dynconf_unavailable', context: 'dynconf' } as const;

/** A read-only picture of a session, for tests and operators. */
export interface SessionView {
  readonly id: string;
  readonly flow: Flow;
  /** The machine's state, e.g. `authenticating`, `inRoom`, `invitation.talking`, `ended`. */
  readonly state: string;
  readonly room: string;
  readonly adminUuid: string;
  readonly otherUuid?: string;
  /** The invitee leg of the invitation in progress (or the last one) and what the machine knows of it. */
  readonly inviteeUuid?: string;
  readonly inviteeStatus?: string;
  readonly outcome?: SessionOutcome;
  readonly startedAt: number;
}

export class Session {
  readonly id: string;
  /** Rebuilt from FreeSWITCH's state rather than started by a call. */
  readonly restored: boolean;
  readonly flow: Flow;
  readonly room: string;
  readonly adminUuid: string;
  readonly otherUuid: string | undefined;
  readonly caller: SessionInit['caller'];
  readonly lockoutKey: string;
  readonly startedAt: number;
  readonly logger: Logger;
  readonly deps: SessionDeps;
  readonly actions: LegActions;
  readonly admin: Leg;
  readonly other: Leg | undefined;
  /** Routes resolved for invitee legs, by leg id (the dial string is not the machine's business). */
  readonly routes = new Map<string, AllowedRouteDecision>();
  /** Flow 2: the other party should hear hold music (false once it is bridged back or moved). */
  holdWanted = true;
  /** The machine's effects as FreeSWITCH commands (effects.ts); recovery carries some out again. */
  readonly effects: RuntimeEffects;
  readonly #marks: MarkWriter;
  readonly #legs = new Map<string, Leg>();
  readonly #queues = new Map<string, LegQueue>();
  readonly #actor: Actor<SessionLogic>;
  #keys: KeyState = IDLE_KEYS;
  #outcome: SessionOutcome | undefined;
  #finished = false;
  #lingerArmed = false;
  #lastState = '';
  /** recover() ran once (a restored session took its legs' places from FreeSWITCH). */
  #recovered = false;

  constructor(deps: SessionDeps, init: SessionInit) {
    this.id = init.restore?.id ?? randomUUID().slice(0, 8);
    this.restored = init.restore !== undefined;
    this.deps = deps;
    this.flow = init.flow;
    this.room = init.room;
    this.adminUuid = init.adminUuid;
    this.otherUuid = init.otherUuid;
    this.caller = init.caller;
    this.lockoutKey = init.lockoutKey;
    this.startedAt = deps.clock.now();
    this.logger = deps.logger.child({ session: this.id, adminUuid: init.adminUuid, room: init.room });
    this.actions = new LegActions({
      commander: deps.commander,
      clock: deps.clock,
      logger: this.logger,
      profile: deps.settings.profile,
      leg: (uuid) => this.#legs.get(uuid),
    });
    this.admin = this.addLeg(init.adminUuid, 'admin');
    this.admin.parked = init.adminParked;
    this.admin.seen = true;
    this.other = init.otherUuid === undefined ? undefined : this.addLeg(init.otherUuid, 'other');
    if (this.other) this.other.seen = true;
    deps.registry.addRoom(this, init.room);
    this.#marks = new MarkWriter(deps.commander, this.logger, {
      id: this.id,
      flow: init.flow,
      room: init.room,
      adminUuid: init.adminUuid,
      otherUuid: init.otherUuid,
    });
    this.effects = createEffects(this);
    this.#actor = createSharedSessionActor(
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
        if (!this.admin.gone) this.#marks.update(state, persistSession(this.#actor.getPersistedSnapshot()));
        if (snapshot.status === 'done') this.#checkFinished();
      },
      error: (err) => this.#crashed(err, 'session machine failed'),
    });
  }

  /** Starts the machine. `lockedOut`: the caller may not try a PIN now (brute-force guard). */
  start(options: { lockedOut?: LockoutReason } = {}): void {
    this.deps.registry.add(this);
    this.deps.counters.sessionsStarted++;
    this.logger.info({ flow: this.flow, otherUuid: this.otherUuid }, 'session started');
    // The marks go out before any effect: FreeSWITCH knows the legs are this session's first.
    this.#marks.start();
    if (this.flow === 'escalation') this.prepareEscalation();
    try {
      driving(this.effects, () => this.#actor.start());
    } catch (err) {
      this.#crashed(err, 'session could not start');
      return;
    }
    if (options.lockedOut !== undefined) {
      this.deps.counters.lockouts++;
      this.logger.warn(
        { caller: this.lockoutKey, reason: options.lockedOut },
        'caller is locked out; PIN refused',
      );
      this.send({ type: 'caller.lockedOut', at: this.now() });
    }
  }

  now(): number {
    return this.deps.clock.now();
  }

  /**
   * A session rebuilt from its legs' marks (see Runtime.recover): takes over its legs as FreeSWITCH has
   * them, starts the machine from the snapshot (no entry effect runs again), then reconciles.
   */
  resume(facts: SessionFacts): void {
    this.deps.registry.add(this);
    this.deps.counters.sessionsRestored++;
    this.#marks.start();
    const { context } = this.machine();
    for (const [legId, status] of Object.entries(context.legs)) {
      const leg = this.addLeg(legId, 'invitee', legId);
      // Its originate job (if any) answers the old controller, never this one.
      leg.invitee.jobDone = true;
      leg.invitee.answered = status === 'up';
      leg.invitee.joined = status === 'joined';
      leg.invitee.cancelled = status === 'released';
      leg.invitee.ended = status === 'released';
    }
    try {
      driving(this.effects, () => this.#actor.start());
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

  /** The machine's state (`stateName`) and context. */
  machine(): { readonly state: string; readonly context: SessionContext; readonly active: boolean } {
    const snapshot = this.#actor.getSnapshot();
    return {
      state: stateName(snapshot.value),
      context: snapshot.context,
      active: snapshot.status === 'active',
    };
  }

  /**
   * Events may have been lost (event-socket drop, restart): brings the machine and the legs in line with
   * what FreeSWITCH has now (recovery/reconcile.ts decides; this carries it out).
   */
  recover(facts: SessionFacts): void {
    if (this.#finished) return;
    // Only the first recovery of a restored session starts from nothing; later ones find its own work.
    const fresh = this.restored && !this.#recovered;
    try {
      this.#takeFacts(facts, fresh);
      const before = this.machine();
      if (!before.active) return;
      this.#runSteps(reconcileLegs(this.#reconcileInput(facts, fresh)), facts, fresh);
      const after = this.machine();
      if (after.active && after.state === before.state) {
        this.#runSteps(reconcileState(this.#reconcileInput(facts, fresh)), facts, fresh);
      }
    } catch (err) {
      this.#fault(err, 'recovery of the session failed');
    } finally {
      this.#checkFinished();
    }
  }

  /**
   * The controller is shutting down: leaves the call in a safe place. PIN entry of flow 1 goes to the
   * dialplan's "service unavailable" fallback; flow 2 restores the two-party call; number entry and a
   * ringing or voicemail invitee: the administrator back in the room alone; a private talk: both into the
   * room (`**`), except on a trunk without answer supervision (the far end may still be ringing), where
   * the invitee is hung up. A session in the room stays as it is.
   */
  drain(): void {
    const { state, context, active } = this.machine();
    if (!active) return;
    const at = this.now();
    const key = (command: 'join-with-guest' | 'return-alone') =>
      this.send({ type: 'key.command', at, command });
    switch (state) {
      case 'authenticating':
        if (this.flow === 'escalation') this.send({ type: 'pin.entered', at, result: 'no-input' });
        else this.#handOffToFallback();
        break;
      case 'dialing':
        this.send({ type: 'number.none', at });
        break;
      case 'invitation.ringing':
      case 'invitation.voicemail':
        key('return-alone');
        break;
      case 'invitation.talking':
        key(context.invitation?.route.answerSupervision === false ? 'return-alone' : 'join-with-guest');
        break;
    }
  }

  /** Nothing left to wait for before the controller exits: ended and let go, or in the room with no call pending. */
  get settled(): boolean {
    if (this.#finished) return true;
    const { state, active } = this.machine();
    if (active && state !== 'inRoom') return false;
    for (const queue of this.#queues.values()) if (queue.busy) return false;
    return ![...this.#legs.values()].some((leg) => leg.liveInvitee);
  }

  /** Sends an event to the machine (ignored once it has ended). */
  send(event: SessionEvent): void {
    if (this.#actor.getSnapshot().status !== 'active') return;
    try {
      this.deps.observe?.(this.id, event);
      driving(this.effects, () => this.#actor.send(event));
    } catch (err) {
      this.#fault(err, 'session machine refused an event');
    }
  }

  addLeg(uuid: string, role: LegRole, inviteeId?: string): Leg {
    const existing = this.#legs.get(uuid);
    if (existing) return existing;
    const leg = new Leg(uuid, role, this.deps.clock, inviteeId);
    this.#legs.set(uuid, leg);
    this.deps.registry.addLeg(this, leg);
    return leg;
  }

  /** RoutableSession: a channel of an invitee's call (loopback legs, a forward to voicemail). */
  adoptRelatedLeg(uuid: string, inviteeId: string): Leg {
    const existing = this.#legs.get(uuid);
    if (existing) return existing;
    const leg = new Leg(uuid, 'related', this.deps.clock, inviteeId);
    this.#legs.set(uuid, leg);
    this.logger.debug({ leg: uuid, inviteeId }, 'related leg of the invitee');
    return leg;
  }

  leg(uuid: string): Leg | undefined {
    return this.#legs.get(uuid);
  }

  queue(leg: Leg): LegQueue {
    let queue = this.#queues.get(leg.uuid);
    if (queue === undefined) {
      queue = new LegQueue(this.logger.child({ leg: leg.uuid }), () => this.#checkFinished());
      this.#queues.set(leg.uuid, queue);
    }
    return queue;
  }

  /** Queues a step on a leg (see LegQueue); a failure is logged and counted, never thrown. */
  enqueue(leg: Leg, name: string, step: () => Promise<void>): void {
    this.queue(leg).push(name, async () => {
      try {
        await step();
      } catch (err) {
        this.#fault(err, `effect ${name} failed`);
      }
    });
  }

  /** The machine's last effect: the session is over; let go once its queues and legs are done. */
  release(outcome: SessionOutcome): void {
    if (this.#outcome !== undefined) return;
    this.#outcome = outcome;
    // The two-party call goes on as a plain call: nothing on its legs may make it a session again.
    if (outcome === 'call-restored') this.#marks.clear();
    this.deps.counters.outcomes[outcome] = (this.deps.counters.outcomes[outcome] ?? 0) + 1;
    this.logger.info({ outcome }, 'session ended');
    queueMicrotask(() => this.#checkFinished());
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** An event the registry routed to one of this session's legs. */
  deliver(event: DynconfEvent, leg: Leg): void {
    try {
      this.#deliver(event, leg);
    } catch (err) {
      this.#fault(err, 'event handling failed');
    }
    this.#checkFinished();
  }

  deliverJob(event: EventOf<'background-job'>, inviteeId: string): void {
    try {
      const leg = this.#legs.get(inviteeId);
      if (leg === undefined) return;
      if (!event.ok && leg.seen && !leg.gone) {
        // The channel exists: its own events tell how the call ends. (An originate replayed after a
        // reconnect fails on the uuid already in use, while the first attempt still rings.)
        leg.invitee.jobDone = true;
        this.logger.info({ leg: inviteeId, result: event.reply }, 'originate result ignored: the leg is up');
        return;
      }
      this.#apply(leg, translateOriginateJob(event, describeLeg(leg, this.#legs), this.now()));
      if (!event.ok) this.logger.info({ leg: inviteeId, result: event.reply }, 'invitee call attempt ended');
      else this.#rekillIfCancelled(leg);
    } catch (err) {
      this.#fault(err, 'event handling failed');
    }
    this.#checkFinished();
  }

  deliverRoomEvent(event: EventOf<'conference'>): void {
    const outcome = handleConferenceEvent(event, {
      room: this.room,
      adminUuid: this.adminUuid,
      at: this.now(),
    });
    if (outcome?.note) this.logger.debug({ action: event.action }, outcome.note);
    if (outcome?.event) this.send(outcome.event);
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
      ...(this.#outcome === undefined ? {} : { outcome: this.#outcome }),
      startedAt: this.startedAt,
    };
  }

  /** The controller is stopping: forget timers and let go without waiting for legs. */
  dispose(): void {
    this.deps.timers.cancelAll(`${this.id}:`);
    try {
      driving(this.effects, () => this.#actor.stop());
    } catch {
      // already stopped
    }
    this.#finish();
  }

  // -----------------------------------------------------------------------------------------------

  /**
   * Flow 2, before the password prompt: both legs park instead of hanging up when the bridge ends, then
   * the presser is taken out of the call; the other party is parked by park_after_bridge (trace 08).
   */
  prepareEscalation(): void {
    const { admin, other, actions } = this;
    let release: () => void = () => {};
    const prepared = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.enqueue(admin, 'prepare', async () => {
      try {
        await actions.setVariables(admin, PARK_AFTER_BRIDGE);
        if (other) await actions.setVariables(other, PARK_AFTER_BRIDGE);
        await actions.park(admin);
      } finally {
        release();
      }
    });
    if (other) this.enqueue(other, 'prepare', () => prepared);
  }

  /** Legs FreeSWITCH no longer has are gone; a restored session takes where its legs are from FreeSWITCH. */
  #takeFacts(facts: SessionFacts, fresh: boolean): void {
    const take = (leg: Leg, fact: LegFacts) => {
      if (!fact.exists) {
        if (!leg.gone)
          this.logger.warn({ leg: leg.uuid, role: leg.role }, 'leg ended while events were lost');
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
    take(this.admin, facts.admin);
    if (this.other) take(this.other, facts.other ?? GONE);
    for (const legId of Object.keys(this.machine().context.legs)) {
      const leg = this.#legs.get(legId);
      if (leg !== undefined) take(leg, facts.invitees.get(legId) ?? GONE);
    }
    this.#recovered = true;
  }

  #reconcileInput(facts: SessionFacts, fresh: boolean): ReconcileInput {
    const { state, context } = this.machine();
    const busy = (leg: Leg | undefined) => leg !== undefined && (this.#queues.get(leg.uuid)?.busy ?? false);
    return {
      state,
      context,
      restored: fresh,
      now: this.now(),
      adminUuid: this.adminUuid,
      admin: facts.admin,
      otherUuid: this.otherUuid,
      other: facts.other,
      invitees: facts.invitees,
      strays: facts.strays,
      adminBusy: busy(this.admin),
      otherBusy: busy(this.other),
    };
  }

  #runSteps(steps: readonly RecoveryStep[], facts: SessionFacts, fresh: boolean): void {
    for (const step of steps) {
      if (this.#finished) return;
      switch (step.kind) {
        case 'send':
          this.logger.info({ event: step.event.type }, 'recovery: event the session missed');
          // Reported once, whichever signal comes: the leg's later events say nothing new.
          if (step.event.type === 'invitee.answered') {
            const leg = this.#legs.get(step.event.legId);
            if (leg !== undefined) leg.invitee.answered = true;
          }
          this.send(step.event);
          break;
        case 'effect':
          this.logger.info({ effect: step.effect.type }, 'recovery: carrying out again');
          runEffect(this.effects, step.effect);
          break;
        case 'entry':
          this.#takeOverEntry(step, facts.adminInfo, fresh);
          break;
        case 'prepare-escalation':
          this.prepareEscalation();
          break;
        case 'rehold':
          this.#rehold();
          break;
        case 'hangup':
          this.logger.info({ leg: step.uuid, why: step.why }, 'recovery: hanging up a leg');
          void this.deps.commander.api(kill(step.uuid), this.logger);
          break;
        case 'arm':
          this.effects.armDeadline({ name: step.name, at: step.at });
          break;
      }
    }
  }

  /**
   * The PIN or number entry found running (or finished, its result unread) on the administrator's leg. A
   * restored session takes it over; this controller's own collection gets the completion it missed. If
   * neither can be done, the entry is asked again.
   */
  #takeOverEntry(
    step: Extract<RecoveryStep, { kind: 'entry' }>,
    info: ChannelInfo | undefined,
    fresh: boolean,
  ) {
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
    const waiting = this.admin.collecting;
    if (fresh) {
      const completed = step.status === 'completed' ? completion(ADOPTED_ENTRY) : undefined;
      if (step.status === 'running' || completed !== undefined) {
        this.logger.info({ entry: step.entry, status: step.status }, 'recovery: taking over the entry');
        this.effects.adoptEntry(step.entry, completed === undefined ? {} : { completed });
        return;
      }
    } else if (waiting !== undefined) {
      if (step.status === 'running') return;
      const completed = completion(waiting);
      if (completed !== undefined) {
        this.logger.info({ entry: step.entry }, 'recovery: the entry ended while events were lost');
        this.admin.observe(completed);
        return;
      }
    }
    this.logger.info({ entry: step.entry }, 'recovery: asking for the entry again');
    runEffect(this.effects, step.reask);
    const { context } = this.machine();
    const name = step.entry === 'pin' ? 'pin' : 'dial';
    const bound = name === 'pin' ? context.settings.pinEntryTimeoutMs : context.settings.dialEntryTimeoutMs;
    const due = context.deadlines[name];
    if (due !== undefined) this.effects.armDeadline({ name, at: Math.max(due, this.now() + bound) });
  }

  /** Flow 2 after a restart: the other party hears hold music again (whatever played before is stopped). */
  #rehold(): void {
    const leg = this.other;
    if (leg === undefined || leg.gone || leg.inRoom || leg.bridgedTo !== undefined) return;
    this.enqueue(leg, 'rehold', async () => {
      await this.actions.api(breakMedia(leg.uuid, true));
      leg.parked = true;
    });
    this.effects.holdOtherParty();
  }

  /** Flow 1 PIN entry while the controller shuts down: the caller hears what the dialplan plays without it. */
  #handOffToFallback(): void {
    const admin = this.admin;
    this.#marks.clear();
    this.queue(admin).dropPending();
    this.deps.timers.cancelAll(`${this.id}:`);
    this.enqueue(admin, 'handOff', async () => {
      const sent = await this.actions.api(transferToExtension(admin.uuid, ACCESS_FALLBACK));
      this.logger.info(
        { ok: sent.ok },
        'controller shutting down: caller handed to the dialplan fallback (service unavailable)',
      );
      this.dispose();
    });
  }

  #deliver(event: DynconfEvent, leg: Leg): void {
    leg.observe(event);
    if (event.type === 'conference') {
      this.deliverRoomEvent(event);
      return;
    }
    if (event.type === 'dtmf') {
      if (leg === this.admin) this.#onAdminKey(event);
      return;
    }
    if (event.type === 'background-job' || event.type === 'custom') return;
    if (
      leg.role === 'invitee' &&
      event.type !== 'channel-hangup' &&
      event.type !== 'channel-hangup-complete'
    ) {
      this.#rekillIfCancelled(leg);
    }
    if (event.type === 'channel-hangup' && leg.role !== 'related') {
      this.logger.info({ leg: leg.uuid, role: leg.role, cause: event.cause }, 'leg hung up');
    }
    this.#apply(leg, translateChannelEvent(event, describeLeg(leg, this.#legs), this.now()));
  }

  #apply(leg: Leg, translation: Translation): void {
    const target = leg.inviteeId === undefined ? undefined : this.#legs.get(leg.inviteeId);
    if (translation.facts && target) Object.assign(target.invitee, translation.facts);
    for (const event of translation.events) {
      this.logger.debug({ event: event.type }, 'machine event');
      this.send(event);
    }
  }

  #onAdminKey(event: EventOf<'dtmf'>): void {
    // Digits typed into a PIN or number entry are that entry's, not commands.
    if (this.admin.collecting !== undefined) {
      this.#keys = IDLE_KEYS;
      return;
    }
    const step = readKey(
      this.#keys,
      { type: 'digit', digit: event.digit, at: this.now() },
      this.deps.settings.keySequenceTimeoutMs,
    );
    this.#keys = step.state;
    if (step.command !== null) {
      this.logger.debug({ key: step.command }, 'key command');
      this.send({ type: 'key.command', at: this.now(), command: step.command });
    }
  }

  /** A leg we hung up before FreeSWITCH had created it shows up after all: hang it up again. */
  #rekillIfCancelled(leg: Leg): void {
    if (!leg.invitee.cancelled || leg.gone || !leg.killRetry) return;
    leg.killRetry = false;
    this.logger.info({ leg: leg.uuid }, 'hanging up an invitee leg that appeared after it was cancelled');
    void this.deps.commander.api(kill(leg.uuid, 'ORIGINATOR_CANCEL'), this.logger);
  }

  #checkFinished(): void {
    if (this.#finished || this.#outcome === undefined) return;
    if (this.#actor.getSnapshot().status === 'active') return;
    for (const queue of this.#queues.values()) if (queue.busy) return;
    const waiting = [...this.#legs.values()].filter((leg) => leg.liveInvitee);
    if (waiting.length > 0) {
      if (!this.#lingerArmed) {
        this.#lingerArmed = true;
        this.deps.timers.arm(`${this.id}:linger`, this.now() + LINGER_MS, () => this.#lingerExpired());
      }
      return;
    }
    this.#finish();
  }

  #lingerExpired(): void {
    for (const leg of this.#legs.values()) {
      if (!leg.liveInvitee) continue;
      this.logger.warn({ leg: leg.uuid }, 'invitee leg did not end in time; hanging it up once more');
      void this.deps.commander.api(kill(leg.uuid), this.logger);
    }
    this.#finish();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.deps.timers.cancelAll(`${this.id}:`);
    this.deps.registry.remove(this);
    this.deps.counters.sessionsFinished++;
    this.logger.debug('session let go of its legs');
    try {
      this.deps.onFinished(this);
    } catch (err) {
      this.logger.error({ err }, 'session finish listener failed');
    }
  }

  /** The machine itself failed (a bug): end what this session called, let go of the rest, keep others going. */
  #crashed(err: unknown, message: string): void {
    this.#fault(err, message);
    for (const leg of this.#legs.values()) {
      if (leg.liveInvitee) void this.deps.commander.api(kill(leg.uuid), this.logger);
    }
    this.#outcome ??= 'service-error';
    this.#finish();
  }

  #fault(err: unknown, message: string): void {
    this.deps.counters.sessionErrors++;
    this.logger.error({ err }, message);
  }
}

function describeLeg(leg: Leg, legs: ReadonlyMap<string, Leg>): LegDescription {
  const invitee = leg.inviteeId === undefined ? undefined : legs.get(leg.inviteeId);
  return { role: leg.role, inviteeId: leg.inviteeId, invitee: (invitee ?? leg).invitee };
}

/** Carries out one effect request (a value naming the effect and its params). */
function runEffect(effects: SessionEffects, request: EffectRequest): void {
  (effects[request.type] as (params: unknown) => void)(request.params);
}

/** `{ invitation: 'talking' }` → `invitation.talking`. */
export function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([key, inner]) => `${key}.${stateName(inner)}`)
      .join(',');
  }
  return String(value);
}
