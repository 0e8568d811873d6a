// The machine's effects as FreeSWITCH commands (built only by src/esl/commands.ts). Each effect is queued
// on the leg it concerns, so effects on one leg run in the order the machine asked for them; effects on
// different legs run side by side. A command FreeSWITCH refuses becomes `command.failed` for the machine.
import { randomUUID } from 'node:crypto';
import type {
  AllowedRoute,
  FailableCommand,
  Prompt,
  Route,
  SessionEffects,
  SessionEvent,
} from '../../machines/index.js';
import { bridge, conferenceMember, originate, setVariable, unsetVariable } from '../esl/commands.js';
import type { EventOf } from '../esl/events.js';
import { describeCommandError } from '../esl/result.js';
import type { PromptId } from '../prompts.js';
import { MARK, ROLE } from '../recovery/marks.js';
import { resolveRoute } from '../routing.js';
import { HANGUP_AFTER_BRIDGE, PARK_AFTER_BRIDGE } from './leg-actions.js';
import type { Leg } from './legs.js';
import type { Session } from './session.js';
import { DIAL_VARIABLE, PIN_VARIABLE, READ_RESULT, RESULT_READ } from './settings.js';
import { readDigits } from './translate.js';

/** Seconds an originate may ring beyond the machine's own ring deadline (a backstop, not the deadline). */
const ORIGINATE_SLACK_SEC = 5;
/** Clock ms the other party of flow 2 may take to park after the presser was taken out of the call. */
const HOLD_PARK_WAIT_MS = 5_000;

/** The completion of a digit collection the controller did not start (found running after a restart). */
export interface AdoptedEntry {
  /** Its result, when FreeSWITCH had finished it already (rebuilt from the channel's variables). */
  readonly completed?: EventOf<'channel-execute-complete'>;
}

/** The machine's effects, and what recovery needs besides. */
export interface RuntimeEffects extends SessionEffects {
  /**
   * Takes over the PIN or number entry running on the administrator's leg (started by a controller that
   * is gone): waits for its result, or uses `completed`, and reports it like an entry of its own.
   */
  adoptEntry(kind: 'pin' | 'number', adopted: AdoptedEntry): void;
}

