// FreeSWITCH itself restarting (the simulator's crash: every call and room gone without an event, a new
// Core-UUID): whatever state the sessions were in, none is left behind, and the next call is served.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { finishHarness, type Harness } from '../e2e/support/harness.js';
import {
  type Flow,
  faultHarness,
  machineStates,
  newFigures,
  printFigures,
  reach,
  UNREACHABLE,
} from './support/campaign.js';

const figures = newFigures();
let h: Harness | undefined;

afterEach(async (context) => {
  const harness = h;
  h = undefined;
  await finishHarness(harness, context.task.result?.state === 'fail');
});

afterAll(() => printFigures('FreeSWITCH restarting', figures));

describe('FreeSWITCH restarts under the sessions', () => {
  for (const flow of ['access', 'escalation'] as Flow[]) {
    for (const state of machineStates().filter((s) => !UNREACHABLE[flow].includes(s))) {
      it(`flow ${flow === 'access' ? 1 : 2}, ${state}: no stale session, the next call is served`, async () => {
        const harness = await faultHarness();
        h = harness;
        await reach(harness, flow, state);
        expect(harness.controller.sessions()).toHaveLength(1);
        figures.injected++;
        const recoveries = harness.controller.stats().recoveries;
        await harness.sim.faults.crash({ downMs: 50 });
        await harness.until(
          () => harness.controller.stats().recoveries > recoveries,
          'a recovery after FreeSWITCH came back',
          { timeoutMs: 10_000 },
        );
        await harness.until(
          () => harness.controller.sessions().length === 0,
          () =>
            `no session left (${harness.controller
              .sessions()
              .map((s) => s.state)
              .join(', ')})`,
        );
        expect(harness.sim.channels()).toEqual([]);
        const { admin } = await harness.adminInRoom('1005');
        await admin.hangup();
        figures.survived++;
      });
    }
  }
});
