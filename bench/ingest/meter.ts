// Counts what a consumer received and times it: from the first event to the end-of-stream event (or,
// for a consumer that lost it, to the last event before the stream went quiet).

export interface IngestResult {
  readonly consumer: string;
  readonly expectedEvents: number;
  readonly receivedEvents: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly mbPerSecond: number;
  readonly eventsPerSecond: number;
  /** CPU time of the consuming process over the same span, ms. */
  readonly cpuMs: number;
  /** Whether the end-of-stream event arrived. */
  readonly sawEnd: boolean;
  /** Consumer-specific counters (reconnects, parse errors, decode counters, …). */
  readonly details: Readonly<Record<string, number | string>>;
}

export class Meter {
  #count = 0;
  #first = 0;
  #last = 0;
  #cpuAtFirst: NodeJS.CpuUsage | undefined;
  #cpu: NodeJS.CpuUsage | undefined;
  #sawEnd = false;
  #finished = false;
  readonly #done: Promise<void>;
  #resolve: () => void = () => {};

  constructor(
    readonly consumer: string,
    readonly expectedEvents: number,
    readonly bytes: number,
  ) {
    this.#done = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  get count(): number {
    return this.#count;
  }

  /** One event received (`n` when a consumer counts several at once). */
  event(n = 1): void {
    if (this.#finished) return;
    if (this.#count === 0) {
      this.#first = performance.now();
      this.#cpuAtFirst = process.cpuUsage();
    }
    this.#count += n;
    this.#last = performance.now();
  }

  /** For a consumer that sees only some events itself but counts all of them elsewhere. */
  recount(total: number): void {
    this.#count = total;
  }

  /** The end-of-stream event arrived (counted by event() too) and was dealt with: the clock stops now. */
  end(): void {
    if (this.#finished) return;
    this.#last = performance.now();
    this.#sawEnd = true;
    this.#finish();
  }

  /** The server has sent everything: wait until nothing more comes for `quietMs`, then stop. */
  serverDone(quietMs = 1000): void {
    const check = () => {
      if (this.#finished) return;
      if (performance.now() - this.#last >= quietMs) this.#finish();
      else setTimeout(check, quietMs / 4).unref();
    };
    setTimeout(check, quietMs).unref();
  }

  finished(): Promise<void> {
    return this.#done;
  }

  result(details: Record<string, number | string> = {}): IngestResult {
    const seconds = Math.max(1e-9, (this.#last - this.#first) / 1000);
    const cpu = this.#cpu ?? process.cpuUsage(this.#cpuAtFirst);
    return {
      consumer: this.consumer,
      expectedEvents: this.expectedEvents,
      receivedEvents: this.#count,
      bytes: this.bytes,
      seconds,
      mbPerSecond: this.bytes / 1e6 / seconds,
      eventsPerSecond: this.#count / seconds,
      cpuMs: (cpu.user + cpu.system) / 1000,
      sawEnd: this.#sawEnd,
      details,
    };
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#cpu = process.cpuUsage(this.#cpuAtFirst);
    this.#resolve();
  }
}
