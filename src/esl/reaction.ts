// Optional measurement of the controller's reaction time: from reading a DTMF key off the socket to
// writing the first command about the same channel. Only built when asked for (EslConnection's
// `onReaction`); costs nothing otherwise.
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
      case 'channel-hangup':
        this.#pending.delete(event.channel.uuid);
        break;
    }
  }

  /** A command is being written: it answers the pending key of every channel it names. */
  commandWritten(command: Buffer, at: number): void {
    if (this.#pending.size === 0) return;
    for (const [uuid] of command.toString('latin1').matchAll(UUID)) {
      const key = this.#pending.get(uuid);
      if (key === undefined) continue;
      this.#pending.delete(uuid);
      this.#report({ uuid, digit: key.digit, ms: at - key.at });
    }
  }
}
