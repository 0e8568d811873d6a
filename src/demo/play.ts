// What the demo's steps act and check with: the phones (call, press, hang up) and expectations, each
// checked against the simulator's own state (never the controller's view) within a time budget.
import { VirtualClock } from '../clock.js';
import type { PromptId } from '../prompts.js';
import type { SimCall, Simulator, TwoPartyCall } from '../simulator/index.js';
import type { Cast } from './cast.js';
import type { Describer } from './describe.js';
import type { Narrator } from './narrator.js';
import type { Transcript } from './transcript.js';

/** Running clock: wall-clock ms added to every budget (the event socket and the controller need real time). */
const GRACE_MS = 2000;
/** Virtual clock: wall-clock ms a wait may spend with time held still by real I/O (a connect). */
const STUCK_MS = 20_000;
/** Virtual ms a step may take to show its effect unless it says otherwise. */
const DEFAULT_BUDGET_MS = 10_000;

/** A step's expectation that did not come true. */
export class StepFailure extends Error {
  constructor(
    readonly expected: string,
    readonly found: string,
  ) {
    super(`expected ${expected}, but ${found}`);
    this.name = 'StepFailure';
  }
}

export interface ExpectOptions {
  /** Virtual ms (default 10 s). */
  readonly withinMs?: number;
  /** Calls whose whereabouts explain a failure (a function: the calls at the time of the failure). */
  readonly about?: readonly SimCall[] | (() => readonly SimCall[]);
}

export interface PlayOptions {
  readonly sim: Simulator;
  readonly cast: Cast;
  readonly narrator: Narrator;
  readonly describer: Describer;
  readonly transcript: Transcript;
  readonly prompts: Readonly<Record<PromptId, string>>;
  readonly speed: number;
}

export class Play {
  readonly sim: Simulator;
  readonly cast: Cast;
  readonly #narrator: Narrator;
  readonly #describer: Describer;
  readonly #transcript: Transcript;
  readonly #prompts: Readonly<Record<PromptId, string>>;
  readonly #speed: number;
  /** Every phone the demo acts as, by leg. */
  readonly #phones = new Map<string, SimCall>();

  constructor(options: PlayOptions) {
    this.sim = options.sim;
    this.cast = options.cast;
    this.#narrator = options.narrator;
    this.#describer = options.describer;
    this.#transcript = options.transcript;
    this.#prompts = options.prompts;
    this.#speed = options.speed;
  }

  /** An inbound call through the dialplan, e.g. 1001 dialing 900. */
  async call(from: string, to: string): Promise<SimCall> {
    this.#say(`${from} dials ${to}`);
    const call = await this.sim.placeCall({ from, to });
    this.#adopt(from, call);
    return call;
  }

