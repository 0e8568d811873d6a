// Child process: one simulated FreeSWITCH node and the phones on it. On `run` it starts `sessions`
// administrators doing flow 1, spread over `rampMs`, and reports when every one is in the room with its
// invitee (or failed); on `hangup` every phone hangs up and it reports once the switch is empty.
import { realClock } from '../../src/clock.js';
import { type SimCall, startSimulator } from '../../src/simulator/index.js';
import { type FlowLegs, runFlow1 } from './flow1.js';
import { type ProcessLoad, ProcessLoadMeter } from './process-load.js';
import { ChannelWaiters } from './waiters.js';

export type SimNodeCommand =
  | { type: 'run'; sessions: number; firstCaller: number; rampMs: number; pin: string }
  | { type: 'hangup' }
  | { type: 'load' }
  | { type: 'exit' };

export type SimNodeMessage =
  | { type: 'ready'; port: number }
  | { type: 'ran'; ok: number; refused: number; failed: number; errors: string[]; flowMs: number[] }
  | { type: 'hung-up'; channelsLeft: number }
  | { type: 'load'; load: ProcessLoad };

export const ACCESS_NUMBER = '900';
export const INVITEE = '801';

const send = (message: SimNodeMessage) => process.send?.(message);

const sim = await startSimulator({
  port: 0,
  clock: realClock,
  // The controller takes every call: no fallback transfer (as the end-to-end harness does).
  dialplan: { accessNumber: ACCESS_NUMBER, parkTimeoutSec: 0 },
});
sim.directory.set(INVITEE, { kind: 'answer', afterMs: 300 });
const waiters = new ChannelWaiters(sim);
const loadMeter = new ProcessLoadMeter();
let calls: SimCall[] = [];

async function run(command: Extract<SimNodeCommand, { type: 'run' }>): Promise<void> {
  const errors: string[] = [];
  const flowMs: number[] = [];
  let ok = 0;
  let refused = 0;
  const started: Promise<void>[] = [];
  for (let i = 0; i < command.sessions; i++) {
    const delay = command.sessions > 1 ? (i * command.rampMs) / (command.sessions - 1) : 0;
    started.push(
      new Promise<void>((resolve) => setTimeout(resolve, delay)).then(async () => {
        const t0 = performance.now();
        let legs: FlowLegs | undefined;
        try {
          const end = await runFlow1(
            sim,
            waiters,
            String(command.firstCaller + i),
            {
              accessNumber: ACCESS_NUMBER,
              pin: command.pin,
              invitee: INVITEE,
              keyGapMs: 50,
              stepTimeoutMs: 60_000,
            },
            (l) => {
              legs = l;
            },
          );
          if (end === 'refused') refused++;
          else {
            ok++;
            flowMs.push(performance.now() - t0);
          }
        } catch (err) {
          if (errors.length < 5) errors.push(err instanceof Error ? err.message : String(err));
        } finally {
          if (legs) calls.push(legs.admin, ...(legs.invitee ? [legs.invitee] : []));
        }
      }),
    );
  }
  await Promise.all(started);
  send({ type: 'ran', ok, refused, failed: command.sessions - ok - refused, errors, flowMs });
}

async function hangupAll(): Promise<void> {
  const all = calls;
  calls = [];
  for (const call of all) await call.hangup();
  let channelsLeft = 0;
  try {
    await sim.waitFor(() => sim.channels().length === 0, { timeoutMs: 60_000, what: 'every channel gone' });
  } catch {
    channelsLeft = sim.channels().length;
  }
  send({ type: 'hung-up', channelsLeft });
}

process.on('message', (command: SimNodeCommand) => {
  if (command.type === 'run') void run(command);
  else if (command.type === 'hangup') void hangupAll();
  else if (command.type === 'load') send({ type: 'load', load: loadMeter.sample() });
  else if (command.type === 'exit') void sim.close().then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', port: sim.port });
