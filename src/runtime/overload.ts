// Graceful overload: when the controller itself cannot keep up (its event loop lags, or FreeSWITCH has more
// of its commands unanswered than configured), a new caller to the access number is turned away at once,
// with the busy prompt and a clean hang-up, instead of every session slowing down. Sessions already running
// are not touched. Each refusal is counted and logged with what was over its bound.
import { executeApp, playback } from '../esl/commands.js';
import type { Logger } from '../log.js';
import type { Commander } from './commander.js';

export interface OverloadLimits {
  readonly maxEventLoopLagMs: number;
  readonly maxPendingCommands: number;
}

/** What the guard reads each time a caller arrives. */
export interface LoadSource {
  /** The event loop's recent delay, ms (p99 over the last second; 0 when nobody measures it). */
  eventLoopLagMs(): number;
  /** Commands sent to FreeSWITCH and not answered yet. */
  pendingCommands(): number;
}

export type Admission =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string; readonly lagMs: number; readonly pendingCommands: number };

export class OverloadGuard {
  readonly #limits: OverloadLimits;
  readonly #load: LoadSource;

  constructor(limits: OverloadLimits, load: LoadSource) {
    this.#limits = limits;
    this.#load = load;
  }

  /** Whether a new session may start now. */
  admit(): Admission {
    const lagMs = this.#load.eventLoopLagMs();
    const pendingCommands = this.#load.pendingCommands();
    const { maxEventLoopLagMs, maxPendingCommands } = this.#limits;
    if (lagMs > maxEventLoopLagMs)
      return {
        ok: false,
        reason: `event loop lag ${Math.round(lagMs)} ms > ${maxEventLoopLagMs} ms`,
        lagMs,
        pendingCommands,
      };
    if (pendingCommands > maxPendingCommands)
      return {
        ok: false,
        reason: `${pendingCommands} commands unanswered > ${maxPendingCommands}`,
        lagMs,
        pendingCommands,
      };
    return { ok: true };
  }
}

/**
 * Turns an access caller away: the busy prompt, then a hang-up behind it on the channel (two messages,
 * nothing waited for: the controller is overloaded). The prompt holds the channel's messages (event-lock)
 * so the hang-up waits for its end; without it FreeSWITCH runs the hang-up inside the playback at once.
 * The dialplan's scheduled fallback never runs: the call is over long before it is due.
 */
export function turnAway(commander: Commander, logger: Logger, uuid: string, prompt: string): void {
  void commander.execute(uuid, playback(prompt, { eventLock: true }), logger);
  void commander.execute(uuid, executeApp('hangup', 'NORMAL_CIRCUIT_CONGESTION'), logger);
}
