import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ConfigResult,
  envNameForPath,
  formatConfigIssues,
  loadConfig,
  loadHttpSettings,
  pathForEnvName,
} from '../../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'dynconf-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function ok(result: ConfigResult) {
  if (!result.ok) throw new Error(formatConfigIssues(result.issues));
  return result;
}

function issues(result: ConfigResult) {
  if (result.ok) throw new Error('expected issues');
  return result.issues;
}

const SECRETS = { DYNCONF_EVENT_SOCKET__PASSWORD: 'pw-from-env', DYNCONF_ADMIN_PINS: '2468' };

describe('environment variable names', () => {
  it.each([
    [['eventSocket', 'port'], 'DYNCONF_EVENT_SOCKET__PORT'],
    [['eventSocket', 'reconnect', 'maxDelayMs'], 'DYNCONF_EVENT_SOCKET__RECONNECT__MAX_DELAY_MS'],
    [['lockout', 'maxFailures'], 'DYNCONF_LOCKOUT__MAX_FAILURES'],
    [['adminPins'], 'DYNCONF_ADMIN_PINS'],
    [['prompts', 'dialTone'], 'DYNCONF_PROMPTS__DIAL_TONE'],
    [['maxOutboundLegsPerAdmin'], 'DYNCONF_MAX_OUTBOUND_LEGS_PER_ADMIN'],
  ])('%j ↔ %s', (path, name) => {
    expect(envNameForPath(path)).toBe(name);
    expect(pathForEnvName(name)).toEqual(path);
  });

  it('does not read DYNCONF_CONFIG or malformed names as fields', () => {
    expect(pathForEnvName('DYNCONF_CONFIG')).toBeNull();
    expect(pathForEnvName('DYNCONF_lower')).toBeNull();
    expect(pathForEnvName('DYNCONF_A___B')).toBeNull();
    expect(pathForEnvName('OTHER_PORT')).toBeNull();
  });
});

