// Fault campaign, flow 2 (`*0` in a two-party call): at every state of the administrator's session, the controller is
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

afterAll(() => printFigures('flow 2, every state', figures));

const points = faultPoints('escalation');
/**
 * 7 states flow 2 can be in (flow 1's and restoringCall) × 2 faults (crash, drop), plus the 2 with a digit
 * entry (authenticating, dialing) × 2 faults again with the keys typed while the controller is away.
 */
const POINTS = 18;

describe('flow 2: a fault at every state', () => {
  it('covers every state flow 2 can reach (as the machine graph finds them), and only those', () => {
    const states = machineStates().filter((s) => !UNREACHABLE.escalation.includes(s));
    expect([...states].sort()).toEqual(reachableStates('escalation'));
    expect(states).toEqual([
      'authenticating',
      'restoringCall',
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
      await runScenario(h, 'escalation', state, kind, figures, typed);
      for (const channel of h.sim.channels()) await h.sim.call(channel.uuid).hangup();
    });
  }

  it('every fault point was injected and survived: nothing dropped, no orphan leg', () => {
    expect(figures).toEqual({ injected: POINTS, survived: POINTS, dropped: 0, orphans: 0 });
  });
});
