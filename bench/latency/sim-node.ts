// Child process: one simulated FreeSWITCH node and one administrator on it. On `run`, the administrator
// (in its room) does `rounds` times, one step after the other: 0, dial 801 who answers, `**` (the invitee
// stays in the room); 0, dial 801 who answers, `*#`. Each step waits for the event that shows it happened,
// so the controller reacts to one thing at a time: these are reaction times of a quiet controller.
import { setPriority } from 'node:os';
import { realClock } from '../../src/clock.js';
import { type SimCall, startSimulator } from '../../src/simulator/index.js';
import { ChannelWaiters, isAddMember, isBridge, isDestroy, isExecute } from '../load/waiters.js';

export type LatencySimCommand = { type: 'run'; rounds: number; pin: string } | { type: 'exit' };

export type LatencySimMessage =
  | { type: 'ready'; port: number }
  | { type: 'ran'; rounds: number; error?: string };

const ACCESS_NUMBER = '900';
const INVITEE = '801';
/** Wall-clock ms between two keys of one press (it only paces the rounds), and allowed for each step. */
const KEY_GAP_MS = 5;
const STEP_MS = 10_000;
/** Rounds per administrator session: two invitees each, within the default per-session cap of 20. */
const ROUNDS_PER_ADMIN = 10;

const send = (message: LatencySimMessage) => process.send?.(message);

// The simulator stands in for FreeSWITCH, which has CPUs of its own: on a small machine it must not take the
// controller's while the controller is timed. Measured on 2 CPUs: 23 of 800 reactions over 0.8 ms with both at
// the same priority (the simulator still busy with what it had just sent), 3 and 4 in two runs at nice 10.
// Raising one's own niceness needs no privilege.
setPriority(10);

const sim = await startSimulator({
  port: 0,
  clock: realClock,
  dialplan: { accessNumber: ACCESS_NUMBER, parkTimeoutSec: 0 },
});
sim.directory.set(INVITEE, { kind: 'answer', afterMs: 20 });
const waiters = new ChannelWaiters(sim);
const collecting = isExecute('play_and_get_digits');

/** 0, dial tone, the invitee's number; resolves with the invitee once the private talk is up. */
async function callInvitee(admin: SimCall): Promise<SimCall> {
  const dialTone = waiters.next(admin.uuid, 'dial tone', collecting, STEP_MS);
  await admin.press('0', { gapMs: KEY_GAP_MS });
  await dialTone;
  const bridged = waiters.next(admin.uuid, 'private bridge', isBridge, STEP_MS);
  await admin.press(`${INVITEE}#`, { gapMs: KEY_GAP_MS });
  const bridge = await bridged;
  const invitee = bridge.get('Bridge-B-Unique-ID') ?? bridge.get('Other-Leg-Unique-ID');
  if (invitee === undefined) throw new Error('the private bridge names no invitee');
  return sim.call(invitee);
}

/** An administrator in a new room: calls the access number, keys the PIN. */
async function newAdmin(pin: string): Promise<SimCall> {
  const admin = await sim.placeCall({ from: '1001', to: ACCESS_NUMBER });
  await waiters.next(admin.uuid, 'PIN prompt', collecting, STEP_MS);
  const joined = waiters.next(admin.uuid, 'room join', isAddMember, STEP_MS);
  await admin.press(`${pin}#`, { gapMs: KEY_GAP_MS });
  await joined;
  return admin;
}

/** Hangs up every call given, waiting until each is gone. */
async function hangUpAll(calls: readonly SimCall[]): Promise<void> {
  for (const call of calls) {
    const gone = waiters.next(call.uuid, 'the call gone', isDestroy, STEP_MS);
    await call.hangup();
    await gone;
  }
}

async function run(rounds: number, pin: string): Promise<void> {
  let admin = await newAdmin(pin);
  // Guests stay in the room: an administrator left alone would hear "you are the only person" first.
  let guests: SimCall[] = [];
  for (let round = 0; round < rounds; round++) {
    // A session may call maxOutboundLegsPerAdmin invitees in all (20 by default): a new one now and then.
    if (round > 0 && round % ROUNDS_PER_ADMIN === 0) {
      await hangUpAll([admin, ...guests]);
      guests = [];
      admin = await newAdmin(pin);
    }
    let invitee = await callInvitee(admin);
    const adminBack = waiters.next(admin.uuid, 'admin back in the room', isAddMember, STEP_MS);
    const inviteeIn = waiters.next(invitee.uuid, 'invitee in the room', isAddMember, STEP_MS);
    await admin.press('**', { gapMs: KEY_GAP_MS });
    await Promise.all([adminBack, inviteeIn]);
    guests.push(invitee);

    invitee = await callInvitee(admin);
    const back = waiters.next(admin.uuid, 'admin back without the invitee', isAddMember, STEP_MS);
    const hungUp = waiters.next(invitee.uuid, 'invitee hung up', isDestroy, STEP_MS);
    await admin.press('*#', { gapMs: KEY_GAP_MS });
    await Promise.all([back, hungUp]);
  }
  await hangUpAll([admin, ...guests]);
}

process.on('message', (command: LatencySimCommand) => {
  if (command.type === 'run') {
    run(command.rounds, command.pin).then(
      () => send({ type: 'ran', rounds: command.rounds }),
      (err: unknown) =>
        send({
          type: 'ran',
          rounds: command.rounds,
          error: err instanceof Error ? err.message : String(err),
        }),
    );
  } else if (command.type === 'exit') void sim.close().then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', port: sim.port });
