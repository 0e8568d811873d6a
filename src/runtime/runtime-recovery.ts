// Recovery for the whole runtime: rebuilds what the controller knows from FreeSWITCH itself, at start and
// after every reconnect (events of the gap are lost; calls kept their audio meanwhile). Reads FreeSWITCH's
// state (recovery/switch-state.ts), sorts it (recovery/plan.ts), then checks or rebuilds each session.
// Events that arrive meanwhile are held, then follow.
import type { Snapshot } from 'xstate';
import { type Flow, restoreSession, type SessionSettings } from '../../machines/index.js';
import type { Clock } from '../clock.js';
import { kill, unsetVariable } from '../esl/commands.js';
import type { ChannelInfo, DynconfEvent } from '../esl/events.js';
import type { Logger } from '../log.js';
import { fallbackFor } from '../recovery/fallback.js';
import {
  legFacts,
  type MarkedAdmin,
  orphansOf,
  planRecovery,
  type RecoveryPlan,
  straysOf,
} from '../recovery/plan.js';
import type { LegFacts } from '../recovery/reconcile.js';
import { readSwitchState, type SwitchState } from '../recovery/switch-state.js';
import { callerOf, lockoutKeyOf } from './caller.js';
import { ADMIN_MARKS, MARK, ROLE_VARIABLE } from './channel-vars.js';
import type { ChannelTable } from './channels.js';
import type { Commander } from './commander.js';
import type { RuntimeCounters } from './counters.js';
import type { OperatorInvitations } from './operator/invitations.js';
import { takeOverGuests } from './operator/take-over.js';
import type { Session, SessionInit } from './session.js';
import type { SessionFacts } from './session-recovery.js';
import type { DeadlineTimers } from './timers.js';

/**
 * Clock ms to wait before reading FreeSWITCH's state: `show channels` lags the events by 0.1–0.25 s
 * (trace README), and the event subscriptions go out first after a (re)connection.
 */
export const RECOVERY_SETTLE_MS = 300;
/** Clock ms before a recovery that could not read FreeSWITCH's state tries again. */
export const RECOVERY_RETRY_MS = 2_000;

/** Why FreeSWITCH's state is read. */
export type RecoveryReason = 'start' | 'reconnect' | 'unknown-admin' | 'retry';

/** What one recovery found and did. */
export interface RecoveryReport {
  readonly reason: RecoveryReason;
  readonly ok: boolean;
  readonly error?: string;
  readonly channels: number;
  /** Sessions of this controller checked against FreeSWITCH. */
  readonly checked: number;
  /** Sessions rebuilt from their snapshot. */
  readonly restored: number;
  /** Sessions rebuilt in a safe state (snapshot of another machine version, or unreadable). */
  readonly fallbacks: number;
  /** Callers of the access number without a session, taken on. */
  readonly accessCallers: number;
  /** Legs hung up because no session wanted them. */
  readonly orphansHungUp: number;
}

export interface RuntimeRecoveryDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly commander: Commander;
  readonly timers: DeadlineTimers;
  readonly counters: RuntimeCounters;
  /** The settings of every session machine (a fallback state needs them). */
  readonly sessionSettings: SessionSettings;
  /** The sessions the runtime has now. */
  sessions(): Session[];
  /** The runtime's channel table: channels FreeSWITCH no longer has are dropped from it. */
  readonly channels: ChannelTable;
  /** The calls the operator placed: taken over from FreeSWITCH like the sessions' invitees. */
  readonly operatorCalls: OperatorInvitations;
  /** The channel belongs to a session. */
  inSession(uuid: string): boolean;
  /** A session is being set up for the channel. */
  pending(uuid: string): boolean;
  stopped(): boolean;
  draining(): boolean;
  roomName(): string;
  /** A caller of the access number nobody serves: start its session (flow 1). */
  takeAccessCaller(channel: ChannelInfo): void;
  /** A session object for a rebuilt session (not started). */
  newSession(init: SessionInit): Session;
  /** Handles an event that was held while FreeSWITCH's state was read. */
  handle(event: DynconfEvent): void;
}

export class RuntimeRecovery {
  readonly #d: RuntimeRecoveryDeps;
  /** Events held while a recovery reads FreeSWITCH's state; replayed once the sessions are rebuilt. */
  #held: DynconfEvent[] | undefined;
  #running: Promise<RecoveryReport> | undefined;
  #again: RecoveryReason | undefined;
  /** Clock ms of the first reconnect not yet made up for by a recovery (events were lost before it). */
  #lostEventsSince: number | undefined;
  #retryArmed = false;

  constructor(deps: RuntimeRecoveryDeps) {
    this.#d = deps;
  }

