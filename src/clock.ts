// Time source shared by the controller and the simulator, so tests can run a 30 s ring timeout in milliseconds.
import type { Socket } from 'node:net';

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch, on this clock's time line. */
  now(): number;
  /** Runs `fn` once after `ms` of this clock's time. */
  setTimer(ms: number, fn: () => void): TimerHandle;
  /**
   * A socket whose traffic this clock should wait for before it moves (VirtualClock: time passes only
   * while no byte is in flight between the two ends). Wall-clock kinds ignore it.
   */
  trackSocket?(socket: Socket, end: 'client' | 'server'): void;
  /** Real I/O is under way that the clock cannot see: VirtualClock stands still until the release is called. */
  holdTime?(): () => void;
}

/** Wall-clock time. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
};

/**
 * Time that runs `speed` times faster than the wall clock (speed 100: a 30 s timeout fires after 300 ms).
 * Real I/O keeps flowing in between, which is what end-to-end tests over TCP need.
 */
export function scaledClock(speed: number, start = Date.now()): Clock {
  if (!(speed > 0)) throw new RangeError(`clock speed must be > 0, got ${speed}`);
  const wallStart = Date.now();
  return {
    now: () => start + (Date.now() - wallStart) * speed,
    setTimer(ms, fn) {
      const t = setTimeout(fn, Math.max(0, ms / speed));
      return { cancel: () => clearTimeout(t) };
    },
  };
}

interface ManualTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Time that only moves when told to: for pure unit tests. */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: ManualTimer[] = [];

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer: ManualTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.current = Math.max(this.current, due.at);
      due.cancelled = true;
      due.fn();
    }
    this.current = target;
  }

  pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}

/** A socket seen by the virtual clock, and the key that pairs it with its other end in this process. */
interface TrackedSocket {
  readonly socket: Socket;
  /** `client:server` address pair, the same string on both ends of one TCP connection. */
  readonly link: string;
  /** This end is the one that connected (its local port is the link's client port). */
  readonly client: boolean;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Longest move of a virtual clock in one go when no timer is due sooner (ms of clock time). */
const STEP_MS = 1000;

/** Event-loop turns with no traffic at all before the process counts as idle. */
const QUIET_TURNS = 3;

export interface UntilOptions {
  /** Give up once this much clock time has passed (default 10 minutes of clock time). */
  readonly withinMs?: number;
  /** Give up after this much wall-clock time with time held still by real I/O (default 20 s). */
  readonly stuckMs?: number;
}

interface UntilWaiter {
  readonly kind: 'until';
  readonly check: () => unknown;
  readonly describe: () => string;
  readonly withinMs: number;
  readonly limit: number;
  readonly stuckMs: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Someone waits for a moment of clock time (a phone pausing between two keys). */
interface PauseWaiter {
  readonly kind: 'pause';
  readonly at: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Wall-clock ms a pause may wait while real I/O holds time still before it fails (a hold never released). */
const PAUSE_STUCK_MS = 20_000;

type Waiter = UntilWaiter | PauseWaiter;

/**
 * Time for tests that only moves when the test moves it, and then only while nothing else happens: every
 * byte written on a tracked socket has been read by its other end and the event loop has been quiet for a
 * few turns. Then the earliest timer fires and the process settles again. So how much time passes between
 * two things never depends on how fast or busy the machine is, and timers at the same instant fire in the
 * order they were set. Both ends of the simulator's event socket live in the test process and track their
 * sockets, which is what makes "in flight" knowable.
 */
export class VirtualClock implements Clock {
  #current: number;
  #seq = 0;
  #timers: ManualTimer[] = [];
  readonly #sockets = new Set<TrackedSocket>();
  /** Bumped whenever a timer fires or a tracked socket closes: "something happened". */
  #activity = 0;
  readonly #waiters = new Set<Waiter>();
  #driving = false;
  #holds = 0;

  constructor(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.#current = start;
  }

