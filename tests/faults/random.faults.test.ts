// Fault campaign at seeded random moments: a whole flow as a script of steps (call, PIN, 0, number, talk,
// `**`, 0, number, `*#`); at a random step, after a random number of FreeSWITCH events following its
// action (so in the middle of the moves it causes), the controller is killed and started again or the
// event socket drops. Then the script goes on as a person would: an action whose effect was lost with the
// fault (keys pressed into a dead controller, an entry asked again) is done again. The end is checked as
// in the other files: everyone in the room, the administrator its moderator, nothing dropped, no orphan.
//
// DYNCONF_FAULT_SEEDS=<n> runs n seeds (default 16); DYNCONF_FAULT_SEED=<s> starts at seed s (default 1).
import { afterAll, afterEach, describe, it } from 'vitest';
import type { SimCall } from '../../src/simulator/index.js';
import { ADMIN_PIN, finishHarness, type Harness } from '../e2e/support/harness.js';
import {
  checkEnd,
  type FaultKind,
  type Flow,
  faultHarness,
  injectFault,
  newFigures,
  printFigures,
} from './support/campaign.js';

const SEEDS = Math.max(1, Number(process.env.DYNCONF_FAULT_SEEDS) || 16);
const FIRST_SEED = Number(process.env.DYNCONF_FAULT_SEED) || 1;
/** A fault lands within this many FreeSWITCH events after the chosen step's action. */
const MAX_EVENTS_BEFORE_FAULT = 40;

const figures = newFigures();
let h: Harness | undefined;

afterEach(async (context) => {
  const harness = h;
  h = undefined;
  await finishHarness(harness, context.task.result?.state === 'fail');
});

afterAll(() => printFigures(`random moments (${SEEDS} seeds from ${FIRST_SEED})`, figures));

/** mulberry32: small, seeded, good enough to pick moments. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Step {
  readonly name: string;
  act(): Promise<void>;
  done(): boolean;
  /** Keys into a digit collection: after a fault, typed again into the entry asked again. */
  readonly entry?: boolean;
  /**
   * Machine states (`none`: no session) in which the action has visibly not happened (its keys went to a
   * controller that was not there): do it again.
   */
  readonly before?: readonly string[];
}

interface Calls {
  admin?: SimCall;
  other?: SimCall;
  first?: SimCall;
  second?: SimCall;
}

function script(harness: Harness, flow: Flow, calls: Calls): Step[] {
  const state = () => (calls.admin === undefined ? undefined : harness.session(calls.admin.uuid)?.state);
  const admin = () => {
    if (calls.admin === undefined) throw new Error('no administrator yet');
    return calls.admin;
  };
  const inRoomWith = (members: Array<SimCall | undefined>) => {
    const room = admin().where().room;
    if (room === undefined || state() !== 'inRoom') return false;
    return members.every((m) => m === undefined || m.where().room === room);
  };
  const newInvitee = (): SimCall | undefined => {
    const known = new Set([calls.first?.uuid, calls.second?.uuid]);
    const leg = harness
      .inviteeLegs()
      .find((c) => c.variables.dynconf_admin === calls.admin?.uuid && !known.has(c.uuid));
    return leg === undefined ? undefined : harness.sim.call(leg.uuid);
  };
  const start: Step[] =
    flow === 'access'
      ? [
          {
            name: 'call 900',
            act: async () => {
              calls.admin = await harness.sim.placeCall({ from: '1001', to: '900' });
            },
            done: () => state() === 'authenticating' && admin().where().state === 'collecting',
          },
        ]
      : [
          {
            name: 'two-party call',
            act: async () => {
              const { a, b } = await harness.sim.placeTwoPartyCall({ from: '810', to: '811' });
              calls.admin = a;
              calls.other = b;
            },
            done: () => calls.other !== undefined && admin().where().bridgedTo === calls.other.uuid,
          },
          {
            name: '*0',
            act: () => admin().press('*0'),
            done: () => state() === 'authenticating' && admin().where().state === 'collecting',
            before: ['none'],
          },
        ];
  const talking = (who: () => SimCall | undefined) => () =>
    state() === 'invitation.talking' && admin().where().bridgedTo === who()?.uuid;
  return [
    ...start,
    {
      name: 'PIN',
      entry: true,
      act: () => admin().press(`${ADMIN_PIN}#`),
      done: () => inRoomWith([calls.admin, calls.other]),
    },
    {
      name: '0',
      act: () => admin().press('0'),
      done: () => state() === 'dialing' && admin().where().state === 'collecting',
      before: ['inRoom'],
    },
    {
      name: 'dial 801',
      entry: true,
      act: () => admin().press('801#'),
      done: () => {
        calls.first ??= newInvitee();
        return calls.first !== undefined && (state() ?? '').startsWith('invitation');
      },
    },
    { name: 'talk to 801', act: async () => {}, done: talking(() => calls.first) },
    {
      name: '**',
      act: () => admin().press('**'),
      done: () => inRoomWith([calls.admin, calls.other, calls.first]),
      before: ['invitation.talking'],
    },
    {
      name: '0 again',
      act: () => admin().press('0'),
      done: () => state() === 'dialing' && admin().where().state === 'collecting',
      before: ['inRoom'],
    },
    {
      name: 'dial 802 (rings)',
      entry: true,
      act: () => admin().press('802#'),
      done: () => {
        calls.second ??= newInvitee();
        return calls.second !== undefined && state() === 'invitation.ringing';
      },
    },
    {
      name: '*#',
      act: () => admin().press('*#'),
      done: () =>
        inRoomWith([calls.admin, calls.other, calls.first]) && calls.second?.where().state === 'gone',
      before: ['invitation.ringing'],
    },
  ];
}

