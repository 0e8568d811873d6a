// Effects aimed at one leg run one after another: a prompt finishes before the transfer queued behind it.
// A step is an async function; it never throws into the queue (a throw is logged and the queue goes on).
import type { Logger } from '../log.js';

export type Step = () => Promise<void>;

interface Entry {
  readonly name: string;
  readonly run: Step;
}

export class LegQueue {
  readonly #logger: Logger;
  readonly #pending: Entry[] = [];
  #running: string | undefined;
  #draining = false;
  #idleWaiters: Array<() => void> = [];
  /** Called when a step is queued while another runs (lets a running digit collection give way). */
  onQueued: (() => void) | undefined;

  readonly #onIdle: () => void;

  /** `onIdle` runs each time the queue has run everything queued. */
  constructor(logger: Logger, onIdle: () => void = () => {}) {
    this.#logger = logger;
    this.#onIdle = onIdle;
  }

  /** Queues a step; it starts after every step queued before it has finished. */
  push(name: string, run: Step): void {
    this.#pending.push({ name, run });
    if (!this.#draining) {
      this.#draining = true;
      void this.#drain();
    } else if (this.#running !== undefined) this.onQueued?.();
  }

  /** Drops the steps not started yet (e.g. hold music for a party that is being bridged back). */
  dropPending(): number {
    const dropped = this.#pending.length;
    this.#pending.length = 0;
    return dropped;
  }

  /** Steps queued and not started yet. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  get busy(): boolean {
    return this.#draining || this.#pending.length > 0;
  }

  /** Name of the running step (for the read-only view and logs). */
  get running(): string | undefined {
    return this.#running;
  }

  /** Resolves when nothing runs and nothing is queued. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #drain(): Promise<void> {
    // Start on a later tick: effects of one machine transition are all queued before the first runs.
    await Promise.resolve();
    for (;;) {
      const entry = this.#pending.shift();
      if (entry === undefined) break;
      this.#running = entry.name;
      try {
        await entry.run();
      } catch (err) {
        this.#logger.error({ err, step: entry.name }, 'effect step failed');
      }
    }
    this.#running = undefined;
    this.#draining = false;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
    try {
      this.#onIdle();
    } catch (err) {
      this.#logger.error({ err }, 'queue idle listener failed');
    }
  }
}
