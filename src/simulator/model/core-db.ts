// FreeSWITCH's core database as `show channels|calls|bridged_calls|tasks` read it. FreeSWITCH writes it from a
// background thread, so those tables trail the events by 0.1–0.3 s, and a task deleted with `sched_del` is
// listed until the scheduler's next pass (measured on 1.10.12). `conference … json_list` is live and does not
// come from here. The rows are those of the last time the database caught up with the switch.
import type { Clock, TimerHandle } from '../../clock.js';

export type Row = Record<string, string>;

export interface CoreDbTables {
  readonly channels: readonly Row[];
  readonly calls: readonly Row[];
  readonly bridgedCalls: readonly Row[];
  readonly tasks: readonly Row[];
}

const EMPTY: CoreDbTables = { channels: [], calls: [], bridgedCalls: [], tasks: [] };

/** How far the scheduler's passes lie apart (clock ms): a deleted task stays listed until the next one. */
export const SCHEDULER_PASS_MS = 1000;

export class CoreDb {
  #tables: CoreDbTables = EMPTY;
  #channelsDue: TimerHandle | undefined;
  #tasksDue: TimerHandle | undefined;

  /**
   * @param lagMs how long after a change the channel tables show it (0: at once)
   * @param read  the switch's tables as they are now
   */
  constructor(
    private readonly clock: Clock,
    private readonly lagMs: number,
    private readonly read: () => CoreDbTables,
  ) {}

  /** Something changed on the switch: the database catches up `lagMs` later (tasks: at the next pass). */
  changed(): void {
    if (this.lagMs <= 0) {
      this.#tables = this.read();
      return;
    }
    this.#channelsDue ??= this.clock.setTimer(this.lagMs, () => {
      this.#channelsDue = undefined;
      const now = this.read();
      this.#tables = { ...now, tasks: this.#tables.tasks };
    });
    const toNextPass = SCHEDULER_PASS_MS - (this.clock.now() % SCHEDULER_PASS_MS);
    this.#tasksDue ??= this.clock.setTimer(Math.max(this.lagMs, toNextPass), () => {
      this.#tasksDue = undefined;
      this.#tables = { ...this.#tables, tasks: this.read().tasks };
    });
  }

  tables(): CoreDbTables {
    return this.#tables;
  }

  /** The switch restarted: a new, empty database. */
  wipe(): void {
    this.#channelsDue?.cancel();
    this.#tasksDue?.cancel();
    this.#channelsDue = undefined;
    this.#tasksDue = undefined;
    this.#tables = EMPTY;
  }
}
