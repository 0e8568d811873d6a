// Who is on the legs dynconf deals with (administrators, invitees, guests the operator invited): their
// number and whether they answered, from the channel events. Lets the API say "ringing 801" while the
// administrator is out of the room. Only legs marked with `dynconf_role` are kept, each until it hangs up;
// after a reconnect everything is dropped (hang-ups may have been missed) and filled again by new events.
import type { DynconfEvent } from '../esl/events.js';
import { partyOf } from '../room-view/index.js';

export interface LegInfo {
  readonly uuid: string;
  /** `dynconf_role`: `admin`, `invitee`, `guest`, … */
  readonly role: string;
  /** The caller ID of an inbound call, the dialed number of a call FreeSWITCH placed. */
  readonly number: string | undefined;
  readonly name: string | undefined;
  readonly answered: boolean;
}

/** Upper bound on legs kept, whatever happens (hang-ups lost in a storm of events). */
const MAX_LEGS = 10_000;

export class LegDirectory {
  readonly #legs = new Map<string, LegInfo>();

  observe(event: DynconfEvent): void {
    if (event.type === 'background-job' || event.type === 'conference' || event.type === 'custom') return;
    const channel = event.channel;
    if (event.type === 'channel-hangup-complete' || event.type === 'channel-destroy') {
      this.#legs.delete(channel.uuid);
      return;
    }
    const role = channel.variable('dynconf_role');
    if (role === undefined || role === '') return;
    const party = partyOf(channel);
    const known = this.#legs.get(channel.uuid);
    if (known === undefined && this.#legs.size >= MAX_LEGS) return;
    this.#legs.set(channel.uuid, {
      uuid: channel.uuid,
      role,
      number: party.number ?? known?.number,
      name: party.name ?? known?.name,
      answered: known?.answered === true || channel.answerState === 'answered',
    });
  }

  get(uuid: string | undefined): LegInfo | undefined {
    return uuid === undefined ? undefined : this.#legs.get(uuid);
  }

  clear(): void {
    this.#legs.clear();
  }

  get size(): number {
    return this.#legs.size;
  }
}
