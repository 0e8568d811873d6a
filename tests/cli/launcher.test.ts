// `dynconf` (bin/dynconf.js, what `npm start` and the service run): the compiled code, never a compile; a
// clear fix when there is no build.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS } from '../../src/service-node-flags.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('the dynconf launcher', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** A copy of the launcher in a directory of its own, with or without a build beside it. */
  function install(withBuild: boolean): string {
    dir = mkdtempSync(join(tmpdir(), 'dynconf-launcher-'));
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(ROOT, 'bin/dynconf.js'), join(dir, 'bin/dynconf.js'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    if (withBuild) {
      mkdirSync(join(dir, 'dist/src'), { recursive: true });
      writeFileSync(
        join(dir, 'dist/src/cli.js'),
        "process.stdout.write(`compiled cli ran with ${process.argv.slice(2).join(' ')}\\n`);\n",
      );
    }
    return join(dir, 'bin/dynconf.js');
  }

  it('without a build: exits 1 and says to run npm run build', () => {
    const run = spawnSync(process.execPath, [install(false), 'start'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('dynconf is not built');
    expect(run.stderr).toContain('npm run build');
    expect(run.stdout).toBe('');
  });

  it('with a build: runs the compiled CLI with the arguments given', () => {
    const run = spawnSync(process.execPath, [install(true), 'start', '--config', 'x.yaml'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('compiled cli ran with start --config x.yaml\n');
  });

  it('npm start runs the launcher (no compile step before it); the package ships it and the build', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      files: string[];
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.start).toBe(`node ${SERVICE_NODE_FLAGS.join(' ')} bin/dynconf.js start`);
    expect(pkg.scripts.prestart).toBeUndefined();
    expect(pkg.bin.dynconf).toBe('bin/dynconf.js');
    expect(pkg.scripts.prepack).toBe('npm run build');
    for (const shipped of ['bin/', 'dist/src/', 'dist/machines/', 'src/dashboard/public/', 'deploy/'])
      expect(pkg.files).toContain(shipped);
  });

  it('the systemd unit runs dynconf as its own user from /etc/dynconf and restarts it', () => {
    const unit = readFileSync(join(ROOT, 'deploy/dynconf.service'), 'utf8');
    expect(unit).toMatch(/^User=dynconf$/m);
    expect(unit).toContain(
      `\nExecStart=/bin/sh -c 'exec node ${SERVICE_NODE_FLAGS.join(' ')} "$$(command -v dynconf)" start --config /etc/dynconf/dynconf.yaml'\n`,
    );
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).not.toMatch(/^ExecStart=.*[^$]\$\(/m); // systemd would expand a single `$` itself
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
  });

  it("the unit's command finds `dynconf` on the PATH and starts it under node with the service's flags", () => {
    const launcher = install(true);
    // The stand-in compiled CLI says which node flags it runs under.
    writeFileSync(
      join(dir ?? '', 'dist/src/cli.js'),
      "process.stdout.write(`${process.execArgv.join(' ')} | ${process.argv.slice(2).join(' ')}\\n`);\n",
    );
    const onPath = join(dir ?? '', 'path');
    mkdirSync(onPath);
    chmodSync(launcher, 0o755);
    symlinkSync(launcher, join(onPath, 'dynconf'));
    const unit = readFileSync(join(ROOT, 'deploy/dynconf.service'), 'utf8');
    const command = /^ExecStart=\/bin\/sh -c '(.*)'$/m.exec(unit)?.[1]?.replaceAll('$$', '$');
    expect(command).toBeDefined();
    const run = spawnSync('/bin/sh', ['-c', command ?? ''], {
      env: { PATH: `${onPath}:${dirname(process.execPath)}:/usr/bin:/bin` },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${SERVICE_NODE_FLAGS.join(' ')} | start --config /etc/dynconf/dynconf.yaml\n`);
  });
});