describe('loadConfig from the environment', () => {
  it('malformed JSON in a variable names the variable and the parse error (not a field deep inside)', () => {
    const found = issues(
      loadConfig({
        env: { ...SECRETS, DYNCONF_ROUTES: '[{"pattern": 8', DYNCONF_LOCKOUT: '{maxFailures: 7}' },
      }),
    );
    expect(formatConfigIssues(found).split('\n')).toEqual([
      expect.stringMatching(/^ {2}lockout: is not valid JSON \(.+\) \(from DYNCONF_LOCKOUT\)$/),
      expect.stringMatching(/^ {2}routes: is not valid JSON \(.+position 14.*\) \(from DYNCONF_ROUTES\)$/),
    ]);
  });

  it('builds a whole configuration from variables alone', () => {
    const { config, sources } = ok(
      loadConfig({
        env: {
          ...SECRETS,
          DYNCONF_EVENT_SOCKET__PORT: '8022',
          DYNCONF_EVENT_SOCKET__RECONNECT__FACTOR: '1.5',
          DYNCONF_RETURN_ON_VOICEMAIL: 'yes',
          DYNCONF_CONFERENCE__END_CONFERENCE_WHEN_ADMIN_LEAVES: 'true',
          DYNCONF_LOCKOUT: '{"maxFailures": 7}',
          DYNCONF_ROUTES:
            '[{"pattern":"8\\\\d\\\\d","dialString":"user/{number}","answerSupervision":"false"}]',
          DYNCONF_PROMPTS__DIAL_TONE: '/sounds/dial.wav',
          PATH: '/usr/bin',
        },
      }),
    );
    expect(config.eventSocket.port).toBe(8022);
    expect(config.eventSocket.password).toBe('pw-from-env');
    expect(config.eventSocket.reconnect.factor).toBe(1.5);
    expect(config.adminPins).toEqual(['2468']);
    expect(config.returnOnVoicemail).toBe(true);
    expect(config.conference.endConferenceWhenAdminLeaves).toBe(true);
    expect(config.lockout).toEqual({
      maxFailures: 7,
      windowMs: 600_000,
      durationMs: 900_000,
      globalRatePerMinute: 30,
    });
    expect(config.routes).toEqual([
      {
        pattern: '8\\d\\d',
        dialString: 'user/{number}',
        answerSupervision: false,
        allow: true,
        ringTimeoutMs: 30_000,
      },
    ]);
    expect(config.prompts).toEqual({ 'dial-tone': '/sounds/dial.wav' });
    expect(sources.file).toBeUndefined();
    expect(sources.env).toContain('DYNCONF_EVENT_SOCKET__PORT');
  });

  it('reads lists as comma-separated or JSON', () => {
    expect(
      ok(loadConfig({ env: { ...SECRETS, DYNCONF_ADMIN_PINS: ' 1234 , 5678 ' } })).config.adminPins,
    ).toEqual(['1234', '5678']);
    expect(
      ok(loadConfig({ env: { ...SECRETS, DYNCONF_ADMIN_PINS: '["0012","3456"]' } })).config.adminPins,
    ).toEqual(['0012', '3456']);
  });

  it('keeps leading zeros of PINs given as text', () => {
    expect(ok(loadConfig({ env: { ...SECRETS, DYNCONF_ADMIN_PINS: '0007' } })).config.adminPins).toEqual([
      '0007',
    ]);
  });

  it('names the variable that holds a bad value', () => {
    const result = loadConfig({ env: { ...SECRETS, DYNCONF_EVENT_SOCKET__PORT: 'eighty' } });
    expect(issues(result)).toEqual([
      {
        path: 'eventSocket.port',
        message: 'must be an integer between 1 and 65535',
        source: 'DYNCONF_EVENT_SOCKET__PORT',
      },
    ]);
    expect(formatConfigIssues(issues(result))).toBe(
      '  eventSocket.port: must be an integer between 1 and 65535 (from DYNCONF_EVENT_SOCKET__PORT)',
    );
  });

  it('refuses an unknown field inside a known section, naming the variable', () => {
    const result = loadConfig({ env: { ...SECRETS, DYNCONF_LOCKOUT__MAX_FAILURE: '3' } });
    expect(issues(result)).toEqual([
      { path: 'lockout.maxFailure', message: 'unknown setting', source: 'DYNCONF_LOCKOUT__MAX_FAILURE' },
    ]);
  });

  it('ignores DYNCONF_ variables that are not configuration, with a warning', () => {
    const result = ok(loadConfig({ env: { ...SECRETS, DYNCONF_TRACES: '/somewhere' } }));
    expect(result.warnings).toContain('DYNCONF_TRACES is not a configuration setting and was ignored');
  });

  it('refuses a section and one of its fields given together', () => {
    const result = loadConfig({
      env: { ...SECRETS, DYNCONF_LOCKOUT: '{"maxFailures":2}', DYNCONF_LOCKOUT__WINDOW_MS: '1000' },
    });
    expect(issues(result)).toEqual([
      {
        path: 'lockout.windowMs',
        message: 'DYNCONF_LOCKOUT__WINDOW_MS cannot be combined with DYNCONF_LOCKOUT',
      },
    ]);
  });
});

