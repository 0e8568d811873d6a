// Invitations the operator places from the API: call a number straight into a room. The number goes
// through the same routing and allow rules as an administrator's keypad (toll-fraud guard), and the call is
// an originate with our own origination uuid into `conference:<room>@<profile>` (answered → member of the
// room). The request returns at once; the outcome comes later from the background job. No leg outlives its
// purpose: a call still ringing is cancelled when its room is gone and nobody will come back to it, or
// when dynconf stops.
import { randomUUID } from 'node:crypto';
import type { InviteFailure } from '../../machines/index.js';
import type { Config } from '../config/index.js';
import { kill, originateIntoRoom } from '../esl/commands.js';
import { describeCommandError } from '../esl/result.js';
import type { Logger } from '../log.js';
import { type DynconfMetrics, type InvitationOutcome, OUTCOME_OF_FAILURE } from '../metrics/index.js';
import { isDialableNumber, resolveRoute } from '../routing.js';
import { inviteFailureFor } from '../runtime/translate.js';
import { type CommandLink, done, notConnected, type Outcome, refused } from './outcome.js';
import type { InvitationSnapshot } from './views.js';

/** Extra time past the ring timeout before a background job with no answer is given up (and hung up). */
const JOB_SLACK_SEC = 30;

export interface InvitationResult {
  readonly uuid: string;
  readonly room: string;
  readonly number: string;
  readonly state: 'calling';
  /** The routing rule that allowed the number. */
  readonly rule: string;
}

/** How an invitation ended, for the live view. */
export interface InvitationEnded {
  readonly uuid: string;
  readonly room: string;
  readonly number: string;
  readonly outcome: InvitationOutcome;
  /** FreeSWITCH's cause, when it gave one (`NO_ANSWER`, `USER_BUSY`, …). */
  readonly cause?: string;
}

export type RoomStatus = 'live' | 'locked' | 'session' | 'unknown';

export interface InvitationsOptions {
  readonly config: Pick<Config, 'routes' | 'conference' | 'maxOutboundLegsPerAdmin' | 'eventSocket'>;
  readonly link: CommandLink;
  readonly metrics?: Pick<DynconfMetrics, 'invitation'>;
  readonly logger: Logger;
  /** Whether FreeSWITCH has the room (and whether it is locked), or only a session refers to it. */
  readonly roomStatus: (room: string) => RoomStatus;
}

interface Pending extends InvitationSnapshot {
  readonly jobUuid: string;
  cancelled: boolean;
}

export class Invitations {
  readonly #options: InvitationsOptions;
  readonly #logger: Logger;
  readonly #pending = new Map<string, Pending>();
  readonly #listeners = new Set<(ended: InvitationEnded) => void>();
  readonly #changeListeners = new Set<() => void>();
  #closed = false;

