// `dynconf status` against a running dynconf (the controller with its HTTP side, on the simulator).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntryPoints, Loaded } from '../../src/cli/entry-points.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { formatDuration, summarizeStatus } from '../../src/cli/status-summary.js';
import { ADMIN_PIN, type Rig, startRig, TOKEN } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'dynconf-status-'));
const CONFIG = join(dir, 'dynconf.yaml');
writeFileSync(CONFIG, 'eventSocket:\n  password: pw-status-1\nadminPins: ["24680"]\n');

const missing = async <F>(): Promise<Loaded<F>> => ({ ok: false, reason: 'not needed here' });
const none: EntryPoints = { controller: missing, demo: missing, simulator: missing };

async function status(env: Record<string, string>, ...extra: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from([]),
    env,
    cwd: dir,
  };
  const code = await runCli(['status', '--config', CONFIG, ...extra], io, none);
  return { code, stdout, stderr };
}

describe('dynconf status against a running dynconf', () => {
  let rig: Rig;
  let env: Record<string, string>;
  beforeAll(async () => {
    rig = await startRig({ controller: true });
    env = { DYNCONF_HTTP__PORT: String(rig.api.port), DYNCONF_HTTP__TOKEN: TOKEN };
  });
  afterAll(async () => {
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a readable summary: version, uptime, FreeSWITCH, rooms, administrators', async () => {
    const admin = await rig.sim.placeCall({ from: '1001', to: '900' });
    await admin.waitUntil('collecting');
    await admin.press(`${ADMIN_PIN}#`);
    await admin.waitUntil('in-conference');
    await rig.until(
      async () => (await rig.rooms()).rooms[0]?.administrators[0]?.activity === 'in-room',
      'admin in room',
    );
    const r = await status(env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^dynconf 9\.9\.9-test — up \d+ s \(since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)$/,
    );
    expect(r.stdout).toContain(`FreeSWITCH      connected to 127.0.0.1:${rig.sim.port}\n`);
    expect(r.stdout).toContain('Rooms           1 room, 1 member\n');
    expect(r.stdout).toContain('Administrators  1: 1 in the room\n');
    expect(r.stdout).toMatch(
      /Since start {5}1 session started · 0 invitations · 0 wrong PINs · 0 lockouts · 0 \*0 escalations\n/,
    );
    await admin.hangup();
    await rig.until(
      () => rig.controller?.sessions().length === 0 && rig.api.rooms.size === 0,
      'session and room over',
    );
  });

  it('prints the JSON answer with --json', async () => {
    const r = await status(env, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'dynconf', ready: true, rooms: 0 });
  });

  it('falls back to readiness when the token is refused or not configured, and says why', async () => {
    const wrong = await status({ ...env, DYNCONF_HTTP__TOKEN: 'not-the-token-at-all' });
    expect(wrong.code).toBe(0);
    expect(wrong.stderr).toBe(
      'dynconf status: /status refused the token (401: wrong bearer token); showing readiness only\n',
    );
    expect(wrong.stdout).toBe('dynconf is running and connected to FreeSWITCH\n');
    const noToken = await status({ DYNCONF_HTTP__PORT: env.DYNCONF_HTTP__PORT as string });
    expect(noToken.code).toBe(0);
    expect(noToken.stderr).toContain('no http.token in this configuration');
  });

  it('exits 1 and says so while FreeSWITCH is not connected', async () => {
    rig.sim.faults.refuseConnections(true);
    rig.sim.faults.dropConnections();
    try {
      await rig.until(async () => (await rig.get('/readyz', { token: null })).status === 503, 'not ready');
      const r = await status(env);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/FreeSWITCH {6}NOT connected to 127\.0\.0\.1:\d+: event socket reconnecting/);
    } finally {
      rig.sim.faults.refuseConnections(false);
    }
    await rig.until(async () => (await status(env)).code === 0, 'ready again');
  });

  it('documents itself', async () => {
    let stdout = '';
    const io: CliIo = {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: () => undefined },
      stdin: Readable.from([]),
      env: {},
      cwd: dir,
    };
    expect(await runCli(['status', '--help'], io, none)).toBe(0);
    expect(stdout).toContain('Usage: dynconf status [--config FILE] [--json]');
    expect(stdout).toContain('--json');
  });
});

describe('status summary', () => {
  it('words durations and keeps going with fields missing', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(3 * 60 + 5)).toBe('3 min 05 s');
    expect(formatDuration(2 * 3600 + 7 * 60)).toBe('2 h 07 min');
    expect(formatDuration(3 * 86_400 + 5 * 3600)).toBe('3 d 5 h');
    expect(summarizeStatus({ name: 'dynconf' })).toBe(
      [
        'dynconf — running',
        '  FreeSWITCH      NOT connected to: event socket unknown',
        '  Rooms           0 rooms, 0 members',
        '  Administrators  none',
        '',
      ].join('\n'),
    );
    const busy = summarizeStatus({
      name: 'dynconf',
      version: '1.0.0',
      uptimeSeconds: 90,
      ready: true,
      eventSocket: { state: 'connected', host: 'fs', port: 8021, reconnects: 2 },
      rooms: 2,
      members: 5,
      invitationsCalling: 1,
      administrators: { 'in-room': 1, ringing: 1, dialing: 0 },
    });
    expect(busy).toContain('dynconf 1.0.0 — up 1 min 30 s');
    expect(busy).toContain('FreeSWITCH      connected to fs:8021 (2 reconnects)');
    expect(busy).toContain('Rooms           2 rooms, 5 members; 1 invitation calling');
    expect(busy).toContain('Administrators  2: 1 in the room, 1 ringing someone');
  });
});
