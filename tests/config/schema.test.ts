import { describe, expect, it } from 'vitest';
import { type ConfigIssue, type ConfigResult, parseConfig } from '../../src/config/index.js';

/** A FreeSWITCH variable expansion, `${x}`: what must never reach a command. */
const FS_VAR = '$' + '{x}';

const SECRET_PIN = '73914';
const SECRET_PASSWORD = 's3cret-event-socket';
const base = { eventSocket: { password: SECRET_PASSWORD }, adminPins: [SECRET_PIN] };

function issuesOf(result: ConfigResult): readonly ConfigIssue[] {
  if (result.ok) throw new Error('expected the configuration to be refused');
  return result.issues;
}

function configOf(result: ConfigResult) {
  if (!result.ok) throw new Error(`expected a valid configuration, got ${JSON.stringify(result.issues)}`);
  return result.config;
}

describe('parseConfig defaults', () => {
  it('fills every default from the two required secrets', () => {
    const config = configOf(parseConfig(base));
    expect(config).toEqual({
      eventSocket: {
        host: '127.0.0.1',
        port: 8021,
        password: SECRET_PASSWORD,
        allowDefaultPassword: false,
        commandTimeoutMs: 10_000,
        reconnect: { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, refusedDelayMs: 30_000 },
      },
      accessNumber: '900',
      adminPins: [SECRET_PIN],
      maxPinAttempts: 3,
      pinTimeoutMs: 10_000,
      digitTimeoutMs: 3_000,
      dialTimeoutMs: 10_000,
      keySequenceTimeoutMs: 1_500,
      lockout: { maxFailures: 5, windowMs: 600_000, durationMs: 900_000, globalRatePerMinute: 30 },
      conference: { profile: 'dynconf', roomPrefix: 'dynconf', endConferenceWhenAdminLeaves: false },
      returnOnVoicemail: false,
      routes: [],
      maxOutboundLegsPerAdmin: 20,
      maxOutboundLegs: 100,
      prompts: {},
      http: { host: '127.0.0.1', port: 8088 },
      log: { level: 'info', format: 'auto' },
      promptSet: 'freeswitch',
      tenants: {},
      star0: { detection: 'dtmf-events' },
      history: { enabled: true, retentionDays: 90 },
      overload: { maxEventLoopLagMs: 1000, maxPendingCommands: 2000 },
    });
  });

  it('gives route defaults', () => {
    const config = configOf(
      parseConfig({ ...base, routes: [{ pattern: '8\\d\\d', dialString: 'user/{number}' }] }),
    );
    expect(config.routes[0]).toEqual({
      pattern: '8\\d\\d',
      dialString: 'user/{number}',
      ringTimeoutMs: 30_000,
      answerSupervision: true,
      allow: true,
    });
  });

  it('names both missing secrets, with their environment variables', () => {
    expect(issuesOf(parseConfig({}))).toEqual([
      {
        path: 'eventSocket.password',
        message: 'is required (set it in the configuration file or as DYNCONF_EVENT_SOCKET__PASSWORD)',
      },
      {
        path: 'adminPins',
        message: 'is required (set it in the configuration file or as DYNCONF_ADMIN_PINS)',
      },
    ]);
  });
});

describe('parseConfig refuses bad values and names the field', () => {
  it.each([
    [{ eventSocket: { ...base.eventSocket, port: 70000 } }, 'eventSocket.port', 'between 1 and 65535'],
    [{ eventSocket: { ...base.eventSocket, port: 'abc' } }, 'eventSocket.port', 'integer'],
    [{ eventSocket: { ...base.eventSocket, host: 'a b' } }, 'eventSocket.host', 'host name'],
    [{ eventSocket: { ...base.eventSocket, password: '' } }, 'eventSocket.password', 'must not be empty'],
    [
      { eventSocket: { ...base.eventSocket, reconnect: { initialDelayMs: 5000, maxDelayMs: 1000 } } },
      'eventSocket.reconnect.maxDelayMs',
      'initialDelayMs',
    ],
    [{ accessNumber: 900 }, 'accessNumber', 'string'],
    [{ accessNumber: '9 0' }, 'accessNumber', 'digits'],
    [{ adminPins: [] }, 'adminPins', 'at least one'],
    [{ adminPins: '12' }, 'adminPins[0]', '4 to 16 digits'],
    [{ maxPinAttempts: 0 }, 'maxPinAttempts', 'between 1 and 10'],
    [{ maxPinAttempts: 2.5 }, 'maxPinAttempts', 'integer'],
    [{ digitTimeoutMs: 10 }, 'digitTimeoutMs', 'milliseconds'],
    [{ lockout: { maxFailures: -1 } }, 'lockout.maxFailures', 'between 1 and 1000'],
    [{ conference: { roomPrefix: 'Room_1' } }, 'conference.roomPrefix', 'lower-case'],
    [{ conference: { profile: 'a b' } }, 'conference.profile', 'letters'],
    [{ returnOnVoicemail: 'maybe' }, 'returnOnVoicemail', 'true or false'],
    [{ http: { token: 'short' } }, 'http.token', 'at least 16'],
    [{ log: { level: 'loud' } }, 'log.level', 'one of'],
    [{ prompts: { dialTone: "x'; hangup" } }, 'prompts.dialTone', 'quotes'],
    [{ prompts: { noSuchPrompt: 'a.wav' } }, 'prompts.noSuchPrompt', 'unknown setting'],
    [{ eventSocket: { ...base.eventSocket, pasword: 'x' } }, 'eventSocket.pasword', 'unknown setting'],
    [{ extra: true }, 'extra', 'unknown setting'],
  ])('%j → %s', (patch, path, words) => {
    const issues = issuesOf(parseConfig({ ...base, ...patch }));
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.message).toContain(words);
  });

  it('explains an unquoted numeric PIN', () => {
    const issues = issuesOf(parseConfig({ ...base, adminPins: [1234] }));
    expect(issues).toEqual([
      {
        path: 'adminPins[0]',
        message: 'must be a quoted string such as "1234" (an unquoted number loses leading zeros)',
      },
    ]);
  });

  it('refuses a malformed scrypt hash', () => {
    const issues = issuesOf(parseConfig({ ...base, adminPins: ['scrypt$16384$8$1$abc$def'] }));
    expect(issues[0]?.path).toBe('adminPins[0]');
    expect(issues[0]?.message).toContain('scrypt');
  });

  it('never repeats a PIN or the password in its messages', () => {
    const badPin = '12a4-secret';
    const result = parseConfig({
      eventSocket: { password: 'ClueCon', host: '10.0.0.5' },
      adminPins: [badPin, SECRET_PIN],
    });
    const text = JSON.stringify(issuesOf(result));
    expect(text).not.toContain(badPin);
    expect(text).not.toContain(SECRET_PIN);
    expect(text).not.toContain('ClueCon"');
  });
});

