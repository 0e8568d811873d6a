// Model-based tests: the session's state graph is explored with xstate/graph over the whole event
// alphabet (model-events.ts), then every shortest path, every transition and every simple path is walked
// while an independent model of the world (model-world.ts) checks the invariants.

import { afterAll, describe, expect, it } from 'vitest';
import { createActor, initialTransition, type SnapshotFrom, transition } from 'xstate';
import { getAdjacencyMap, getShortestPaths, getSimplePaths } from 'xstate/graph';
import {
  adminSessionMachine,
  type EffectRequest,
  type SessionEvent,
  type SessionInput,
  withEffects,
} from '../../machines/index.js';
import { type Alphabet, eventsFor, MODEL_INPUTS } from './model-events.js';
import { applyEffects, applyEvent, initialWorld, stepProblems, type World } from './model-world.js';
import { recordingEffects } from './support.js';

type Snap = SnapshotFrom<typeof adminSessionMachine>;
interface Edge {
  readonly event: SessionEvent;
  readonly state: Snap;
}
interface Node {
  readonly state: Snap;
  readonly edges: readonly Edge[];
}
/** The state graph by serialized state, as plain maps. */
type Graph = ReadonlyMap<string, Node>;

interface GraphOptions {
  readonly input: SessionInput;
  readonly events: SessionEvent[] | ((snapshot: Snap) => SessionEvent[]);
  readonly stopWhen: (snapshot: Snap) => boolean;
}

function graphOf(options: GraphOptions): Graph {
  const adjacency = getAdjacencyMap(adminSessionMachine, options) as unknown as Record<
    string,
    { state: Snap; transitions: Record<string, Edge> }
  >;
  return new Map(
    Object.entries(adjacency).map(([k, v]) => [k, { state: v.state, edges: Object.values(v.transitions) }]),
  );
}

const FAULTS: Alphabet = { faults: true };
const CORE: Alphabet = { faults: false };

function traversal(input: SessionInput, alphabet: Alphabet) {
  // A finished actor takes no more events (the pure transition function would still compute some).
  return {
    input,
    events: (snapshot: Snap) => eventsFor(snapshot.context, alphabet),
    stopWhen: (snapshot: Snap) => snapshot.status === 'done',
  };
}

function effectsOf(actions: ReadonlyArray<{ type: string; params?: unknown }>): EffectRequest[] {
  return actions.map((a) => ({ type: a.type, params: a.params ?? undefined }) as EffectRequest);
}

function key(snapshot: Snap): string {
  return JSON.stringify({ value: snapshot.value, context: snapshot.context });
}

function startWorld(input: SessionInput): { world: World; snapshot: Snap } {
  const [snapshot, actions] = initialTransition(adminSessionMachine, input);
  const world = applyEffects(initialWorld(input.flow, input.otherPartyPresent ?? true), effectsOf(actions));
  return { world, snapshot };
}

/** The administrator is never left parked: entering or leaving the room always comes with the move. */
function moveProblems(before: Snap, after: Snap, effects: readonly EffectRequest[]): string[] {
  const names = effects.map((e) => e.type);
  const entered = after.value === 'inRoom' && before.value !== 'inRoom';
  if (entered && !names.includes('joinRoomAsModerator') && !names.includes('returnAdminToRoom')) {
    return [`entered the room from ${JSON.stringify(before.value)} without moving the administrator`];
  }
  if (
    after.value === 'dialing' &&
    before.value !== 'dialing' &&
    !names.includes('leaveRoomAndCollectNumber')
  ) {
    return ['dialing without dial tone'];
  }
  return [];
}

/** One step: the fact happens, then the machine's effects are carried out. */
function step(world: World, snapshot: Snap, event: SessionEvent) {
  const [next, actions] = transition(adminSessionMachine, snapshot, event);
  const effects = effectsOf(actions);
  const after = applyEffects(applyEvent(world, event), effects);
  const problems = [
    ...stepProblems(after, next.context, next.value, next.status === 'done'),
    ...moveProblems(snapshot, next, effects),
  ];
  return { next, world: after, problems };
}

function describePath(events: readonly SessionEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n  ');
}

function isHome(snapshot: Snap): boolean {
  return snapshot.status === 'done' || snapshot.value === 'inRoom';
}

let totalPaths = 0;