  constructor(options: InvitationsOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ module: 'invitations' });
  }

  /** Places the call; resolves as soon as FreeSWITCH has it (202), not when it is answered. */
  async invite(room: string, number: string): Promise<Outcome<InvitationResult>> {
    const { config, link } = this.#options;
    if (this.#closed) return refused(503, 'dynconf is stopping');
    const status = this.#options.roomStatus(room);
    if (status === 'unknown') return refused(404, `no room named ${room}`);
    if (status === 'locked') return refused(409, `room ${room} is locked: unlock it before inviting anyone`);
    if (!isDialableNumber(number)) {
      this.#count('invalid_number');
      return refused(400, 'number must be 1 to 32 digits (0-9 * #), optionally starting with +');
    }
    const route = resolveRoute(config.routes, number);
    if (!route.allowed) {
      this.#count(route.reason === 'invalid-number' ? 'invalid_number' : 'not_allowed');
      const why =
        route.reason === 'denied'
          ? `routing rule ${route.ruleName} does not allow this number`
          : route.reason === 'no-route'
            ? 'no routing rule matches this number'
            : 'this number cannot be dialed';
      return refused(403, `number not allowed: ${why}`);
    }
    const down = notConnected(link);
    if (down) return down;
    const inRoom = [...this.#pending.values()].filter((p) => p.room === room).length;
    if (inRoom >= config.maxOutboundLegsPerAdmin) {
      return refused(429, `room ${room} already has ${inRoom} calls ringing (maxOutboundLegsPerAdmin)`);
    }
    const uuid = randomUUID();
    const timeoutSec = Math.ceil(route.ringTimeoutMs / 1000);
    const command = originateIntoRoom(
      {
        uuid,
        dialString: route.dialString,
        timeoutSec,
        ignoreEarlyMedia: true,
        ...(route.callerIdNumber === undefined ? {} : { callerIdNumber: route.callerIdNumber }),
        ...(route.callerIdName === undefined ? {} : { callerIdName: route.callerIdName }),
        variables: { dynconf_role: 'guest', dynconf_room: room, dynconf_invited_by: 'operator' },
      },
      { room, profile: config.conference.profile },
    );
    if (!command.ok) return refused(400, `invalid ${command.error.field}: ${command.error.reason}`);
    const pending: Pending = {
      uuid,
      room,
      number,
      startedAt: Date.now(),
      jobUuid: randomUUID(),
      cancelled: false,
    };
    this.#pending.set(uuid, pending);
    this.#changed();
    this.#logger.info({ uuid, room, rule: route.ruleName, number }, 'operator invitation: calling');
    // Not awaited: the job lasts as long as the phone rings. Its result settles the invitation.
    void link
      .bgapi(command.command, { timeoutMs: (timeoutSec + JOB_SLACK_SEC) * 1000, jobUuid: pending.jobUuid })
      .then((result) => {
        if (result.ok) return this.#settle(pending, 'answered');
        const error = result.error;
        if (error.kind === 'rejected') {
          // The job's body: `-ERR USER_BUSY`.
          const cause = error.reply.replace(/^-ERR\s*/, '').trim();
          const failure: InviteFailure = inviteFailureFor(cause);
          return this.#settle(pending, pending.cancelled ? 'cancelled' : OUTCOME_OF_FAILURE[failure], cause);
        }
        // No result (timeout, connection closed): make sure no call is left ringing, then give up on it.
        this.#logger.warn(
          { uuid, error: describeCommandError(error) },
          'operator invitation: no result; hanging up',
        );
        void this.#hangUp(pending);
        return this.#settle(pending, 'failed', describeCommandError(error));
      });
    return done({ uuid, room, number, state: 'calling', rule: route.ruleName }, 202);
  }

  /** Invitations still calling. */
  pending(): InvitationSnapshot[] {
    return [...this.#pending.values()].map(({ uuid, room, number, startedAt }) => ({
      uuid,
      room,
      number,
      startedAt,
    }));
  }

  /** The room is gone: calls still ringing into it are cancelled (nobody would be there to meet them). */
  roomGone(room: string): void {
    for (const pending of this.#pending.values()) {
      if (pending.room !== room || pending.cancelled) continue;
      this.#logger.info({ uuid: pending.uuid, room }, 'operator invitation cancelled: its room is gone');
      void this.#hangUp(pending);
    }
  }

  /** How each invitation ended. */
  onEnded(listener: (ended: InvitationEnded) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The list of pending invitations changed. */
  onChange(listener: () => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /** dynconf stops: hang up every call still ringing. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#pending.values()].map((pending) => this.#hangUp(pending)));
  }

  async #hangUp(pending: Pending): Promise<void> {
    pending.cancelled = true;
    const command = kill(pending.uuid, 'ORIGINATOR_CANCEL');
    if (!command.ok) return;
    const timeoutMs = this.#options.config.eventSocket.commandTimeoutMs;
    const reply = await this.#options.link.api(command.command, { timeoutMs });
    // `-ERR No such channel!`: not created yet or already gone; the job result settles it either way.
    if (!reply.ok && reply.error.kind !== 'rejected') {
      this.#logger.warn(
        { uuid: pending.uuid, error: describeCommandError(reply.error) },
        'could not hang up an invitation',
      );
    }
  }

  #settle(pending: Pending, outcome: InvitationOutcome, cause?: string): void {
    if (this.#pending.get(pending.uuid) !== pending) return;
    this.#pending.delete(pending.uuid);
    this.#count(outcome);
    this.#logger.info(
      { uuid: pending.uuid, room: pending.room, outcome, cause },
      'operator invitation ended',
    );
    const ended: InvitationEnded = {
      uuid: pending.uuid,
      room: pending.room,
      number: pending.number,
      outcome,
      ...(cause === undefined ? {} : { cause }),
    };
    for (const listener of this.#listeners) {
      try {
        listener(ended);
      } catch (err) {
        this.#logger.error({ err }, 'invitation listener failed');
      }
    }
    this.#changed();
  }

  #count(outcome: InvitationOutcome): void {
    this.#options.metrics?.invitation(outcome, 'api');
  }

  #changed(): void {
    for (const listener of this.#changeListeners) {
      try {
        listener();
      } catch (err) {
        this.#logger.error({ err }, 'invitation listener failed');
      }
    }
  }
}
