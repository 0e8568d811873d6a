// The latency part of the benchmark: reading reactions out of a recorded timeline.
import { describe, expect, it } from 'vitest';
import { readReactions, type TimelineEntry } from '../../bench/latency/reactions.js';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const C = 'cccccccc-0000-4000-8000-000000000003';

const key = (t: number, digit: string, uuid = A): TimelineEntry => ({ kind: 'key', t, uuid, digit });
const api = (t: number, text: string): TimelineEntry => ({
  kind: 'command',
  t,
  name: text.split(' ')[0] ?? '',
  text,
});
const originate = (t: number, leg: string): TimelineEntry =>
  api(t, `originate {origination_uuid=${leg},dynconf_role=invitee,dynconf_admin=${A}}user/801 &park()`);

describe('readReactions', () => {
  it('times **, *# and an answer from the event to the first command and to the last one they need', () => {
    const timeline: TimelineEntry[] = [
      originate(0, B),
      { kind: 'park', t: 10, uuid: B },
      api(10.2, `uuid_setvar ${A} park_after_bridge true`),
      api(10.5, `uuid_bridge ${A} ${B}`),
      key(20, '*'),
      key(20.1, '*'),
      api(20.3, `uuid_setvar ${A} dynconf_state inRoom`),
      api(20.4, `uuid_transfer ${B} conference:r@dynconf inline`),
      api(20.6, `uuid_transfer ${A} conference:r@dynconf+flags{moderator} inline`),
      // A later setvar about the same call is not part of the reaction.
      api(25, `uuid_setvar ${A} dynconf_machine x`),
      originate(30, C),
      // The originate's job reported first this time: the answer is timed from it, not from the park.
      { kind: 'job', t: 39.9, arg: `{origination_uuid=${C},dynconf_admin=${A}}user/801 &park()`, ok: true },
      { kind: 'park', t: 40, uuid: C },
      api(40.1, `uuid_bridge ${A} ${C}`),
      key(50, '*'),
      key(51, '#'),
      api(51.2, `uuid_kill ${C}`),
      api(51.5, `uuid_transfer ${A} conference:r@dynconf+flags{moderator} inline`),
    ];
    const report = readReactions(timeline);
    expect(report.incomplete).toBe(0);
    const rounded = report.reactions.map((r) => ({
      kind: r.kind,
      firstMs: Number(r.firstMs.toFixed(3)),
      lastMs: Number(r.lastMs.toFixed(3)),
    }));
    expect(rounded).toEqual([
      { kind: 'answer', firstMs: 0.2, lastMs: 0.5 },
      { kind: '**', firstMs: 0.2, lastMs: 0.5 },
      { kind: 'answer', firstMs: 0.2, lastMs: 0.2 },
      { kind: '*#', firstMs: 0.2, lastMs: 0.5 },
    ]);
  });

  it('a reaction missing one of its commands when the next starts is counted as incomplete', () => {
    const report = readReactions([
      originate(0, B),
      key(1, '*'),
      key(2, '*'),
      api(3, `uuid_transfer ${B} conference:r@dynconf inline`),
      key(4, '*'),
      key(5, '#'),
      api(6, `uuid_kill ${B}`),
      api(7, `uuid_transfer ${A} conference:r@dynconf+flags{moderator} inline`),
    ]);
    expect(report.reactions.map((r) => r.kind)).toEqual(['*#']);
    expect(report.incomplete).toBe(1);
  });

  it('keys typed into an entry, and a * not followed by * or #, start nothing', () => {
    const report = readReactions([
      originate(0, B),
      key(1, '8'),
      key(2, '0'),
      key(3, '#'),
      key(4, '*'),
      key(5, '1'),
      key(6, '#'),
    ]);
    expect(report).toEqual({ reactions: [], incomplete: 0 });
  });
});
