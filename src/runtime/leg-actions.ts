// The FreeSWITCH moves a session makes on one leg, each waiting for what the recordings show it needs:
// an app is only sent to a parked leg (CHANNEL_PARK after `uuid_transfer … park inline`, or the park that
// park_after_bridge makes), a prompt played with sendmsg ends with its own CHANNEL_EXECUTE_COMPLETE
// before anything else is sent, a looping prompt is broken first. `conference`, `bridge` and `park`
// themselves are never awaited. Every failure is a value.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import {
  breakMedia,
  broadcast,
  kill,
  playAndGetDigits,
  playback,
  setVariable,
  transferToConference,
  transferToPark,
} from '../esl/commands.js';
import type { EventOf } from '../esl/events.js';
import type { CommandError } from '../esl/result.js';
import type { Logger } from '../log.js';
import { PLAYBACK_TERMINATORS } from './channel-vars.js';
import type { Commander, CommandOutcome } from './commander.js';
import type { LegQueue } from './leg-queue.js';
import { ADOPTED_ENTRY, type Leg } from './legs.js';
import { watchNoKey } from './no-key.js';
import type { DigitCollection } from './settings.js';

/** Clock ms to wait for a leg to park after a transfer to park. */
export const PARK_WAIT_MS = 5_000;
/** Clock ms to give a leg that left a bridge to park by itself (park_after_bridge) before transferring it. */
export const PARK_GRACE_MS = 2_000;
/** Clock ms a prompt may play before the queue goes on without its completion. */
export const PROMPT_WAIT_MS = 120_000;
/** Clock ms to wait for a broken playback to complete. */
export const BREAK_WAIT_MS = 3_000;

const NOT_PARKED: CommandError = { kind: 'failed', message: 'not parked' };
const LEG_GONE: CommandError = { kind: 'failed', message: 'the leg is gone' };

export type CollectResult =
  | { readonly kind: 'done'; readonly event: EventOf<'channel-execute-complete'> }
  /** The command could not be sent (or the leg could not be parked). */
  | { readonly kind: 'failed'; readonly error: CommandError }
  /** A later effect on the leg replaced this entry; its result is not wanted. */
  | { readonly kind: 'superseded' }
  /** No completion within the bound (the machine's own deadline takes over). */
  | { readonly kind: 'lost' }
  /** No key within the entry's `noKeyWithinMs` of its prompt starting; the entry still runs (see collect). */
  | { readonly kind: 'no-key' }
  | { readonly kind: 'gone' };

export interface LegActionsDeps {
  readonly commander: Commander;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly profile: string;
  /** The other leg of a session, by uuid (to see whether a bridge peer is going away). */
  leg(uuid: string): Leg | undefined;
}

export class LegActions {
  readonly #d: LegActionsDeps;

  constructor(deps: LegActionsDeps) {
    this.#d = deps;
  }

  api(built: Parameters<Commander['api']>[0]): Promise<CommandOutcome> {
    return this.#d.commander.api(built, this.#d.logger);
  }

  /** Makes sure the leg is parked: waits for a park already on its way, else transfers it to park. */
  async ensureParked(leg: Leg): Promise<boolean> {
    if (leg.gone) return false;
    if (leg.parked) return true;
    const peer = leg.bridgedTo === undefined ? undefined : this.#d.leg(leg.bridgedTo);
    const peerLeaving = peer !== undefined && (peer.gone || peer.invitee.cancelled || peer.invitee.joined);
    if (leg.parkExpected || peerLeaving) {
      const waited = await leg.waitParked(PARK_GRACE_MS);
      if (waited.outcome === 'matched') return true;
      if (waited.outcome === 'gone') return false;
    }
    return this.park(leg);
  }

  /** `uuid_transfer <leg> park inline`, then waits for its CHANNEL_PARK. */
  async park(leg: Leg): Promise<boolean> {
    if (leg.gone) return false;
    leg.parked = false;
    const sent = await this.api(transferToPark(leg.uuid));
    if (!sent.ok) return false;
    leg.parkExpected = true;
    leg.inRoom = false;
    const waited = await leg.waitParked(PARK_WAIT_MS);
    return waited.outcome === 'matched';
  }

