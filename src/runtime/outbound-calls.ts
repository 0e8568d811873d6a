// Every call dynconf places goes through here, whoever asked for it: an administrator's keypad (the invitee,
// originated to park and then bridged) or the operator's API (the guest, originated straight into the
// room). Both get the same routing and allow rules (the toll-fraud guard), the same caps on outbound calls,
// the same marks on FreeSWITCH (so a restarted controller takes either over), the same counter and the same
// audit: one place decides, builds and counts, and the two callers only follow their own legs.

import type { RouteRule } from '../config/schema.js';
import { type ApiCommand, originate, originateIntoRoom } from '../esl/commands.js';
import type { BuildResult } from '../esl/result.js';
import type { Logger } from '../log.js';
import { type AllowedRouteDecision, type CallerContext, resolveRoute } from '../routing.js';
import { INVITED_BY_VARIABLE, MARK, PARK_AFTER_BRIDGE, ROLE } from './channel-vars.js';
import type { RuntimeCounters } from './counters.js';

/** Who asked for the call. */
export type CallSource = 'keypad' | 'operator';

/** Why a number is not called. */
export type CallRefusal =
  /** Not a number dynconf can dial. */
  | 'invalid-number'
  /** The routing rules do not allow it. */
  | 'not-allowed'
  /** This room (this administrator) has as many calls ringing as maxOutboundLegsPerAdmin allows. */
  | 'too-many-here'
  /** maxOutboundLegs calls are up already, all rooms together. */
  | 'too-many';

export interface CallRequest {
  readonly source: CallSource;
  readonly number: string;
  readonly room: string;
  /** The routing rules that apply (the caller's tenant's). */
  readonly routes: readonly RouteRule[];
  /** The administrator's caller ID and domain, for rules that match on them (the operator has none). */
  readonly caller?: CallerContext;
  /** Calls this room (administrator) has ringing or on their way now. */
  readonly callsFromHere: number;
  readonly limits: { readonly perAdmin: number; readonly total: number };
  readonly logger: Logger;
}

export type Admission =
  | { readonly ok: true; readonly route: AllowedRouteDecision }
  | { readonly ok: false; readonly reason: CallRefusal; readonly detail: string };

/** The originate of an admitted call. */
export interface CallPlacement {
  readonly source: CallSource;
  /** The new leg's uuid (`origination_uuid`). */
  readonly uuid: string;
  readonly route: AllowedRouteDecision;
  readonly room: string;
  /** `originate_timeout`. */
  readonly timeoutSec: number;
  /** The conference profile (the operator's call joins `room@profile` on answer). */
  readonly profile: string;
  /** The administrator whose invitee it is (keypad calls). */
  readonly adminUuid?: string;
}

export interface OutboundCallsDeps {
  readonly counters: Pick<RuntimeCounters, 'invitations'>;
  /** Outbound legs up or on their way now, keypad and operator together (what maxOutboundLegs caps). */
  readonly legsUp: () => number;
}

/** What the operator's calls carry in INVITED_BY_VARIABLE. */
const INVITED_BY_OPERATOR = 'operator';

export class OutboundCalls {
  readonly #d: OutboundCallsDeps;

  constructor(deps: OutboundCallsDeps) {
    this.#d = deps;
  }

  /** Outbound legs up or on their way, every source together. */
  legsUp(): number {
    return this.#d.legsUp();
  }

  /** The rules, then the caps: the route to call, or why not (logged). */
  admit(request: CallRequest): Admission {
    const { number, logger: log, limits } = request;
    const decision = resolveRoute(request.routes, number, request.caller ?? {});
    if (!decision.allowed) {
      log.info(
        { number, reason: decision.reason, rule: decision.ruleName, source: request.source },
        'number refused',
      );
      const reason = decision.reason === 'invalid-number' ? 'invalid-number' : 'not-allowed';
      const detail =
        decision.reason === 'denied'
          ? `routing rule ${decision.ruleName} does not allow this number`
          : decision.reason === 'no-route'
            ? 'no routing rule matches this number'
            : 'this number cannot be dialed';
      return { ok: false, reason, detail };
    }
    if (request.callsFromHere >= limits.perAdmin) {
      log.warn(
        { limit: limits.perAdmin, room: request.room, source: request.source },
        request.source === 'keypad'
          ? 'number refused: too many calls from this session'
          : 'number refused: too many calls ringing into this room',
      );
      return {
        ok: false,
        reason: 'too-many-here',
        detail: `room ${request.room} already has ${request.callsFromHere} calls ringing (maxOutboundLegsPerAdmin)`,
      };
    }
    const up = this.#d.legsUp();
    if (up >= limits.total) {
      log.warn(
        { limit: limits.total, up, room: request.room, source: request.source },
        'number refused: too many outbound calls up at once (all administrators)',
      );
      return {
        ok: false,
        reason: 'too-many',
        detail: `${up} outbound calls are up already (maxOutboundLegs ${limits.total})`,
      };
    }
    return { ok: true, route: decision };
  }

  /**
   * The originate for an admitted call, marked with whose leg it is and where it goes (recovery/plan.ts
   * reads the marks), and counted: call it once, when the call is about to be sent.
   */
  place(call: CallPlacement): BuildResult<ApiCommand> {
    const { route } = call;
    const options = {
      uuid: call.uuid,
      dialString: route.dialString,
      timeoutSec: call.timeoutSec,
      ignoreEarlyMedia: true,
      ...(route.callerIdNumber === undefined ? {} : { callerIdNumber: route.callerIdNumber }),
      ...(route.callerIdName === undefined ? {} : { callerIdName: route.callerIdName }),
    };
    const command =
      call.source === 'keypad'
        ? originate({
            ...options,
            variables: {
              ...PARK_AFTER_BRIDGE,
              [MARK.role]: ROLE.invitee,
              ...(call.adminUuid === undefined ? {} : { [MARK.admin]: call.adminUuid }),
              [MARK.room]: call.room,
            },
          })
        : originateIntoRoom(
            {
              ...options,
              variables: {
                [MARK.role]: ROLE.guest,
                [MARK.room]: call.room,
                [INVITED_BY_VARIABLE]: INVITED_BY_OPERATOR,
              },
            },
            { room: call.room, profile: call.profile },
          );
    if (command.ok) this.#d.counters.invitations++;
    return command;
  }
}
