// FreeSWITCH's task scheduler as the project's dialplan uses it: sched_transfer queues a transfer whose
// group is the channel's uuid; `sched_del <uuid|id>` deletes it (`+OK Deleted: <n>`); `show tasks`.
import type { TimerHandle } from '../clock.js';
import type { Core } from './model/core.js';

export interface Task {
  id: number;
  desc: string;
  group: string;
  /** Epoch seconds it runs at. */
  runtime: number;
  timer: TimerHandle;
}

export class Scheduler {
  private readonly tasks = new Map<number, Task>();
  private nextId = 1;

  constructor(private readonly core: Core) {}

  /** Runs `fn` after `ms`; the task is listed (and deletable) until then. */
  add(ms: number, desc: string, group: string, fn: () => void): Task {
    const id = this.nextId++;
    const timer = this.core.after(ms, () => {
      this.tasks.delete(id);
      fn();
    });
    const task: Task = { id, desc, group, runtime: Math.floor((this.core.clock.now() + ms) / 1000), timer };
    this.tasks.set(id, task);
    return task;
  }

  /** Deletes by task id (digits) or by group; returns how many were deleted. */
  delete(idOrGroup: string): number {
    let n = 0;
    const byId = /^\d+$/.test(idOrGroup) ? Number(idOrGroup) : undefined;
    for (const task of [...this.tasks.values()]) {
      if (task.id === byId || task.group === idOrGroup) {
        task.timer.cancel();
        this.tasks.delete(task.id);
        n++;
      }
    }
    return n;
  }

  list(): Task[] {
    return [...this.tasks.values()];
  }

  wipe(): void {
    for (const t of this.tasks.values()) t.timer.cancel();
    this.tasks.clear();
  }
}