export function createEffects(session: Session): RuntimeEffects {
  const { actions, deps, admin } = session;
  const { settings, timers, commander } = deps;
  const log = session.logger;

  const send = (event: SessionEvent) => session.send(event);
  const failed = (command: FailableCommand, detail: string, legId?: string) => {
    log.warn({ command, detail, ...(legId === undefined ? {} : { legId }) }, 'command failed');
    send({
      type: 'command.failed',
      at: session.now(),
      command,
      detail,
      ...(legId === undefined ? {} : { legId }),
    });
  };
  const sound = (prompt: Prompt | PromptId) => settings.prompts[prompt];
  const other = (): Leg | undefined => session.other;
  const invitee = (legId: string): Leg | undefined => session.leg(legId);

  /**
   * Clears an entry's result from the channel once read, and marks it read: a recovery takes over a result
   * only if it is unread (see recovery/plan.ts entryOf).
   */
  const forget = async (variable: string) => {
    await actions.api(unsetVariable(admin.uuid, variable));
    await actions.api(unsetVariable(admin.uuid, `${variable}_invalid`));
    await actions.api(setVariable(admin.uuid, READ_RESULT, RESULT_READ));
  };

  const pinEntry = (adopted?: AdoptedEntry) => {
    session.enqueue(admin, adopted ? 'collectPin (taken over)' : 'collectPin', async () => {
      const result = await actions.collect(
        admin,
        session.queue(admin),
        settings.pinEntry,
        settings.session.pinEntryTimeoutMs,
        adopted,
      );
      if (result.kind === 'failed') return failed('collectPin', result.detail);
      if (result.kind !== 'done') return;
      const entry = readDigits(result.event, PIN_VARIABLE);
      // The PIN must not linger on the channel, where later events would carry it.
      await forget(PIN_VARIABLE);
      const now = session.now();
      const locked = deps.guard.check(session.lockoutKey, now);
      if (locked !== undefined) {
        deps.counters.lockouts++;
        log.warn({ caller: session.lockoutKey, reason: locked }, 'caller is locked out; PIN refused');
        return send({ type: 'caller.lockedOut', at: session.now() });
      }
      if (entry.kind === 'none') {
        deps.counters.pinNoInput++;
        log.info('no PIN entered');
        return send({ type: 'pin.entered', at: session.now(), result: 'no-input' });
      }
      const correct = await deps.pins.verify(entry.digits);
      if (correct) {
        deps.counters.pinCorrect++;
        log.info('PIN accepted');
        return send({ type: 'pin.entered', at: session.now(), result: 'correct' });
      }
      deps.counters.pinWrong++;
      const lockout = deps.guard.recordFailure(session.lockoutKey, session.now());
      if (lockout !== undefined) {
        deps.counters.lockouts++;
        log.warn({ caller: session.lockoutKey, reason: lockout }, 'wrong PIN; caller locked out');
        return send({ type: 'caller.lockedOut', at: session.now() });
      }
      log.info('wrong PIN');
      send({ type: 'pin.entered', at: session.now(), result: 'wrong' });
    });
  };

  const numberEntry = (adopted?: AdoptedEntry) => {
    session.enqueue(
      admin,
      adopted ? 'leaveRoomAndCollectNumber (taken over)' : 'leaveRoomAndCollectNumber',
      async () => {
        const result = await actions.collect(
          admin,
          session.queue(admin),
          settings.numberEntry,
          settings.session.dialEntryTimeoutMs,
          adopted,
        );
        if (result.kind === 'failed') return failed('leaveRoomAndCollectNumber', result.detail);
        if (result.kind !== 'done') return;
        const entry = readDigits(result.event, DIAL_VARIABLE);
        await forget(DIAL_VARIABLE);
        if (entry.kind === 'none') {
          log.info('no number dialed');
          return send({ type: 'number.none', at: session.now() });
        }
        send({
          type: 'number.dialed',
          at: session.now(),
          digits: entry.digits,
          route: routeFor(session, entry.digits),
        });
      },
    );
  };

  return {
    collectPin() {
      pinEntry();
    },

    adoptEntry(kind, adopted) {
      if (kind === 'pin') pinEntry(adopted);
      else numberEntry(adopted);
    },

    announce({ prompt }) {
      session.enqueue(admin, `announce ${prompt}`, async () => {
        await actions.play(admin, sound(prompt));
      });
    },

    hangupAdmin() {
      session.enqueue(admin, 'hangupAdmin', async () => {
        await actions.hangUp(admin);
      });
    },

    holdOtherParty() {
      const leg = other();
      if (leg === undefined) return;
      session.enqueue(leg, 'holdOtherParty', async () => {
        // park_after_bridge parks the other party once the presser is taken out of the call (trace 08).
        await leg.waitParked(HOLD_PARK_WAIT_MS);
        if (!session.holdWanted || leg.gone || !leg.parked) return;
        await actions.keepPlayingOnKeys(leg);
        await actions.playLooping(leg, sound('hold-music'), false);
      });
    },

    hangupOtherParty() {
      const leg = other();
      if (leg === undefined) return;
      session.holdWanted = false;
      session.queue(leg).dropPending();
      session.enqueue(leg, 'hangupOtherParty', async () => {
        await actions.hangUp(leg);
      });
    },

    rebridgeParties() {
      const leg = other();
      session.holdWanted = false;
      if (leg !== undefined) session.queue(leg).dropPending();
      session.enqueue(admin, 'rebridgeParties', async () => {
        if (leg === undefined || leg.gone) return failed('rebridgeParties', 'the other party is gone');
        const sent = await actions.api(bridge(admin.uuid, leg.uuid));
        if (!sent.ok) return failed('rebridgeParties', sent.error);
        admin.parked = false;
        leg.parked = false;
        log.info('two-party call restored');
        send({ type: 'parties.rebridged', at: session.now() });
        await actions.setVariables(admin, HANGUP_AFTER_BRIDGE);
        await actions.setVariables(leg, HANGUP_AFTER_BRIDGE);
      });
    },

    joinRoomAsModerator({ room }) {
      session.enqueue(admin, 'joinRoomAsModerator', async () => {
        const sent = await actions.transferToRoom(admin, room, true);
        if (!sent.ok && !admin.gone) failed('joinRoomAsModerator', sent.error);
      });
    },

    moveOtherPartyIntoRoom({ room }) {
      const leg = other();
      session.holdWanted = false;
      if (leg === undefined) return;
      session.enqueue(leg, 'moveOtherPartyIntoRoom', async () => {
        const sent = await actions.transferToRoom(leg, room, false);
        if (!sent.ok && !leg.gone) failed('moveOtherPartyIntoRoom', sent.error);
      });
    },

    leaveRoomAndCollectNumber() {
      numberEntry();
    },

    callInvitee({ legId, route }) {
      const leg = session.addLeg(legId, 'invitee', legId);
      const jobUuid = randomUUID();
      deps.registry.addJob(session, jobUuid, legId);
      session.enqueue(leg, 'callInvitee', async () => {
        // Already originated (never twice for one leg id), or hung up before it was called.
        if (leg.seen || leg.invitee.jobDone) return;
        if (leg.invitee.cancelled) {
          leg.invitee.jobDone = true; // nothing was sent: no channel will come
          return;
        }
        const decision = session.routes.get(legId);
        if (decision === undefined) return failed('callInvitee', 'no route for this leg', legId);
        deps.counters.invitations++;
        const timeoutSec =
          Math.ceil(route.ringTimeoutMs / 1000) + (route.answerSupervision ? ORIGINATE_SLACK_SEC : 0);
        const command = originate({
          uuid: legId,
          dialString: decision.dialString,
          timeoutSec,
          ignoreEarlyMedia: true,
          ...(decision.callerIdNumber === undefined ? {} : { callerIdNumber: decision.callerIdNumber }),
          ...(decision.callerIdName === undefined ? {} : { callerIdName: decision.callerIdName }),
          variables: {
            ...PARK_AFTER_BRIDGE,
            // Whose leg it is, kept on FreeSWITCH (recovery/marks.ts).
            [MARK.role]: ROLE.invitee,
            [MARK.admin]: admin.uuid,
            [MARK.room]: session.room,
          },
        });
        if (!command.ok) return failed('callInvitee', describeCommandError(command.error), legId);
        log.info({ legId, rule: decision.ruleName, number: decision.number }, 'calling the invitee');
        // Not awaited: the queue must stay free for a hang-up while it rings. The job's result comes back
        // as a BACKGROUND_JOB event routed by its Job-UUID; only a send failure is handled here.
        void commander.bgapi(command, jobUuid, (timeoutSec + 30) * 1000, log).then((result) => {
          if (result.ok || result.error.kind === 'rejected') return;
          if (result.error.kind === 'invalid-input' || result.error.kind === 'closed') {
            leg.invitee.jobDone = true;
            failed('callInvitee', describeCommandError(result.error), legId);
          } else {
            log.warn(
              { legId, error: describeCommandError(result.error) },
              'no result for the invitee call yet',
            );
          }
        });
      });
    },

    playRingback() {
      session.enqueue(admin, 'playRingback', async () => {
        await actions.keepPlayingOnKeys(admin);
        await actions.playLooping(admin, sound('ringback'));
      });
    },

    bridgeAdminAndInvitee({ legId }) {
      session.enqueue(admin, 'bridgeAdminAndInvitee', async () => {
        const leg = invitee(legId);
        if (leg === undefined || leg.gone)
          return failed('bridgeAdminAndInvitee', 'the invitee leg is gone', legId);
        if (admin.gone) return;
        // B has these from its originate; A needs them so that ending the private talk parks it (trace 06).
        await actions.setVariables(admin, PARK_AFTER_BRIDGE);
        // `**` or `*#` came before the bridge was made: the invitee is the room's now, or hung up.
        if (leg.invitee.joined || leg.invitee.cancelled) return;
        const sent = await actions.api(bridge(admin.uuid, leg.uuid));
        if (!sent.ok) return failed('bridgeAdminAndInvitee', sent.error, legId);
        admin.parked = false;
        admin.looping = undefined;
        admin.bridgedTo = leg.uuid;
        leg.parked = false;
        leg.bridgedTo = admin.uuid;
        log.info({ legId }, 'administrator and invitee talk privately');
      });
    },

    moveInviteeIntoRoom({ legId, room }) {
      const leg = invitee(legId);
      if (leg === undefined) return failed('moveInviteeIntoRoom', 'unknown invitee leg', legId);
      leg.invitee.joined = true;
      session.enqueue(leg, 'moveInviteeIntoRoom', async () => {
        const sent = await actions.transferToRoom(leg, room, false);
        if (!sent.ok) {
          leg.invitee.joined = false;
          return failed('moveInviteeIntoRoom', sent.error, legId);
        }
        log.info({ legId }, 'invitee moved into the room');
      });
    },

    returnAdminToRoom({ room }) {
      session.enqueue(admin, 'returnAdminToRoom', async () => {
        await actions.settleAfterBridge(admin);
        const sent = await actions.transferToRoom(admin, room, true);
        if (!sent.ok && !admin.gone) failed('returnAdminToRoom', sent.error);
      });
    },

    hangupInvitee({ legId, reason }) {
      const leg = invitee(legId);
      if (leg === undefined) return;
      leg.invitee.cancelled = true;
      session.enqueue(leg, 'hangupInvitee', async () => {
        if (leg.gone || leg.invitee.joined) return;
        log.info({ legId, reason }, 'hanging up the invitee leg');
        const sent = await actions.hangUp(leg, leg.invitee.answered ? undefined : 'ORIGINATOR_CANCEL');
        // The originate may not have created the channel yet: hang it up when it shows up.
        if (!sent.ok && !leg.gone && !leg.invitee.jobDone) leg.killRetry = true;
      });
    },

    endRoom({ room }) {
      session.enqueue(admin, 'endRoom', async () => {
        log.info('ending the room for everyone');
        await actions.api(conferenceMember(room, 'hup', 'all'));
      });
    },

    armDeadline({ name, at }) {
      timers.arm(`${session.id}:${name}`, at, (now) => send({ type: 'deadline.reached', at: now, name }));
    },

    cancelDeadline({ name }) {
      timers.cancel(`${session.id}:${name}`);
    },

    releaseSession({ outcome }) {
      session.release(outcome);
    },
  };
}