  /**
   * Stops a looping prompt we started on the leg (ringback, hold music) and waits until it has ended. The
   * break is sent only once the prompt runs (its CHANNEL_EXECUTE): a break that comes before finds nothing
   * to stop, and the prompt would then loop in front of everything queued after it.
   */
  async stopLooping(leg: Leg): Promise<void> {
    const looping = leg.looping;
    if (looping === undefined || leg.gone) return;
    const completed = leg.waitCompleted(looping, BREAK_WAIT_MS);
    if (!leg.loopingStarted) {
      const started = await leg.waitFor(
        (e) => e.type === 'channel-execute' && e.channel.uuid === leg.uuid && e.applicationUuid === looping,
        BREAK_WAIT_MS,
      ).done;
      if (started.outcome === 'gone' || leg.looping !== looping) {
        completed.interrupt();
        return;
      }
    }
    const sent = await this.api(breakMedia(leg.uuid));
    if (!sent.ok) completed.interrupt();
    await completed.done;
    if (leg.looping === looping) leg.looping = undefined;
  }

  /**
   * Plays a prompt to the leg and waits until it has played. A parked leg gets a sendmsg playback; a leg
   * talking privately or in a room hears it through uuid_broadcast (only that leg).
   */
  async play(leg: Leg, path: string): Promise<boolean> {
    if (leg.gone) return false;
    const peer = leg.bridgedTo === undefined ? undefined : this.#d.leg(leg.bridgedTo);
    const inLiveBridge =
      leg.bridgedTo !== undefined && !(peer !== undefined && (peer.gone || peer.invitee.cancelled));
    if (leg.inRoom || inLiveBridge) {
      const sent = await this.api(broadcast(leg.uuid, path, 'aleg'));
      return sent.ok;
    }
    await this.stopLooping(leg);
    if (!(await this.ensureParked(leg))) return false;
    const eventUuid = randomUUID();
    const wait = leg.waitCompleted(eventUuid, PROMPT_WAIT_MS);
    const sent = await this.#d.commander.execute(leg.uuid, playback(path), this.#d.logger, eventUuid);
    if (!sent.ok) {
      wait.interrupt();
      return false;
    }
    const done = await wait.done;
    return done.outcome === 'matched';
  }

  /**
   * FreeSWITCH's playback ends on `*` by default (playback_terminators): a looping prompt would stop at the
   * first key of `*#`. `none` keeps it playing; the keys still arrive as DTMF events.
   */
  async keepPlayingOnKeys(leg: Leg): Promise<void> {
    if (leg.gone || leg.terminatorsCleared) return;
    const sent = await this.api(setVariable(leg.uuid, PLAYBACK_TERMINATORS, 'none'));
    if (sent.ok) leg.terminatorsCleared = true;
  }

  /** Starts a looping prompt on the parked leg; it runs until the next move of the leg (or a break). */
  async playLooping(leg: Leg, path: string, parkIfNeeded = true): Promise<boolean> {
    await this.stopLooping(leg);
    const parked = parkIfNeeded ? await this.ensureParked(leg) : leg.parked;
    if (!parked) return false;
    const eventUuid = randomUUID();
    leg.looping = eventUuid;
    leg.loopingStarted = false;
    const sent = await this.#d.commander.execute(leg.uuid, playback(path), this.#d.logger, eventUuid);
    if (!sent.ok) leg.looping = undefined;
    return sent.ok;
  }

