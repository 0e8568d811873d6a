// Which session an event belongs to: by channel uuid (the administrator's leg, the other party of flow 2,
// the invitee legs a session originated — registered before the originate is sent — and legs related to
// them: loopback `-b` legs through `variable_other_loopback_leg_uuid`, legs whose Other-Leg-Unique-ID is
// an invitee or related leg when it is created), by Job-UUID for background jobs, and by room name for conference events
// without a channel.
import type { DynconfEvent } from '../esl/events.js';
import { OTHER_LOOPBACK_LEG_UUID } from './channel-vars.js';
import type { Leg } from './legs.js';

/** What the registry needs of a session. */
export interface RoutableSession {
  readonly id: string;
  /** Takes on a channel found to belong to invitee `inviteeId`'s call. */
  adoptRelatedLeg(uuid: string, inviteeId: string): Leg;
}

export type Route<S extends RoutableSession> =
  | { readonly kind: 'leg'; readonly session: S; readonly leg: Leg }
  | { readonly kind: 'job'; readonly session: S; readonly inviteeId: string }
  | { readonly kind: 'room'; readonly session: S };

export class SessionRegistry<S extends RoutableSession> {
  readonly #legs = new Map<string, { session: S; leg: Leg }>();
  readonly #jobs = new Map<string, { session: S; inviteeId: string }>();
  readonly #rooms = new Map<string, S>();
  readonly #sessions = new Map<string, S>();

  add(session: S): void {
    this.#sessions.set(session.id, session);
  }

  /** Forgets the session and everything routed to it. */
  remove(session: S): void {
    this.#sessions.delete(session.id);
    for (const [uuid, entry] of this.#legs) if (entry.session === session) this.#legs.delete(uuid);
    for (const [job, entry] of this.#jobs) if (entry.session === session) this.#jobs.delete(job);
    for (const [room, owner] of this.#rooms) if (owner === session) this.#rooms.delete(room);
  }

  addLeg(session: S, leg: Leg): void {
    this.#legs.set(leg.uuid, { session, leg });
  }

  addJob(session: S, jobUuid: string, inviteeId: string): void {
    this.#jobs.set(jobUuid, { session, inviteeId });
  }

  addRoom(session: S, room: string): void {
    this.#rooms.set(room, session);
  }

  /** The session whose room this is, if any. */
  ownerOfRoom(room: string): S | undefined {
    return this.#rooms.get(room);
  }

  /** The session a channel belongs to, if any. */
  sessionOf(uuid: string): S | undefined {
    return this.#legs.get(uuid)?.session;
  }

  sessions(): S[] {
    return [...this.#sessions.values()];
  }

  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Invitee legs of every session that are up or on their way (originate sent, no result yet): what the
   * global cap on outbound calls counts. Legs of a session that has ended are not known any more.
   */
  inviteeLegsUp(): number {
    const counted = new Set<Leg>();
    for (const { leg } of this.#legs.values()) {
      if (leg.role !== 'invitee' || leg.gone || (leg.invitee.jobDone && !leg.seen)) continue;
      counted.add(leg);
    }
    return counted.size;
  }

  /** Where an event goes; discovers (and registers) legs related to an invitee on the way. */
  route(event: DynconfEvent): Route<S> | undefined {
    switch (event.type) {
      case 'background-job': {
        const job = this.#jobs.get(event.jobUuid);
        if (job === undefined) return undefined;
        this.#jobs.delete(event.jobUuid);
        return { kind: 'job', session: job.session, inviteeId: job.inviteeId };
      }
      case 'conference': {
        const byChannel = event.channel === undefined ? undefined : this.#legs.get(event.channel.uuid);
        if (byChannel !== undefined) return { kind: 'leg', ...byChannel };
        const owner = this.#rooms.get(event.room);
        return owner === undefined ? undefined : { kind: 'room', session: owner };
      }
      case 'custom':
        return undefined;
      case 'channel-uuid': {
        // A loopback originate renames its channel to our origination uuid (trace 09).
        const old = this.#legs.get(event.oldUuid);
        if (old !== undefined && !this.#legs.has(event.channel.uuid)) this.#legs.set(event.channel.uuid, old);
        break;
      }
    }
    const uuid = event.channel.uuid;
    const known = this.#legs.get(uuid);
    if (known !== undefined) return { kind: 'leg', ...known };
    if (event.type === 'channel-bridge' || event.type === 'channel-unbridge') {
      // Fired on the A leg only; the B leg may be ours.
      const b = this.#legs.get(event.bLegUuid);
      if (b !== undefined) return { kind: 'leg', ...b };
    }
    return this.#adoptRelated(event, uuid);
  }

  #adoptRelated(
    event: Exclude<DynconfEvent, { type: 'background-job' | 'conference' | 'custom' }>,
    uuid: string,
  ) {
    const parents: Array<string | undefined> = [event.channel.variable(OTHER_LOOPBACK_LEG_UUID)];
    // Other-Leg-Unique-ID names the leg that created this one only on its creation events; later (e.g. in a
    // bridge) it names any peer, which would wrongly adopt an administrator bridged with an invitee.
    if (event.type === 'channel-create' || event.type === 'channel-outgoing')
      parents.push(event.channel.otherLegUuid);
    for (const parentUuid of parents) {
      if (parentUuid === undefined || parentUuid === uuid) continue;
      const parent = this.#legs.get(parentUuid);
      if (parent === undefined || parent.leg.inviteeId === undefined) continue;
      if (parent.leg.role !== 'invitee' && parent.leg.role !== 'related') continue;
      const leg = parent.session.adoptRelatedLeg(uuid, parent.leg.inviteeId);
      this.#legs.set(uuid, { session: parent.session, leg });
      return { kind: 'leg' as const, session: parent.session, leg };
    }
    return undefined;
  }
}