/** The machine's view of a dialed number: allowed (with a fresh leg id) or refused, and why. */
function routeFor(session: Session, digits: string): Route {
  const { settings } = session.deps;
  const caller = {
    ...(session.caller.number === undefined ? {} : { callerIdNumber: session.caller.number }),
    ...(session.caller.name === undefined ? {} : { callerIdName: session.caller.name }),
  };
  const decision = resolveRoute(settings.routes, digits, caller);
  if (!decision.allowed) {
    session.logger.info(
      { number: digits, reason: decision.reason, rule: decision.ruleName },
      'number refused',
    );
    return {
      allowed: false,
      reason: decision.reason === 'invalid-number' ? 'invalid-number' : 'not-allowed',
    };
  }
  if (session.routes.size >= settings.maxOutboundLegsPerAdmin) {
    session.logger.warn(
      { limit: settings.maxOutboundLegsPerAdmin },
      'number refused: too many calls from this session',
    );
    return { allowed: false, reason: 'not-allowed' };
  }
  const up = session.deps.registry.inviteeLegsUp();
  if (up >= settings.maxOutboundLegs) {
    session.logger.warn(
      { limit: settings.maxOutboundLegs, up },
      'number refused: too many outbound calls up at once (all administrators)',
    );
    return { allowed: false, reason: 'not-allowed' };
  }
  const legId = randomUUID();
  session.routes.set(legId, decision);
  const route: AllowedRoute = {
    allowed: true,
    rule: decision.ruleName,
    answerSupervision: decision.answerSupervision,
    ringTimeoutMs: decision.ringTimeoutMs,
    legId,
  };
  return route;
}