describe("FreeSWITCH's default password", () => {
  const withPassword = (host: string, allowDefaultPassword?: boolean) =>
    parseConfig({ ...base, eventSocket: { host, password: 'ClueCon', allowDefaultPassword } });

  it.each(['127.0.0.1', 'localhost', '::1', '127.1.2.3'])(
    'is accepted on this machine (%s), with a warning',
    (host) => {
      const result = withPassword(host);
      expect(result.ok).toBe(true);
      expect(result.ok && result.warnings.some((w) => w.includes("FreeSWITCH's default"))).toBe(true);
    },
  );

  it('is refused on another host', () => {
    const issues = issuesOf(withPassword('192.0.2.10'));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('eventSocket.password');
    expect(issues[0]?.message).toContain('allowDefaultPassword');
  });

  it('is accepted on another host when allowDefaultPassword is true', () => {
    expect(withPassword('192.0.2.10', true).ok).toBe(true);
  });
});

describe('routes', () => {
  const route = (r: Record<string, unknown>) => parseConfig({ ...base, routes: [r] });

  it.each([
    [{ pattern: '(', dialString: 'user/{number}' }, 'routes[0].pattern', 'not a valid regular expression'],
    [{ pattern: '1', dialString: 'user/{nope}' }, 'routes[0].dialString', 'unknown placeholder {nope}'],
    [{ pattern: '1', dialString: 'user/{number' }, 'routes[0].dialString', 'without "}"'],
    [{ pattern: '1', dialString: 'user/{number} &park()' }, 'routes[0].dialString', 'contains " "'],
    [{ pattern: '1', dialString: `user/${FS_VAR}` }, 'routes[0].dialString', 'contains "$"'],
    [{ pattern: '1', dialString: '{number}' }, 'routes[0].dialString', 'must start with an endpoint'],
    [{ pattern: '1', dialString: 'sofia/gateway/{gateway}/{number}' }, 'routes[0].gateway', 'uses {gateway}'],
    [{ pattern: '1' }, 'routes[0].dialString', 'allow: true'],
    [
      { pattern: '1', dialString: 'user/1', callerIdName: "O'Brien" },
      'routes[0].callerIdName',
      'contains "\'"',
    ],
    [
      { pattern: '1', dialString: 'user/1', callerIdNumber: '1 2' },
      'routes[0].callerIdNumber',
      'contains " "',
    ],
    [{ pattern: '1', dialString: 'user/1', ringTimeoutMs: 10 }, 'routes[0].ringTimeoutMs', 'between 1000'],
    [{ pattern: '1', dialString: 'user/1', gateway: 'a b' }, 'routes[0].gateway', 'letters'],
  ])('%j → %s', (r, path, words) => {
    const issue = issuesOf(route(r)).find((i) => i.path === path);
    expect(issue?.message).toContain(words);
  });

  it('lets a refusing rule go without a dial string', () => {
    expect(route({ pattern: '0900.*', allow: false }).ok).toBe(true);
  });

  it('refuses two rules with one name', () => {
    const result = parseConfig({
      ...base,
      routes: [
        { name: 'a', pattern: '1', dialString: 'user/1' },
        { name: 'a', pattern: '2', dialString: 'user/2' },
      ],
    });
    expect(issuesOf(result)).toEqual([{ path: 'routes[1].name', message: 'repeats the name of routes[0]' }]);
  });
});

describe('prompts', () => {
  it('maps camelCase keys to prompt ids', () => {
    const config = configOf(
      parseConfig({ ...base, prompts: { dialTone: '/s/dial.wav', voicemailDetected: 'vm.wav' } }),
    );
    expect(config.prompts).toEqual({ 'dial-tone': '/s/dial.wav', 'voicemail-detected': 'vm.wav' });
  });
});