  /** An ordinary call from one phone to another through the dialplan's bridge, answered by the callee. */
  async twoPartyCall(from: string, to: string): Promise<TwoPartyCall> {
    this.#say(`${from} dials ${to}`);
    const call = await this.sim
      .placeTwoPartyCall({ from, to, timeoutMs: this.#timeoutMs(DEFAULT_BUDGET_MS) })
      .catch((err: unknown) => {
        throw new StepFailure(`${to} to answer ${from}`, err instanceof Error ? err.message : String(err));
      });
    this.#adopt(from, call.a);
    this.#adopt(to, call.b);
    return call;
  }

  /** A leg dynconf placed (an invitee), once it exists, as a phone the demo can act as. */
  phoneOf(uuid: string): SimCall {
    const call = this.sim.call(uuid);
    this.#adopt(this.cast.name(uuid), call);
    return call;
  }

  async press(call: SimCall, keys: string, why?: string): Promise<void> {
    this.#say(`${this.cast.name(call.uuid)} presses ${keys}${why === undefined ? '' : `  (${why})`}`);
    await call.press(keys);
  }

  /** Types a PIN and `#`; the transcript shows the digits as `*`. */
  async enterPin(call: SimCall, pin: string, which: 'the right' | 'a wrong'): Promise<void> {
    this.#say(`${this.cast.name(call.uuid)} enters ${which} PIN ${'*'.repeat(pin.length)} and #`);
    await call.press(`${pin}#`);
  }

  /** A remark in the transcript (what the next wait is for, what a name stands for). */
  note(text: string): void {
    this.#narrator.flush();
    this.#transcript.note(text);
  }

  table(rows: ReadonlyArray<readonly string[]>): void {
    this.#narrator.flush();
    this.#transcript.table(rows);
  }

  /** The phone the demo acts as under this name, while it is up. */
  phone(name: string): SimCall | undefined {
    return this.phonesUp().find((call) => this.cast.name(call.uuid) === name);
  }

  async hangup(call: SimCall): Promise<void> {
    this.#narrator.endedByDemo(call.uuid);
    this.#say(`${this.cast.name(call.uuid)} hangs up`);
    await call.hangup();
  }

  /** Phones the demo acts as that are still up. */
  phonesUp(): SimCall[] {
    return [...this.#phones.values()].filter((call) => call.where().state !== 'gone');
  }

  /** How many things the leg has heard so far: pass it to heardSince to look at what comes after. */
  mark(call: SimCall): number {
    return call.heard().length;
  }

  heardSince(call: SimCall, mark: number, prompt: PromptId): boolean {
    const sound = this.#prompts[prompt];
    return call
      .heard()
      .slice(mark)
      .some((item) => item.what === sound);
  }

  /** The last sound the leg heard was this prompt (e.g. asked for the PIN again). */
  lastHeardIs(call: SimCall, prompt: PromptId): boolean {
    const sounds = call.heard().filter((item) => item.kind === 'tone' || item.kind === 'file');
    return sounds.at(-1)?.what === this.#prompts[prompt];
  }

  /** Waits until `check` holds, then prints `✓ what`; a StepFailure naming what was found otherwise. */
  async expect<T>(
    what: string | (() => string),
    check: () => T | undefined | null | false,
    options: ExpectOptions = {},
  ): Promise<T> {
    const budget = options.withinMs ?? DEFAULT_BUDGET_MS;
    const text = () => (typeof what === 'string' ? what : what());
    try {
      const value = await this.#waitFor(check, text, budget);
      await this.#settle();
      this.#transcript.check(text());
      return value;
    } catch (err) {
      if (err instanceof StepFailure) throw err;
      throw new StepFailure(`${text()} (within ${budget / 1000} s)`, this.#found(options.about, err));
    }
  }

  /** `check` must hold all along `forMs` of virtual time (e.g. no automatic return on a GSM trunk). */
  async holds(what: string, check: () => boolean, forMs: number, about: readonly SimCall[]): Promise<void> {
    this.note(`waiting ${forMs / 1000} s…`);
    const until = this.sim.clock.now() + forMs;
    const outcome = await this.#waitFor(
      () => (!check() ? 'broken' : this.sim.clock.now() >= until ? 'held' : undefined),
      what,
      forMs + DEFAULT_BUDGET_MS,
    );
    if (outcome === 'broken') {
      throw new StepFailure(`${what} for ${forMs / 1000} s`, this.#found(about));
    }
    await this.#settle();
    this.#transcript.check(what);
  }

  /** Lets the narrator tell what led up to now (it looks at each event once the switch is done with it). */
  async #settle(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#narrator.flush();
  }

  #adopt(name: string, call: SimCall): void {
    this.cast.cast(call.uuid, name);
    this.#narrator.follow(call.uuid);
    this.#phones.set(call.uuid, call);
  }

  #say(text: string): void {
    this.#narrator.flush();
    this.#transcript.action(text);
  }

  /**
   * Waits until `check` holds, for up to `budgetMs` of the stage's time. On a VirtualClock the wait itself
   * lets that time pass (one timer at a time, only while nothing is in flight); on a running clock it is
   * the wall-clock equivalent at --speed, plus a grace for real I/O.
   */
  #waitFor<T>(
    check: () => T | undefined | null | false,
    what: string | (() => string),
    budgetMs: number,
  ): Promise<T> {
    const clock = this.sim.clock;
    if (clock instanceof VirtualClock)
      return clock.until(check, what, { withinMs: budgetMs, stuckMs: STUCK_MS });
    return this.sim.waitFor(check, {
      timeoutMs: this.#timeoutMs(budgetMs),
      ...(typeof what === 'string' ? { what } : {}),
    });
  }

  /** The simulator's timeoutMs for a budget of the stage's time (see #waitFor). */
  #timeoutMs(virtualMs: number): number {
    if (this.sim.clock instanceof VirtualClock) return STUCK_MS;
    return virtualMs / this.#speed + GRACE_MS;
  }

  #found(about: ExpectOptions['about'], err?: unknown): string {
    const calls = typeof about === 'function' ? about() : (about ?? []);
    if (calls.length > 0) return this.#describer.each(calls.map((call) => call.uuid));
    return err instanceof Error ? err.message : String(err);
  }
}
