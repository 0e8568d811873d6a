// The `history` section: defaults, the environment, bad values named.
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/index.js';

const base = { eventSocket: { password: 'pw-history' }, adminPins: ['24680'] };

describe('history configuration', () => {
  it('is on by default, kept 90 days, with no path (the state directory decides)', () => {
    const result = parseConfig(base);
    expect(result.ok && result.config.history).toEqual({ enabled: true, retentionDays: 90 });
  });

  it('takes every field from the file', () => {
    const result = parseConfig({
      ...base,
      history: { enabled: false, path: '/var/lib/dynconf/calls.sqlite', retentionDays: 365 },
    });
    expect(result.ok && result.config.history).toEqual({
      enabled: false,
      path: '/var/lib/dynconf/calls.sqlite',
      retentionDays: 365,
    });
  });

  it('takes every field from DYNCONF_HISTORY__*', () => {
    const result = loadConfig({
      env: {
        DYNCONF_EVENT_SOCKET__PASSWORD: 'pw',
        DYNCONF_ADMIN_PINS: '24680',
        DYNCONF_HISTORY__ENABLED: 'no',
        DYNCONF_HISTORY__PATH: '/data/history.sqlite',
        DYNCONF_HISTORY__RETENTION_DAYS: '30',
      },
    });
    expect(result.ok && result.config.history).toEqual({
      enabled: false,
      path: '/data/history.sqlite',
      retentionDays: 30,
    });
  });

  it.each([
    [{ retentionDays: 0 }, 'history.retentionDays', 'must be an integer between 1 and 3650'],
    [{ retentionDays: 1.5 }, 'history.retentionDays', 'must be an integer between 1 and 3650'],
    [{ path: '' }, 'history.path', 'must not be empty'],
    [{ enabled: 'sometimes' }, 'history.enabled', undefined],
    [{ keep: 'forever' }, 'history.keep', 'unknown setting'],
  ])('refuses %j, naming %s', (history, path, message) => {
    const result = parseConfig({ ...base, history });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((i) => i.path)).toEqual([path]);
      if (message !== undefined) expect(result.issues[0]?.message).toBe(message);
    }
  });
});
