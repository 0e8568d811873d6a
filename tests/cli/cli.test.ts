import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ControllerMain,
  type DemoOptions,
  type EntryPoints,
  type Loaded,
  type SimulatorOptions,
  serviceEntryPoints,
} from '../../src/cli/entry-points.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { PinVerifier } from '../../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'dynconf-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const GOOD = file('good.yaml', 'eventSocket:\n  password: pw-9\nadminPins: ["13579"]\n');
const BAD = file(
  'bad.yaml',
  'eventSocket:\n  password: pw-9\n  port: 99999\nadminPins: ["13579"]\nmaxPinAttempts: 0\n',
);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const missing = async <F>(): Promise<Loaded<F>> => ({
  ok: false,
  reason: 'src/x/main.ts is not in this build',
});
const nothingAvailable: EntryPoints = { controller: missing, demo: missing, simulator: missing };

async function run(
  argv: string[],
  options: { stdin?: string; env?: Record<string, string>; entryPoints?: EntryPoints } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env: options.env ?? {},
    cwd: dir,
  };
  const code = await runCli(argv, io, options.entryPoints ?? nothingAvailable);
  return { code, stdout, stderr };
}

describe('dynconf (no command, help, version)', () => {
  it('prints usage on stderr and exits 2 without a command', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: dynconf <command>');
    expect(r.stdout).toBe('');
  });

  it.each([['--help'], ['-h'], ['help']])('%s lists every command', async (flag) => {
    const r = await run([flag]);
    expect(r.code).toBe(0);
    for (const name of ['start', 'demo', 'simulate', 'check-config', 'hash-pin', 'status'])
      expect(r.stdout).toContain(name);
  });

  it.each(['start', 'demo', 'simulate', 'check-config', 'hash-pin', 'status'])(
    '%s --help shows its usage',
    async (name) => {
      const viaFlag = await run([name, '--help']);
      expect(viaFlag.code).toBe(0);
      expect(viaFlag.stdout).toContain(`Usage: dynconf ${name}`);
      const viaHelp = await run(['help', name]);
      expect(viaHelp.stdout).toBe(viaFlag.stdout);
    },
  );

  it('prints the version from package.json', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dynconf \d+\.\d+\.\d+\n$/);
  });
});