  /**
   * play_and_get_digits on the parked leg; the result is the CHANNEL_EXECUTE_COMPLETE carrying our
   * event uuid. A step queued behind it on the same leg supersedes it (the entry is cut short by a park).
   * `adopted`: the entry already runs (started by a controller that is gone): nothing is sent, the result
   * is the completion of whatever play_and_get_digits runs on the leg, or `adopted.completed`.
   * `entry.noKeyWithinMs`: no key that long after the prompt started ends it as `no-key` at once; the
   * entry is left running for the move that follows (back to the room) to end, without a park in between.
   */
  async collect(
    leg: Leg,
    queue: LegQueue,
    entry: DigitCollection,
    boundMs: number,
    adopted?: { readonly completed?: EventOf<'channel-execute-complete'> },
  ): Promise<CollectResult> {
    if (queue.pendingCount > 0) return { kind: 'superseded' };
    if (adopted?.completed !== undefined) return { kind: 'done', event: adopted.completed };
    if (adopted === undefined) {
      await this.stopLooping(leg);
      if (!(await this.ensureParked(leg)))
        return leg.gone ? { kind: 'gone' } : { kind: 'failed', error: NOT_PARKED };
      if (queue.pendingCount > 0) return { kind: 'superseded' };
    }
    const eventUuid = adopted === undefined ? randomUUID() : ADOPTED_ENTRY;
    leg.collecting = eventUuid;
    const wait =
      adopted === undefined
        ? leg.waitCompleted(eventUuid, boundMs)
        : leg.waitFor(
            (e) =>
              e.type === 'channel-execute-complete' &&
              e.channel.uuid === leg.uuid &&
              e.application === 'play_and_get_digits',
            boundMs,
          );
    queue.onQueued = wait.interrupt;
    let noKey = false;
    const stopWatching =
      adopted === undefined && entry.noKeyWithinMs !== undefined
        ? watchNoKey(leg, this.#d.clock, eventUuid, entry.noKeyWithinMs, boundMs, () => {
            noKey = true;
            wait.interrupt();
          })
        : () => {};
    try {
      const sent =
        adopted === undefined
          ? await this.#d.commander.execute(leg.uuid, playAndGetDigits(entry), this.#d.logger, eventUuid)
          : { ok: true as const };
      if (!sent.ok) {
        wait.interrupt();
        leg.collecting = undefined;
        return leg.gone ? { kind: 'gone' } : { kind: 'failed', error: sent.error };
      }
      const result = await wait.done;
      if (result.outcome === 'matched' && result.event?.type === 'channel-execute-complete') {
        return { kind: 'done', event: result.event };
      }
      leg.collecting = undefined;
      if (result.outcome === 'gone') return { kind: 'gone' };
      if (noKey) return { kind: 'no-key' };
      // Cut the entry short: a park ends play_and_get_digits; its late result is ignored.
      await this.park(leg);
      return result.outcome === 'superseded' ? { kind: 'superseded' } : { kind: 'lost' };
    } finally {
      stopWatching();
      queue.onQueued = undefined;
    }
  }

  /** `uuid_transfer <leg> conference:<room>@<profile>[+flags{moderator}] inline` (never `-both`). */
  async transferToRoom(leg: Leg, room: string, moderator: boolean): Promise<CommandOutcome> {
    if (leg.gone) return { ok: false, error: LEG_GONE };
    const sent = await this.api(
      transferToConference(leg.uuid, { room, profile: this.#d.profile, moderator }),
    );
    if (sent.ok) {
      leg.parked = false;
      leg.parkExpected = false;
      leg.inRoom = true;
      leg.looping = undefined;
    }
    return sent;
  }

  /** One uuid_setvar per variable, all written at once (FreeSWITCH sets them in order). */
  async setVariables(leg: Leg, variables: Readonly<Record<string, string>>): Promise<boolean> {
    if (leg.gone) return false;
    const sent = await Promise.all(
      Object.entries(variables).map(([name, value]) => this.api(setVariable(leg.uuid, name, value))),
    );
    return sent.every((outcome) => outcome.ok);
  }

  /** `uuid_kill`; a leg already gone is not an error. */
  async hangUp(leg: Leg, cause?: string): Promise<CommandOutcome> {
    if (leg.gone) return { ok: true, body: '' };
    return this.api(kill(leg.uuid, cause));
  }
}
