// The one table of channels the controller keeps beside its sessions, fed once with every event: whether
// the dialplan marked a channel for `*0` (`dynconf_star0=enabled`), which channel each is bridged to, and
// who is on the legs marked with a role (administrators, invitees, guests the operator called): their
// number and whether they answered, so the operator side can say "ringing 801". DTMF events carry no
// channel variables (trace 08), so the marks are taken from the channel's earlier events.
import type { DynconfEvent } from '../esl/events.js';
import { partyOf } from '../esl/party.js';
import { ROLE_VARIABLE, STAR0_ENABLED, STAR0_VARIABLE } from './channel-vars.js';

/** Who is on a leg dynconf deals with. */
export interface LegInfo {
  readonly uuid: string;
  /** The role variable: `admin`, `invitee`, `guest`, … */
  readonly role: string;
  /** The caller ID of an inbound call, the dialed number of a call FreeSWITCH placed. */
  readonly number: string | undefined;
  readonly name: string | undefined;
  readonly answered: boolean;
}

interface Known {
  /** The value of dynconf_star0 as last seen on an event that carries variables. */
  star0: boolean | undefined;
  bridgedTo: string | undefined;
  /** Set once an event showed the leg's role. */
  leg: LegInfo | undefined;
  /** `generation` when an event last touched it (see retain). */
  touched: number;
}

/** Events that carry the channel's variables (`variable_*`). */
const WITH_VARIABLES: ReadonlySet<DynconfEvent['type']> = new Set([
  'channel-create',
  'channel-answer',
  'channel-park',
  'channel-unpark',
  'channel-progress',
  'channel-execute',
  'channel-execute-complete',
  'channel-bridge',
  'channel-unbridge',
]);

export class ChannelTable {
  readonly #channels = new Map<string, Known>();
  #generation = 0;

  observe(event: DynconfEvent): void {
    if (event.type === 'background-job' || event.type === 'conference' || event.type === 'custom') return;
    const uuid = event.channel.uuid;
    if (event.type === 'channel-hangup-complete' || event.type === 'channel-destroy') {
      this.#forget(uuid);
      return;
    }
    if (event.type === 'channel-bridge') {
      this.#entry(event.aLegUuid).bridgedTo = event.bLegUuid;
      this.#entry(event.bLegUuid).bridgedTo = event.aLegUuid;
    } else if (event.type === 'channel-unbridge') {
      for (const leg of [event.aLegUuid, event.bLegUuid]) {
        const known = this.#channels.get(leg);
        if (known) known.bridgedTo = undefined;
      }
    }
    if (WITH_VARIABLES.has(event.type)) {
      this.#entry(uuid).star0 = event.channel.variable(STAR0_VARIABLE) === STAR0_ENABLED;
    }
    const role = event.channel.variable(ROLE_VARIABLE);
    if (role !== undefined && role !== '') {
      const entry = this.#entry(uuid);
      const party = partyOf(event.channel);
      entry.leg = {
        uuid,
        role,
        number: party.number ?? entry.leg?.number,
        name: party.name ?? entry.leg?.name,
        answered: entry.leg?.answered === true || event.channel.answerState === 'answered',
      };
    }
  }

  /** true/false once an event with variables was seen for the channel; undefined if never. */
  star0(uuid: string): boolean | undefined {
    return this.#channels.get(uuid)?.star0;
  }

  /** The channel it is bridged to, per CHANNEL_BRIDGE / CHANNEL_UNBRIDGE. */
  peer(uuid: string): string | undefined {
    return this.#channels.get(uuid)?.bridgedTo;
  }

  /** Who is on a leg marked with a role, until it hangs up. */
  leg(uuid: string | undefined): LegInfo | undefined {
    return uuid === undefined ? undefined : this.#channels.get(uuid)?.leg;
  }

  get size(): number {
    return this.#channels.size;
  }

  /**
   * A read of FreeSWITCH's own channels begins; returns what to hand to `retain` once it is known. Channels
   * events touch from now on are kept whatever the read says.
   */
  beginRead(): number {
    return ++this.#generation;
  }

  /**
   * Keeps only the channels FreeSWITCH listed (`exists`) or that events touched since `beginRead`: the
   * hang-ups of the others were lost while the event socket was down.
   */
  retain(exists: (uuid: string) => boolean, read: number): void {
    for (const [uuid, known] of this.#channels) {
      if (known.touched >= read) continue;
      if (!exists(uuid)) this.#forget(uuid);
      // A "not marked" seen before the gap may be stale: the dialplan can mark a call after its first events
      // (CHANNEL_CREATE carries none yet), and those events were lost. A later *0 asks FreeSWITCH again.
      else if (known.star0 === false) known.star0 = undefined;
    }
  }

  /** Forgets every channel (their hang-ups may be lost and nothing will read them again). */
  clear(): void {
    this.#channels.clear();
  }

  #entry(uuid: string): Known {
    let known = this.#channels.get(uuid);
    if (known === undefined) {
      known = { star0: undefined, bridgedTo: undefined, leg: undefined, touched: this.#generation };
      this.#channels.set(uuid, known);
    }
    known.touched = this.#generation;
    return known;
  }

  #forget(uuid: string): void {
    const known = this.#channels.get(uuid);
    if (known?.bridgedTo !== undefined) {
      const peer = this.#channels.get(known.bridgedTo);
      if (peer?.bridgedTo === uuid) peer.bridgedTo = undefined;
    }
    this.#channels.delete(uuid);
  }
}
