// The invitee's leg: originated with dynconf's own uuid and marks, bridged privately with the
// administrator, moved into the room, or hung up. Each step is queued on the invitee's leg (the bridge on
// the administrator's).
import { randomUUID } from 'node:crypto';
import type {
  CallInviteeParams,
  HangupInviteeParams,
  LegParams,
  MoveInviteeParams,
} from '../../../machines/index.js';
import { bridge } from '../../esl/commands.js';
import { describeCommandError } from '../../esl/result.js';
import { PARK_AFTER_BRIDGE } from '../channel-vars.js';
import { type InvitationWork, reportFailure, type SessionWork } from './host.js';

/** Seconds an originate may ring beyond the machine's own ring deadline (a backstop, not the deadline). */
const ORIGINATE_SLACK_SEC = 5;

export function callInvitee(host: SessionWork & InvitationWork, { legId, route }: CallInviteeParams): void {
  const { admin, logger: log } = host;
  const leg = host.legs.add(legId, 'invitee', legId);
  const jobUuid = randomUUID();
  host.registerJob(jobUuid, legId);
  host.legs.enqueue(leg, 'callInvitee', async () => {
    // Already originated (never twice for one leg id), or hung up before it was called.
    if (leg.seen || leg.invitee.jobDone) return;
    if (leg.invitee.cancelled) {
      leg.invitee.jobDone = true; // nothing was sent: no channel will come
      return;
    }
    const decision = host.routes.get(legId);
    if (decision === undefined) return reportFailure(host, 'callInvitee', 'no route for this leg', legId);
    const timeoutSec =
      Math.ceil(route.ringTimeoutMs / 1000) + (route.answerSupervision ? ORIGINATE_SLACK_SEC : 0);
    const command = host.outbound.place({
      source: 'keypad',
      uuid: legId,
      route: decision,
      room: host.room,
      timeoutSec,
      profile: host.settings.profile,
      adminUuid: admin.uuid,
    });
    if (!command.ok) return reportFailure(host, 'callInvitee', command.error, legId);
    log.info({ legId, rule: decision.ruleName, number: decision.number }, 'calling the invitee');
    // Not awaited: the queue must stay free for a hang-up while it rings. The job's result comes back
    // as a BACKGROUND_JOB event routed by its Job-UUID; only a send failure is handled here.
    void host.commander.bgapi(command, jobUuid, (timeoutSec + 30) * 1000, log).then((result) => {
      if (result.ok || result.error.kind === 'rejected') return;
      if (result.error.kind === 'invalid-input' || result.error.kind === 'closed') {
        leg.invitee.jobDone = true;
        reportFailure(host, 'callInvitee', result.error, legId);
      } else {
        log.warn({ legId, error: describeCommandError(result.error) }, 'no result for the invitee call yet');
      }
    });
  });
}

export function bridgeAdminAndInvitee(host: SessionWork, { legId }: LegParams): void {
  const { admin, actions } = host;
  host.legs.enqueue(admin, 'bridgeAdminAndInvitee', async () => {
    const leg = host.legs.get(legId);
    if (leg === undefined || leg.gone)
      return reportFailure(host, 'bridgeAdminAndInvitee', 'the invitee leg is gone', legId);
    if (admin.gone) return;
    // `**` or `*#` came before the bridge was made: the invitee is the room's now, or hung up.
    if (leg.invitee.joined || leg.invitee.cancelled) return;
    // B has these from its originate; A needs them so that ending the private talk parks it (trace 06).
    // Written in the same turn as the bridge: FreeSWITCH carries out one socket's commands in order, so
    // they are set before the bridge is made, without waiting for their replies.
    const variables = actions.setVariables(admin, PARK_AFTER_BRIDGE);
    const sent = await actions.api(bridge(admin.uuid, leg.uuid));
    await variables;
    if (!sent.ok) return reportFailure(host, 'bridgeAdminAndInvitee', sent.error, legId);
    admin.parked = false;
    admin.looping = undefined;
    admin.bridgedTo = leg.uuid;
    leg.parked = false;
    leg.bridgedTo = admin.uuid;
    host.logger.info({ legId }, 'administrator and invitee talk privately');
  });
}

export function moveInviteeIntoRoom(host: SessionWork, { legId, room }: MoveInviteeParams): void {
  const leg = host.legs.get(legId);
  if (leg === undefined) {
    reportFailure(host, 'moveInviteeIntoRoom', 'unknown invitee leg', legId);
    return;
  }
  leg.invitee.joined = true;
  host.legs.enqueue(leg, 'moveInviteeIntoRoom', async () => {
    const sent = await host.actions.transferToRoom(leg, room, false);
    if (!sent.ok) {
      leg.invitee.joined = false;
      return reportFailure(host, 'moveInviteeIntoRoom', sent.error, legId);
    }
    host.logger.info({ legId }, 'invitee moved into the room');
  });
}

export function hangupInvitee(host: SessionWork, { legId, reason }: HangupInviteeParams): void {
  const leg = host.legs.get(legId);
  if (leg === undefined) return;
  leg.invitee.cancelled = true;
  host.legs.enqueue(leg, 'hangupInvitee', async () => {
    if (leg.gone || leg.invitee.joined) return;
    host.logger.info({ legId, reason }, 'hanging up the invitee leg');
    const sent = await host.actions.hangUp(leg, leg.invitee.answered ? undefined : 'ORIGINATOR_CANCEL');
    // The originate may not have created the channel yet: hang it up when it shows up.
    if (!sent.ok && !leg.gone && !leg.invitee.jobDone) leg.killRetry = true;
  });
}
