// Optional measurement of the controller's reaction time: from reading a DTMF key off the socket to
// writing the first command about that channel or the one it is bridged with (`**` in a private talk
// first moves the invitee). Only built when asked for (EslConnection's `onReaction`); costs nothing
// otherwise.
import type { DynconfEvent } from './events.js';

export interface ReactionSample {
  /** The channel the key was pressed on. */
  readonly uuid: string;
  readonly digit: string;
  /** From the key's frame being read to the command being handed to the socket, ms. */
  readonly ms: number;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export class ReactionTracker {
  /** Per channel: the last key read that no command has answered yet. */
  readonly #pending = new Map<string, { digit: string; at: number }>();
  /** Bridged pairs, both ways (CHANNEL_BRIDGE until CHANNEL_UNBRIDGE or a hangup). */
  readonly #peers = new Map<string, string>();
  readonly #report: (sample: ReactionSample) => void;

  constructor(report: (sample: ReactionSample) => void) {
    this.#report = report;
  }

  /** Every decoded event, with the time its frame was read (performance.now()). */
  eventRead(event: DynconfEvent, at: number): void {
    switch (event.type) {
      case 'dtmf':
        this.#pending.set(event.channel.uuid, { digit: event.digit, at });
        break;
      // Keys an application consumed (play_and_get_digits) are answered by its completion, not by the
      // controller; and a channel that hangs up answers nothing.
      case 'channel-execute-complete':
        this.#pending.delete(event.channel.uuid);
        break;
      case 'channel-hangup':
        this.#pending.delete(event.channel.uuid);
        this.#unbridge(event.channel.uuid);
        break;
      case 'channel-bridge':
        this.#peers.set(event.aLegUuid, event.bLegUuid);
        this.#peers.set(event.bLegUuid, event.aLegUuid);
        break;
      case 'channel-unbridge':
        this.#unbridge(event.aLegUuid);
        break;
    }
  }

  /** A command is being written: it answers the pending key of every channel it names, and of their peers. */
  commandWritten(command: Buffer, at: number): void {
    if (this.#pending.size === 0) return;
    // Channels are named on the command line itself (`api uuid_transfer <uuid> …`, `sendmsg <uuid>`).
    const lineEnd = command.indexOf(0x0a);
    for (const [named] of command
      .toString('latin1', 0, lineEnd < 0 ? command.length : lineEnd)
      .matchAll(UUID)) {
      for (const uuid of [named, this.#peers.get(named)]) {
        const key = uuid === undefined ? undefined : this.#pending.get(uuid);
        if (uuid === undefined || key === undefined) continue;
        this.#pending.delete(uuid);
        this.#report({ uuid, digit: key.digit, ms: at - key.at });
      }
    }
  }

  #unbridge(uuid: string): void {
    const peer = this.#peers.get(uuid);
    this.#peers.delete(uuid);
    if (peer !== undefined && this.#peers.get(peer) === uuid) this.#peers.delete(peer);
  }
}
