// Fault injection: what a controller must survive (dropped socket, slow or reordered events, FreeSWITCH
// restarting its event socket or crashing altogether).
import { randomUUID } from 'node:crypto';
import type { Core } from './model/core.js';
import { seededRandom } from './server/pipeline.js';
import type { EslServer } from './server/server.js';
import type { Faults } from './types.js';

export function createFaults(
  core: Core,
  server: EslServer,
  afterCrash: () => void = () => undefined,
): Faults {
  return {
    dropConnections: () => server.dropConnections(),
    delayEvents: (ms) => {
      if (!(ms >= 0)) throw new RangeError(`delayEvents: ms must be >= 0, got ${ms}`);
      server.faults.delayMs = ms;
    },
    reorderWithinAllowed: (options) => {
      if (options === false) {
        server.faults.reorder = undefined;
        return;
      }
      const windowSize = options.windowSize ?? 4;
      if (!(windowSize >= 1))
        throw new RangeError(`reorderWithinAllowed: windowSize must be >= 1, got ${windowSize}`);
      server.faults.reorder = { windowSize, random: seededRandom(options.seed ?? Date.now()) };
    },
    restart: async (options = {}) => {
      await server.stop();
      await core.pause(Math.max(0, options.downMs ?? 200));
      await server.listen();
    },
    crash: async (options = {}) => {
      await server.stop();
      core.wipe();
      core.bus.coreUuid = randomUUID();
      afterCrash();
      await core.pause(Math.max(0, options.downMs ?? 200));
      await server.listen();
    },
    refuseConnections: (refuse) => {
      server.refusing = refuse;
    },
  };
}
