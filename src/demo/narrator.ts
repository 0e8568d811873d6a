// Tells what happens on its own while the demo acts: what each person hears, phones ringing, answering,
// hanging up. Everything comes from the simulator's events and its record of what each leg heard.
import type { SimEvent, Simulator } from '../simulator/index.js';
import type { Cast } from './cast.js';
import type { Sounds } from './sounds.js';
import type { Transcript } from './transcript.js';

/** How a leg's end reads, by hangup cause. */
function ended(name: string, cause: string): string {
  switch (cause) {
    case 'NORMAL_CLEARING':
      return `${name} is hung up`;
    case 'ORIGINATOR_CANCEL':
      return `the call to ${name} is cancelled (${cause})`;
    default:
      return `${name}'s call ends: ${cause}`;
  }
}

export class Narrator {
  /** Legs whose sounds are told, with how many heard items were told already. */
  readonly #told = new Map<string, number>();
  readonly #ringing = new Set<string>();
  /** Legs the demo itself hangs up: their end is told as the demo's action, not again here. */
  readonly #endedByDemo = new Set<string>();
  readonly #off: () => void;

  constructor(
    private readonly sim: Simulator,
    private readonly cast: Cast,
    private readonly transcript: Transcript,
    private readonly sounds: Sounds,
  ) {
    this.#off = sim.onEvent((event) => {
      // Events fire in the middle of the switch's own work; look once it is done.
      queueMicrotask(() => this.#onEvent(event));
    });
  }

  /** Tells this leg's sounds from now on (and the ones it heard before, if any). */
  follow(uuid: string): void {
    if (!this.#told.has(uuid)) this.#told.set(uuid, 0);
  }

  endedByDemo(uuid: string): void {
    this.#endedByDemo.add(uuid);
  }

  /** Prints every sound heard and not yet told. */
  flush(): void {
    for (const [uuid, told] of this.#told) {
      const items = this.sim.heard(uuid);
      for (const item of items.slice(told)) {
        const what = this.sounds.heard(item);
        if (what !== undefined) this.transcript.hears(this.cast.name(uuid), what, item.at);
      }
      this.#told.set(uuid, items.length);
    }
  }

  stop(): void {
    this.#off();
  }

  #onEvent(event: SimEvent): void {
    const uuid = event.uuid;
    if (uuid === undefined) return;
    const outbound = event.get('Call-Direction') === 'outbound';
    const voicemailSide = /^loopback\/.*-b$/.test(event.get('Channel-Name') ?? '');
    if (event.name === 'CHANNEL_CREATE' && !voicemailSide) this.follow(uuid);
    this.flush();
    switch (event.name) {
      case 'CHANNEL_PROGRESS':
      case 'CHANNEL_PROGRESS_MEDIA':
        if (outbound && !this.#ringing.has(uuid)) {
          this.#ringing.add(uuid);
          this.transcript.happened(`${this.cast.name(uuid)} rings`);
        }
        break;
      case 'CHANNEL_ANSWER':
        if (outbound) this.transcript.happened(`${this.cast.name(uuid)} answers`);
        break;
      case 'CHANNEL_HANGUP_COMPLETE': {
        if (this.#endedByDemo.has(uuid) || voicemailSide) break;
        this.transcript.happened(ended(this.cast.name(uuid), event.get('Hangup-Cause') ?? 'unknown cause'));
        break;
      }
    }
  }
}
