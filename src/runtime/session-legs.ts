// The channels one session knows (its legs) and one effect queue per leg: effects on one leg run in the
// order the machine asked for them, effects on different legs side by side.
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { LegQueue } from './leg-queue.js';
import { Leg, type LegRole } from './legs.js';

export interface SessionLegsDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** A new leg of the session: events about it are to be routed here (not for related legs). */
  readonly register: (leg: Leg) => void;
  /** A leg's queue has run everything queued. */
  readonly onIdle: () => void;
  /** A queued step threw: logged and counted by the session, never thrown further. */
  readonly onFault: (err: unknown, message: string) => void;
}

export class SessionLegs {
  readonly #d: SessionLegsDeps;
  readonly #legs = new Map<string, Leg>();
  readonly #queues = new Map<string, LegQueue>();

  constructor(deps: SessionLegsDeps) {
    this.#d = deps;
  }

  add(uuid: string, role: LegRole, inviteeId?: string): Leg {
    const existing = this.#legs.get(uuid);
    if (existing) return existing;
    const leg = new Leg(uuid, role, this.#d.clock, inviteeId);
    this.#legs.set(uuid, leg);
    this.#d.register(leg);
    return leg;
  }

  /** A channel of an invitee's call (loopback legs, a forward to voicemail); the registry routes it already. */
  addRelated(uuid: string, inviteeId: string): Leg {
    const existing = this.#legs.get(uuid);
    if (existing) return existing;
    const leg = new Leg(uuid, 'related', this.#d.clock, inviteeId);
    this.#legs.set(uuid, leg);
    this.#d.logger.debug({ leg: uuid, inviteeId }, 'related leg of the invitee');
    return leg;
  }

  get(uuid: string): Leg | undefined {
    return this.#legs.get(uuid);
  }

  all(): IterableIterator<Leg> {
    return this.#legs.values();
  }

  /** Invitee legs this session still has to end (see Leg.liveInvitee). */
  liveInvitees(): Leg[] {
    return [...this.#legs.values()].filter((leg) => leg.liveInvitee);
  }

  queue(leg: Leg): LegQueue {
    let queue = this.#queues.get(leg.uuid);
    if (queue === undefined) {
      queue = new LegQueue(this.#d.logger.child({ leg: leg.uuid }), this.#d.onIdle);
      this.#queues.set(leg.uuid, queue);
    }
    return queue;
  }

  /** Queues a step on a leg (see LegQueue); a failure is logged and counted, never thrown. */
  enqueue(leg: Leg, name: string, step: () => Promise<void>): void {
    this.queue(leg).push(name, async () => {
      try {
        await step();
      } catch (err) {
        this.#d.onFault(err, `effect ${name} failed`);
      }
    });
  }

  /** Work is queued or running on the leg. */
  busy(leg: Leg | undefined): boolean {
    return leg !== undefined && (this.#queues.get(leg.uuid)?.busy ?? false);
  }

  /** Work is queued or running on any leg. */
  get anyBusy(): boolean {
    for (const queue of this.#queues.values()) if (queue.busy) return true;
    return false;
  }
}
