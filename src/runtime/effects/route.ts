// The machine's view of a dialed number: allowed (with a fresh leg id) or refused, and why. The routing
// rules decide first, then the caps on outbound calls (this session's, every session's).
import { randomUUID } from 'node:crypto';
import type { Route } from '../../../machines/index.js';
import { resolveRoute } from '../../routing.js';
import type { InvitationWork, SessionWork } from './host.js';

export function routeFor(host: SessionWork & InvitationWork, digits: string): Route {
  const { settings, logger: log } = host;
  const caller = {
    ...(host.caller.number === undefined ? {} : { callerIdNumber: host.caller.number }),
    ...(host.caller.name === undefined ? {} : { callerIdName: host.caller.name }),
    ...(host.caller.domain === undefined ? {} : { domain: host.caller.domain }),
  };
  const decision = resolveRoute(settings.routes, digits, caller);
  if (!decision.allowed) {
    log.info({ number: digits, reason: decision.reason, rule: decision.ruleName }, 'number refused');
    return {
      allowed: false,
      reason: decision.reason === 'invalid-number' ? 'invalid-number' : 'not-allowed',
    };
  }
  if (host.routes.size >= settings.maxOutboundLegsPerAdmin) {
    log.warn({ limit: settings.maxOutboundLegsPerAdmin }, 'number refused: too many calls from this session');
    return { allowed: false, reason: 'not-allowed' };
  }
  const up = host.inviteeLegsUp();
  if (up >= settings.maxOutboundLegs) {
    log.warn(
      { limit: settings.maxOutboundLegs, up },
      'number refused: too many outbound calls up at once (all administrators)',
    );
    return { allowed: false, reason: 'not-allowed' };
  }
  const legId = randomUUID();
  host.routes.set(legId, decision);
  return {
    allowed: true,
    rule: decision.ruleName,
    answerSupervision: decision.answerSupervision,
    ringTimeoutMs: decision.ringTimeoutMs,
    legId,
  };
}
