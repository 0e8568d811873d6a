// `dynconf history`: finds the file from the configuration (or --db), reads it read-only, prints a table or
// JSON, filters and pages; a missing or unreadable file or a bad filter is said in words, never a stack.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntryPoints, Loaded } from '../../src/cli/entry-points.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import type { HistoryPage } from '../../src/history/index.js';
import { ev, harness, sessionStart, T0, tempDir, uuid } from '../history/support.js';

const S = 1000;
const missing = async <F>(): Promise<Loaded<F>> => ({ ok: false, reason: 'not in this test' });
const nothingAvailable: EntryPoints = { controller: missing, demo: missing, simulator: missing };

let tmp: ReturnType<typeof tempDir>;
let db: string;
let config: string;

beforeAll(async () => {
  tmp = tempDir();
  db = join(tmp.dir, 'state', 'history.sqlite');
  config = join(tmp.dir, 'dynconf.yaml');
  // Only the history section: `dynconf history` needs no password or PIN.
  writeFileSync(config, 'history:\n  path: state/history.sqlite\n');
  const h = harness(db);
  const alice = sessionStart({ callerNumber: '1001', callerName: 'Alice', tenant: 'pbx-a' });
  const [a, b] = [uuid(), uuid()];
  h.feed.started(alice);
  h.feed.observe(alice.id, ev.dialed(T0 + 10 * S, '801', a, 'internal'));
  h.feed.observe(alice.id, ev.answered(T0 + 13 * S, a));
  h.feed.observe(alice.id, ev.join(T0 + 78 * S));
  h.feed.observe(alice.id, ev.refused(T0 + 90 * S, '00882123456', 'not-allowed'));
  h.feed.observe(alice.id, ev.dialed(T0 + 100 * S, '803', b, 'internal'));
  h.feed.observe(alice.id, ev.ringDue(T0 + 130 * S));
  h.feed.ended({
    id: alice.id,
    adminUuid: alice.adminUuid,
    at: T0 + 252 * S,
    outcome: 'admin-hung-up',
    pinFailures: 1,
  });
  const mallory = sessionStart({
    callerNumber: '5555',
    callerName: undefined,
    flow: 'escalation',
    at: T0 + 3600 * S,
  });
  h.feed.started(mallory);
  h.feed.ended({
    id: mallory.id,
    adminUuid: mallory.adminUuid,
    at: T0 + 3630 * S,
    outcome: 'pin-failed',
    pinFailures: 3,
  });
  await h.writer.close();
});
afterAll(() => tmp.remove());

async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from([]),
    env,
    cwd: tmp.dir,
  };
  const code = await runCli(argv, io, nothingAvailable);
  return { code, stdout, stderr };
}

