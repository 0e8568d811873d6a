// The path events take to one connection: optional reordering (only between events FreeSWITCH could
// deliver in either order: different channels, different rooms, jobs) and optional delay, on the
// simulator's clock.
import type { Clock, TimerHandle } from '../../clock.js';
import type { EventData } from '../events/event.js';

export interface EventFaults {
  delayMs: number;
  reorder?: { windowSize: number; random: () => number };
}

/** mulberry32: small seeded PRNG so a reordering run can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What an event must stay ordered with: its channel, its room, its job. */
function orderKeys(ev: EventData): string[] {
  const keys: string[] = [];
  const uuid = ev.get('Unique-ID');
  if (uuid !== undefined) keys.push(`u:${uuid}`);
  const other = ev.get('Other-Leg-Unique-ID');
  if (other !== undefined && (ev.name === 'CHANNEL_BRIDGE' || ev.name === 'CHANNEL_UNBRIDGE'))
    keys.push(`u:${other}`);
  const room = ev.get('Conference-Name');
  if (room !== undefined) keys.push(`c:${room}`);
  const job = ev.get('Job-UUID');
  if (job !== undefined) keys.push(`j:${job}`);
  if (keys.length === 0) keys.push(`e:${ev.name}`);
  return keys;
}

export class EventPipeline {
  private window: EventData[] = [];
  private flushTimer?: TimerHandle;
  private lastRelease = 0;
  private readonly timers = new Set<TimerHandle>();

  constructor(
    private readonly faults: EventFaults,
    private readonly clock: Clock,
    private readonly write: (ev: EventData) => void,
  ) {}

  push(ev: EventData): void {
    if (this.faults.reorder === undefined && this.window.length === 0) {
      this.delayed(ev);
      return;
    }
    this.window.push(ev);
    const size = this.faults.reorder?.windowSize ?? 1;
    if (this.window.length >= size) this.flush();
    else if (this.flushTimer === undefined) this.flushTimer = this.clock.setTimer(5, () => this.flush());
  }

  private flush(): void {
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    const pending = this.window;
    this.window = [];
    const random = this.faults.reorder?.random ?? (() => 0);
    while (pending.length > 0) {
      // an event may go first only if no earlier pending event shares one of its keys
      const free: number[] = [];
      const seen = new Set<string>();
      pending.forEach((ev, i) => {
        const keys = orderKeys(ev);
        if (keys.every((k) => !seen.has(k))) free.push(i);
        for (const k of keys) seen.add(k);
      });
      const pick = free[Math.floor(random() * free.length)] ?? 0;
      const [ev] = pending.splice(pick, 1);
      if (ev !== undefined) this.delayed(ev);
    }
  }

  private delayed(ev: EventData): void {
    if (this.faults.delayMs <= 0 && this.timers.size === 0) {
      this.write(ev);
      return;
    }
    const at = Math.max(this.clock.now() + this.faults.delayMs, this.lastRelease);
    this.lastRelease = at;
    const t = this.clock.setTimer(Math.max(0, at - this.clock.now()), () => {
      this.timers.delete(t);
      this.write(ev);
    });
    this.timers.add(t);
  }

  close(): void {
    this.flushTimer?.cancel();
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.window = [];
  }
}
