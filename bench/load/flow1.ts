// One administrator doing flow 1 as a phone would: call the access number, enter the PIN at the prompt,
// wait to be in the room, press 0, dial the invitee at the dial tone, wait for the private bridge, press
// `**`, wait until both are in the room. Every step waits for the event that shows it happened.
import type { SimCall, Simulator } from '../../src/simulator/index.js';
import { type ChannelWaiters, isAddMember, isBridge, isExecute, isHangup } from './waiters.js';

export interface FlowOptions {
  readonly accessNumber: string;
  readonly pin: string;
  readonly invitee: string;
  /** Simulator-clock ms between keys. */
  readonly keyGapMs: number;
  /** Wall-clock ms allowed for each step. */
  readonly stepTimeoutMs: number;
}

export interface FlowLegs {
  readonly admin: SimCall;
  readonly invitee: SimCall | undefined;
}

const collecting = isExecute('play_and_get_digits');

/** How a flow ended: both in the room, or turned away at once by an overloaded controller (busy, hung up). */
export type FlowEnd = 'completed' | 'refused';

/** Runs the flow; `legs` gets each leg as soon as it exists (so a failed flow can still be hung up). */
export async function runFlow1(
  sim: Simulator,
  waiters: ChannelWaiters,
  from: string,
  options: FlowOptions,
  legs: (legs: FlowLegs) => void,
): Promise<FlowEnd> {
  const { stepTimeoutMs: t, keyGapMs: gapMs } = options;
  const admin = await sim.placeCall({ from, to: options.accessNumber });
  legs({ admin, invitee: undefined });
  const id = admin.uuid;
  // The PIN prompt, or the controller's overload refusal: the busy prompt, then a hang-up for congestion.
  const prompt = waiters.next(id, 'PIN prompt', collecting, t).then(() => 'prompt' as const);
  const turnedAway = waiters
    .next(id, 'turned away', isHangup('NORMAL_CIRCUIT_CONGESTION'), t)
    .then(() => 'refused' as const);
  // The one that loses times out later: nobody waits for it any more.
  prompt.catch(() => {});
  turnedAway.catch(() => {});
  if ((await Promise.race([prompt, turnedAway])) === 'refused') return 'refused';
  const joined = waiters.next(id, 'room join', isAddMember, t);
  await admin.press(`${options.pin}#`, { gapMs });
  await joined;
  const dialTone = waiters.next(id, 'dial tone', collecting, t);
  await admin.press('0', { gapMs });
  await dialTone;
  const bridged = waiters.next(id, 'private bridge', isBridge, t);
  await admin.press(`${options.invitee}#`, { gapMs });
  const bridge = await bridged;
  const inviteeUuid = bridge.get('Bridge-B-Unique-ID') ?? bridge.get('Other-Leg-Unique-ID');
  if (inviteeUuid === undefined) throw new Error(`bridge of ${id} names no invitee`);
  const invitee = sim.call(inviteeUuid);
  legs({ admin, invitee });
  const adminBack = waiters.next(id, 'admin back in the room', isAddMember, t);
  const inviteeIn = waiters.next(inviteeUuid, 'invitee in the room', isAddMember, t);
  await admin.press('**', { gapMs });
  await Promise.all([adminBack, inviteeIn]);
  return 'completed';
}