/** Waits for `check` up to `timeoutMs` (wall); false when it did not come. */
async function within(harness: Harness, check: () => boolean, timeoutMs: number): Promise<boolean> {
  try {
    await harness.until(check, 'a step to complete', { timeoutMs });
    return true;
  } catch {
    return false;
  }
}

const ENTRY_STATES = ['authenticating', 'dialing'];
/**
 * Wall ms without a new prompt after which the person types into the prompt that is there. Prompts wait
 * far longer here (pinTimeoutMs, dialTimeoutMs below: over a second of wall time at the harness speed).
 */
const QUIET_MS = 500;

/**
 * After a fault: the step completes, or its action is done again when it visibly did not happen: keys
 * typed into an entry that was asked again (its prompt starts over), keys pressed while no controller
 * listened.
 */
async function complete(harness: Harness, step: Step, calls: Calls): Promise<void> {
  const state = () =>
    calls.admin === undefined ? 'none' : (harness.session(calls.admin.uuid)?.state ?? 'none');
  const admin = calls.admin;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (step.entry === true && admin !== undefined) {
      // A prompt that starts over gets the keys again at once; so does one that is simply there.
      const asked = harness.nextCollect(admin, { timeoutMs: QUIET_MS }).then(
        () => 'asked' as const,
        () => 'quiet' as const,
      );
      const outcome = await Promise.race([
        within(harness, step.done, QUIET_MS).then((ok) => (ok ? ('done' as const) : ('quiet' as const))),
        asked,
      ]);
      if (outcome === 'done' || step.done()) return;
      if (outcome === 'asked' || (ENTRY_STATES.includes(state()) && admin.where().state === 'collecting')) {
        await step.act();
      }
      continue;
    }
    if (await within(harness, step.done, 1_500)) return;
    if (step.before?.includes(state())) await step.act();
  }
  await harness.until(step.done, `step "${step.name}" to complete after the fault`, { timeoutMs: 5_000 });
}

describe('faults at seeded random moments', () => {
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
    const next = random(seed);
    const flow: Flow = next() < 0.5 ? 'access' : 'escalation';
    const kind: FaultKind = next() < 0.5 ? 'crash' : 'drop';
    const at = next();
    const events = Math.floor(next() * MAX_EVENTS_BEFORE_FAULT);
    it(`seed ${seed}: ${kind} in flow ${flow === 'access' ? 1 : 2} at ${at.toFixed(2)} of the script, after ${events} events`, async () => {
      const harness = await faultHarness({
        config: { maxPinAttempts: 3, pinTimeoutMs: 60_000, dialTimeoutMs: 60_000 },
      });
      h = harness;
      const calls: Calls = {};
      const steps = script(harness, flow, calls);
      const stepIndex = Math.floor(at * steps.length);
      for (const [index, step] of steps.entries()) {
        if (index < stepIndex) {
          await step.act();
          await harness.until(step.done, `step "${step.name}"`, { timeoutMs: 8_000 });
          continue;
        }
        if (index > stepIndex) {
          // After the fault: a prompt may still start over under the person's keys.
          await step.act();
          await complete(harness, step, calls);
          continue;
        }
        let seen = 0;
        let off = () => {};
        const nthEvent = new Promise<void>((resolve) => {
          off = harness.sim.onEvent(() => {
            if (++seen >= events) resolve();
          });
        });
        const acting = step.act();
        await Promise.race([nthEvent, acting.then(() => within(harness, step.done, 8_000))]);
        off();
        figures.injected++;
        await injectFault(harness, kind);
        await acting;
        await complete(harness, step, calls);
      }
      const members = [calls.admin, calls.other, calls.first].filter((c): c is SimCall => c !== undefined);
      const admin = calls.admin;
      if (admin === undefined) throw new Error('no administrator');
      await checkEnd(
        harness,
        { room: { admin, members }, gone: calls.second ? [calls.second] : [] },
        figures,
      );
      for (const channel of harness.sim.channels()) await harness.sim.call(channel.uuid).hangup();
    });
  }
});
