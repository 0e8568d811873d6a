// The query: each filter alone and together, paging (keyset: no session twice or missed, new sessions do
// not shift the pages), and what a filter given as text may and may not be.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  type HistoryFilter,
  MAX_LIMIT,
  parseHistoryFilter,
  parseTime,
} from '../../src/history/filter.js';
import { ev, harness, readAll, sessionStart, T0, tempDir, uuid } from './support.js';

const S = 1000;
const H = 3_600_000;
const DAY = 24 * H;

let tmp: ReturnType<typeof tempDir>;
let path: string;

/**
 * A week of a small PBX: per day, 1001 (tenant a) calls 801 (answered) and an international number
 * (refused); 1002 (escalation, tenant b) fails the PIN; 2001 (no tenant) calls 0049… (busy) and is still
 * going on the last day.
 */
beforeAll(async () => {
  tmp = tempDir();
  path = join(tmp.dir, 'history.sqlite');
  const h = harness(path);
  for (let day = 0; day < 7; day++) {
    const base = T0 + day * DAY;
    const a = sessionStart({ at: base, callerNumber: '1001', tenant: 'a', context: 'a' });
    const legA = uuid();
    h.feed.started(a);
    h.feed.observe(a.id, ev.dialed(base + 10 * S, '801', legA, 'internal'));
    h.feed.observe(a.id, ev.answered(base + 15 * S, legA));
    h.feed.observe(a.id, ev.join(base + 60 * S));
    h.feed.observe(a.id, ev.refused(base + 70 * S, '0044207946000', 'not-allowed'));
    h.feed.ended({ id: a.id, adminUuid: a.adminUuid, at: base + 600 * S, outcome: 'admin-hung-up' });

    const b = sessionStart({
      at: base + H,
      callerNumber: '1002',
      flow: 'escalation',
      tenant: 'b',
      context: 'b',
    });
    h.feed.started(b);
    h.feed.ended({
      id: b.id,
      adminUuid: b.adminUuid,
      at: base + H + 40 * S,
      outcome: 'pin-failed',
      pinFailures: 3,
    });

    const c = sessionStart({ at: base + 2 * H, callerNumber: '2001', callerName: 'Bob' });
    const legC = uuid();
    h.feed.started(c);
    h.feed.observe(c.id, ev.dialed(base + 2 * H + 5 * S, '00493012345', legC, 'national'));
    h.feed.observe(c.id, ev.failed(base + 2 * H + 9 * S, legC, 'busy'));
    if (day < 6)
      h.feed.ended({ id: c.id, adminUuid: c.adminUuid, at: base + 3 * H, outcome: 'admin-hung-up' });
  }
  await h.writer.close();
});
afterAll(() => tmp.remove());

const ids = (filter: Record<string, string> = {}) =>
  readAll(path, filter).map((s) => `${s.callerNumber}@${(Date.parse(s.startedAt) - T0) / H}h`);

describe('filters', () => {
  it('everything, newest first', () => {
    const all = readAll(path);
    expect(all).toHaveLength(21);
    const starts = all.map((s) => Date.parse(s.startedAt));
    expect(starts).toEqual([...starts].sort((x, y) => y - x));
  });

  it('from (inclusive) and to (exclusive), as ISO and epoch ms', () => {
    expect(ids({ from: '2026-11-30T08:00:00Z' })).toEqual(['2001@146h', '1002@145h', '1001@144h']);
    expect(ids({ to: String(T0 + DAY) })).toEqual(['2001@2h', '1002@1h', '1001@0h']);
    expect(ids({ from: '2026-11-25T09:00:00Z', to: '2026-11-25T10:00:00Z' })).toEqual(['1002@25h']);
    expect(ids({ from: '2026-11-24', to: '2026-11-24T09:00Z' })).toEqual(['1001@0h']);
  });

  it('caller: exact, or prefix with *', () => {
    expect(ids({ caller: '1002' })).toHaveLength(7);
    expect(readAll(path, { caller: '1002' }).every((s) => s.callerNumber === '1002')).toBe(true);
    expect(ids({ caller: '100' })).toEqual([]);
    expect(ids({ caller: '100*' })).toHaveLength(14);
    expect(ids({ caller: '2*', from: '2026-11-29' })).toEqual(['2001@146h', '2001@122h']);
  });

  it('number: exact or prefix; refused numbers count too', () => {
    expect(ids({ number: '801' })).toHaveLength(7);
    expect(ids({ number: '0049*' })).toHaveLength(7);
    expect(ids({ number: '00*' })).toHaveLength(14);
    expect(ids({ number: '0044207946000', from: '2026-11-30' })).toEqual(['1001@144h']);
    // The session comes with all its invitations, not only the matching one.
    expect(readAll(path, { number: '0044*', from: '2026-11-30' })[0]?.invitations).toHaveLength(2);
  });

  it('outcome: of the session or of one of its invitations; refused and open', () => {
    expect(ids({ outcome: 'pin-failed' })).toHaveLength(7);
    expect(ids({ outcome: 'busy' })).toHaveLength(7);
    expect(ids({ outcome: 'busy,pin-failed' })).toHaveLength(14);
    expect(ids({ outcome: 'not-allowed' })).toHaveLength(7);
    expect(ids({ outcome: 'refused' })).toEqual(ids({ outcome: 'not-allowed' }));
    expect(ids({ outcome: 'open' })).toEqual(['2001@146h']);
    expect(ids({ outcome: 'voicemail' })).toEqual([]);
  });

  it('tenant and flow', () => {
    expect(ids({ tenant: 'b' })).toEqual(ids({ caller: '1002' }));
    expect(ids({ flow: 'escalation' })).toEqual(ids({ caller: '1002' }));
    expect(ids({ flow: 'access', tenant: 'a' })).toEqual(ids({ caller: '1001' }));
  });

  it('all together', () => {
    expect(
      ids({
        from: '2026-11-26',
        to: '2026-11-28',
        caller: '1001',
        number: '0044*',
        outcome: 'refused',
        tenant: 'a',
      }),
    ).toEqual(['1001@72h', '1001@48h']);
  });
});