describe.each(MODEL_INPUTS)('session model: $name', ({ name, input }) => {
  const graph = graphOf(traversal(input, FAULTS));
  const states = [...graph.keys()];
  const shortestPaths = getShortestPaths(adminSessionMachine, traversal(input, FAULTS));

  it('the initial state already satisfies the invariants', () => {
    const { world, snapshot } = startWorld(input);
    expect(stepProblems(world, snapshot.context, snapshot.value, false)).toEqual([]);
  });

  it('every non-final state handles the administrator hanging up by ending the session', () => {
    let checked = 0;
    for (const node of graph.values()) {
      if (node.state.status === 'done') continue;
      const hangup = node.edges.find((t) => t.event.type === 'admin.hungUp');
      expect(hangup?.state.status, JSON.stringify(node.state.value)).toBe('done');
      expect(hangup?.state.value).toBe('ended');
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('no state is a dead end: from every state, the room or an ending is reachable', () => {
    const reaches = new Set(states.filter((s) => isHome((graph.get(s) as Node).state)));
    let grew = true;
    while (grew) {
      grew = false;
      for (const s of states) {
        if (reaches.has(s)) continue;
        const targets = (graph.get(s)?.edges ?? []).map((t) => key(t.state));
        if (targets.some((t) => reaches.has(t))) {
          reaches.add(s);
          grew = true;
        }
      }
    }
    const stuck = states.filter((s) => !reaches.has(s));
    expect(stuck).toEqual([]);
  });

  it('every transition (each state × each event of the alphabet) keeps the invariants', () => {
    // Each state is reached by its shortest path, replayed in the world model, then every event is tried.
    const paths = shortestPaths;
    expect(paths.length).toBe(states.length);
    let transitions = 0;
    for (const path of paths) {
      let { world, snapshot } = startWorld(input);
      const events: SessionEvent[] = [];
      for (const { event } of path.steps) {
        if (event.type.startsWith('xstate.')) continue;
        events.push(event);
        const r = step(world, snapshot, event);
        expect(r.problems, describePath(events)).toEqual([]);
        world = r.world;
        snapshot = r.next;
      }
      if (snapshot.status === 'done') continue;
      for (const event of eventsFor(snapshot.context, FAULTS)) {
        const r = step(world, snapshot, event);
        expect(r.problems, describePath([...events, event])).toEqual([]);
        transitions++;
      }
    }
    totalPaths += paths.length;
    process.stdout.write(`model ${name}: ${states.length} states, ${transitions} transitions checked\n`);
  });

  it('a running actor with provided effects does exactly what the pure model says, on every shortest path', () => {
    for (const path of shortestPaths) {
      const recorded: EffectRequest[] = [];
      const actor = createActor(withEffects(recordingEffects(recorded)), { input });
      actor.start();
      let [snapshot, actions] = initialTransition(adminSessionMachine, input);
      const expected = effectsOf(actions);
      for (const { event } of path.steps) {
        if (event.type.startsWith('xstate.')) continue;
        actor.send(event);
        [snapshot, actions] = transition(adminSessionMachine, snapshot, event);
        expected.push(...effectsOf(actions));
      }
      expect(recorded).toEqual(expected);
      expect(actor.getSnapshot().value).toEqual(path.state.value);
      actor.stop();
    }
  });

  it('every simple path over the core events keeps the invariants, and every ending releases everything', () => {
    const core = graphOf(traversal(input, CORE));
    const start = startWorld(input);
    let paths = 0;
    let endings = 0;
    const onPath = new Set<string>();
    const events: SessionEvent[] = [];
    // Depth-first over the adjacency map: each prefix is one simple path (no state repeated).
    const walk = (snapshot: Snap, world: World) => {
      const here = key(snapshot);
      onPath.add(here);
      paths++;
      if (snapshot.status === 'done') endings++;
      for (const { event, state: target } of core.get(here)?.edges ?? []) {
        if (onPath.has(key(target))) continue;
        const r = step(world, snapshot, event);
        events.push(event);
        if (r.problems.length > 0) expect(r.problems, describePath(events)).toEqual([]);
        walk(r.next, r.world);
        events.pop();
      }
      onPath.delete(here);
    };
    walk(start.snapshot, start.world);
    expect(paths).toBeGreaterThan(1000);
    expect(endings).toBeGreaterThan(0);
    totalPaths += paths;
    process.stdout.write(`model ${name}: ${paths} simple paths walked (${endings} end the session)\n`);
  });
});

describe('the path walker agrees with xstate/graph', () => {
  it('counts the same simple paths as getSimplePaths on a small alphabet', () => {
    const input: SessionInput = { flow: 'escalation', at: 0, room: 'r', maxPinAttempts: 2 };
    const events: SessionEvent[] = [
      { type: 'pin.entered', at: 1, result: 'wrong' },
      { type: 'pin.entered', at: 1, result: 'correct' },
      { type: 'other.hungUp', at: 1 },
      { type: 'parties.rebridged', at: 1 },
      { type: 'admin.hungUp', at: 1 },
    ];
    const options = { input, events, stopWhen: (snapshot: Snap) => snapshot.status === 'done' };
    const fromGraph = getSimplePaths(adminSessionMachine, options);
    const graph = graphOf(options);
    let walked = 0;
    const onPath = new Set<string>();
    const walk = (k: string) => {
      onPath.add(k);
      walked++;
      for (const t of graph.get(k)?.edges ?? []) {
        const next = key(t.state);
        if (!onPath.has(next)) walk(next);
      }
      onPath.delete(k);
    };
    walk(key(initialTransition(adminSessionMachine, input)[0]));
    // Both count the path to the initial state itself.
    expect(fromGraph.length).toBeGreaterThan(5);
    expect(fromGraph.filter((p) => p.steps.length <= 1)).toHaveLength(1);
    expect(walked).toBe(fromGraph.length);
  });
});

afterAll(() => {
  process.stdout.write(`model: ${totalPaths} paths checked in all\n`);
});
