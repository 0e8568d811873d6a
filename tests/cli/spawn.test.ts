// The real `dynconf` entry point, run as a process: exit codes and output reach the shell.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const projectRoot = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'dynconf-spawn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dynconf(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('dynconf as a process', () => {
  it('check-config exits 1 and names the bad field', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'eventSocket:\n  password: x\n  port: 0\nadminPins: ["1234"]\n');
    const r = dynconf(['check-config', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('eventSocket.port: must be an integer between 1 and 65535');
  });

  it('an unknown command exits 2', () => {
    const r = dynconf(['bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'bogus'");
  });

  it('hash-pin reads the PIN from a pipe', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'hash-pin'], {
      cwd: projectRoot,
      encoding: 'utf8',
      input: '2468\n',
      timeout: 30_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^scrypt\$32768\$8\$1\$\S+\n$/);
  });
});
