// The operator API over two FreeSWITCH nodes (config eventSockets): rooms of both listed with their node,
// controls and invitations sent to the node that has the room, readiness and metrics per node. Both
// simulators and both connections run on one virtual clock (see support.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config/index.js';
import { EslConnection } from '../../src/esl/connection.js';
import { type OperatorApi, startOperatorApi } from '../../src/http/index.js';
import type { RoomsPayload } from '../../src/http/views.js';
import { silentLogger } from '../../src/log.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { DIRECTORY, json, ROOM_EXTENSIONS, ROUTES, TOKEN, untilOn } from './support.js';

describe('operator API over two FreeSWITCH nodes', () => {
  const clock = new VirtualClock();
  const sims: Simulator[] = [];
  const connections: EslConnection[] = [];
  let api: OperatorApi;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const get = async (path: string) => fetch(`${api.url}${path}`, { headers: auth });
  const post = async (path: string, body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const rooms = async () => (await json(await get('/api/rooms'))) as RoomsPayload;
  const until = <T>(check: () => T | Promise<T>, what: string): Promise<NonNullable<T>> =>
    untilOn(clock, check, what);
  const id = (sim: Simulator) => `127.0.0.1:${sim.port}`;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const sim = await startSimulator({
        clock,
        dialplan: { parkTimeoutSec: 0, extensions: ROOM_EXTENSIONS },
      });
      for (const [number, behaviour] of Object.entries(DIRECTORY)) sim.directory.set(number, behaviour);
      sims.push(sim);
      const connection = new EslConnection({
        host: sim.host,
        port: sim.port,
        password: sim.password,
        logger: silentLogger(),
        backoff: { initialMs: 20, maxMs: 200 },
        clock,
      });
      connection.start();
      connections.push(connection);
    }
    const [a, b] = sims as [Simulator, Simulator];
    const parsed = parseConfig({
      eventSockets: [
        { host: '127.0.0.1', port: a.port },
        { host: '127.0.0.1', port: b.port },
      ],
      eventSocket: { password: 'ClueCon' },
      adminPins: ['8642097531'],
      routes: ROUTES,
      http: { port: 0, token: TOKEN },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    api = await startOperatorApi({
      config: parsed.config,
      logger: silentLogger(),
      nodes: sims.map((sim, i) => ({ id: id(sim), connection: connections[i] as EslConnection })),
    });
    await clock.drive(api.synced(), 'the rooms of both nodes read');
  });
  afterAll(async () => {
    await clock.drive(api?.close() ?? Promise.resolve(), 'the operator API to close');
    for (const c of connections) await clock.drive(c.close(), 'a connection to close');
    for (const sim of sims) await sim.close();
  });

  it('lists the rooms of both nodes, each with its node', async () => {
    const [a, b] = sims as [Simulator, Simulator];
    const first = await a.placeCall({ from: '1002', to: '3000' });
    const second = await b.placeCall({ from: '1003', to: '3001' });
    await first.waitUntil('in-conference');
    await second.waitUntil('in-conference');
    const payload = await until(async () => {
      const p = await rooms();
      return p.rooms.length === 2 ? p : undefined;
    }, 'rooms of both nodes');
    expect(payload.nodes).toEqual([
      { id: id(a), connection: 'connected', synced: true, since: expect.any(String) },
      { id: id(b), connection: 'connected', synced: true, since: expect.any(String) },
    ]);
    expect(payload.rooms.map((r) => [r.name, r.node, r.members[0]?.number])).toEqual([
      ['room-a', id(a), '1002'],
      ['room-b', id(b), '1003'],
    ]);
  });

  it('sends controls and invitations to the node that has the room', async () => {
    const [a, b] = sims as [Simulator, Simulator];
    const member = (await rooms()).rooms.find((r) => r.name === 'room-b')?.members[0];
    if (member === undefined) throw new Error('no member in room-b');
    expect((await post(`/api/rooms/room-b/members/${member.id}/mute`)).status).toBe(200);
    expect(b.room('room-b')?.members[0]?.canSpeak).toBe(false);
    expect(a.room('room-a')?.members[0]?.canSpeak).toBe(true);
    const invite = await post('/api/rooms/room-b/invite', { number: '801' });
    expect(invite.status).toBe(202);
    await until(() => b.room('room-b')?.members.length === 2, 'the invitee in room-b on node b');
    expect(a.channels().filter((c) => c.direction === 'outbound')).toEqual([]);
  });

  it('is not ready while one node is down, and says which', async () => {
    const [, b] = sims as [Simulator, Simulator];
    b.faults.refuseConnections(true);
    b.faults.dropConnections();
    try {
      const down = await until(async () => {
        const response = await fetch(`${api.url}/readyz`);
        return response.status === 503 ? json(response) : undefined;
      }, 'readyz 503');
      expect(down.status).toBe('not ready');
      expect(down.reason).toMatch(new RegExp(`^${id(b)} event socket reconnecting \\(down \\d+ s\\)$`));
      expect(down.nodes).toEqual([
        expect.objectContaining({ id: id(sims[0] as Simulator), connected: true }),
        expect.objectContaining({ id: id(b), connected: false, state: 'reconnecting' }),
      ]);
      const status = await json(await get('/status'));
      expect(status.ready).toBe(false);
      expect(status.eventSocket).toMatchObject({ id: id(b), state: 'reconnecting', connected: false });
      expect(status.nodes.map((n: { state: string }) => n.state)).toEqual(['connected', 'reconnecting']);
      const metrics = await (await get('/metrics')).text();
      expect(metrics).toContain(`dynconf_event_socket_connected{node="${id(sims[0] as Simulator)}"} 1`);
      expect(metrics).toContain(`dynconf_event_socket_connected{node="${id(b)}"} 0`);
      expect(metrics).toContain(
        `dynconf_event_socket_disconnected_seconds{node="${id(sims[0] as Simulator)}"} 0`,
      );
      expect(metrics).toMatch(
        new RegExp(`dynconf_event_socket_disconnected_seconds\\{node="${id(b)}"\\} [0-9.]+`),
      );
      // The room on the node that is up is still served.
      expect((await post('/api/rooms/room-a/lock')).status).toBe(200);
      expect((await post('/api/rooms/room-b/lock')).status).toBe(503);
    } finally {
      b.faults.refuseConnections(false);
    }
    await until(async () => (await fetch(`${api.url}/readyz`)).status === 200, 'ready again');
  });
});
