// The fault campaign's pieces: the machine's states, a way to drive either flow to each of them on the
// simulator, the faults (the controller killed and started again; the event socket dropped), the end
// checks (no call dropped that should live, no orphan leg, the administrator back in a usable place) and
// the figures every test file prints.
import { expect } from 'vitest';
import type { StateValue } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import { adminSessionMachine, type SessionEvent, type SessionInput } from '../../../machines/index.js';
import { VirtualClock } from '../../../src/clock.js';
import type { SimCall } from '../../../src/simulator/index.js';
import {
  ADMIN_PIN,
  type Harness,
  type HarnessOptions,
  startHarness,
  WRONG_PIN,
} from '../../e2e/support/harness.js';
import { eventsFor, MODEL_INPUTS } from '../../machines/model-events.js';

export type Flow = 'access' | 'escalation';
export type FaultKind = 'crash' | 'drop';

/** The machine's states where a session lives (leaves, `invitation.talking`), finals excluded. */
export function machineStates(): string[] {
  type Node = { type: string; states: Record<string, Node> };
  const leaves = (node: Node, prefix: string): string[] =>
    Object.entries(node.states).flatMap(([key, child]) => {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (child.type === 'final') return [];
      return Object.keys(child.states).length === 0 ? [path] : leaves(child, path);
    });
  return leaves(adminSessionMachine.root as unknown as Node, '');
}

/** States a flow cannot be in (flow 1 never restores a two-party call). */
export const UNREACHABLE: Readonly<Record<Flow, readonly string[]>> = {
  access: ['restoringCall'],
  escalation: [],
};

/**
 * The states a session of `flow` can be in, found without machineStates() or UNREACHABLE: the machine's
 * state graph explored with xstate/graph from every input of that flow the model tests use, over their
 * event alphabet (tests/machines/model-events.ts); non-final states as dotted paths, sorted.
 */
export function reachableStates(flow: Flow): string[] {
  type Snapshot = { value: StateValue; status: string; context: Parameters<typeof eventsFor>[0] };
  const found = new Set<string>();
  for (const { input } of MODEL_INPUTS.filter((m) => m.input.flow === flow)) {
    const adjacency = getAdjacencyMap(adminSessionMachine, {
      input: input as SessionInput,
      events: (snapshot: Snapshot) => eventsFor(snapshot.context, { faults: false }) as SessionEvent[],
      stopWhen: (snapshot: Snapshot) => snapshot.status === 'done',
    } as never) as unknown as Record<string, { state: Snapshot }>;
    for (const { state } of Object.values(adjacency)) {
      if (state.status !== 'done') found.add(dotted(state.value));
    }
  }
  return [...found].sort();
}

function dotted(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value)[0] ?? ['', ''];
  return child === undefined ? key : `${key}.${dotted(child)}`;
}

/** One fault of the every-state campaign: a kind of fault, a state, keys typed while down or not. */
export interface FaultPoint {
  readonly kind: FaultKind;
  readonly state: string;
  readonly typed: boolean;
}

/** The every-state campaign of a flow: each fault kind at each state it can reach, entries both ways. */
export function faultPoints(flow: Flow): FaultPoint[] {
  const states = machineStates().filter((s) => !UNREACHABLE[flow].includes(s));
  return (['crash', 'drop'] as const).flatMap((kind) =>
    states.flatMap((state) =>
      (ENTRY_STATES.includes(state) ? [false, true] : [false]).map((typed) => ({ kind, state, typed })),
    ),
  );
}

export const PHONES = {
  '801': { kind: 'answer', afterMs: 300 },
  '802': { kind: 'ring-forever' },
  '803': { kind: 'voicemail' },
  '811': { kind: 'answer', afterMs: 300 },
} as const;

/**
 * Phone time within which what a person did must show (a key's effect, the end of a scenario): well above
 * any move the controller makes (prompts last 2 s in the simulator, the wrong-PIN tone here 4 s), well
 * below anything that could bring the same end about without the controller (ring timeouts 30 s, PIN and
 * number entries 60 s here).
 */
export const PROMPTLY_MS = 10_000;

/**
 * Resolves with `check()`'s first truthy value once it holds within PROMPTLY_MS of phone time (letting that
 * much pass, no more); rejects naming `what` otherwise. On a scaled clock: wall time.
 */
