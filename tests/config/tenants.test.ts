// Several tenants on one PBX: settings per dialplan context, the top level for every other call.
import { describe, expect, it } from 'vitest';
import {
  accessNumbers,
  formatConfigIssues,
  loadConfig,
  parseConfig,
  tenantSettings,
} from '../../src/config/index.js';

const BASE = { eventSocket: { password: 'a-password' }, adminPins: ['1111'] };

function config(input: Record<string, unknown>) {
  const result = parseConfig({ ...BASE, ...input });
  if (!result.ok) throw new Error(formatConfigIssues(result.issues));
  return result.config;
}

describe('tenants', () => {
  const c = config({
    routes: [{ name: 'top', pattern: '8..', dialString: 'user/{number}' }],
    prompts: { goodbye: '/sounds/bye.wav' },
    tenants: {
      'pbx-a.example.com': {
        adminPins: ['2222'],
        routes: [{ name: 'users', pattern: '1...', dialString: 'user/{number}@{domain}' }],
        promptSet: 'tones',
      },
      'pbx-b.example.com': { accessNumber: '950', adminPins: ['3333'] },
    },
  });

  it("a tenant's call gets its own PINs, routes and access number, nothing of the top level's PINs or routes", () => {
    const a = tenantSettings(c, 'pbx-a.example.com');
    expect(a.tenant).toBe('pbx-a.example.com');
    expect(a.adminPins).toEqual(['2222']);
    expect(a.routes.map((r) => r.name)).toEqual(['users']);
    expect(a.accessNumber).toBe('900');
    expect(a.promptSet).toBe('tones');
    const b = tenantSettings(c, 'pbx-b.example.com');
    expect(b.accessNumber).toBe('950');
    expect(b.adminPins).toEqual(['3333']);
    expect(b.routes).toEqual([]);
    // Prompts the tenant does not set come from the top level.
    expect(b.prompts.goodbye).toBe('/sounds/bye.wav');
  });

  it('a call from any other context gets the top-level settings', () => {
    for (const context of ['default', undefined, 'pbx-c.example.com']) {
      const s = tenantSettings(c, context);
      expect(s.tenant).toBeUndefined();
      expect(s.adminPins).toEqual(['1111']);
      expect(s.routes.map((r) => r.name)).toEqual(['top']);
      expect(s.promptSet).toBe('freeswitch');
    }
    expect([...accessNumbers(c)].sort()).toEqual(['900', '950']);
  });

  it('a tenant must have its own PINs; names and values are checked like the top level', () => {
    const missing = parseConfig({ ...BASE, tenants: { 'pbx-a.example.com': { routes: [] } } });
    expect(missing.ok).toBe(false);
    if (!missing.ok)
      expect(formatConfigIssues(missing.issues)).toContain('tenants.pbx-a.example.com.adminPins');
    const badContext = parseConfig({ ...BASE, tenants: { 'a b': { adminPins: ['2222'] } } });
    expect(badContext.ok).toBe(false);
    const twice = parseConfig({
      ...BASE,
      tenants: {
        t: {
          adminPins: ['2222'],
          routes: [
            { name: 'x', pattern: '1', dialString: 'user/1' },
            { name: 'x', pattern: '2', dialString: 'user/2' },
          ],
        },
      },
    });
    expect(twice.ok).toBe(false);
    if (!twice.ok)
      expect(formatConfigIssues(twice.issues)).toContain('tenants.t.routes[1].name: repeats the name');
  });

  it('from the environment: DYNCONF_TENANTS as a JSON object', () => {
    const result = loadConfig({
      env: {
        DYNCONF_EVENT_SOCKET__PASSWORD: 'pw',
        DYNCONF_ADMIN_PINS: '1111',
        DYNCONF_TENANTS: '{"pbx-a.example.com":{"adminPins":["2222"]}}',
      },
    });
    if (!result.ok) throw new Error(formatConfigIssues(result.issues));
    expect(tenantSettings(result.config, 'pbx-a.example.com').adminPins).toEqual(['2222']);
  });
});
