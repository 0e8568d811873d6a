// The history outlives the controller: a new process opens the same file and finds everything written
// before; a session rebuilt after the restart goes on in its row (its start kept, marked restored), and
// the end of a leg placed before the restart closes that invitation.
import { describe, expect, it } from 'vitest';
import { ev, harness, readAll, sessionStart, T0, useTempHistory, uuid } from './support.js';

const S = 1000;
let path = '';
useTempHistory((files) => {
  path = files.path;
});

describe('across a restart', () => {
  it('a stopped controller’s history is there for the next one, which adds to it', async () => {
    const first = harness(path);
    const a = sessionStart({ callerNumber: '1001' });
    first.feed.started(a);
    first.feed.ended({ id: a.id, adminUuid: a.adminUuid, at: T0 + 60 * S, outcome: 'admin-hung-up' });
    await first.writer.close();

    const second = harness(path, { start: T0 + 3600 * S });
    const b = sessionStart({ callerNumber: '1002', at: T0 + 3600 * S });
    second.feed.started(b);
    const page = await second.writer.query({ limit: 10 });
    expect(page.sessions.map((s) => s.callerNumber)).toEqual(['1002', '1001']);
    expect(page.sessions[1]).toMatchObject({ outcome: 'admin-hung-up', durationMs: 60_000 });
    await second.writer.close();
  });

  it('a session rebuilt after a crash continues its row; its invitation from before is closed', async () => {
    const first = harness(path);
    const start = sessionStart({ callerNumber: '1001' });
    const leg = uuid();
    first.feed.started(start);
    first.feed.observe(start.id, ev.dialed(T0 + 10 * S, '801', leg));
    first.feed.observe(start.id, ev.answered(T0 + 14 * S, leg));
    await first.writer.flush(); // what the flush timer had written before the crash; no close()

    const second = harness(path, { start: T0 + 120 * S });
    second.feed.started({ ...start, at: T0 + 120 * S, restored: true });
    second.feed.observe(start.id, ev.hungUp(T0 + 200 * S, leg));
    second.feed.ended({
      id: start.id,
      adminUuid: start.adminUuid,
      at: T0 + 300 * S,
      outcome: 'admin-hung-up',
    });
    await second.writer.close();
    await first.writer.close();

    const sessions = readAll(path);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      id: start.id,
      startedAt: '2026-11-24T08:00:00.000Z',
      endedAt: '2026-11-24T08:05:00.000Z',
      outcome: 'admin-hung-up',
      restored: true,
    });
    expect(sessions[0]?.invitations).toMatchObject([
      { number: '801', outcome: 'answered', ringingMs: 4000, talkingMs: 186_000 },
    ]);
  });

  it('a session whose start was never written still gets its start when rebuilt', async () => {
    const h = harness(path, { start: T0 + 50 * S });
    const start = sessionStart({ at: T0 + 50 * S, restored: true });
    h.feed.started(start);
    h.feed.ended({ id: start.id, adminUuid: start.adminUuid, at: T0 + 60 * S, outcome: 'other-party-gone' });
    await h.writer.close();
    expect(readAll(path)).toMatchObject([
      { restored: true, outcome: 'other-party-gone', durationMs: 10_000 },
    ]);
  });

  it('the same session id on another administrator leg is another session', async () => {
    const h = harness(path);
    const one = sessionStart({ id: 'abcd1234' });
    const two = sessionStart({ id: 'abcd1234', at: T0 + 5 * S });
    h.feed.started(one);
    h.feed.started(two);
    await h.writer.close();
    expect(readAll(path).map((s) => s.adminUuid)).toEqual([two.adminUuid, one.adminUuid]);
  });
});