export function promptly<T>(
  h: Harness,
  check: () => T | undefined | null | false,
  what: string | (() => string),
): Promise<T> {
  if (h.clock instanceof VirtualClock) return h.clock.until(check, what, { withinMs: PROMPTLY_MS });
  return h.until(check, what, { timeoutMs: PROMPTLY_MS });
}

export function faultHarness(options: HarnessOptions = {}): Promise<Harness> {
  return startHarness({
    directory: { ...PHONES },
    // A long wrong-PIN prompt keeps flow 2 in restoringCall long enough to hit it; entries wait long
    // enough (clock ms: over a second of wall time) for a controller to come back within them.
    config: {
      maxPinAttempts: 1,
      pinTimeoutMs: 60_000,
      dialTimeoutMs: 60_000,
      prompts: { wrongPin: 'tone_stream://%(4000,0,480,620)' },
    },
    ...options,
  });
}

/** The calls of one scenario. */
export interface World {
  readonly admin: SimCall;
  /** Flow 2: the other party of the two-party call. */
  readonly other?: SimCall;
  readonly invitee?: SimCall;
}

/** How a scenario must end. */
export interface Expectation {
  /** Everyone in the administrator's room, the administrator as its moderator. */
  readonly room?: { readonly admin: SimCall; readonly members: readonly SimCall[] };
  /** Flow 2's call restored: the two bridged again, no session. */
  readonly restored?: readonly [SimCall, SimCall];
  /** Legs that must be gone (a voicemail left with `*#`). */
  readonly gone?: readonly SimCall[];
}

export interface Figures {
  injected: number;
  survived: number;
  dropped: number;
  orphans: number;
}

export function newFigures(): Figures {
  return { injected: 0, survived: 0, dropped: 0, orphans: 0 };
}

export function printFigures(title: string, figures: Figures): void {
  process.stdout.write(
    `\n[faults] ${title}: faults injected ${figures.injected}, survived ${figures.survived}, ` +
      `calls dropped ${figures.dropped}, orphan legs ${figures.orphans}\n`,
  );
}

/**
 * Injects the fault, runs `whileDown` (what the phones do while no event reaches the controller: those
 * events are lost), then waits until the controller is back and has taken FreeSWITCH's state over:
 * `crash` kills the controller (no cleanup) and starts a new one; `drop` closes the event socket and
 * keeps refusing it while `whileDown` runs.
 */
export async function injectFault(
  h: Harness,
  kind: FaultKind,
  whileDown: () => Promise<void> = async () => {},
): Promise<void> {
  if (kind === 'crash') {
    await h.restartController({ crash: true, whileDown });
    return;
  }
  const before = h.controller.stats().recoveries;
  h.sim.faults.refuseConnections(true);
  h.sim.faults.dropConnections();
  try {
    await whileDown();
  } finally {
    h.sim.faults.refuseConnections(false);
  }
  await h.until(
    () => h.sim.connectionCount() === 1 && h.controller.connection.state === 'connected',
    'the event socket back',
    { timeoutMs: 10_000 },
  );
  await h.until(() => h.controller.stats().recoveries > before, 'a recovery after the reconnect');
  await h.controller.recovered();
}

/** An ordinary call 810 → 811, `*0` pressed by 810, the PIN prompt running. */
async function escalate(h: Harness): Promise<World> {
  const { a, b } = await h.sim.placeTwoPartyCall({ from: '810', to: '811' });
  await h.until(() => a.where().bridgedTo === b.uuid, 'the two parties bridged');
  const collect = h.nextCollect(a);
  await a.press('*0');
  await collect;
  await h.sessionState(a.uuid, 'authenticating');
  return { admin: a, other: b };
}

async function inRoom(h: Harness, flow: Flow): Promise<World> {
  if (flow === 'access') return { admin: (await h.adminInRoom()).admin };
  const world = await escalate(h);
  await h.enterPin(world.admin);
  await world.admin.waitUntil('in-conference');
  await h.sessionState(world.admin.uuid, 'inRoom');
  return world;
}

