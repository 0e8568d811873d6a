// FreeSWITCH's factory event-socket password (`ClueCon`) is refused for any host that is not this machine,
// unless the operator says so (eventSocket.allowDefaultPassword: true): through `dynconf check-config` and
// `dynconf start` (in process and as a real process), from a file, from DYNCONF_ variables, and for every
// node of `eventSockets`. A refused start never loads the controller and never opens a connection.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { ControllerMain, EntryPoints, Loaded } from '../../src/cli/entry-points.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { packageEntryPoints } from '../../src/cli/package-entry-points.js';

const dir = mkdtempSync(join(tmpdir(), 'dynconf-security-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function configFile(eventSocket: string, extra = ''): string {
  const path = join(dir, `config-${++files}.yaml`);
  writeFileSync(path, `eventSocket:\n${eventSocket}\nadminPins: ["24681357"]\n${extra}`);
  return path;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** The configuration the controller was started with, if it was. */
  started: Parameters<ControllerMain>[0] | undefined;
}

async function dynconf(argv: string[], env: Record<string, string> = {}, entry?: EntryPoints): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let started: Run['started'];
  const recording: EntryPoints = entry ?? {
    ...packageEntryPoints,
    controller: async (): Promise<Loaded<ControllerMain>> => ({
      ok: true,
      main: async (options) => {
        started = options;
        return 0;
      },
    }),
  };
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from([]),
    env,
    cwd: dir,
  };
  const code = await runCli(argv, io, recording);
  return { code, stdout, stderr, started };
}

const REFUSED = /eventSocket\.password: is FreeSWITCH's default password on a host that is not this machine/;

describe("FreeSWITCH's default event-socket password", () => {
  it.each(['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', '::1', '[::1]'])(
    'is accepted for this machine (%s)',
    async (host) => {
      const file = configFile(`  host: "${host}"\n  password: ClueCon`);
      expect((await dynconf(['check-config', file])).code).toBe(0);
      const start = await dynconf(['start', '--config', file]);
      expect(start.code).toBe(0);
      expect(start.started?.config.eventSocket.host).toBe(host);
    },
  );

  it.each([
    '10.0.0.5',
    '192.0.2.10',
    'fs.example.net',
    '0.0.0.0',
    '2001:db8::10',
    '::ffff:127.0.0.1',
    '127.0.0.1.nip.io',
    'localhost.example.com',
  ])(
    'is refused for another host (%s): check-config and start name the field; nothing is started',
    async (host) => {
      const file = configFile(`  host: "${host}"\n  password: ClueCon`);
      const check = await dynconf(['check-config', file]);
      expect(check.code).toBe(1);
      expect(check.stderr).toMatch(REFUSED);
      expect(check.stderr).toContain(`(${host})`);
      expect(check.stderr).toContain('eventSocket.allowDefaultPassword: true');
      const start = await dynconf(['start', '--config', file]);
      expect(start.code).toBe(1);
      expect(start.stderr).toContain('dynconf start: invalid configuration, not starting');
      expect(start.stderr).toMatch(REFUSED);
      expect(start.started).toBeUndefined();
    },
  );

  it('is accepted for another host when allowDefaultPassword is true (file or environment)', async () => {
    const inFile = configFile('  host: fs.example.net\n  password: ClueCon\n  allowDefaultPassword: true');
    expect((await dynconf(['check-config', inFile])).code).toBe(0);
    expect(
      (await dynconf(['start', '--config', inFile])).started?.config.eventSocket.allowDefaultPassword,
    ).toBe(true);
    const plain = configFile('  host: fs.example.net\n  password: ClueCon');
    const viaEnv = await dynconf(['start', '--config', plain], {
      DYNCONF_EVENT_SOCKET__ALLOW_DEFAULT_PASSWORD: 'true',
    });
    expect(viaEnv.code).toBe(0);
  });

  it('is refused when the environment moves a loopback configuration to another host, or sets the password', async () => {
    const file = configFile('  host: 127.0.0.1\n  password: ClueCon');
    const moved = await dynconf(['start', '--config', file], {
      DYNCONF_EVENT_SOCKET__HOST: 'fs.example.net',
    });
    expect(moved.code).toBe(1);
    expect(moved.stderr).toMatch(REFUSED);
    const other = configFile('  host: fs.example.net\n  password: s3cret-other');
    expect((await dynconf(['check-config', other])).code).toBe(0);
    const reset = await dynconf(['check-config', other], { DYNCONF_EVENT_SOCKET__PASSWORD: 'ClueCon' });
    expect(reset.code).toBe(1);
    expect(reset.stderr).toMatch(REFUSED);
    expect(reset.stderr).toContain('(from DYNCONF_EVENT_SOCKET__PASSWORD)');
  });

  it('applies to every node of eventSockets that ends up with it (its own or inherited)', async () => {
    const file = configFile(
      '  password: ClueCon',
      'eventSockets:\n  - host: 127.0.0.1\n  - host: fs2.example.net\n    password: n0t-default\n  - host: fs3.example.net\n',
    );
    const check = await dynconf(['check-config', file]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain("eventSockets[2].password: is FreeSWITCH's default password");
    expect(check.stderr).not.toContain('eventSockets[0]');
    expect(check.stderr).not.toContain('eventSockets[1]');
    expect(check.stderr).not.toContain('n0t-default');
  });

  it('a refused start never connects, even with the real controller entry point', async () => {
    const address = Object.values(networkInterfaces())
      .flat()
      .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address;
    // With no non-loopback interface there is no host to refuse: the other tests cover the rule itself.
    if (address === undefined) return;
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((done) => server.listen(0, address, () => done()));
    const port = (server.address() as { port: number }).port;
    try {
      const file = configFile(`  host: "${address}"\n  port: ${port}\n  password: ClueCon`);
      const start = await dynconf(['start', '--config', file], {}, packageEntryPoints);
      expect(start.code).toBe(1);
      expect(start.stderr).toMatch(REFUSED);
      expect(connections).toBe(0);
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it('the real process: `dynconf start` exits 1 at once and says why', () => {
    const file = configFile('  host: 203.0.113.7\n  password: ClueCon');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--config', file], {
      cwd: resolve(import.meta.dirname, '../..'),
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(REFUSED);
    expect(result.stderr).toContain('(203.0.113.7)');
  });
});