  /** Holds the event while a recovery reads FreeSWITCH's state (true), else leaves it to the caller. */
  hold(event: DynconfEvent): boolean {
    if (this.#held === undefined) return false;
    this.#held.push(event);
    return true;
  }

  /** The runtime stops: held events are dropped. */
  stop(): void {
    this.#held = undefined;
  }

  /**
   * Reads every channel, its variables and every room, then:
   * - every session of this controller is checked against it and carries on (Session.recover);
   * - every administrator's leg with a session mark but no session (the controller restarted) gets its
   *   session back from the snapshot on the leg, or a safe fallback (recovery/fallback.ts);
   * - a caller of the access number nobody serves gets a session (PIN prompt);
   * - a leg whose administrator has no session any more is hung up, unless it is in a room (an invitee
   *   outside a room; flow 2's other party on hold).
   * One recovery at a time; one asked for while another runs follows it.
   */
  recover(reason: RecoveryReason): Promise<RecoveryReport> {
    // Events were lost before the reconnect: the sessions older than it are checked by the next recovery.
    if (reason === 'reconnect') this.#lostEventsSince ??= this.#d.clock.now();
    if (this.#running !== undefined) {
      this.#again = reason;
      return this.#running;
    }
    const run = (async () => {
      let report = await this.#recoverOnce(reason);
      while (this.#again !== undefined && !this.#d.stopped()) {
        const again = this.#again;
        this.#again = undefined;
        report = await this.#recoverOnce(again);
      }
      return report;
    })().finally(() => {
      this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  async #recoverOnce(reason: RecoveryReason): Promise<RecoveryReport> {
    const { clock, logger } = this.#d;
    const empty = {
      reason,
      channels: 0,
      checked: 0,
      restored: 0,
      fallbacks: 0,
      accessCallers: 0,
      orphansHungUp: 0,
    };
    // Channels seen from now on are kept whatever the read says: `show channels` may not list them yet.
    const since = this.#d.channels.beginRead();
    await new Promise<void>((resolve) => clock.setTimer(RECOVERY_SETTLE_MS, resolve));
    if (this.#d.stopped()) return { ...empty, ok: false, error: 'stopped' };
    this.#d.counters.recoveries++;
    const sessions = this.#d.sessions().length;
    logger.info(
      { reason, sessions },
      reason === 'reconnect' ? 'checking the sessions after a reconnect' : 'reading FreeSWITCH state',
    );
    this.#held = [];
    try {
      const read = await readSwitchState(this.#d.commander, logger);
      if (!read.ok) {
        logger.warn({ reason, error: read.error }, 'could not read FreeSWITCH state; trying again');
        this.#retryLater();
        return { ...empty, ok: false, error: read.error };
      }
      // After a reconnect the sessions older than the drop may have lost events and are checked; a
      // session started since saw all of its own.
      const checkBefore = this.#lostEventsSince ?? Number.NEGATIVE_INFINITY;
      this.#lostEventsSince = undefined;
      const listed = (uuid: string) => read.state.channels.has(uuid);
      this.#d.channels.retain(listed, since);
      this.#d.operatorCalls.retain(listed);
      return this.#rebuild(reason, read.state, checkBefore);
    } finally {
      const held = this.#held ?? [];
      this.#held = undefined;
      for (const event of held) this.#d.handle(event);
    }
  }

  #retryLater(): void {
    if (this.#retryArmed || this.#d.stopped()) return;
    this.#retryArmed = true;
    this.#d.timers.arm('recovery:retry', this.#d.clock.now() + RECOVERY_RETRY_MS, () => {
      this.#retryArmed = false;
      void this.recover('retry');
    });
  }

  #rebuild(reason: RecoveryReason, state: SwitchState, checkBefore: number): RecoveryReport {
    const plan = planRecovery(state);
    let checked = 0;
    for (const session of this.#d.sessions()) {
      if (session.finished || session.startedAt >= checkBefore) continue;
      checked++;
      session.recover(this.#factsFor(session, state, plan));
    }
    let restored = 0;
    let fallbacks = 0;
    for (const [uuid, admin] of plan.admins) {
      if (this.#sessionOfAdmin(uuid) !== undefined || this.#d.pending(uuid)) continue;
      const outcome = this.#restore(admin, state, plan);
      if (outcome === 'restored') restored++;
      else if (outcome === 'fallback') fallbacks++;
    }
    let accessCallers = 0;
    for (const caller of plan.accessCallers) {
      if (this.#d.inSession(caller.uuid) || this.#d.pending(caller.uuid)) continue;
      accessCallers++;
      this.#d.takeAccessCaller(caller.info);
    }
    const orphansHungUp = this.#hangUpOrphans(plan) + this.#takeOverGuests(plan, state);
    const report: RecoveryReport = {
      reason,
      ok: true,
      channels: state.channels.size,
      checked,
      restored,
      fallbacks,
      accessCallers,
      orphansHungUp,
    };
    this.#d.logger.info(report, 'FreeSWITCH state taken over');
    return report;
  }

  /** Legs whose administrator has no session any more, and that are not safe where they are. */
  #hangUpOrphans(plan: RecoveryPlan): number {
    let orphansHungUp = 0;
    for (const [adminUuid, legs] of plan.byAdmin) {
      if (this.#sessionOfAdmin(adminUuid) !== undefined) continue;
      for (const orphan of orphansOf(legs)) {
        orphansHungUp++;
        this.#d.logger.warn(
          { leg: orphan.uuid, adminUuid, role: orphan.info.variable(ROLE_VARIABLE) },
          'hanging up a leg whose administrator has no session any more',
        );
        void this.#d.commander.api(kill(orphan.uuid), this.#d.logger);
      }
    }
    this.#d.counters.orphansHungUp += orphansHungUp;
    return orphansHungUp;
  }

  /** The operator's calls: taken over, or hung up when their room is gone (counted as orphans). */
  #takeOverGuests(plan: RecoveryPlan, state: SwitchState): number {
    const { commander, logger, operatorCalls } = this.#d;
    const hungUp = takeOverGuests(plan.guests, {
      calls: operatorCalls,
      logger,
      roomLives: (room) =>
        state.rooms.has(room) || this.#d.sessions().some((s) => s.room === room && !s.finished),
      hangUp: (uuid) => void commander.api(kill(uuid, 'ORIGINATOR_CANCEL'), logger),
    });
    this.#d.counters.orphansHungUp += hungUp;
    return hungUp;
  }

  /** The live session (not yet let go) whose administrator's leg is `uuid`. */
  #sessionOfAdmin(uuid: string): Session | undefined {
    return this.#d.sessions().find((s) => s.adminUuid === uuid && !s.finished);
  }

  #factsFor(session: Session, state: SwitchState, plan: RecoveryPlan): SessionFacts {
    const facts = (uuid: string): LegFacts => legFacts(state.channels.get(uuid));
    const { context } = session.machine();
    const invitees = new Map<string, LegFacts>();
    for (const legId of Object.keys(context.legs)) invitees.set(legId, facts(legId));
    const adminInfo = state.channels.get(session.adminUuid)?.info;
    return {
      admin: facts(session.adminUuid),
      ...(adminInfo === undefined ? {} : { adminInfo }),
      other: session.otherUuid === undefined ? undefined : facts(session.otherUuid),
      invitees,
      strays: straysOf(
        plan.byAdmin.get(session.adminUuid) ?? [],
        (uuid) => uuid in context.legs || session.leg(uuid) !== undefined,
      ),
    };
  }

  /** An administrator's leg with a session mark and no session: its session back, or a safe fallback. */
  #restore(admin: MarkedAdmin, state: SwitchState, plan: RecoveryPlan): 'restored' | 'fallback' | 'none' {
    const { marks, facts } = admin;
    const { commander } = this.#d;
    const log = this.#d.logger.child({ session: marks.sessionId, adminUuid: facts.uuid });
    const checked = restoreSession(marks.machine);
    let start: { flow: Flow; room: string; snapshot: Snapshot<unknown> };
    if (checked.ok) {
      start = { flow: checked.context.flow, room: checked.context.room, snapshot: checked.snapshot };
    } else {
      const fallback = fallbackFor(marks, {
        settings: this.#d.sessionSettings,
        now: this.#d.clock.now(),
        otherAlive: marks.otherUuid !== undefined && state.channels.has(marks.otherUuid),
        freshRoom: () => this.#d.roomName(),
      });
      log.warn(
        {
          error: checked.error,
          state: marks.state,
          fallback: fallback.kind === 'resume' ? fallback.state : fallback.kind,
        },
        'session snapshot not usable; falling back to a safe state',
      );
      if (fallback.kind === 'hangup') {
        void commander.api(kill(facts.uuid), log);
        return 'fallback';
      }
      if (fallback.kind === 'clear') {
        const unset = (uuid: string, name: string) => void commander.api(unsetVariable(uuid, name), log);
        for (const name of ADMIN_MARKS) unset(facts.uuid, name);
        if (marks.otherUuid !== undefined)
          for (const name of [MARK.admin, MARK.role]) unset(marks.otherUuid, name);
        return 'none';
      }
      start = fallback;
    }
    if (this.#d.stopped()) return 'none';
    const otherUuid = start.flow === 'escalation' ? marks.otherUuid : undefined;
    const session = this.#d.newSession({
      flow: start.flow,
      room: start.room,
      adminUuid: facts.uuid,
      ...(otherUuid === undefined ? {} : { otherUuid }),
      adminParked: false,
      caller: callerOf(facts.info),
      lockoutKey: lockoutKeyOf(facts.info),
      restore: { id: marks.sessionId, snapshot: start.snapshot },
    });
    session.resume(this.#factsFor(session, state, plan));
    // Taken over while shutting down: it goes to a safe place like the others.
    if (this.#d.draining()) session.drain();
    return checked.ok ? 'restored' : 'fallback';
  }
}
