// Fault campaign at seeded random moments (support/random-campaign.ts): a whole flow as a script of steps
// (call, PIN, 0, number, talk, `**`, 0, number, `*#`); at a random step, after a random number of
// FreeSWITCH events following its action (so in the middle of the moves it causes), the controller is
// killed and started again or the event socket drops. Every step is done once and must work at the first
// try; only the step the fault hit may be done a second time, when its keys visibly reached no controller
// that acted on them, and that second try must work. The end is checked as in the other files: everyone in
// the room, the administrator its moderator, nothing dropped, no orphan.
//
// DYNCONF_FAULT_SEEDS=<n> runs n seeds (default 16); DYNCONF_FAULT_SEED=<s> starts at seed s (default 1).
import { afterAll, afterEach, describe, it } from 'vitest';
import { finishHarness, type Harness } from '../e2e/support/harness.js';
import { faultHarness, newFigures, printFigures } from './support/campaign.js';
import { planFor, runSeed } from './support/random-campaign.js';

const SEEDS = Math.max(1, Number(process.env.DYNCONF_FAULT_SEEDS) || 16);
const FIRST_SEED = Number(process.env.DYNCONF_FAULT_SEED) || 1;

const figures = newFigures();
let h: Harness | undefined;

afterEach(async (context) => {
  const harness = h;
  h = undefined;
  await finishHarness(harness, context.task.result?.state === 'fail');
});

afterAll(() => printFigures(`random moments (${SEEDS} seeds from ${FIRST_SEED})`, figures));

describe('faults at seeded random moments', () => {
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
    const plan = planFor(seed);
    it(`seed ${seed}: ${plan.kind} in flow ${plan.flow === 'access' ? 1 : 2} at ${plan.at.toFixed(2)} of the script, after ${plan.events} events`, async () => {
      const harness = await faultHarness({
        config: { maxPinAttempts: 3, pinTimeoutMs: 60_000, dialTimeoutMs: 60_000 },
      });
      h = harness;
      await runSeed(harness, plan, figures);
      for (const channel of harness.sim.channels()) await harness.sim.call(channel.uuid).hangup();
    });
  }
});
