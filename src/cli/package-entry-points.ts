// The npm package's `dynconf`: the controller, the demo and the FreeSWITCH simulator.
import { runDemoMain } from '../demo/main.js';
import { runSimulatorUntilStopped } from '../simulator/main.js';
import { type EntryPoints, serviceEntryPoints } from './entry-points.js';

export const packageEntryPoints: EntryPoints = {
  ...serviceEntryPoints,
  demo: async () => ({ ok: true, main: (options) => runDemoMain(options) }),
  simulator: async () => ({ ok: true, main: runSimulatorUntilStopped }),
};
