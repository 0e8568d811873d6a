// The invitation service both callers use: one decision (rules, then the caps), one originate builder with
// the marks recovery reads, one counter.
import { describe, expect, it } from 'vitest';
import type { RouteRule } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { createCounters } from '../../src/runtime/counters.js';
import { type CallRequest, OutboundCalls } from '../../src/runtime/outbound-calls.js';

const rule = { ringTimeoutMs: 30_000, answerSupervision: true, allow: true } as const;
const routes: RouteRule[] = [
  { ...rule, name: 'internal', pattern: '^8\\d\\d$', dialString: 'user/{number}' },
  { ...rule, name: 'premium', pattern: '^0900\\d*$', allow: false },
];

const quiet = createLogger({ level: 'silent' });

function service(up: { n: number }) {
  const counters = createCounters();
  return { counters, calls: new OutboundCalls({ counters, legsUp: () => up.n }) };
}

const request = (over: Partial<CallRequest> = {}): CallRequest => ({
  source: 'keypad',
  number: '801',
  room: 'dynconf-r1',
  routes,
  callsFromHere: 0,
  limits: { perAdmin: 2, total: 3 },
  logger: quiet,
  ...over,
});

describe('one invitation service for keypad and operator calls', () => {
  it('applies the same rules to both sources', () => {
    const { calls } = service({ n: 0 });
    for (const source of ['keypad', 'operator'] as const) {
      const allowed = calls.admit(request({ source }));
      expect(allowed.ok && allowed.route.dialString).toBe('user/801');
      const denied = calls.admit(request({ source, number: '09001234' }));
      expect(denied).toMatchObject({ ok: false, reason: 'not-allowed' });
      expect(denied.ok || denied.detail).toContain('premium');
      expect(calls.admit(request({ source, number: '12a' }))).toMatchObject({
        ok: false,
        reason: 'invalid-number',
      });
      expect(calls.admit(request({ source, number: '555' }))).toMatchObject({
        ok: false,
        reason: 'not-allowed',
        detail: 'no routing rule matches this number',
      });
    }
  });

  it('caps calls per room and all calls together, whoever placed them', () => {
    const up = { n: 0 };
    const { calls } = service(up);
    expect(calls.admit(request({ callsFromHere: 2 }))).toMatchObject({ ok: false, reason: 'too-many-here' });
    up.n = 3;
    for (const source of ['keypad', 'operator'] as const)
      expect(calls.admit(request({ source }))).toMatchObject({ ok: false, reason: 'too-many' });
    up.n = 2;
    expect(calls.admit(request({ source: 'operator' })).ok).toBe(true);
  });

  it('marks each leg for recovery and counts every call placed, once', () => {
    const { calls, counters } = service({ n: 0 });
    const admitted = calls.admit(request());
    if (!admitted.ok) throw new Error('refused');
    const keypad = calls.place({
      source: 'keypad',
      uuid: '11111111-1111-4111-8111-111111111111',
      route: admitted.route,
      room: 'dynconf-r1',
      timeoutSec: 30,
      profile: 'default',
      adminUuid: '22222222-2222-4222-8222-222222222222',
    });
    const operator = calls.place({
      source: 'operator',
      uuid: '33333333-3333-4333-8333-333333333333',
      route: admitted.route,
      room: 'dynconf-r1',
      timeoutSec: 30,
      profile: 'default',
    });
    if (!keypad.ok || !operator.ok) throw new Error('not built');
    expect(keypad.command.text).toContain('dynconf_role=invitee');
    expect(keypad.command.text).toContain('dynconf_admin=22222222-2222-4222-8222-222222222222');
    expect(keypad.command.text).toMatch(/&park\(\)$/);
    expect(operator.command.text).toContain('dynconf_role=guest');
    expect(operator.command.text).toContain('dynconf_invited_by=operator');
    expect(operator.command.text).toMatch(/&conference\(dynconf-r1@default\)$/);
    for (const text of [keypad.command.text, operator.command.text])
      expect(text).toContain('dynconf_room=dynconf-r1');
    expect(counters.invitations).toBe(2);
    const bad = calls.place({
      source: 'operator',
      uuid: 'not-a-uuid',
      route: admitted.route,
      room: 'dynconf-r1',
      timeoutSec: 30,
      profile: 'default',
    });
    expect(bad.ok).toBe(false);
    expect(counters.invitations).toBe(2);
  });
});