  now(): number {
    return this.#current;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer: ManualTimer = {
      at: this.#current + Math.max(0, ms),
      seq: this.#seq++,
      fn,
      cancelled: false,
    };
    this.#timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  trackSocket(socket: Socket, end: 'client' | 'server'): void {
    const local = `${socket.localAddress}:${socket.localPort}`;
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const client = end === 'client';
    const entry: TrackedSocket = {
      socket,
      link: client ? `${local}|${remote}` : `${remote}|${local}`,
      client,
    };
    this.#sockets.add(entry);
    socket.once('close', () => {
      this.#activity++;
    });
  }

  /**
   * Real I/O is under way that this clock cannot see (a connection attempt): time stands still until the
   * returned function is called.
   */
  holdTime(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      this.#activity++;
    };
  }

  /** Timers not yet fired or cancelled. */
  pending(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  /** Resolves once nothing is in flight on any tracked socket and the event loop was quiet for a while. */
  async settle(): Promise<void> {
    let quiet = 0;
    this.#forgetClosed();
    let seen = this.#traffic();
    while (quiet < QUIET_TURNS) {
      await turn();
      const now = this.#traffic();
      if (now === seen && !this.#inFlight()) quiet++;
      else quiet = 0;
      seen = now;
    }
  }

  /**
   * Fires the earliest pending timer (moving time to it) if it is due by `limit`; returns whether one fired.
   * Call settle() first: a timer fired while bytes are in flight would let time pass under running work.
   */
  fireNext(limit = Number.POSITIVE_INFINITY): boolean {
    const next = this.#nextTimer();
    if (next === undefined || next.at > limit) return false;
    this.#current = Math.max(this.#current, next.at);
    next.cancelled = true;
    this.#activity++;
    next.fn();
    return true;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way, each once the process has
   * settled after the one before.
   */
  advance(ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiters.add({ kind: 'pause', at: this.#current + Math.max(0, ms), resolve, reject });
      this.#drive();
    });
  }

  /**
   * Lets time pass, one timer at a time and only while the process is idle, until `check` returns
   * something truthy (returned). Fails when `withinMs` of clock time pass first, or when nothing at all is
   * left to happen for `stuckMs` of wall-clock time.
   */
  until<T>(
    check: () => T | undefined | null | false,
    what: string | (() => string),
    options: UntilOptions = {},
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const withinMs = options.withinMs ?? 600_000;
      this.#waiters.add({
        kind: 'until',
        check,
        describe: () => (typeof what === 'string' ? what : what()),
        withinMs,
        limit: this.#current + withinMs,
        stuckMs: options.stuckMs ?? 20_000,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.#drive();
    });
  }

  /** Lets time pass (as until()) until `promise` settles, and returns its outcome. */
  async drive<T>(
    promise: Promise<T>,
    what = 'an operation to finish',
    options: UntilOptions = {},
  ): Promise<T> {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    promise.then(
      (value) => {
        outcome = { ok: true, value };
      },
      (error: unknown) => {
        outcome = { ok: false, error };
      },
    );
    const done = await this.until(() => outcome, what, options);
    if (!done.ok) throw done.error;
    return done.value;
  }

  /**
   * The one loop that moves time, shared by every waiter: whoever waits (a test's condition, a phone's
   * pause between two keys), time moves one timer at a time, only once the process has settled, and never
   * past the earliest pause.
   */
  #drive(): void {
    if (this.#driving) return;
    this.#driving = true;
    void (async () => {
      let idleSince: number | undefined;
      try {
        while (this.#waiters.size > 0) {
          await this.settle();
          // Whoever was woken runs first (it may press a key, or wait again) before time moves on.
          if (this.#resolveSatisfied()) continue;
          // Real I/O this clock cannot see through (a connection being set up) holds time still.
          if (this.#holds > 0) {
            idleSince ??= Date.now();
            const idleMs = Date.now() - idleSince;
            for (const w of this.#waiters) {
              if (w.kind === 'until' && idleMs > w.stuckMs) this.#fail(w, 'real I/O did not finish');
              if (w.kind === 'pause' && idleMs > PAUSE_STUCK_MS && this.#waiters.delete(w))
                w.reject(new Error(`real I/O held the clock still for ${PAUSE_STUCK_MS} ms during a pause`));
            }
            await new Promise<void>((resolve) => setTimeout(resolve, 2));
            continue;
          }
          idleSince = undefined;
          let pauseAt = Number.POSITIVE_INFINITY;
          for (const w of this.#waiters) if (w.kind === 'pause') pauseAt = Math.min(pauseAt, w.at);
          // Time moves to the next timer, the earliest pause, or one step: conditions on time alone
          // ("quiet for 5 s") are checked at least every STEP_MS of clock time.
          const next = this.#nextTimer();
          const target = Math.min(next?.at ?? Number.POSITIVE_INFINITY, pauseAt, this.#current + STEP_MS);
          for (const w of this.#waiters)
            if (w.kind === 'until' && w.limit < target)
              this.#fail(w, `${w.withinMs} ms of clock time passed`);
          if (this.#waiters.size === 0) break;
          if (next !== undefined && next.at <= target) this.fireNext();
          else this.#current = Math.max(this.#current, target);
        }
      } finally {
        this.#driving = false;
      }
    })();
  }

  /** Wakes every waiter whose moment has come or whose condition holds; returns whether any woke. */
  #resolveSatisfied(): boolean {
    let woke = false;
    for (const w of [...this.#waiters]) {
      if (w.kind === 'pause') {
        if (w.at <= this.#current) {
          this.#waiters.delete(w);
          w.resolve();
          woke = true;
        }
        continue;
      }
      try {
        const value = w.check();
        if (value) {
          this.#waiters.delete(w);
          w.resolve(value);
          woke = true;
        }
      } catch (err) {
        this.#waiters.delete(w);
        w.reject(err);
        woke = true;
      }
    }
    return woke;
  }

  #fail(w: UntilWaiter, why: string): void {
    if (!this.#waiters.delete(w)) return;
    w.reject(new Error(`${why} waiting for ${w.describe()}`));
  }

  #nextTimer(): ManualTimer | undefined {
    this.#timers = this.#timers.filter((t) => !t.cancelled);
    let next: ManualTimer | undefined;
    for (const t of this.#timers)
      if (next === undefined || t.at < next.at || (t.at === next.at && t.seq < next.seq)) next = t;
    return next;
  }

  /** Sum of bytes moved on every tracked socket plus the activity counter: changes when anything happens. */
  #traffic(): number {
    let total = this.#activity;
    for (const { socket } of this.#sockets) total += socket.bytesRead + socket.bytesWritten;
    return total;
  }

  /** Whether some byte written on one end of a tracked connection has not been read by its other end. */
  #inFlight(): boolean {
    const links = new Map<string, { client?: Socket; server?: Socket }>();
    for (const s of this.#sockets) {
      const ends = links.get(s.link) ?? {};
      if (s.client) ends.client = s.socket;
      else ends.server = s.socket;
      links.set(s.link, ends);
    }
    for (const { client, server } of links.values()) {
      if (client === undefined || server === undefined) continue;
      if (!client.destroyed && server.bytesWritten > client.bytesRead) return true;
      if (!server.destroyed && client.bytesWritten > server.bytesRead) return true;
    }
    return false;
  }

  /** Closed sockets leave once their other end is closed too, or has read all they wrote. */
  #forgetClosed(): void {
    for (const s of [...this.#sockets]) {
      if (!s.socket.destroyed) continue;
      const other = [...this.#sockets].find((o) => o.link === s.link && o.client !== s.client);
      if (other === undefined || other.socket.destroyed || other.socket.bytesRead >= s.socket.bytesWritten)
        this.#sockets.delete(s);
    }
  }
}
