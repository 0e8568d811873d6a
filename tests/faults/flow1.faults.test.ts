// Fault campaign, flow 1 (dial 900): at every state of the administrator's session, the controller is
// killed and started again, or the event socket drops; then the call goes on to its natural end.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { finishHarness, type Harness } from '../e2e/support/harness.js';
import {
  ENTRY_STATES,
  type FaultKind,
  faultHarness,
  machineStates,
  newFigures,
  printFigures,
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

const states = machineStates().filter((s) => !UNREACHABLE.access.includes(s));

describe('flow 1: a fault at every state', () => {
  it('covers every state of the machine but the ones flow 1 cannot reach', () => {
    expect(states).toEqual(
      expect.arrayContaining([
        'authenticating',
        'inRoom',
        'dialing',
        'invitation.ringing',
        'invitation.talking',
        'invitation.voicemail',
      ]),
    );
    expect(states).toHaveLength(machineStates().length - UNREACHABLE.access.length);
  });

  for (const kind of ['crash', 'drop'] as FaultKind[]) {
    for (const state of states) {
      for (const typed of ENTRY_STATES.includes(state) ? [false, true] : [false]) {
        const how = typed ? ', keys typed while it is down' : '';
        it(`${kind} in ${state}${how}: the call goes on`, async () => {
          h = await faultHarness();
          await runScenario(h, 'access', state, kind, figures, typed);
          for (const channel of h.sim.channels()) await h.sim.call(channel.uuid).hangup();
        });
      }
    }
  }
});
