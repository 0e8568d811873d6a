// What the outside world looks like after a sequence of session events and effects: which invitee legs
// exist, which deadlines the runtime holds, where the other party is. Derived from events and effects
// only (never from the machine's context), so it can judge the machine.

import type { DeadlineName, EffectRequest, SessionContext, SessionEvent } from '../../machines/index.js';

/** calling/up: a live leg. stranded: handed to the room but never arrived (still parked). */
type LegState = 'calling' | 'up' | 'joined' | 'stranded' | 'gone';
type OtherState = 'absent' | 'in-call' | 'held' | 'room' | 'stranded' | 'rebridging' | 'restored' | 'gone';

export interface World {
  readonly legs: Readonly<Record<string, LegState>>;
  readonly timers: Readonly<Partial<Record<DeadlineName, number>>>;
  readonly other: OtherState;
  readonly released: number;
  readonly adminHungUp: boolean;
  readonly errors: readonly string[];
}

export function initialWorld(flow: 'access' | 'escalation', otherPresent: boolean): World {
  return {
    legs: {},
    timers: {},
    other: flow === 'access' ? 'absent' : otherPresent ? 'in-call' : 'gone',
    released: 0,
    adminHungUp: false,
    errors: [],
  };
}

const LIVE: ReadonlySet<LegState> = new Set(['calling', 'up', 'stranded']);

export function liveLegs(world: World): string[] {
  return Object.entries(world.legs)
    .filter(([, s]) => LIVE.has(s))
    .map(([id]) => id);
}

/** The world after a fact happened (before the machine reacts). */
export function applyEvent(world: World, event: SessionEvent): World {
  const legs = { ...world.legs };
  let { timers, other, adminHungUp } = world;
  switch (event.type) {
    case 'invitee.answered':
    case 'invitee.voicemail':
      if (legs[event.legId] === 'calling') legs[event.legId] = 'up';
      break;
    case 'invitee.failed':
    case 'invitee.hungUp':
      if (event.legId in legs) legs[event.legId] = 'gone';
      break;
    case 'admin.hungUp':
      adminHungUp = true;
      break;
    case 'other.hungUp':
      if (other !== 'absent' && other !== 'restored') other = 'gone';
      break;
    case 'parties.rebridged':
      if (other === 'rebridging') other = 'restored';
      break;
    case 'deadline.reached': {
      const due = timers[event.name];
      if (due !== undefined && event.at >= due) {
        const { [event.name]: _fired, ...rest } = timers;
        timers = rest;
      }
      break;
    }
    case 'command.failed':
      if (
        event.command === 'moveInviteeIntoRoom' &&
        event.legId !== undefined &&
        legs[event.legId] === 'joined'
      ) {
        legs[event.legId] = 'stranded';
      }
      if (event.command === 'moveOtherPartyIntoRoom' && other === 'room') other = 'stranded';
      if (event.command === 'rebridgeParties' && other === 'rebridging') other = 'held';
      if (event.command === 'holdOtherParty' && other === 'held') other = 'gone';
      break;
    default:
      break;
  }
  return { ...world, legs, timers, other, adminHungUp };
}

