// Fault campaign, flow 1 (dial 900): at every state of the administrator's session, the controller is
// killed and started again, or the event socket drops; then the call goes on to its natural end.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { finishHarness, type Harness } from '../e2e/support/harness.js';
import {
  faultHarness,
  faultPoints,
  machineStates,
  newFigures,
  printFigures,
  reachableStates,
  runScenario,
  UNREACHABLE,
} from './support/campaign.js';

const figures = newFigures();
let h: Harness | undefined;

afterEach(async (context) => {
  const harness = h;
  h = undefined;
  await finishHarness(harness, context.task.result?.state === 'fail');
});

afterAll(() => printFigures('flow 1, every state', figures));

const points = faultPoints('access');
/**
 * 6 states flow 1 can be in × 2 faults (crash, drop), plus the 2 with a digit entry (authenticating,
 * dialing) × 2 faults again with the keys typed while the controller is away.
 */
const POINTS = 16;

describe('flow 1: a fault at every state', () => {
  it('covers every state flow 1 can reach (as the machine graph finds them), and only those', () => {
    const states = machineStates().filter((s) => !UNREACHABLE.access.includes(s));
    expect([...states].sort()).toEqual(reachableStates('access'));
    expect(states).toEqual([
      'authenticating',
      'inRoom',
      'dialing',
      'invitation.ringing',
      'invitation.talking',
      'invitation.voicemail',
    ]);
    expect(points).toHaveLength(POINTS);
  });

  for (const { kind, state, typed } of points) {
    const how = typed ? ', keys typed while it is down' : '';
    it(`${kind} in ${state}${how}: the call goes on`, async () => {
      h = await faultHarness();
      await runScenario(h, 'access', state, kind, figures, typed);
      for (const channel of h.sim.channels()) await h.sim.call(channel.uuid).hangup();
    });
  }

  it('every fault point was injected and survived: nothing dropped, no orphan leg', () => {
    expect(figures).toEqual({ injected: POINTS, survived: POINTS, dropped: 0, orphans: 0 });
  });
});
