// The call history as an operator reads it: the real controller records every administrator session and
// every invitation, keypad and operator alike, and GET /api/history answers who called which number, when
// and how it ended, with filters and paging; the file outlives the controller.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { type HistoryRecorder, inThreadExecutor, openHistory } from '../../src/history/index.js';
import { createLogger } from '../../src/log.js';
import { type Json, json, phonesOf, type Rig, startRig } from './support.js';

let rig: Rig | undefined;
let history: HistoryRecorder | undefined;
let dir: string | undefined;

afterEach(async () => {
  await rig?.close();
  rig = undefined;
  await history?.close();
  history = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const quiet = createLogger({ level: 'silent' });

/** The history file in a directory of the test's own, SQLite on this thread, timers on `clock`. */
function openFile(path: string, clock: Clock): HistoryRecorder {
  return openHistory({
    settings: { enabled: true, path, retentionDays: 90 },
    logger: quiet,
    clock,
    writer: { executor: inThreadExecutor() },
  });
}

async function historyRig() {
  dir = mkdtempSync(join(tmpdir(), 'dynconf-history-api-'));
  const path = join(dir, 'history.sqlite');
  rig = await startRig({
    controller: true,
    history: (clock) => {
      history = openFile(path, clock);
      return history;
    },
  });
  const r = rig;
  const phones = phonesOf(r);
  const page = async (query = ''): Promise<Json> => {
    const response = await r.get(`/api/history${query}`);
    expect(response.status).toBe(200);
    return json(response);
  };
  return { r, phones, path, page };
}

describe('GET /api/history', () => {
  it('records a keypad session: its invitations answered, refused and busy, and how the session ended', async () => {
    const { r, phones, page } = await historyRig();
    const { admin, room } = await phones.adminInRoom('1001');
    // A premium number: refused by the rules, nothing called.
    const recorded = (number: string, outcome: string) =>
      r.until(async () => {
        const b = await page(`?number=${number}&outcome=${outcome}`);
        return b.sessions.length === 1;
      }, `${number} recorded as ${outcome}`);
    await phones.enterNumber(admin, '0901');
    await recorded('0901', 'not-allowed');
    await phones.sessionState(admin.uuid, 'inRoom');
    // Busy.
    await phones.enterNumber(admin, '802');
    await recorded('802', 'busy');
    await phones.sessionState(admin.uuid, 'inRoom');
    // Answered, then brought into the room.
    const invitee = await phones.dial(admin, '801');
    await r.until(() => admin.where().bridgedTo === invitee.uuid, 'talking with 801');
    await admin.press('**');
    await r.until(() => r.sim.room(room)?.members.some((m) => m.uuid === invitee.uuid), '801 in the room');
    await admin.hangup();
    await r.until(() => (r.controller?.sessions().length ?? 1) === 0, 'the session over');

    const body = await page();
    expect(body.sessions).toHaveLength(1);
    const [session] = body.sessions;
    expect(session).toMatchObject({
      flow: 'access',
      callerNumber: '1001',
      room,
      outcome: 'admin-hung-up',
      authenticated: true,
      pinFailures: 0,
    });
    expect(session.endedAt).not.toBeNull();
    const byNumber = Object.fromEntries(session.invitations.map((i: Json) => [i.number, i]));
    expect(byNumber['0901']).toMatchObject({ source: 'keypad', refused: true, outcome: 'not-allowed' });
    expect(byNumber['802']).toMatchObject({ source: 'keypad', refused: false, outcome: 'busy' });
    expect(byNumber['801']).toMatchObject({ source: 'keypad', route: 'extensions', outcome: 'answered' });
    expect(byNumber['801'].joinedAt).not.toBeNull();
  });

  it("records the operator's calls in the session whose room they ring into; filters and pages", async () => {
    const { r, phones, page } = await historyRig();
    const first = await phones.adminInRoom('1001');
    const second = await phones.adminInRoom('1002');
    for (const [room, number] of [
      [first.room, '801'],
      [second.room, '802'],
    ] as const) {
      const response = await r.post(`/api/rooms/${room}/invite`, { number });
      expect(response.status).toBe(202);
    }
    await r.until(
      async () => (await page('?number=801&outcome=answered')).sessions.length === 1,
      '801 answered',
    );
    await r.until(async () => (await page('?outcome=busy')).sessions.length === 1, 'the busy call recorded');

    const all = await page();
    expect(all.sessions.map((s: Json) => s.callerNumber).sort()).toEqual(['1001', '1002']);
    const busy = await page('?outcome=busy');
    expect(busy.sessions.map((s: Json) => s.callerNumber)).toEqual(['1002']);
    expect(busy.sessions[0].invitations[0]).toMatchObject({
      source: 'operator',
      number: '802',
      outcome: 'busy',
    });
    const byNumber = await page('?number=801');
    expect(byNumber.sessions.map((s: Json) => s.callerNumber)).toEqual(['1001']);
    expect(byNumber.sessions[0].invitations[0]).toMatchObject({ source: 'operator', outcome: 'answered' });
    expect((await page('?caller=100*')).sessions).toHaveLength(2);
    // Pages of one, newest first, until `next` is null.
    const one = await page('?limit=1');
    expect(one.sessions).toHaveLength(1);
    expect(one.next).toEqual(expect.any(String));
    const two = await page(`?limit=1&cursor=${encodeURIComponent(one.next)}`);
    expect(two.sessions).toHaveLength(1);
    expect(two.sessions[0].id).not.toBe(one.sessions[0].id);
    expect(two.next).toBeNull();
  });

  it('names the bad field (400), refuses unknown ones, and keeps the history across a controller restart', async () => {
    const { r, phones, path, page } = await historyRig();
    const bad = await r.get('/api/history?from=yesterday-ish');
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatch(/^from: /);
    const unknown = await r.get('/api/history?password=x');
    expect(unknown.status).toBe(400);
    const limit = await r.get('/api/history?limit=abc');
    expect(limit.status).toBe(400);
    expect((await r.get('/api/history', { token: null })).status).toBe(401);

    const { admin } = await phones.adminInRoom('1003');
    await admin.hangup();
    await r.until(() => (r.controller?.sessions().length ?? 1) === 0, 'the session over');
    expect((await page()).sessions).toHaveLength(1);
    const status = await json(await r.get('/status'));
    expect(status.history).toMatchObject({ enabled: true, path, healthy: true, dropped: 0 });
    expect(status.history.written).toBeGreaterThan(0);
    // The controller and its history go; another process opens the same file.
    await r.close();
    rig = undefined;
    await history?.close();
    history = undefined;
    const again = openHistory({
      settings: { enabled: true, path, retentionDays: 90 },
      logger: quiet,
      writer: { executor: inThreadExecutor() },
    });
    try {
      const kept = await again.query({ limit: 10 });
      expect(kept.sessions.map((s) => s.callerNumber)).toEqual(['1003']);
    } finally {
      await again.close();
    }
  });

  it('answers 503 when this process keeps no history', async () => {
    rig = await startRig({ controller: true });
    const response = await rig.get('/api/history');
    expect(response.status).toBe(503);
    expect((await json(response)).error).toContain('history');
  });
});
