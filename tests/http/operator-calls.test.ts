// The operator's calls are the runtime's: an invitation placed from the API (the dashboard's form) counts
// against the same cap on outbound calls as the administrators' keypad invitations, is counted in the same
// totals (`dynconf status`, /status, the metrics), carries the same kind of marks on FreeSWITCH, and is
// taken over by a controller started after a crash, as a keypad invitee is.
//
// Each node here is a runtime on its own event-socket connection whose operator desk (Runtime.operator) is
// handed to the HTTP side, as `dynconf start` does once its controller passes it on.
import { afterEach, describe, expect, it } from 'vitest';
import { summarizeStatus } from '../../src/cli/status-summary.js';
import { VirtualClock } from '../../src/clock.js';
import { type Config, parseConfig } from '../../src/config/index.js';
import { EslConnection } from '../../src/esl/connection.js';
import { type OperatorApi, startOperatorApi } from '../../src/http/index.js';
import { createLogger, type Logger } from '../../src/log.js';
import { DynconfMetrics, runtimeMetricsHooks } from '../../src/metrics/index.js';
import { SHIPPED_PROMPTS } from '../../src/prompts.js';
import { STAR0_SUBCLASS } from '../../src/runtime/escalation.js';
import { type RecoveryReport, Runtime } from '../../src/runtime/runtime.js';
import { type SimCall, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { type Phones, phonesFor } from '../support/phones.js';
import { ADMIN_PIN, DIRECTORY, json, ROOM_EXTENSIONS, ROUTES, TOKEN, untilOn } from './support.js';

interface Node {
  readonly runtime: Runtime;
  readonly api: OperatorApi;
  readonly metrics: DynconfMetrics;
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown): Promise<Response>;
  metricsText(): Promise<string>;
  /** The process dies: nothing more is sent; calls go on in FreeSWITCH. */
  crash(): Promise<void>;
}

interface Rig {
  readonly sim: Simulator;
  readonly clock: VirtualClock;
  readonly config: Config;
  readonly logger: Logger;
  readonly phones: Phones;
  node: Node;
  until<T>(check: () => T | Promise<T>, what: string): Promise<NonNullable<T>>;
  /** A guest in a room of the dialplan (3000: room-a, 3001: room-b). */
  guest(from: string, to: string): Promise<SimCall>;
  startNode(): Promise<Node>;
}

let rig: Rig | undefined;

afterEach(async () => {
  const r = rig;
  rig = undefined;
  if (r === undefined) return;
  await r.node.crash();
  await r.sim.close();
});

async function startRig(overrides: Record<string, unknown> = {}): Promise<Rig> {
  const clock = new VirtualClock();
  const sim = await startSimulator({ clock, dialplan: { parkTimeoutSec: 0, extensions: ROOM_EXTENSIONS } });
  for (const [number, behaviour] of Object.entries(DIRECTORY)) sim.directory.set(number, behaviour);
  sim.directory.set('806', { kind: 'ring-forever' });
  const parsed = parseConfig({
    eventSocket: { host: sim.host, port: sim.port, password: sim.password, commandTimeoutMs: 5000 },
    adminPins: [ADMIN_PIN],
    routes: ROUTES,
    http: { port: 0, token: TOKEN },
    ...overrides,
  });
  if (!parsed.ok) throw new Error(`rig configuration: ${JSON.stringify(parsed.issues)}`);
  const config = parsed.config;
  const logger = createLogger({ level: 'debug', destination: { write: () => {} } });
  const until = <T>(check: () => T | Promise<T>, what: string) => untilOn(clock, check, what);
  const r: Rig = {
    sim,
    clock,
    config,
    logger,
    phones: phonesFor({
      sim,
      sessions: () => r.node.runtime.sessions(),
      accessNumber: config.accessNumber,
      pin: ADMIN_PIN,
      wait: (check, what) => clock.until(check, what),
    }),
    node: undefined as unknown as Node,
    until,
    async guest(from, to) {
      const call = await sim.placeCall({ from, to });
      await call.waitUntil('in-conference');
      await until(
        () => r.node.api.rooms.rooms().some((room) => room.members.some((m) => m.uuid === call.uuid)),
        `${from} listed in a room`,
      );
      return call;
    },
    startNode: () => startNode(r),
  };
  r.node = await r.startNode();
  return r;
}

