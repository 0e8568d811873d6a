// Waits for simulator events by channel: one listener on the simulator, waiters looked up by Unique-ID,
// so thousands of phones waiting at once cost nothing between their events.
import type { SimEvent, Simulator } from '../../src/simulator/index.js';

interface Waiter {
  readonly match: (event: SimEvent) => boolean;
  readonly resolve: (event: SimEvent) => void;
}

export class ChannelWaiters {
  readonly #waiters = new Map<string, Waiter[]>();

  constructor(sim: Simulator) {
    sim.onEvent((event) => {
      const uuid = event.uuid;
      if (uuid === undefined) return;
      const list = this.#waiters.get(uuid);
      if (list === undefined) return;
      for (let i = 0; i < list.length; i++) {
        const waiter = list[i] as Waiter;
        if (!waiter.match(event)) continue;
        list.splice(i, 1);
        i--;
        waiter.resolve(event);
      }
      if (list.length === 0) this.#waiters.delete(uuid);
    });
  }

  /** The next event on `uuid` that matches (register it before the action that causes it). */
  next(
    uuid: string,
    what: string,
    match: (event: SimEvent) => boolean,
    timeoutMs: number,
  ): Promise<SimEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const list = this.#waiters.get(uuid);
        const at = list?.indexOf(waiter) ?? -1;
        if (list !== undefined && at >= 0) list.splice(at, 1);
        reject(new Error(`no ${what} on ${uuid} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        match,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      const list = this.#waiters.get(uuid);
      if (list === undefined) this.#waiters.set(uuid, [waiter]);
      else list.push(waiter);
    });
  }
}

export const isExecute = (app: string) => (e: SimEvent) =>
  e.name === 'CHANNEL_EXECUTE' && e.get('Application') === app;
export const isAddMember = (e: SimEvent) =>
  e.name === 'CUSTOM' && e.subclass === 'conference::maintenance' && e.get('Action') === 'add-member';
export const isBridge = (e: SimEvent) => e.name === 'CHANNEL_BRIDGE';
export const isDestroy = (e: SimEvent) => e.name === 'CHANNEL_DESTROY';
export const isHangup = (cause: string) => (e: SimEvent) =>
  e.name === 'CHANNEL_HANGUP' && e.get('Hangup-Cause') === cause;
