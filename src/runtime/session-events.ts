// What one session makes of the events routed to it: channel events of its legs and its invitees'
// originate results become machine events (translate.ts), the administrator's keys become key commands
// (machines/keys.ts), room events say whether the administrator is in the room (conference-actions.ts).
import { IDLE_KEYS, type KeyState, readKey } from '../../machines/index.js';
import { kill } from '../esl/commands.js';
import type { DynconfEvent, EventOf } from '../esl/events.js';
import { handleConferenceEvent } from './conference-actions.js';
import type { SessionWork } from './effects/host.js';
import type { Leg } from './legs.js';
import type { SessionLegs } from './session-legs.js';
import {
  type LegDescription,
  type Translation,
  translateChannelEvent,
  translateOriginateJob,
} from './translate.js';

export interface DeliveryHost extends SessionWork {
  readonly room: string;
}

export class SessionEvents {
  readonly #host: DeliveryHost;
  /** The administrator's key sequence so far. */
  #keys: KeyState = IDLE_KEYS;

  constructor(host: DeliveryHost) {
    this.#host = host;
  }

  /** An event about one of the session's legs. */
  channel(event: DynconfEvent, leg: Leg): void {
    const { admin, logger } = this.#host;
    leg.observe(event);
    if (event.type === 'conference') {
      this.room(event);
      return;
    }
    if (event.type === 'dtmf') {
      if (leg === admin) this.#onAdminKey(event);
      return;
    }
    if (event.type === 'background-job' || event.type === 'custom') return;
    if (
      leg.role === 'invitee' &&
      event.type !== 'channel-hangup' &&
      event.type !== 'channel-hangup-complete'
    ) {
      this.#rekillIfCancelled(leg);
    }
    if (event.type === 'channel-hangup' && leg.role !== 'related') {
      logger.info({ leg: leg.uuid, role: leg.role, cause: event.cause }, 'leg hung up');
    }
    this.#apply(leg, translateChannelEvent(event, describeLeg(leg, this.#host.legs), this.#host.now()));
  }

  /** The result of the originate of invitee leg `inviteeId`. */
  job(event: EventOf<'background-job'>, inviteeId: string): void {
    const { legs, logger } = this.#host;
    const leg = legs.get(inviteeId);
    if (leg === undefined) return;
    if (!event.ok && leg.seen && !leg.gone) {
      // The channel exists: its own events tell how the call ends. (An originate replayed after a
      // reconnect fails on the uuid already in use, while the first attempt still rings.)
      leg.invitee.jobDone = true;
      logger.info({ leg: inviteeId, result: event.reply }, 'originate result ignored: the leg is up');
      return;
    }
    this.#apply(leg, translateOriginateJob(event, describeLeg(leg, legs), this.#host.now()));
    if (!event.ok) logger.info({ leg: inviteeId, result: event.reply }, 'invitee call attempt ended');
    else this.#rekillIfCancelled(leg);
  }

  /** A conference event of the session's room. */
  room(event: EventOf<'conference'>): void {
    const outcome = handleConferenceEvent(event, {
      room: this.#host.room,
      adminUuid: this.#host.admin.uuid,
      at: this.#host.now(),
    });
    if (outcome?.note) this.#host.logger.debug({ action: event.action }, outcome.note);
    if (outcome?.event) this.#host.send(outcome.event);
  }

  #apply(leg: Leg, translation: Translation): void {
    const target = leg.inviteeId === undefined ? undefined : this.#host.legs.get(leg.inviteeId);
    if (translation.facts && target) Object.assign(target.invitee, translation.facts);
    for (const event of translation.events) {
      this.#host.logger.debug({ event: event.type }, 'machine event');
      this.#host.send(event);
    }
  }

  #onAdminKey(event: EventOf<'dtmf'>): void {
    const { admin, settings, logger } = this.#host;
    // Digits typed into a PIN or number entry are that entry's, not commands.
    if (admin.collecting !== undefined) {
      this.#keys = IDLE_KEYS;
      return;
    }
    const step = readKey(
      this.#keys,
      { type: 'digit', digit: event.digit, at: this.#host.now() },
      settings.keySequenceTimeoutMs,
    );
    this.#keys = step.state;
    if (step.command !== null) {
      logger.debug({ key: step.command }, 'key command');
      this.#host.send({ type: 'key.command', at: this.#host.now(), command: step.command });
    }
  }

  /** A leg we hung up before FreeSWITCH had created it shows up after all: hang it up again. */
  #rekillIfCancelled(leg: Leg): void {
    if (!leg.invitee.cancelled || leg.gone || !leg.killRetry) return;
    leg.killRetry = false;
    const { commander, logger } = this.#host;
    logger.info({ leg: leg.uuid }, 'hanging up an invitee leg that appeared after it was cancelled');
    void commander.api(kill(leg.uuid, 'ORIGINATOR_CANCEL'), logger);
  }
}

function describeLeg(leg: Leg, legs: SessionLegs): LegDescription {
  const invitee = leg.inviteeId === undefined ? undefined : legs.get(leg.inviteeId);
  return { role: leg.role, inviteeId: leg.inviteeId, invitee: (invitee ?? leg).invitee };
}