/** A runtime on its own connection, with its operator desk behind the HTTP side (what Controller wires). */
async function startNode(r: Rig): Promise<Node> {
  const { sim, clock, config, logger } = r;
  const metrics = new DynconfMetrics({ processMetrics: false });
  const connection = new EslConnection({
    host: sim.host,
    port: sim.port,
    password: sim.password,
    logger,
    clock,
    customSubclasses: [STAR0_SUBCLASS],
  });
  const hooks = runtimeMetricsHooks(metrics, connection, logger);
  const runtime = new Runtime({
    config,
    port: hooks.port,
    clock,
    logger,
    ...(hooks.observe === undefined ? {} : { observe: hooks.observe }),
  });
  runtime.onSessionFinished((session) => hooks.sessionEnded(session.id));
  const offEvent = connection.onEvent((event) => runtime.handle(event));
  let recovery: Promise<RecoveryReport> | undefined;
  const offState = connection.onStateChange((change) => {
    if (change.state === 'connected')
      recovery = runtime.recover(change.previous === 'reconnecting' ? 'reconnect' : 'start');
  });
  connection.start();
  await clock.until(() => recovery !== undefined, 'the runtime connected');
  await clock.drive(recovery as Promise<RecoveryReport>, 'the recovery at start');
  const api = await startOperatorApi({
    config,
    logger,
    nodes: [
      {
        id: `${sim.host}:${sim.port}`,
        connection,
        sessions: () => runtime.sessions(),
        operator: runtime.operator,
      },
    ],
    stats: () => runtime.stats(),
    metrics,
  });
  await clock.drive(api.synced(), 'the rooms read');
  const headers = { authorization: `Bearer ${TOKEN}` };
  let crashed: Promise<void> | undefined;
  return {
    runtime,
    api,
    metrics,
    get: (path) => fetch(`${api.url}${path}`, { headers }),
    post: (path, body) =>
      fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    metricsText: async () => (await fetch(`${api.url}/metrics`, { headers })).text(),
    crash() {
      crashed ??= (async () => {
        runtime.stop();
        offEvent();
        offState();
        await clock.drive(api.close(), 'the operator API to close');
        await clock.drive(connection.close(), 'the event socket to close');
      })();
      return crashed;
    },
  };
}

const invite = async (node: Node, room: string, number: string) => {
  const response = await node.post(`/api/rooms/${room}/invite`, { number });
  return { status: response.status, body: await json(response) };
};

/** `0`, the number, `#`, answered, then `**`: the invitee is a member of the room. */
async function bringIn(r: Rig, admin: SimCall, room: string, number: string): Promise<SimCall> {
  const invitee = await r.phones.dial(admin, number);
  await r.until(() => admin.where().bridgedTo === invitee.uuid, `talking with ${number}`);
  await admin.press('**');
  await r.until(
    () => r.sim.room(room)?.members.some((m) => m.uuid === invitee.uuid),
    `${number} in the room`,
  );
  return invitee;
}

