// Fault injection: dropped sockets, slow and reordered events, the event socket restarting, and
// FreeSWITCH crashing — calls survive what they survive on the real thing.
import { afterEach, describe, expect, test } from 'vitest';
import { TestClient } from './support/esl-client.js';
import { type Harness, harness } from './support/harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function parked(from = '1001') {
  const call = await h.sim.placeCall({ from, to: '900' });
  await call.waitUntil('parked');
  return call;
}

describe('faults', () => {
  test('dropConnections: clients are cut off, calls keep going, a new client sees them', async () => {
    h = await harness();
    const c = await h.client();
    const call = await parked();
    h.sim.faults.dropConnections();
    await c.waitClosed();
    expect(h.sim.connectionCount()).toBe(0);
    expect(call.where().state).toBe('parked');
    const again = await h.client('');
    const uuids = await again.apiUntil('show channels as json', (body) => {
      const rows = (JSON.parse(body) as { rows?: Array<{ uuid: string }> }).rows ?? [];
      return rows.length > 0 ? rows.map((r) => r.uuid) : undefined;
    });
    expect(uuids).toEqual([call.uuid]);
  });

  test('delayEvents: replies come at once, events later', async () => {
    h = await harness();
    const c = await h.client();
    const call = await parked();
    await c.waitEvent((e) => e.name === 'CHANNEL_PARK');
    h.sim.faults.delayEvents(150);
    const sent = h.clock.now();
    expect(await c.api(`uuid_kill ${call.uuid}`)).toBe('+OK\n');
    const replyAfter = h.clock.now() - sent;
    await c.waitEvent((e) => e.name === 'CHANNEL_DESTROY');
    const eventAfter = h.clock.now() - sent;
    // On the simulator's clock: the reply without delay, the events exactly the delay later.
    expect(replyAfter).toBe(0);
    expect(eventAfter).toBe(150);
    expect(
      c
        .eventsFor(call.uuid)
        .slice(-3)
        .map((e) => e.name),
    ).toEqual(['CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_DESTROY']);
  });

  test('reorderWithinAllowed: channels interleave differently, each channel keeps its own order', async () => {
    h = await harness();
    const ordered = await h.client();
    h.sim.faults.reorderWithinAllowed({ windowSize: 8, seed: 7 });
    const shuffled = await h.client();
    const calls = await Promise.all(
      ['1001', '1002', '1003', '1004'].map((f) => h.sim.placeCall({ from: f, to: '900' })),
    );
    for (const call of calls) await call.waitUntil('parked');
    for (const call of calls) await h.sim.call(call.uuid).hangup();
    for (const c of [ordered, shuffled]) {
      await c.waitFor(() =>
        c.events.filter((e) => e.name === 'CHANNEL_DESTROY').length === 4 ? true : undefined,
      );
    }
    const seq = (c: TestClient) => c.events.map((e) => e.headers['Event-Sequence']).join(',');
    for (const call of calls) {
      const perChannel = (c: TestClient) => c.eventsFor(call.uuid).map((e) => e.headers['Event-Sequence']);
      expect(perChannel(shuffled)).toEqual(perChannel(ordered));
    }
    expect(shuffled.events).toHaveLength(ordered.events.length);
    expect(seq(shuffled)).not.toBe(seq(ordered));
  });

  test('restart: the port refuses while down, then accepts again; calls and Core-UUID unchanged', async () => {
    h = await harness();
    const c = await h.client();
    const call = await parked();
    const core = (await c.waitEvent((e) => e.name === 'CHANNEL_PARK')).headers['Core-UUID'];
    const restarting = h.sim.faults.restart({ downMs: 200 });
    await c.waitClosed();
    await expect(TestClient.open(h.sim.port)).rejects.toThrow();
    await restarting;
    const again = await h.client();
    await again.api(`uuid_setvar ${call.uuid} dynconf_room r1`);
    expect(await again.api(`uuid_getvar ${call.uuid} dynconf_room`)).toBe('r1');
    await again.api(`uuid_transfer ${call.uuid} park inline`);
    const park = await again.waitEvent((e) => e.name === 'CHANNEL_PARK');
    expect(park.headers['Core-UUID']).toBe(core);
  });

  test('crash: every call is gone, a new Core-UUID, the socket comes back', async () => {
    h = await harness();
    const c = await h.client();
    const call = await parked();
    const core = (await c.waitEvent((e) => e.name === 'CHANNEL_PARK')).headers['Core-UUID'];
    await h.sim.faults.crash({ downMs: 50 });
    expect(call.where().state).toBe('gone');
    const again = await h.client();
    expect(await again.api('show channels as json')).toBe('{"row_count": 0}\n');
    const next = await parked('1002');
    const park = await again.waitEvent(
      (e) => e.name === 'CHANNEL_PARK' && e.headers['Unique-ID'] === next.uuid,
    );
    expect(park.headers['Core-UUID']).not.toBe(core);
  });

  test('refuseConnections: FreeSWITCH unreachable until lifted', async () => {
    h = await harness();
    h.sim.faults.refuseConnections(true);
    const c = await TestClient.open(h.sim.port);
    await c.waitClosed();
    expect(c.frames).toHaveLength(0);
    h.sim.faults.refuseConnections(false);
    const ok = await h.client('');
    expect(await ok.api('uuid_exists x')).toBe('false');
  });
});
