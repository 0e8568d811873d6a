// What the machine's effects act on for one session: a narrow view the session builds for them (they never
// see the Session itself). Split by what each group of effects needs.
import type { FailableCommand, SessionEvent, SessionOutcome } from '../../../machines/index.js';
import type { PinVerifier } from '../../config/index.js';
import type { EventOf } from '../../esl/events.js';
import { type CommandError, describeCommandError } from '../../esl/result.js';
import type { Logger } from '../../log.js';
import type { AllowedRouteDecision } from '../../routing.js';
import type { Commander } from '../commander.js';
import type { RuntimeCounters } from '../counters.js';
import type { LegActions } from '../leg-actions.js';
import type { Leg } from '../legs.js';
import type { PinGuard } from '../lockout.js';
import type { OutboundCalls } from '../outbound-calls.js';
import type { SessionLegs } from '../session-legs.js';
import type { RuntimeSettings } from '../settings.js';
import type { ScopedTimers } from '../timers.js';

/** Everything a session does: its legs and their queues, the moves on them, the machine to report to. */
export interface SessionWork {
  readonly logger: Logger;
  readonly settings: RuntimeSettings;
  readonly commander: Commander;
  readonly counters: RuntimeCounters;
  readonly legs: SessionLegs;
  readonly admin: Leg;
  readonly actions: LegActions;
  now(): number;
  /** Sends an event to the session's machine. */
  send(event: SessionEvent): void;
}

/** PIN entry: the caller it is for, the PINs, the brute-force guard. */
export interface PinCheck {
  readonly lockoutKey: string;
  readonly pins: PinVerifier;
  readonly guard: PinGuard;
}

/** Number entry and invitations: who calls, into which room, how many calls are up. */
export interface InvitationWork {
  readonly room: string;
  readonly caller: { readonly number?: string; readonly name?: string; readonly domain?: string };
  /** Routes resolved for invitee legs, by leg id (the dial string is not the machine's business). */
  readonly routes: Map<string, AllowedRouteDecision>;
  /** Routes an originate's BACKGROUND_JOB (by its Job-UUID) to this session's invitee leg. */
  registerJob(jobUuid: string, legId: string): void;
  /** The invitation service: admits, builds and counts every call placed (keypad and operator alike). */
  readonly outbound: OutboundCalls;
}

/** Flow 2: the other party of the two-party call. */
export interface OtherPartyWork {
  readonly other: Leg | undefined;
  /** The other party should hear hold music (false once it is bridged back or moved). */
  readonly hold: { wanted: boolean };
}

export interface EffectHost extends SessionWork, PinCheck, InvitationWork, OtherPartyWork {
  /** The session's deadlines (and nothing else's). */
  readonly timers: ScopedTimers;
  /** The machine's last effect: the session is over. */
  release(outcome: SessionOutcome): void;
}

/** The completion of a digit collection the controller did not start (found running after a restart). */
export interface AdoptedEntry {
  /** Its result, when FreeSWITCH had finished it already (rebuilt from the channel's variables). */
  readonly completed?: EventOf<'channel-execute-complete'>;
}

/** A command FreeSWITCH refused (or that could not be carried out): logged, then `command.failed`. */
export function reportFailure(
  host: SessionWork,
  command: FailableCommand,
  error: CommandError | string,
  legId?: string,
): void {
  const detail = typeof error === 'string' ? error : describeCommandError(error);
  host.logger.warn({ command, detail, ...(legId === undefined ? {} : { legId }) }, 'command failed');
  host.send({
    type: 'command.failed',
    at: host.now(),
    command,
    detail,
    ...(legId === undefined ? {} : { legId }),
  });
}
