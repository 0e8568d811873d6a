// What the runtime reports, turned into the rows the store writes: every field checked and cut to a sane
// length (caller ID names come from the network), absent values as null (what SQLite binds). A report that
// cannot be stored (no id, no time) is refused here, before it is queued, with the reason.
import { randomUUID } from 'node:crypto';
import {
  FLOWS,
  INVITATION_SOURCES,
  type InvitationEnd,
  type InvitationRefusal,
  type InvitationStart,
  type InvitationStep,
  isInvitationOutcome,
  isSessionOutcome,
  REFUSED_OUTCOMES,
  type SessionEnd,
  type SessionStart,
} from './records.js';

type Text = string | null;

export type WriteOp =
  | {
      readonly kind: 'session-start';
      readonly sessionId: string;
      readonly adminUuid: string;
      readonly flow: string;
      readonly callerNumber: Text;
      readonly callerName: Text;
      readonly context: Text;
      readonly tenant: Text;
      readonly node: Text;
      readonly room: string;
      readonly at: number;
      readonly restored: number;
    }
  | {
      readonly kind: 'session-end';
      readonly sessionId: string;
      readonly adminUuid: string;
      readonly at: number;
      readonly outcome: string;
      readonly authenticated: number | null;
      readonly pinFailures: number | null;
    }
  | {
      readonly kind: 'invitation-start';
      readonly id: string;
      readonly source: string;
      readonly sessionId: Text;
      readonly room: string;
      readonly number: string;
      readonly route: Text;
      readonly node: Text;
      readonly at: number;
      /** Set for a refusal: it ends as it starts. */
      readonly outcome: Text;
    }
  | { readonly kind: 'invitation-answered' | 'invitation-joined'; readonly id: string; readonly at: number }
  | {
      readonly kind: 'invitation-end';
      readonly id: string;
      readonly at: number;
      readonly outcome: string;
      readonly cause: Text;
    };

export type OpResult =
  | { readonly ok: true; readonly op: WriteOp }
  | { readonly ok: false; readonly reason: string };

const LIMITS = { id: 64, uuid: 64, name: 128, number: 64, room: 128, route: 64, node: 260, cause: 64 };

/** Drops control characters and cuts to `max` characters; empty → null. */
function text(value: string | undefined, max: number): Text {
  if (typeof value !== 'string') return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean.length === 0 ? null : clean.slice(0, max);
}

function required(value: string | undefined, max: number, field: string): string {
  const clean = text(value, max);
  if (clean === null) throw new ReportError(`${field} is missing`);
  return clean;
}

function time(value: number, field = 'at'): number {
  if (!Number.isFinite(value) || value < 0) throw new ReportError(`${field} is not a time`);
  return Math.round(value);
}

function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new ReportError(`${field} ${value} is unknown`);
  return value as T;
}

class ReportError extends Error {}

function build(make: () => WriteOp): OpResult {
  try {
    return { ok: true, op: make() };
  } catch (err) {
    if (err instanceof ReportError) return { ok: false, reason: err.message };
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

export function sessionStartOp(start: SessionStart): OpResult {
  return build(() => ({
    kind: 'session-start',
    sessionId: required(start.id, LIMITS.id, 'id'),
    adminUuid: required(start.adminUuid, LIMITS.uuid, 'adminUuid'),
    flow: oneOf(start.flow, FLOWS, 'flow'),
    callerNumber: text(start.callerNumber, LIMITS.number),
    callerName: text(start.callerName, LIMITS.name),
    context: text(start.context, LIMITS.name),
    tenant: text(start.tenant, LIMITS.name),
    node: text(start.node, LIMITS.node),
    room: required(start.room, LIMITS.room, 'room'),
    at: time(start.at),
    restored: start.restored === true ? 1 : 0,
  }));
}

export function sessionEndOp(end: SessionEnd): OpResult {
  return build(() => {
    if (!isSessionOutcome(end.outcome)) throw new ReportError(`outcome ${end.outcome} is unknown`);
    const failures = end.pinFailures;
    return {
      kind: 'session-end',
      sessionId: required(end.id, LIMITS.id, 'id'),
      adminUuid: required(end.adminUuid, LIMITS.uuid, 'adminUuid'),
      at: time(end.at),
      outcome: end.outcome,
      authenticated: end.authenticated === undefined ? null : end.authenticated ? 1 : 0,
      pinFailures:
        failures !== undefined && Number.isInteger(failures) && failures >= 0
          ? Math.min(failures, 1e6)
          : null,
    };
  });
}

export function invitationStartOp(start: InvitationStart): OpResult {
  return build(() => ({
    kind: 'invitation-start',
    id: required(start.id, LIMITS.uuid, 'id'),
    source: oneOf(start.source, INVITATION_SOURCES, 'source'),
    sessionId: text(start.sessionId, LIMITS.id),
    room: required(start.room, LIMITS.room, 'room'),
    number: required(start.number, LIMITS.number, 'number'),
    route: text(start.route, LIMITS.route),
    node: text(start.node, LIMITS.node),
    at: time(start.at),
    outcome: null,
  }));
}

export function invitationRefusedOp(refusal: InvitationRefusal): OpResult {
  return build(() => ({
    kind: 'invitation-start',
    id: randomUUID(),
    source: oneOf(refusal.source, INVITATION_SOURCES, 'source'),
    sessionId: text(refusal.sessionId, LIMITS.id),
    room: required(refusal.room, LIMITS.room, 'room'),
    number: required(refusal.number, LIMITS.number, 'number'),
    route: text(refusal.route, LIMITS.route),
    node: text(refusal.node, LIMITS.node),
    at: time(refusal.at),
    outcome: oneOf(refusal.reason, REFUSED_OUTCOMES, 'reason'),
  }));
}

export function invitationStepOp(
  kind: 'invitation-answered' | 'invitation-joined',
  step: InvitationStep,
): OpResult {
  return build(() => ({ kind, id: required(step.id, LIMITS.uuid, 'id'), at: time(step.at) }));
}

export function invitationEndOp(end: InvitationEnd): OpResult {
  return build(() => {
    if (!isInvitationOutcome(end.outcome)) throw new ReportError(`outcome ${end.outcome} is unknown`);
    return {
      kind: 'invitation-end',
      id: required(end.id, LIMITS.uuid, 'id'),
      at: time(end.at),
      outcome: end.outcome,
      cause: text(end.cause, LIMITS.cause),
    };
  });
}
