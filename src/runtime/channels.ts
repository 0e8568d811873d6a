// What the controller remembers about channels that are not (yet) in a session: whether the dialplan
// marked them for `*0` (`dynconf_star0=enabled`), and which channel each is bridged to. DTMF events carry
// no channel variables (trace 08), so the mark is taken from the channel's earlier events.
import type { DynconfEvent } from '../esl/events.js';
import { STAR0_ENABLED, STAR0_VARIABLE } from './channel-vars.js';

interface Known {
  /** The value of dynconf_star0 as last seen on an event that carries variables. */
  star0: boolean | undefined;
  bridgedTo: string | undefined;
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
  }

  /** true/false once an event with variables was seen for the channel; undefined if never. */
  star0(uuid: string): boolean | undefined {
    return this.#channels.get(uuid)?.star0;
  }

  /** The channel it is bridged to, per CHANNEL_BRIDGE / CHANNEL_UNBRIDGE. */
  peer(uuid: string): string | undefined {
    return this.#channels.get(uuid)?.bridgedTo;
  }

  get size(): number {
    return this.#channels.size;
  }

  #entry(uuid: string): Known {
    let known = this.#channels.get(uuid);
    if (known === undefined) {
      known = { star0: undefined, bridgedTo: undefined };
      this.#channels.set(uuid, known);
    }
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
