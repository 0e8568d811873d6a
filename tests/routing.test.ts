import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig, type RouteRule } from '../src/config/index.js';
import { isDialableNumber, MAX_DIALED_DIGITS, resolveRoute } from '../src/routing.js';

/** A FreeSWITCH variable expansion, `${x}`: what must never reach a command. */
const FS_VAR = '$' + '{x}';

function routes(rules: unknown[]): readonly RouteRule[] {
  const result = parseConfig({ eventSocket: { password: 'x' }, adminPins: ['1234'], routes: rules });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config.routes;
}

const table = routes([
  { name: 'no-premium', pattern: '0?90[0-9]*', allow: false },
  { name: 'extensions', pattern: '8[01][0-9]', dialString: 'user/{number}', ringTimeoutMs: 20000 },
  {
    name: 'national',
    pattern: '0([1-9][0-9]{5,13})',
    dialString: 'sofia/gateway/{gateway}/0{1}',
    gateway: 'trunk-a',
    callerIdNumber: '{callerIdNumber}',
    callerIdName: 'Conf {callerIdName}',
  },
  {
    pattern: '7(0[0-9]{6,14})',
    dialString: 'sofia/gateway/{gateway}/{1}',
    gateway: 'gsm',
    answerSupervision: false,
    callerIdNumber: '+4930{callerIdNumber}',
  },
  { name: 'services', pattern: '\\*[0-9]{2}#?', dialString: 'loopback/{number}/default' },
]);

describe('resolveRoute', () => {
  it('routes an extension with its rule settings', () => {
    expect(resolveRoute(table, '801')).toEqual({
      allowed: true,
      ruleName: 'extensions',
      number: '801',
      dialString: 'user/801',
      ringTimeoutMs: 20000,
      answerSupervision: true,
    });
  });

  it('substitutes the gateway, capture groups and caller ID', () => {
    expect(resolveRoute(table, '030123456', { callerIdNumber: '801', callerIdName: 'Ann Lee' })).toEqual({
      allowed: true,
      ruleName: 'national',
      number: '030123456',
      dialString: 'sofia/gateway/trunk-a/030123456',
      gateway: 'trunk-a',
      callerIdNumber: '801',
      callerIdName: 'Conf Ann Lee',
      ringTimeoutMs: 30000,
      answerSupervision: true,
    });
  });

  it('names unnamed rules by position and passes answerSupervision: false through', () => {
    const decision = resolveRoute(table, '7017612345678');
    expect(decision).toMatchObject({
      allowed: true,
      ruleName: 'route-4',
      dialString: 'sofia/gateway/gsm/017612345678',
      answerSupervision: false,
    });
  });

  it('lets the first matching rule decide: a refusing rule before a broader one', () => {
    expect(resolveRoute(table, '0900123456')).toEqual({
      allowed: false,
      reason: 'denied',
      ruleName: 'no-premium',
    });
    expect(resolveRoute(table, '090')).toEqual({ allowed: false, reason: 'denied', ruleName: 'no-premium' });
  });

  it('matches the whole number only', () => {
    expect(resolveRoute(table, '8011')).toEqual({ allowed: false, reason: 'no-route' });
    expect(resolveRoute(table, '9801')).toEqual({ allowed: false, reason: 'no-route' });
  });

  it('refuses numbers no rule matches', () => {
    expect(resolveRoute(table, '12345')).toEqual({ allowed: false, reason: 'no-route' });
    expect(resolveRoute([], '801')).toEqual({ allowed: false, reason: 'no-route' });
  });

  it('accepts * and # where a rule allows them', () => {
    expect(resolveRoute(table, '*21#')).toMatchObject({ allowed: true, dialString: 'loopback/*21#/default' });
  });

  it.each([
    '',
    '801 ',
    '80a',
    '801&park()',
    `${FS_VAR}system(rm)`,
    "801'",
    '801\n',
    '80,1',
    '+',
    '1+2',
    '8'.repeat(MAX_DIALED_DIGITS + 1),
    '８０１',
  ])('refuses %j as invalid-number before any rule is tried', (digits) => {
    expect(resolveRoute(table, digits)).toEqual({ allowed: false, reason: 'invalid-number' });
  });

  it('cleans caller ID values it did not validate', () => {
    const decision = resolveRoute(table, '030123456', {
      callerIdNumber: "801'} ,evil",
      callerIdName: `Eve "}{${FS_VAR}\n,O'Neil`,
    });
    expect(decision).toMatchObject({ callerIdNumber: '801evil', callerIdName: 'Conf Eve xONeil' });
  });

  it('leaves caller ID out when the template renders to nothing', () => {
    const decision = resolveRoute(table, '030123456', {});
    expect(decision).toMatchObject({ allowed: true, callerIdName: 'Conf' });
    expect(decision.allowed && 'callerIdNumber' in decision).toBe(false);
  });

  it('never puts anything but safe characters into a dial string (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (digits, name) => {
        const decision = resolveRoute(table, digits, { callerIdName: name, callerIdNumber: name });
        if (!decision.allowed) return true;
        return (
          isDialableNumber(digits) &&
          /^[a-z]+\/[A-Za-z0-9_./@:+=;%*#-]*$/.test(decision.dialString) &&
          !/['"{}$,\s\\]/.test(decision.callerIdName ?? '') &&
          !/['"{}$,\s\\]/.test(decision.callerIdNumber ?? '')
        );
      }),
    );
  });

  it('routes every valid number of digits only to a dial string holding it (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^8[01][0-9]$/), (digits) => {
        const decision = resolveRoute(table, digits);
        return decision.allowed && decision.dialString === `user/${digits}`;
      }),
    );
  });
});

describe('{domain}: the administrator’s domain, for several tenants on one PBX', () => {
  const [rule] = routes([{ pattern: '8[0-9]{2}', dialString: 'user/{number}@{domain}' }]);

  it('reaches the user in the administrator’s own domain', () => {
    const decision = resolveRoute(rule === undefined ? [] : [rule], '801', { domain: 'pbx-b.example.com' });
    expect(decision).toMatchObject({ allowed: true, dialString: 'user/801@pbx-b.example.com' });
  });

  it('keeps only domain characters, and refuses when there is no domain at all', () => {
    const list = rule === undefined ? [] : [rule];
    expect(resolveRoute(list, '801', { domain: 'a.example.com,user/9@x' })).toMatchObject({
      allowed: true,
      dialString: 'user/801@a.example.comuser9x',
    });
    expect(resolveRoute(list, '801', {})).toEqual({ allowed: false, reason: 'invalid-number' });
    expect(resolveRoute(list, '801', { domain: '' })).toEqual({ allowed: false, reason: 'invalid-number' });
  });

  it('is a known placeholder of dial strings (configuration accepts it)', () => {
    expect(() => routes([{ pattern: '8..', dialString: 'user/{number}@{domain}' }])).not.toThrow();
    expect(() => routes([{ pattern: '8..', dialString: 'user/{number}@{tenant}' }])).toThrow(
      /unknown placeholder/,
    );
  });
});
