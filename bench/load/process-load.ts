// How busy one benchmark process is: its CPU time so far and how late its event loop ran since the last
// sample (monitorEventLoopDelay), so a load table can say which process was the limit.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LOOP_SAMPLE_MS, lateness } from '../../src/controller/loop-lag.js';

export interface ProcessLoad {
  /** CPU time of the process so far (user + system), µs. */
  readonly cpuUs: number;
  /** Event-loop delay since the previous sample: 99th percentile and worst, ms. */
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
}

export class ProcessLoadMeter {
  readonly #delay = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });

  constructor() {
    this.#delay.enable();
  }

  /** The load since the previous sample (the lag figures start again from here). */
  sample(): ProcessLoad {
    const cpu = process.cpuUsage();
    const count = this.#delay.count;
    const load = {
      cpuUs: cpu.user + cpu.system,
      lagP99Ms: count === 0 ? 0 : lateness(this.#delay.percentile(99)),
      lagMaxMs: count === 0 ? 0 : lateness(this.#delay.max),
    };
    this.#delay.reset();
    return load;
  }
}