/** The world after the machine's effects were carried out. */
export function applyEffects(world: World, effects: readonly EffectRequest[]): World {
  let w = world;
  const errors = [...w.errors];
  for (const effect of effects) {
    if (w.released > 0) errors.push(`effect ${effect.type} after releaseSession`);
    const legs = { ...w.legs };
    let { timers, other, released } = w;
    switch (effect.type) {
      case 'callInvitee':
        if (effect.params.legId in legs) errors.push(`leg ${effect.params.legId} originated twice`);
        legs[effect.params.legId] = 'calling';
        break;
      case 'hangupInvitee':
        legs[effect.params.legId] = 'gone';
        break;
      case 'moveInviteeIntoRoom':
        if (legs[effect.params.legId] !== 'up')
          errors.push(`moved leg ${effect.params.legId} that is not up`);
        legs[effect.params.legId] = 'joined';
        break;
      case 'bridgeAdminAndInvitee':
        if (legs[effect.params.legId] !== 'up')
          errors.push(`bridged leg ${effect.params.legId} that is not up`);
        break;
      case 'armDeadline':
        timers = { ...timers, [effect.params.name]: effect.params.at };
        break;
      case 'cancelDeadline': {
        const { [effect.params.name]: _gone, ...rest } = timers;
        timers = rest;
        break;
      }
      case 'holdOtherParty':
        if (other !== 'in-call') errors.push(`hold while the other party is ${other}`);
        other = 'held';
        break;
      case 'moveOtherPartyIntoRoom':
        if (other !== 'held') errors.push(`moved the other party while ${other}`);
        other = 'room';
        break;
      case 'hangupOtherParty':
        other = 'gone';
        break;
      case 'rebridgeParties':
        if (other !== 'held') errors.push(`rebridge while the other party is ${other}`);
        other = 'rebridging';
        break;
      case 'releaseSession':
        released += 1;
        break;
      default:
        break;
    }
    w = { ...w, legs, timers, other, released };
  }
  return { ...w, errors };
}

/** Checks that hold after every step: the machine's view agrees with the world's. */
export function stepProblems(world: World, context: SessionContext, value: unknown, done: boolean): string[] {
  const problems = [...world.errors];
  const live = liveLegs(world);
  const inInvitation = typeof value === 'object' && value !== null && 'invitation' in value;
  const sub = inInvitation ? (value as { invitation: string }).invitation : undefined;
  if (live.length > 1) problems.push(`several live invitee legs: ${live.join(',')}`);
  if (!done && inInvitation !== (live.length === 1)) {
    problems.push(`state ${JSON.stringify(value)} with live legs [${live.join(',')}]`);
  }
  const contextLive = Object.entries(context.legs)
    .filter(([, s]) => s === 'calling' || s === 'up')
    .map(([id]) => id);
  if (
    JSON.stringify(contextLive.sort()) !==
    JSON.stringify(live.filter((id) => world.legs[id] !== 'stranded').sort())
  ) {
    problems.push(`context legs ${JSON.stringify(context.legs)} vs world ${JSON.stringify(world.legs)}`);
  }
  if (JSON.stringify(sortKeys(context.deadlines)) !== JSON.stringify(sortKeys(world.timers))) {
    problems.push(
      `context deadlines ${JSON.stringify(context.deadlines)} vs runtime ${JSON.stringify(world.timers)}`,
    );
  }
  const expected: Record<DeadlineName, boolean> = {
    pin: value === 'authenticating',
    dial: value === 'dialing',
    ring: sub === 'ringing' && context.invitation?.route.answerSupervision === true,
  };
  for (const name of ['pin', 'dial', 'ring'] as const) {
    if (!done && (world.timers[name] !== undefined) !== expected[name]) {
      problems.push(
        `deadline ${name} ${world.timers[name] === undefined ? 'missing' : 'armed'} in ${JSON.stringify(value)}`,
      );
    }
  }
  if (world.adminHungUp && !done) problems.push('administrator gone but the session goes on');
  if (done) problems.push(...endProblems(world));
  return problems;
}

/** Checks for a session that ended: nothing it asked for outlives it. */
export function endProblems(world: World): string[] {
  const problems: string[] = [];
  if (world.released !== 1) problems.push(`releaseSession ${world.released} times`);
  const live = liveLegs(world);
  if (live.length > 0) problems.push(`invitee legs left up: ${live.join(',')}`);
  if (Object.keys(world.timers).length > 0)
    problems.push(`deadlines left armed: ${JSON.stringify(world.timers)}`);
  if (['held', 'stranded', 'rebridging'].includes(world.other))
    problems.push(`other party left ${world.other}`);
  return problems;
}

function sortKeys(record: object): Array<[string, unknown]> {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}