describe('paging', () => {
  const page = async (filter: HistoryFilter) => {
    const h = harness(path);
    try {
      return await h.writer.query(filter);
    } finally {
      await h.writer.close();
    }
  };

  it('walks every session once, newest first, and says when there are no more', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const parsed = parseHistoryFilter({ limit: '4', ...(cursor === null ? {} : { cursor }) }, T0);
      if (!parsed.ok) throw new Error(parsed.message);
      const result = await page(parsed.filter);
      expect(result.sessions.length).toBeLessThanOrEqual(4);
      seen.push(...result.sessions.map((s) => s.id));
      cursor = result.next;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(6);
    expect(seen).toEqual(readAll(path).map((s) => s.id));
  });

  it('pages stay put while newer sessions are written, and sessions started at the same time are all shown', async () => {
    const local = tempDir();
    try {
      const file = join(local.dir, 'h.sqlite');
      const h = harness(file);
      for (let i = 0; i < 6; i++) h.feed.started(sessionStart({ at: T0 }));
      const first = await h.writer.query({ limit: 4 });
      h.feed.started(sessionStart({ at: T0 + 1 }));
      const cursor = first.next === null ? undefined : decodeCursor(first.next);
      const second = await h.writer.query({ limit: 4, ...(cursor === undefined ? {} : { cursor }) });
      expect(second.sessions).toHaveLength(2);
      expect(second.next).toBeNull();
      const all = [...first.sessions, ...second.sessions].map((s) => s.id);
      expect(new Set(all).size).toBe(6);
      await h.writer.close();
    } finally {
      local.remove();
    }
  });

  it('the cursor is opaque and checked', () => {
    expect(decodeCursor(encodeCursor({ startedMs: T0, key: 42 }))).toEqual({ startedMs: T0, key: 42 });
    expect(decodeCursor('bm9wZQ')).toBeUndefined();
    expect(decodeCursor('../etc')).toBeUndefined();
  });
});

describe('filters as text', () => {
  it('takes spans back from now', () => {
    expect(parseTime('7d', T0)).toBe(T0 - 7 * DAY);
    expect(parseTime('24h', T0)).toBe(T0 - DAY);
    expect(parseTime('30m', T0)).toBe(T0 - 1_800_000);
    expect(parseTime('2w', T0)).toBe(T0 - 14 * DAY);
    expect(parseTime(String(T0), 0)).toBe(T0);
    expect(parseTime('2026-11-24T08:00:00Z', 0)).toBe(T0);
    expect(parseTime('2026-11-24T09:00:00+01:00', 0)).toBe(T0);
  });

  it.each([
    [{ from: 'yesterday' }, 'from'],
    [{ to: '2026-13-45' }, 'to'],
    [{ from: '2026-11-25', to: '2026-11-24' }, 'to'],
    [{ caller: 'x'.repeat(65) }, 'caller'],
    [{ outcome: 'answered,happy' }, 'outcome'],
    [{ outcome: ',' }, 'outcome'],
    [{ flow: 'star0' }, 'flow'],
    [{ limit: '0' }, 'limit'],
    [{ limit: String(MAX_LIMIT + 1) }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ cursor: 'not a cursor' }, 'cursor'],
  ])('refuses %j, naming %s', (text, field) => {
    const result = parseHistoryFilter(text, T0);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.field).toBe(field);
  });

  it('reads every field, and blank ones as not given', () => {
    expect(
      parseHistoryFilter(
        {
          from: '7d',
          to: '',
          caller: '100*',
          number: ' 801 ',
          outcome: 'busy, refused',
          tenant: 'a',
          flow: 'access',
          limit: '500',
        },
        T0,
      ),
    ).toEqual({
      ok: true,
      filter: {
        from: T0 - 7 * DAY,
        caller: { value: '100', prefix: true },
        number: { value: '801', prefix: false },
        outcomes: ['busy', 'refused'],
        tenant: 'a',
        flow: 'access',
        limit: 500,
      },
    });
    expect(parseHistoryFilter({}, T0)).toEqual({ ok: true, filter: { limit: 50 } });
  });
});