/** Drives a flow to `state` (steady: the state's own moves done). */
export async function reach(h: Harness, flow: Flow, state: string): Promise<World> {
  switch (state) {
    case 'authenticating':
      if (flow === 'escalation') return escalate(h);
      return { admin: await h.callAccessNumber() };
    case 'restoringCall': {
      const world = await escalate(h);
      await h.enterPin(world.admin, WRONG_PIN);
      await h.sessionState(world.admin.uuid, 'restoringCall');
      return world;
    }
    case 'inRoom':
      return inRoom(h, flow);
    case 'dialing': {
      const world = await inRoom(h, flow);
      const collect = h.nextCollect(world.admin);
      await world.admin.press('0');
      await collect;
      await h.sessionState(world.admin.uuid, 'dialing');
      return world;
    }
    case 'invitation.ringing':
    case 'invitation.talking':
    case 'invitation.voicemail': {
      const world = await inRoom(h, flow);
      const number = state === 'invitation.ringing' ? '802' : state === 'invitation.talking' ? '801' : '803';
      const invitee = await h.dial(world.admin, number);
      await h.sessionState(world.admin.uuid, state);
      if (state !== 'invitation.ringing') {
        await h.until(() => world.admin.where().bridgedTo === invitee.uuid, 'the private talk');
      }
      return { ...world, invitee };
    }
  }
  throw new Error(`no way to reach ${state}`);
}

/**
 * After the fault: the administrator takes the call on from `state`, to its natural end. `typed`: the
 * PIN or number of an entry state was typed while the controller heard nothing (its result is on the
 * channel, unread); else it is typed now, into the entry that runs (after a drop the same one, after a
 * restart the one asked again).
 */
export async function finish(h: Harness, state: string, world: World, typed: boolean): Promise<Expectation> {
  const { admin, other } = world;
  const withOther = (members: SimCall[]) => (other === undefined ? members : [...members, other]);
  const talkThenJoin = async (invitee: SimCall) => {
    await h.sessionState(admin.uuid, 'invitation.talking');
    await h.until(() => admin.where().bridgedTo === invitee.uuid, 'the private talk');
    await admin.press('**');
    return { room: { admin, members: withOther([admin, invitee]) } };
  };
  switch (state) {
    case 'authenticating':
      if (!typed) await h.enterPin(admin);
      return { room: { admin, members: withOther([admin]) } };
    case 'restoringCall':
      if (other === undefined) throw new Error('restoringCall without another party');
      return { restored: [admin, other] };
    case 'inRoom':
      return talkThenJoin(await h.dial(admin, '801'));
    case 'dialing': {
      const before = new Set(h.inviteeLegs().map((c) => c.uuid));
      if (typed) before.clear();
      if (!typed) await admin.press('801#');
      const leg = await h.until(
        () => h.inviteeLegs().find((c) => !before.has(c.uuid) && c.variables.dynconf_admin === admin.uuid),
        'the invitee called',
      );
      return talkThenJoin(h.sim.call(leg.uuid));
    }
    case 'invitation.ringing': {
      const invitee = need(world.invitee);
      if (!invitee.where().answered) await invitee.answer();
      return talkThenJoin(invitee);
    }
    case 'invitation.talking': {
      const invitee = need(world.invitee);
      await admin.press('**');
      return { room: { admin, members: withOther([admin, invitee]) } };
    }
    case 'invitation.voicemail': {
      await admin.press('*#');
      return { room: { admin, members: withOther([admin]) }, gone: [need(world.invitee)] };
    }
  }
  throw new Error(`no way to finish from ${state}`);
}

function need(call: SimCall | undefined): SimCall {
  if (call === undefined) throw new Error('the scenario has no invitee');
  return call;
}

/**
 * Waits for the expected end (within PROMPTLY_MS of phone time: no timeout of the switch's may bring it
 * about instead), then counts what went wrong: calls that should live but are gone, and orphan legs (up,
 * but in no room and no bridge). Adds to `figures` and fails the test on any.
 */
