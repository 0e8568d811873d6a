// FreeSWITCH itself restarting (the simulator's crash: every call and room gone without an event, a new
// Core-UUID): whatever state the sessions were in, none is left behind, and the next call is served.
// Counted for real (support/calls.ts): calls dropped (a person's call the switch hung up, not the phone or
// the test; the calls that vanish with FreeSWITCH are the fault itself) and orphan legs (a leg dynconf
// created, up outside a room after its session is gone), each checked after FreeSWITCH is back, once the
// next call is in its room, and once that call has ended.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { finishHarness, type Harness } from '../e2e/support/harness.js';
import { type CallWatch, lastingOrphans, watchCalls } from './support/calls.js';
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
let watch: CallWatch | undefined;

afterEach(async (context) => {
  const harness = h;
  h = undefined;
  watch?.stop();
  watch = undefined;
  await finishHarness(harness, context.task.result?.state === 'fail');
});

afterAll(() => printFigures('FreeSWITCH restarting', figures));

describe('FreeSWITCH restarts under the sessions', () => {
  for (const flow of ['access', 'escalation'] as Flow[]) {
    for (const state of machineStates().filter((s) => !UNREACHABLE[flow].includes(s))) {
      it(`flow ${flow === 'access' ? 1 : 2}, ${state}: no stale session, the next call is served`, async () => {
        const harness = await faultHarness();
        h = harness;
        const calls = watchCalls(harness);
        watch = calls;
        const orphans = new Map<string, string>();
        const countOrphans = async () => {
          for (const leg of await lastingOrphans(harness)) orphans.set(leg.uuid, leg.name);
        };
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
        await countOrphans();
        expect(harness.sim.channels()).toEqual([]);
        const { admin } = await harness.adminInRoom('1005');
        await countOrphans();
        await admin.hangup();
        await harness.until(() => harness.controller.sessions().length === 0, 'the new session to end');
        await countOrphans();
        const dropped = calls.dropped();
        figures.dropped += dropped.length;
        figures.orphans += orphans.size;
        expect({ dropped, orphans: [...orphans.values()] }).toEqual({ dropped: [], orphans: [] });
        figures.survived++;
      });
    }
  }
});
