// Starting a simulator (on a virtual clock the tests' waits move) and clients for a test, and closing
// everything afterwards.
import { VirtualClock } from '../../../src/clock.js';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../../src/simulator/index.js';
import { TestClient } from './esl-client.js';

export interface Harness {
  sim: Simulator;
  clock: VirtualClock;
  client(subscribe?: string): Promise<TestClient>;
  close(): Promise<void>;
}

export async function harness(options: SimulatorOptions = {}): Promise<Harness> {
  // no access-number fallback unless a test asks for one: it would move parked test calls after 10 s
  const clock = new VirtualClock();
  const sim = await startSimulator({
    clock,
    heartbeatMs: 0,
    dialplan: { parkTimeoutSec: 0 },
    ...options,
  });
  const clients: TestClient[] = [];
  return {
    sim,
    clock,
    async client(subscribe = 'event json ALL') {
      const c = await TestClient.login(sim.port, options.password ?? 'ClueCon', clock);
      clients.push(c);
      if (subscribe !== '') await c.command(subscribe);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      await sim.close();
    },
  };
}
