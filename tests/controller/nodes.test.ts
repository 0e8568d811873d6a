// Several FreeSWITCH nodes: one controller process on two simulators. Each administrator's session lives on
// the node of its call and its commands go to that node's event socket. The simulators and the controller
// run on one virtual clock: phone time passes only while the test waits and nothing is in flight.
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config/index.js';
import { type NodesController, startControllerNodes, sumCounts } from '../../src/controller/nodes.js';
import { silentLogger } from '../../src/log.js';
import type { RuntimeStats } from '../../src/runtime/runtime.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';

const PIN = '8642097531';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function twoNodes(): Promise<{
  sims: Simulator[];
  controller: NodesController;
  clock: VirtualClock;
}> {
  const clock = new VirtualClock();
  const sims: Simulator[] = [];
  for (let i = 0; i < 2; i++) {
    const sim = await startSimulator({ clock, dialplan: { parkTimeoutSec: 0 } });
    cleanups.push(() => sim.close());
    sims.push(sim);
  }
  const parsed = parseConfig({
    eventSocket: { password: sims[0]?.password, commandTimeoutMs: 5000 },
    eventSockets: sims.map((sim) => ({ host: sim.host, port: sim.port })),
    adminPins: [PIN],
    http: { port: 0 },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const controller = startControllerNodes({ config: parsed.config, logger: silentLogger(), clock });
  cleanups.push(() => clock.drive(controller.stop(), 'the controller to stop'));
  await clock.drive(controller.ready(), 'the controller to be ready on both nodes');
  return { sims, controller, clock };
}

describe('controller on several FreeSWITCH nodes', () => {
  it('runs a session on each node, each one commanding its own node', async () => {
    const { sims, controller, clock } = await twoNodes();
    expect(controller.nodes.map((n) => n.id)).toEqual(sims.map((s) => `${s.host}:${s.port}`));
    const admins = await Promise.all(sims.map((sim, i) => sim.placeCall({ from: `100${i}`, to: '900' })));
    for (const admin of admins) await admin.waitUntil('collecting', { timeoutMs: 5000 });
    for (const admin of admins) await admin.press(`${PIN}#`);
    const rooms = await Promise.all(admins.map((a) => a.waitUntil('in-conference', { timeoutMs: 5000 })));
    // Each room exists on the node of its administrator only.
    rooms.forEach((where, i) => {
      expect(sims[i]?.room(where.room ?? '')?.members.map((m) => m.uuid)).toEqual([admins[i]?.uuid]);
      expect(sims[1 - i]?.room(where.room ?? '')).toBeUndefined();
    });
    controller.nodes.forEach((node, i) => {
      expect(node.controller.sessions().map((s) => s.adminUuid)).toEqual([admins[i]?.uuid]);
    });
    expect(controller.sessions()).toHaveLength(2);
    expect(controller.stats().sessionsStarted).toBe(2);

    for (const admin of admins) await admin.hangup();
    await clock.until(() => controller.sessions().length === 0, 'no session left');
  });
});

describe('sumCounts', () => {
  it('adds counters key by key, nested ones too', () => {
    const a = {
      sessionsStarted: 1,
      outcomes: { joined: 1 },
      commands: { sent: 3 },
    } as unknown as RuntimeStats;
    const b = {
      sessionsStarted: 2,
      outcomes: { joined: 1, alone: 2 },
      commands: { sent: 4 },
    } as unknown as RuntimeStats;
    expect(sumCounts([a, b])).toEqual({
      sessionsStarted: 3,
      outcomes: { joined: 2, alone: 2 },
      commands: { sent: 7 },
    });
  });
});
