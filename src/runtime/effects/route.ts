// The machine's view of a dialed number: allowed (with a fresh leg id) or refused, and why. The invitation
// service decides (the routing rules, then the caps on outbound calls), as it does for the operator's calls.
import { randomUUID } from 'node:crypto';
import type { Route } from '../../../machines/index.js';
import type { InvitationWork, SessionWork } from './host.js';

export function routeFor(host: SessionWork & InvitationWork, digits: string): Route {
  const { settings } = host;
  const caller = {
    ...(host.caller.number === undefined ? {} : { callerIdNumber: host.caller.number }),
    ...(host.caller.name === undefined ? {} : { callerIdName: host.caller.name }),
    ...(host.caller.domain === undefined ? {} : { domain: host.caller.domain }),
  };
  const admission = host.outbound.admit({
    source: 'keypad',
    number: digits,
    room: host.room,
    routes: settings.routes,
    caller,
    callsFromHere: host.routes.size,
    limits: { perAdmin: settings.maxOutboundLegsPerAdmin, total: settings.maxOutboundLegs },
    logger: host.logger,
  });
  if (!admission.ok) {
    // The machine knows two reasons; a cap refuses like a rule.
    return {
      allowed: false,
      reason: admission.reason === 'invalid-number' ? 'invalid-number' : 'not-allowed',
    };
  }
  const legId = randomUUID();
  host.routes.set(legId, admission.route);
  return {
    allowed: true,
    rule: admission.route.ruleName,
    answerSupervision: admission.route.answerSupervision,
    ringTimeoutMs: admission.route.ringTimeoutMs,
    legId,
  };
}