describe("the operator's calls are the runtime's", () => {
  it('are counted like keypad invitations: /status, dynconf status and the metrics', async () => {
    rig = await startRig();
    const r = rig;
    await r.guest('1002', '3000');
    const placed = await invite(r.node, 'room-a', '801');
    expect(placed.status).toBe(202);
    await r.until(
      () => r.sim.room('room-a')?.members.some((m) => m.uuid === placed.body.uuid),
      'the invitee in room-a',
    );
    // The guest leg carries the same kind of marks as a keypad invitee: its role and its room.
    expect(r.sim.channel(placed.body.uuid)?.variables).toMatchObject({
      dynconf_role: 'guest',
      dynconf_room: 'room-a',
      dynconf_invited_by: 'operator',
    });
    const { admin, room } = await r.phones.adminInRoom('1001');
    await bringIn(r, admin, room, '804');
    await r.until(
      async () =>
        (await r.node.metricsText()).includes('dynconf_invitations_total{outcome="answered",source="api"} 1'),
      'the operator invitation counted',
    );
    const metrics = await r.node.metricsText();
    expect(metrics).toContain('dynconf_invitations_total{outcome="answered",source="keypad"} 1');
    // Every command went through the runtime, timed once.
    expect(metrics).toMatch(
      /dynconf_command_duration_seconds_count\{command="originate",kind="bgapi",result="ok"\} 2/,
    );
    expect(r.node.runtime.stats().invitations).toBe(2);
    const status = await json(await r.node.get('/status'));
    expect(status.counters.invitations).toBe(2);
    expect(summarizeStatus(status)).toMatch(/Since start +1 session started · 2 invitations/);
    await admin.hangup();
  });

  it('share the cap on outbound calls up at once with the administrators, both ways', async () => {
    rig = await startRig({ maxOutboundLegs: 2 });
    const r = rig;
    await r.guest('1002', '3000');
    const first = await invite(r.node, 'room-a', '801');
    expect(first.status).toBe(202);
    await r.until(
      () => r.sim.room('room-a')?.members.some((m) => m.uuid === first.body.uuid),
      'the first invitee in room-a',
    );
    // An administrator's call ringing is the second call up.
    const one = await r.phones.adminInRoom('1001');
    const ringing = await r.phones.dial(one.admin, '803');
    await r.phones.sessionState(one.admin.uuid, 'invitation.ringing');
    const refused = await invite(r.node, 'room-a', '804');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/maxOutboundLegs 2/);
    // And the operator's call in the room keeps another administrator from dialing out.
    const two = await r.phones.adminInRoom('1003');
    await r.phones.enterNumber(two.admin, '805');
    await r.until(
      () => r.sim.heard(two.admin.uuid).some((h) => h.what === SHIPPED_PROMPTS['not-allowed']),
      'the not-allowed prompt',
    );
    await r.phones.sessionState(two.admin.uuid, 'inRoom');
    expect(r.sim.channels().some((c) => c.destination === '805')).toBe(false);
    // The ringing call given up frees its place for the operator.
    await one.admin.press('*#');
    await ringing.waitUntil('gone');
    const again = await invite(r.node, 'room-a', '804');
    expect(again.status).toBe(202);
    for (const { admin } of [one, two]) await admin.hangup();
  });

  it('are taken over after a crash: one still ringing is followed to its end, one whose room is gone is hung up', async () => {
    rig = await startRig({ maxOutboundLegs: 2 });
    const r = rig;
    await r.guest('1002', '3001');
    const leaving = await r.guest('1004', '3000');
    const kept = await invite(r.node, 'room-b', '803');
    const orphan = await invite(r.node, 'room-a', '806');
    for (const placed of [kept, orphan]) {
      expect(placed.status).toBe(202);
      await r.until(() => r.sim.channel(placed.body.uuid)?.answerState === 'ringing', 'the invitee ringing');
    }
    await r.node.crash();
    // While no controller runs, room-a empties and goes; its call keeps ringing.
    await leaving.hangup();
    await r.until(() => r.sim.room('room-a') === undefined, 'room-a gone');
    r.node = await r.startNode();
    const node = r.node;
    await r.until(() => r.sim.channel(orphan.body.uuid) === undefined, 'the call into room-a hung up');
    const listed = (await json(await node.get('/api/rooms'))).rooms.find(
      (room: { name: string }) => room.name === 'room-b',
    );
    expect(listed.invitations).toEqual([
      expect.objectContaining({ uuid: kept.body.uuid, number: '803', state: 'calling' }),
    ]);
    expect((await json(await node.get('/status'))).invitationsCalling).toBe(1);
    expect(await node.metricsText()).toContain('dynconf_recovery_total{what="orphans_hung_up"} 1');
    // The call taken over counts against the cap: one more is the last one allowed.
    const another = await invite(node, 'room-b', '801');
    expect(another.status).toBe(202);
    const refused = await invite(node, 'room-b', '804');
    expect(refused).toMatchObject({
      status: 429,
      body: { error: expect.stringMatching(/maxOutboundLegs 2/) },
    });
    await r.until(
      () => r.sim.room('room-b')?.members.some((m) => m.uuid === another.body.uuid),
      'the other invitee in room-b',
    );
    // Its room ends: the call still ringing is cancelled, and counted as the keypad's would be.
    expect((await node.post('/api/rooms/room-b/end')).status).toBe(200);
    await r.until(() => r.sim.channel(kept.body.uuid) === undefined, 'the ringing call hung up');
    await r.until(
      async () =>
        (await node.metricsText()).includes('dynconf_invitations_total{outcome="cancelled",source="api"} 1'),
      'the cancelled invitation counted',
    );
  });
});