describe('loadConfig with a file', () => {
  const good = file(
    'good.yaml',
    [
      'eventSocket:',
      '  password: from-file',
      '  port: 8021',
      'adminPins: ["1111"]',
      'lockout:',
      '  maxFailures: 4',
      '  windowMs: 60000',
      'routes:',
      '  - name: ext',
      '    pattern: "8[01][0-9]"',
      '    dialString: user/{number}',
      '',
    ].join('\n'),
  );

  it('reads the file named by `file`', () => {
    const result = ok(loadConfig({ file: good }));
    expect(result.config.eventSocket.password).toBe('from-file');
    expect(result.config.lockout.maxFailures).toBe(4);
    expect(result.sources.file).toBe(good);
  });

  it('takes --config FILE and --config=FILE from argv, and DYNCONF_CONFIG', () => {
    expect(ok(loadConfig({ argv: ['start', '--config', good] })).sources.file).toBe(good);
    expect(ok(loadConfig({ argv: [`--config=${good}`] })).sources.file).toBe(good);
    expect(ok(loadConfig({ env: { DYNCONF_CONFIG: good } })).sources.file).toBe(good);
  });

  it('prefers `file` over --config over DYNCONF_CONFIG', () => {
    const other = file('other.yaml', 'eventSocket: {password: other}\nadminPins: ["2222"]\n');
    expect(ok(loadConfig({ file: other, argv: ['--config', good] })).config.eventSocket.password).toBe(
      'other',
    );
    expect(
      ok(loadConfig({ argv: ['--config', other], env: { DYNCONF_CONFIG: good } })).config.eventSocket
        .password,
    ).toBe('other');
  });

  it('resolves a relative path against cwd', () => {
    expect(ok(loadConfig({ file: 'good.yaml', cwd: dir })).sources.file).toBe(good);
  });

  it('lets variables override fields of the file, merging sections', () => {
    const { config } = ok(
      loadConfig({
        file: good,
        env: { DYNCONF_EVENT_SOCKET__PASSWORD: 'env-wins', DYNCONF_LOCKOUT__WINDOW_MS: '120000' },
      }),
    );
    expect(config.eventSocket.password).toBe('env-wins');
    expect(config.lockout).toMatchObject({ maxFailures: 4, windowMs: 120_000 });
    expect(config.routes[0]?.name).toBe('ext');
  });

  it('names the file for a bad value from it', () => {
    const bad = file('bad.yaml', 'eventSocket:\n  password: x\n  port: 0\nadminPins: ["1234"]\n');
    expect(issues(loadConfig({ file: bad }))).toEqual([
      { path: 'eventSocket.port', message: 'must be an integer between 1 and 65535', source: bad },
    ]);
  });

  it('reports a missing file', () => {
    const missing = join(dir, 'missing.yaml');
    expect(issues(loadConfig({ file: missing }))).toEqual([
      { path: '(file)', message: 'file not found', source: missing },
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const broken = file('broken.yaml', 'eventSocket:\n  password: "unclosed\nadminPins: ["1"]\n');
    const [issue] = issues(loadConfig({ file: broken }));
    expect(issue?.path).toBe('(file)');
    expect(issue?.message).toMatch(/^is not valid YAML at line \d+, column \d+/);
  });

  it('refuses a key given twice', () => {
    const twice = file(
      'twice.yaml',
      'adminPins: ["1234"]\nadminPins: ["5678"]\neventSocket: {password: x}\n',
    );
    expect(issues(loadConfig({ file: twice }))[0]?.message).toContain('is not valid YAML');
  });

  it('refuses a file whose top is not a mapping', () => {
    const list = file('list.yaml', '- a\n- b\n');
    expect(issues(loadConfig({ file: list }))).toEqual([
      { path: '(file)', message: 'must hold a mapping of settings at the top', source: list },
    ]);
  });

  it('treats an empty file as no settings', () => {
    const empty = file('empty.yaml', '');
    expect(issues(loadConfig({ file: empty })).map((i) => i.path)).toEqual([
      'eventSocket.password',
      'adminPins',
    ]);
  });

  it('refuses --config without a value and an empty DYNCONF_CONFIG', () => {
    expect(issues(loadConfig({ argv: ['--config'] }))).toEqual([
      { path: '(file)', message: '--config needs a file path' },
    ]);
    expect(issues(loadConfig({ env: { DYNCONF_CONFIG: '' } }))).toEqual([
      { path: '(file)', message: 'DYNCONF_CONFIG is set but empty' },
    ]);
  });
});

describe('loadHttpSettings (what dynconf status needs)', () => {
  it('needs only the http section: no event-socket password, no PINs', () => {
    const path = file('http-only.yaml', 'http:\n  port: 9099\n  token: a-token-of-sixteen-chars\n');
    const result = loadHttpSettings({ file: path });
    expect(result).toEqual({
      ok: true,
      http: { host: '127.0.0.1', port: 9099, token: 'a-token-of-sixteen-chars' },
    });
    // The whole configuration would refuse the same file.
    expect(loadConfig({ file: path }).ok).toBe(false);
  });

  it('takes variables over the file, and names a bad field with where it came from', () => {
    const path = file('http-bad.yaml', 'http:\n  port: 9099\n');
    const fromEnv = loadHttpSettings({ file: path, env: { DYNCONF_HTTP__PORT: '9100' } });
    expect(fromEnv.ok && fromEnv.http.port).toBe(9100);
    const bad = loadHttpSettings({ file: path, env: { DYNCONF_HTTP__PORT: 'eighty' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(formatConfigIssues(bad.issues)).toMatch(
        /^ {2}http\.port: must be .+ \(from DYNCONF_HTTP__PORT\)$/,
      );
    const inFile = loadHttpSettings({ file: file('http-bad2.yaml', 'http:\n  port: -1\n') });
    expect(inFile.ok).toBe(false);
    if (!inFile.ok) expect(formatConfigIssues(inFile.issues)).toContain('http.port: must be');
  });
});