describe('wrong usage', () => {
  it('names an unknown command and suggests the closest', async () => {
    const r = await run(['chek-config', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'chek-config'. Did you mean 'check-config'?");
  });

  it('does not suggest when nothing is close', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'.\n");
    expect(r.stderr).toContain('Commands: start, demo, simulate, check-config, hash-pin, status');
  });

  it('names an unknown option of a command', async () => {
    const r = await run(['start', '--conifg', GOOD]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("dynconf start: unknown option --conifg\nSee 'dynconf start --help'.\n");
  });

  it('refuses an option before the command', async () => {
    const r = await run(['--config', GOOD, 'start']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --config; options come after the command');
  });

  it('says when an option lacks its value', async () => {
    const r = await run(['start', '--config']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--config <value>' argument missing");
  });

  it('says when an argument is missing or extra', async () => {
    expect((await run(['check-config'])).stderr).toContain(
      'missing argument (usage: dynconf check-config FILE',
    );
    expect((await run(['check-config', GOOD, 'more'])).stderr).toContain("unexpected argument 'more'");
    expect((await run(['start', 'now'])).code).toBe(2);
  });

  it('refuses a bad --port for simulate', async () => {
    const r = await run(['simulate', '--port', 'eighty']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--port must be a number between 0 and 65535, got "eighty"');
  });
});

describe('check-config', () => {
  it('accepts a valid file', async () => {
    const r = await run(['check-config', GOOD]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${GOOD}: configuration is valid\n`);
    expect(r.stderr).toContain('warning: routes is empty');
  });

  it('names every bad field and exits 1', async () => {
    const r = await run(['check-config', BAD]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${BAD}: invalid configuration`);
    expect(r.stderr).toContain(`  eventSocket.port: must be an integer between 1 and 65535 (in ${BAD})`);
    expect(r.stderr).toContain(`  maxPinAttempts: must be an integer between 1 and 10 (in ${BAD})`);
  });

  it('applies DYNCONF_ variables like start, unless --ignore-env', async () => {
    const env = { DYNCONF_EVENT_SOCKET__PORT: '0' };
    const withEnv = await run(['check-config', GOOD], { env });
    expect(withEnv.code).toBe(1);
    expect(withEnv.stderr).toContain('(from DYNCONF_EVENT_SOCKET__PORT)');
    expect((await run(['check-config', GOOD, '--ignore-env'], { env })).code).toBe(0);
  });

  it('prints the effective configuration with secrets redacted', async () => {
    const r = await run(['check-config', GOOD, '--print']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('port: 8021');
    expect(r.stdout).toContain('password: "[redacted]"');
    expect(r.stdout).not.toContain('pw-9');
    expect(r.stdout).not.toContain('13579');
  });

  it('reports a missing file', async () => {
    const r = await run(['check-config', 'nowhere.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(file): file not found');
  });
});

describe('hash-pin', () => {
  it('prints a hash of the PIN read from standard input, which verifies', async () => {
    const r = await run(['hash-pin'], { stdin: '97531\n' });
    expect(r.code).toBe(0);
    const hash = r.stdout.trim();
    expect(hash).toMatch(/^scrypt\$/);
    expect(r.stdout).not.toContain('97531');
    expect(r.stderr).toBe('');
    expect(await new PinVerifier([hash]).verify('97531')).toBe(true);
  });

  it('refuses a PIN that is not 4 to 16 digits, without echoing it', async () => {
    const r = await run(['hash-pin'], { stdin: '12ab\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('dynconf hash-pin: a PIN must be 4 to 16 digits\n');
  });

  it('says when standard input is empty', async () => {
    const r = await run(['hash-pin'], { stdin: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no PIN on standard input');
  });
});

describe('start', () => {
  it('does not start with a bad configuration and names the fields', async () => {
    const r = await run(['start', '--config', BAD]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dynconf start: invalid configuration, not starting');
    expect(r.stderr).toContain('eventSocket.port: must be an integer between 1 and 65535');
  });

  it('takes the file from DYNCONF_CONFIG', async () => {
    const r = await run(['start'], { env: { DYNCONF_CONFIG: BAD } });
    expect(r.stderr).toContain('maxPinAttempts');
  });

  it('logs the redacted configuration, then says the controller is not available', async () => {
    const r = await run(['start', '--config', GOOD]);
    expect(r.code).toBe(1);
    const lines = r.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const loaded = lines.find((l) => l.msg === 'configuration loaded');
    // The logger's own redaction (REDACT_PATHS) then replaces the whole list.
    expect(loaded?.config).toMatchObject({
      eventSocket: { password: '[redacted]', port: 8021 },
      adminPins: '[redacted]',
    });
    expect(lines.at(-1)?.msg).toContain('the controller runtime is not available');
    expect(r.stderr).not.toContain('13579');
    expect(r.stderr).not.toContain('pw-9');
  });

  it('hands the validated configuration to the controller and returns its exit code', async () => {
    let received: Parameters<ControllerMain>[0] | undefined;
    const controller: ControllerMain = async (options) => {
      received = options;
      return 0;
    };
    const entryPoints: EntryPoints = {
      ...nothingAvailable,
      controller: async () => ({ ok: true, main: controller }),
    };
    const r = await run(['start', '--config', GOOD], { entryPoints, env: { DYNCONF_LOG__LEVEL: 'warn' } });
    expect(r.code).toBe(0);
    expect(received?.config.eventSocket.password).toBe('pw-9');
    expect(received?.config.log.level).toBe('warn');
    expect(received?.configFile).toBe(GOOD);
    expect(received?.logger.level).toBe('warn');
  });
});

describe('demo and simulate', () => {
  it('say when their modules are not available', async () => {
    const demo = await run(['demo']);
    expect(demo.code).toBe(1);
    expect(JSON.parse(demo.stderr).msg).toContain('the demo is not available');
    const sim = await run(['simulate']);
    expect(sim.code).toBe(1);
    expect(JSON.parse(sim.stderr).msg).toContain('the simulator is not available');
  });

  it('simulate hands the simulator its options parsed and checked, once', async () => {
    let options: SimulatorOptions | undefined;
    const entryPoints: EntryPoints = {
      ...nothingAvailable,
      simulator: async () => ({
        ok: true,
        main: async (o) => {
          options = o;
          return 0;
        },
      }),
    };
    expect((await run(['simulate', '--port', '18021'], { entryPoints })).code).toBe(0);
    expect(options).toEqual({
      host: '127.0.0.1',
      port: 18021,
      password: 'ClueCon',
      speed: 1,
      console: false,
      logLevel: 'info',
    });
    const all = ['simulate', '--speed', '10', '--park-timeout', '0', '--access-number', '901', '--console'];
    expect((await run(all, { entryPoints, env: { DYNCONF_SIM_PASSWORD: 'pw' } })).code).toBe(0);
    expect(options).toEqual({
      host: '127.0.0.1',
      port: 8021,
      password: 'pw',
      speed: 10,
      parkTimeoutSec: 0,
      accessNumber: '901',
      console: true,
      logLevel: 'info',
    });
    const bad = await run(['simulate', '--park-timeout', 'soon'], { entryPoints });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--park-timeout must be a number of seconds, 0 or more, got "soon"');
  });

  it('demo hands the demo its speed and verbosity, and refuses a bad --speed', async () => {
    let options: DemoOptions | undefined;
    const entryPoints: EntryPoints = {
      ...nothingAvailable,
      demo: async () => ({
        ok: true,
        main: async (o) => {
          options = o;
          return 0;
        },
      }),
    };
    expect((await run(['demo'], { entryPoints })).code).toBe(0);
    expect(options).toEqual({ speed: 10, verbose: false });
    expect((await run(['demo', '--speed=25', '--verbose'], { entryPoints })).code).toBe(0);
    expect(options).toEqual({ speed: 25, verbose: true });
    for (const speed of ['fast', '0', '201']) {
      const bad = await run(['demo', '--speed', speed], { entryPoints });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(`--speed must be a number above 0 and at most 200, got "${speed}"`);
    }
    const loud = await run(['demo', '--loud'], { entryPoints });
    expect(loud.code).toBe(2);
    expect(loud.stderr).toContain('unknown option --loud');
  });

  it('the production build says the demo and the simulator are left out', async () => {
    const demo = await run(['demo'], { entryPoints: serviceEntryPoints });
    expect(demo.code).toBe(1);
    expect(JSON.parse(demo.stderr).msg).toContain(
      'the demo is not available (not in this build: the production image leaves it out',
    );
  });
});

describe('status', () => {
  async function listen(handler: RequestListener): Promise<{ server: Server; port: number }> {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, port: (server.address() as AddressInfo).port };
  }

  it('prints what the running controller answers, sending the token', async () => {
    let auth: string | undefined;
    const { server, port } = await listen((req, res) => {
      auth = req.headers.authorization;
      res.end(req.url === '/status' ? '{"rooms":0}' : 'wrong path');
    });
    try {
      const env = { DYNCONF_HTTP__PORT: String(port), DYNCONF_HTTP__TOKEN: 'tok-0123456789abcdef' };
      const r = await run(['status', '--config', GOOD], { env });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('{"rooms":0}\n');
      expect(auth).toBe('Bearer tok-0123456789abcdef');
    } finally {
      server.close();
    }
  });

  it('needs only the http section: no event-socket password or PINs in the environment or a file', async () => {
    const { server, port } = await listen((req, res) => {
      res.end(req.url === '/status' ? '{"rooms":1}' : 'wrong path');
    });
    try {
      const r = await run(['status'], { env: { DYNCONF_HTTP__PORT: String(port) } });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('{"rooms":1}\n');
    } finally {
      server.close();
    }
  });

  it('falls back to the health endpoint when there is no /status', async () => {
    // An older dynconf: /healthz and /readyz only, 404 for anything else.
    let ready = false;
    const asked: string[] = [];
    const { server, port } = await listen((req, res) => {
      asked.push(`${req.method} ${req.url}`);
      const [status, body] =
        req.url !== '/readyz'
          ? [404, { error: 'not found' }]
          : ready
            ? [200, { status: 'ready' }]
            : [503, { status: 'not ready', reason: 'event socket down' }];
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(body)}\n`);
    });
    try {
      const env = { DYNCONF_HTTP__PORT: String(port) };
      const down = await run(['status', '--config', GOOD, '--json'], { env });
      expect(down.code).toBe(1);
      expect(JSON.parse(down.stdout)).toEqual({ status: 'not ready', reason: 'event socket down' });
      expect(asked).toEqual(['GET /status', 'GET /readyz']);
      ready = true;
      const up = await run(['status', '--config', GOOD, '--json'], { env });
      expect(up.code).toBe(0);
      expect(JSON.parse(up.stdout)).toEqual({ status: 'ready' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('says dynconf is not running when nothing listens', async () => {
    const { server, port } = await listen((_req, res) => res.end());
    await new Promise((resolve) => server.close(resolve));
    const r = await run(['status', '--config', GOOD], { env: { DYNCONF_HTTP__PORT: String(port) } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `dynconf status: dynconf is not running at http://127.0.0.1:${port} (connection refused)\n`,
    );
  });
});