describe('dynconf history', () => {
  it('is listed and has help', async () => {
    expect((await run(['--help'])).stdout).toMatch(/history\s+show the call history/);
    const help = await run(['history', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: dynconf history');
    expect(help.stdout).toContain('--outcome LIST');
  });

  it('prints a table, newest first, each session with its numbers', async () => {
    const r = await run(['history', '--config', config, '--utc']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `Call history in ${db}, newest first; times in UTC`,
        '',
        '2026-11-24 09:00:00  5555          *0          -      30 s        wrong PIN',
        '2026-11-24 08:00:00  1001 "Alice"  dialled in  pbx-a  4 min 12 s  administrator hung up (1 wrong PIN)',
        '    08:00:10  → 801          internal  keypad  answered     rang 3 s, talked 1 min 05 s, then in the room',
        '    08:01:30  → 00882123456  -         keypad  not allowed',
        '    08:01:40  → 803          internal  keypad  no answer    rang 30 s',
        '',
      ].join('\n'),
    );
  });

  it('--json prints the page as the API gives it', async () => {
    const r = await run(['history', '--config', config, '--json']);
    expect(r.code).toBe(0);
    const page = JSON.parse(r.stdout) as HistoryPage;
    expect(page.next).toBeNull();
    expect(page.sessions.map((s) => [s.callerNumber, s.outcome])).toEqual([
      ['5555', 'pin-failed'],
      ['1001', 'admin-hung-up'],
    ]);
    expect(page.sessions[1]?.invitations.map((i) => i.outcome)).toEqual([
      'answered',
      'not-allowed',
      'no-answer',
    ]);
  });

  it('filters: caller, number prefix, outcome, time, flow', async () => {
    const callers = async (...args: string[]) =>
      (
        JSON.parse((await run(['history', '--config', config, '--json', ...args])).stdout) as HistoryPage
      ).sessions.map((s) => s.callerNumber);
    expect(await callers('--caller', '1001')).toEqual(['1001']);
    expect(await callers('--number', '0088*')).toEqual(['1001']);
    expect(await callers('--outcome', 'refused')).toEqual(['1001']);
    expect(await callers('--outcome', 'pin-failed,locked-out')).toEqual(['5555']);
    expect(await callers('--from', '2026-11-24T08:30:00Z')).toEqual(['5555']);
    expect(await callers('--to', String(T0 + 1))).toEqual(['1001']);
    expect(await callers('--flow', 'access')).toEqual(['1001']);
    expect(await callers('--number', '999')).toEqual([]);
  });

  it('pages with --limit and --cursor', async () => {
    const first = await run(['history', '--config', config, '--limit', '1', '--utc']);
    const cursor = /--cursor (\S+)/.exec(first.stdout)?.[1];
    expect(first.stdout).toContain('5555');
    expect(cursor).toBeDefined();
    const second = await run([
      'history',
      '--config',
      config,
      '--limit',
      '1',
      '--cursor',
      cursor ?? '',
      '--utc',
    ]);
    expect(second.stdout).toContain('1001 "Alice"');
    expect(second.stdout).not.toContain('--cursor');
  });

  it('says when nothing matches, exit 0', async () => {
    const r = await run(['history', '--db', db, '--caller', '0000']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No sessions match.');
  });

  it('takes the file from --db, DYNCONF_CONFIG or DYNCONF_HISTORY__PATH too', async () => {
    expect((await run(['history', '--db', 'state/history.sqlite'])).code).toBe(0);
    expect((await run(['history'], { DYNCONF_CONFIG: config })).code).toBe(0);
    expect((await run(['history'], { DYNCONF_HISTORY__PATH: db })).code).toBe(0);
  });

  it('reads without changing the file', async () => {
    const before = readFileSync(db);
    await run(['history', '--db', db]);
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('a missing file, a file that is not a history, a directory: exit 1 with the reason', async () => {
    const none = await run(['history', '--db', 'nowhere.sqlite']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      `dynconf history: no history file at ${join(tmp.dir, 'nowhere.sqlite')} (has dynconf recorded anything yet?)\n`,
    );
    const notes = join(tmp.dir, 'notes.txt');
    writeFileSync(notes, 'hello\n'.repeat(100));
    const bad = await run(['history', '--db', notes]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('is not a history database');
    const dir = await run(['history', '--db', tmp.dir]);
    expect(dir.code).toBe(1);
    expect(dir.stderr).toContain('is not a file');
  });

  it('a bad filter is wrong usage (exit 2), naming the option', async () => {
    const r = await run(['history', '--db', db, '--from', 'last tuesday']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^dynconf history: --from must be a time/);
    expect((await run(['history', '--db', db, '--outcome', 'exploded'])).stderr).toContain('--outcome');
    expect((await run(['history', '--db', db, '--limit', '501'])).code).toBe(2);
  });

  it('a bad history section names the field', async () => {
    const r = await run(['history'], { DYNCONF_HISTORY__RETENTION_DAYS: 'forever' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('history.retentionDays: must be an integer between 1 and 3650');
    expect(r.stderr).toContain('DYNCONF_HISTORY__RETENTION_DAYS');
  });

  it('warns when the configuration switches the history off, and reads the file all the same', async () => {
    const r = await run(['history', '--config', config], { DYNCONF_HISTORY__ENABLED: 'false' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('history.enabled is false');
  });
});
