// Pure predicates over (context, event) used by the session machine's guards.

import type { SessionContext } from './context.js';
import type { AllowedRoute, DeadlineName, FailableCommand, KeyCommand, SessionEvent } from './events.js';

/** A password entry that ended without a usable result: no digits, or its outer deadline passed. */
export function isNoInput(event: SessionEvent): boolean {
  return (event.type === 'pin.entered' && event.result === 'no-input') || event.type === 'deadline.reached';
}

export function isWrongPin(event: SessionEvent): boolean {
  return event.type === 'pin.entered' && event.result === 'wrong';
}

export function isCorrectPin(event: SessionEvent): boolean {
  return event.type === 'pin.entered' && event.result === 'correct';
}

/** Whether a failed entry leaves another try. Escalation gives up at once on no input (the call resumes). */
export function mayRetryPin(context: SessionContext, event: SessionEvent): boolean {
  if (isCorrectPin(event)) return false;
  if (context.flow === 'escalation' && isNoInput(event)) return false;
  return context.pinFailures + 1 < context.settings.maxPinAttempts;
}

/** True when the original call of flow 2 can still be restored. */
export function canRestoreCall(context: SessionContext): boolean {
  return context.flow === 'escalation' && context.otherParty === 'held';
}

/** A `deadline.reached` for an armed deadline that is really due (stale or early ones are ignored). */
export function isDue(context: SessionContext, event: SessionEvent, name: DeadlineName): boolean {
  if (event.type !== 'deadline.reached' || event.name !== name) return false;
  const due = context.deadlines[name];
  return due !== undefined && event.at >= due;
}

export function isKey(event: SessionEvent, command: KeyCommand): boolean {
  return event.type === 'key.command' && event.command === command;
}

/** An invitee event about the invitation in progress (events of earlier invitees are ignored). */
export function isCurrentLeg(context: SessionContext, event: SessionEvent): boolean {
  if (!('legId' in event) || event.legId === undefined) return false;
  return context.invitation !== null && context.invitation.legId === event.legId;
}

export function currentLegStatus(context: SessionContext) {
  return context.invitation === null ? undefined : context.legs[context.invitation.legId];
}

export function isCurrentLegCalling(context: SessionContext, event: SessionEvent): boolean {
  return isCurrentLeg(context, event) && currentLegStatus(context) === 'calling';
}

export function isCurrentLegActive(context: SessionContext, event: SessionEvent): boolean {
  const status = currentLegStatus(context);
  return isCurrentLeg(context, event) && (status === 'calling' || status === 'up');
}

export function isFailedCommand(event: SessionEvent, command: FailableCommand): boolean {
  return event.type === 'command.failed' && event.command === command;
}

/** A failed invitee command about the invitation in progress. */
export function isFailedLegCommand(
  context: SessionContext,
  event: SessionEvent,
  command: FailableCommand,
): boolean {
  return isFailedCommand(event, command) && isCurrentLeg(context, event);
}

export function isEmptyNumber(event: SessionEvent): boolean {
  return event.type === 'number.none' || (event.type === 'number.dialed' && event.digits.trim() === '');
}

/** The route the runtime resolved, if it is usable: allowed, a fresh leg id, a positive ring timeout. */
export function usableRoute(context: SessionContext, event: SessionEvent): AllowedRoute | undefined {
  if (event.type !== 'number.dialed' || !event.route.allowed) return undefined;
  const { route } = event;
  if (route.legId.length === 0 || route.legId in context.legs) return undefined;
  if (!Number.isFinite(route.ringTimeoutMs) || route.ringTimeoutMs <= 0) return undefined;
  return route;
}
