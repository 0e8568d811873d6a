// The FreeSWITCH simulator: an event-socket server that behaves like FreeSWITCH 1.10.12 (as recorded in the
// project's traces) with a scripting API for end-to-end tests and the demo.
//
//   const sim = await startSimulator({ port: 0, clock: scaledClock(100) });
//   sim.directory.set('801', { kind: 'answer', afterMs: 1000 });
//   sim.gateways.set('gsm', { answerSupervision: false });
//   const admin = await sim.placeCall({ from: '1001', to: '900' });   // → parked, dynconf_role=admin
//   await admin.waitUntil('parked');
//   await admin.press('1234#');                                         // RFC 2833 keys from the phone
//   await sim.waitFor(() => sim.rooms().find((r) => r.members.length === 2));
//   await admin.hangup();
//   await sim.close();
//
// Run on its own: `tsx src/simulator/main.ts --port 8021 [--console]` (see main.ts).
import { createSimulator } from './simulator.js';
import type { Simulator, SimulatorOptions } from './types.js';

export type * from './types.js';

/** Starts a simulator listening on `options.port` (0 = ephemeral; read `sim.port`). */
export function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return createSimulator(options);
}
