// The seeded random-moment campaign (random.faults.test.ts): a whole flow as a script of steps (call, PIN,
// 0, number, talk, `**`, 0, number, `*#`); at a random step, after a random number of FreeSWITCH events
// following its action (so in the middle of the moves it causes), the controller is killed and started
// again or the event socket drops. Every step is done once and its effect must show within PROMPTLY_MS of
// phone time. The one exception is the step the fault hit: its keys may have gone to no controller at all
// (pressed while none listened, or heard by one that died before acting on them), so when its effect
// visibly did not happen (the state is still the one before it, or its entry was asked again) the person
// does it once more, and that second try must work. Then the end is checked as in the other files.
import type { SimCall } from '../../../src/simulator/index.js';
import { seededRandom as random } from '../../../src/simulator/server/pipeline.js';
import { ADMIN_PIN, type Harness } from '../../e2e/support/harness.js';
import { checkEnd, type FaultKind, type Figures, type Flow, injectFault, promptly } from './campaign.js';

/** A fault lands within this many FreeSWITCH events after the chosen step's action. */
export const MAX_EVENTS_BEFORE_FAULT = 40;

/** What one seed does: which flow, which fault, where in the script, after how many events. */
export interface SeedPlan {
  readonly seed: number;
  readonly flow: Flow;
  readonly kind: FaultKind;
  /** Where in the script (0 to 1): the step at `floor(at × steps)` gets the fault. */
  readonly at: number;
  readonly events: number;
}

export function planFor(seed: number): SeedPlan {
  const next = random(seed);
  const flow: Flow = next() < 0.5 ? 'access' : 'escalation';
  const kind: FaultKind = next() < 0.5 ? 'crash' : 'drop';
  const at = next();
  const events = Math.floor(next() * MAX_EVENTS_BEFORE_FAULT);
  return { seed, flow, kind, at, events };
}

export interface Step {
  readonly name: string;
  act(): Promise<void>;
  done(): boolean;
  /** Keys into a digit collection (the switch collects them whether a controller listens or not). */
  readonly entry?: boolean;
  /**
   * Machine states (`none`: no session) in which the action has visibly not happened (its keys reached no
   * controller that acted on them).
   */
  readonly before?: readonly string[];
}

export interface Calls {
  admin?: SimCall;
  other?: SimCall;
  first?: SimCall;
  second?: SimCall;
}

export function script(harness: Harness, flow: Flow, calls: Calls): Step[] {
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

/** The names of a flow's steps, in order, and which one a plan's fault hits. */
export function faultStep(plan: SeedPlan): { readonly names: string[]; readonly index: number } {
  // The harness is only used when a step acts or is checked: naming them needs none.
  const names = script(undefined as unknown as Harness, plan.flow, {}).map((step) => step.name);
  return { names, index: Math.floor(plan.at * names.length) };
}

/** What happened to the step the fault hit. */
export type FaultStepOutcome = 'done' | 'done again';

/** Runs one seed's script on `harness` and checks its end; returns how the step the fault hit went. */
export async function runSeed(harness: Harness, plan: SeedPlan, figures: Figures): Promise<FaultStepOutcome> {
  const calls: Calls = {};
  const steps = script(harness, plan.flow, calls);
  const stepIndex = faultStep(plan).index;
  const state = () =>
    calls.admin === undefined ? 'none' : (harness.session(calls.admin.uuid)?.state ?? 'none');
  let outcome: FaultStepOutcome = 'done';
  for (const [index, step] of steps.entries()) {
    if (index !== stepIndex) {
      // Before the fault and after it: one try, and it works.
      await step.act();
      const when = index < stepIndex ? 'before the fault' : 'after the fault';
      await promptly(harness, step.done, () => `step "${step.name}" ${when}, at the first try (${state()})`);
      continue;
    }
    let seen = 0;
    let off = () => {};
    const nthEvent = new Promise<void>((resolve) => {
      off = harness.sim.onEvent(() => {
        if (++seen >= plan.events) resolve();
      });
    });
    const acting = step.act();
    await Promise.race([
      nthEvent,
      acting.then(() => promptly(harness, step.done, `step "${step.name}"`).catch(() => undefined)),
    ]);
    off();
    // A new prompt on the administrator's leg from now on: the entry was asked again.
    let asked = 0;
    const admin = calls.admin;
    const offAsked = harness.sim.onEvent((event) => {
      if (
        admin !== undefined &&
        event.uuid === admin.uuid &&
        event.name === 'CHANNEL_EXECUTE' &&
        event.get('Application') === 'play_and_get_digits'
      )
        asked++;
    });
    try {
      figures.injected++;
      const logged = harness.logs.length;
      asked = 0;
      await injectFault(harness, plan.kind);
      await acting;
      // An entry asked again after the fault is played again: the person keys into that prompt once it
      // is heard (keys typed before it would go to the one it cuts short), unless asking failed and the
      // administrator is back in the room.
      if (harness.logs.slice(logged).some((line) => line.includes('asking for the entry again')))
        await promptly(
          harness,
          () => asked > 0 || !['authenticating', 'dialing'].includes(state()),
          'the entry asked again',
        );
      const first = await promptly(harness, step.done, `step "${step.name}"`).then(
        () => true,
        () => false,
      );
      if (first) continue;
      const lost = step.entry === true ? asked > 0 : (step.before ?? []).includes(state());
      if (!lost) {
        throw new Error(
          `step "${step.name}" hit by the ${plan.kind} neither happened nor visibly got lost (${state()}, ` +
            `entry asked again ${asked} times)`,
        );
      }
      outcome = 'done again';
      await step.act();
      await promptly(harness, step.done, () => `step "${step.name}" done again after the fault (${state()})`);
    } finally {
      offAsked();
    }
  }
  const members = [calls.admin, calls.other, calls.first].filter((c): c is SimCall => c !== undefined);
  const admin = calls.admin;
  if (admin === undefined) throw new Error('no administrator');
  await checkEnd(harness, { room: { admin, members }, gone: calls.second ? [calls.second] : [] }, figures);
  return outcome;
}