export async function checkEnd(h: Harness, expected: Expectation, figures: Figures): Promise<void> {
  const alive = [...(expected.room?.members ?? []), ...(expected.restored ?? [])];
  const inPlace = () => {
    if (expected.room !== undefined) {
      const { admin, members } = expected.room;
      const room = admin.where().room;
      const info = room === undefined ? undefined : h.sim.room(room);
      if (info === undefined || info.members.length !== members.length) return false;
      if (!members.every((m) => m.where().state === 'in-conference' && m.where().room === room)) return false;
      if (info.members.find((m) => m.uuid === admin.uuid)?.moderator !== true) return false;
      if (h.session(admin.uuid)?.state !== 'inRoom') return false;
    }
    if (expected.restored !== undefined) {
      const [a, b] = expected.restored;
      if (a.where().bridgedTo !== b.uuid || h.session(a.uuid) !== undefined) return false;
    }
    return (expected.gone ?? []).every((c) => c.where().state === 'gone');
  };
  let reached = true;
  try {
    await promptly(h, inPlace, () => `the expected end (${picture(h)})`);
  } catch {
    reached = false;
  }
  const dropped = alive.filter((c) => c.where().state === 'gone').length;
  const orphans = h.sim
    .channels()
    .filter((c) => c.where.state !== 'in-conference' && c.where.state !== 'bridged').length;
  figures.dropped += dropped;
  figures.orphans += orphans;
  if (reached && dropped === 0 && orphans === 0) figures.survived++;
  expect({ reached, dropped, orphans }, picture(h)).toEqual({ reached: true, dropped: 0, orphans: 0 });
}

function picture(h: Harness): string {
  const legs = h.sim
    .channels()
    .map((c) => `${c.name} ${c.where.state}${c.where.room ? ` ${c.where.room}` : ''}`);
  const sessions = h.controller.sessions().map((s) => `${s.adminUuid.slice(0, 8)} ${s.state}`);
  return `legs: ${legs.join(', ') || 'none'}; sessions: ${sessions.join(', ') || 'none'}`;
}

/**
 * What the phones do while the controller hears nothing, so that the recovery has lost events to make up
 * for: an entry finished (its result unread on the channel), the invitee answered (seen from FreeSWITCH's
 * state). `typed` false: nothing (the entry still runs when the controller is back).
 */
function whileDown(h: Harness, state: string, world: World, typed: boolean): () => Promise<void> {
  const { admin, invitee } = world;
  const finishEntry = async (keys: string) => {
    await admin.press(keys);
    await h.until(() => admin.where().state !== 'collecting', 'the entry over while nobody listens');
  };
  switch (state) {
    case 'authenticating':
      return typed ? () => finishEntry(`${ADMIN_PIN}#`) : async () => {};
    case 'dialing':
      return typed ? () => finishEntry('801#') : async () => {};
    case 'invitation.ringing':
      return async () => {
        await need(invitee).answer();
        await h.until(() => need(invitee).where().state === 'parked', 'the invitee answered, parked');
      };
    default:
      return async () => {};
  }
}

/** States with a digit entry: a fault there is tried with the keys typed while down, and after. */
export const ENTRY_STATES: readonly string[] = ['authenticating', 'dialing'];

/**
 * One scenario: reach `state` in `flow`, inject `kind` (for an entry state: `typed` while down or not),
 * finish, check.
 */
export async function runScenario(
  h: Harness,
  flow: Flow,
  state: string,
  kind: FaultKind,
  figures: Figures,
  typed = false,
): Promise<void> {
  const world = await reach(h, flow, state);
  figures.injected++;
  const logged = h.logs.length;
  const entry = ENTRY_STATES.includes(state);
  // A restarted controller that finds the entry still running plays its prompt again at once (the caller
  // is not left in silence until the old one times out); the keys are typed into that one.
  const reasked = entry && kind === 'crash' && !typed;
  const reprompt = reasked ? h.nextCollect(world.admin, { timeoutMs: 60_000 }) : undefined;
  await injectFault(h, kind, whileDown(h, state, world, typed));
  if (entry) {
    // The entry is never lost: its result read from the channel, or (after a drop) its collection goes
    // on, or (after a restart) it is asked again.
    const expected = reasked
      ? /asking for the entry again/
      : /taking over the result of the entry|entry ended while events were lost/;
    await h.until(
      () => (kind === 'drop' && !typed ? true : h.logs.slice(logged).some((line) => expected.test(line))),
      reasked ? 'the entry asked again' : 'the entry taken over',
    );
    await reprompt;
    if (!reasked)
      expect(h.logs.slice(logged).some((line) => line.includes('asking for the entry again'))).toBe(false);
  }
  const expected = await finish(h, state, world, typed);
  await checkEnd(h, expected, figures);
}
