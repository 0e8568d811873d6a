// The container files checked without a container runtime: what the Dockerfiles copy is in the build
// context, the ports agree with the minimal FreeSWITCH configuration, the compose file wires the two
// services together, and the entry-point scripts do what their comments say.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/index.js';
import { SERVICE_NODE_FLAGS } from '../../src/service-node-flags.js';
import { findAll, parseXml } from '../freeswitch-config/xml.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

// The same .dockerignore reader testcontainers uses to pack the build context.
const dockerignore = createRequire(createRequire(import.meta.url).resolve('testcontainers'))(
  '@balena/dockerignore',
) as (options: { ignorecase: boolean }) => { add(patterns: string): void; filter(paths: string[]): string[] };

interface Instruction {
  readonly stage: number;
  readonly keyword: string;
  readonly args: string;
}

function instructions(dockerfile: string): Instruction[] {
  const joined = read(dockerfile).replace(/\\\n/g, ' ');
  const out: Instruction[] = [];
  let stage = -1;
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (match === null) continue;
    const [, keyword = '', args = ''] = match;
    if (keyword === 'FROM') stage++;
    out.push({ stage, keyword, args: args.trim() });
  }
  return out;
}

/** Sources of the COPY instructions that read the build context (not --from=stage). */
function copySources(dockerfile: string): string[] {
  return instructions(dockerfile)
    .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
    .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
}

function filesUnder(path: string): string[] {
  const full = join(root, path);
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const childRel = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(join(dir, entry.name), childRel);
      else out.push(childRel);
    }
  };
  if (statSync(full).isDirectory()) walk(full, path.replace(/\/$/, ''));
  else out.push(path);
  return out;
}

describe('build context', () => {
  const ignore = dockerignore({ ignorecase: false });
  ignore.add(read('.dockerignore'));

  for (const dockerfile of ['Dockerfile', 'docker/freeswitch/Dockerfile']) {
    it(`holds every file ${dockerfile} copies`, () => {
      const sources = copySources(dockerfile);
      expect(sources.length).toBeGreaterThanOrEqual(2);
      for (const source of sources) {
        expect(existsSync(join(root, source)), `${dockerfile} copies ${source}, which does not exist`).toBe(
          true,
        );
        const files = filesUnder(source);
        expect(ignore.filter(files), `.dockerignore drops files of ${source}`).toEqual(files);
      }
    });
  }

  it('leaves out dependencies, build output, tests and local secrets', () => {
    const unwanted = [
      'node_modules/x/index.js',
      'dist/src/cli.js',
      'tests/a.test.ts',
      '.env',
      'dynconf.yaml',
      '.git/config',
    ];
    expect(ignore.filter(unwanted)).toEqual([]);
  });
});

describe('controller image (Dockerfile)', () => {
  const steps = instructions('Dockerfile');
  const runtime = steps.filter((s) => s.stage === Math.max(...steps.map((x) => x.stage)));

  it('installs production dependencies only, after copying patches/ for patch-package', () => {
    const copyPatches = runtime.findIndex((s) => s.keyword === 'COPY' && s.args.startsWith('patches'));
    const install = runtime.findIndex((s) => s.keyword === 'RUN' && s.args.includes('npm ci --omit=dev'));
    expect(copyPatches).toBeGreaterThanOrEqual(0);
    expect(install).toBeGreaterThan(copyPatches);
    expect(runtime.some((s) => s.keyword === 'COPY' && s.args.startsWith('--from=build /app/dist'))).toBe(
      true,
    );
  });

  it('compiles the controller without the demo and the simulator, unless built WITH_DEMO=true', () => {
    const build = steps.filter((s) => s.stage === 0);
    expect(build.some((s) => s.keyword === 'ARG' && s.args === 'WITH_DEMO=false')).toBe(true);
    expect(build.find((s) => s.keyword === 'RUN' && s.args.includes('WITH_DEMO'))?.args).toMatch(
      /npm run build; else npx tsc -p tsconfig\.image\.json/,
    );
    // What tsc emits for the image: every file of the program, type-only imports included.
    const configPath = join(root, 'tsconfig.image.json');
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
    const files = ts
      .createProgram(parsed.fileNames, parsed.options)
      .getSourceFiles()
      .map((f) => f.fileName.slice(root.length + 1))
      .filter((f) => !f.startsWith('node_modules/'));
    expect(files).toEqual(expect.arrayContaining(['src/service-cli.ts', 'src/health/probe-main.ts']));
    expect(files.filter((f) => /^src\/(simulator|demo)\/|^src\/cli\.ts$/.test(f))).toEqual([]);
  });

  it('runs as a user other than root, with a health check', () => {
    const user = runtime.filter((s) => s.keyword === 'USER').at(-1);
    expect(user?.args).toBe('node');
    expect(runtime.some((s) => s.keyword === 'HEALTHCHECK' && s.args.includes('healthcheck'))).toBe(true);
  });
});

describe('FreeSWITCH image and the minimal configuration', () => {
  const minimal = 'freeswitch-config/minimal';
  const vars = read(`${minimal}/vars.xml`);
  const switchConf = parseXml(read(`${minimal}/autoload_configs/switch.conf.xml`)).roots;
  const param = (name: string) =>
    findAll(switchConf, 'param').find((p) => p.attrs.name === name)?.attrs.value;
  const rtp = `${param('rtp-start-port')}-${param('rtp-end-port')}`;
  const exposed = instructions('docker/freeswitch/Dockerfile')
    .filter((s) => s.keyword === 'EXPOSE')
    .flatMap((s) => s.args.split(/\s+/));

  it('exposes the event socket, both SIP profiles and the RTP range the configuration uses', () => {
    expect(vars).toContain('data="esl_listen_port=8021"');
    expect(exposed).toContain('8021/tcp');
    for (const profile of ['internal', 'trunk']) {
      const port = findAll(parseXml(read(`${minimal}/sip_profiles/${profile}.xml`)).roots, 'param').find(
        (p) => p.attrs.name === 'sip-port',
      )?.attrs.value;
      expect(exposed).toContain(`${port}/udp`);
    }
    expect(exposed).toContain(`${rtp}/udp`);
  });

  it('is pinned to an Alpine release and installs FreeSWITCH from its packages', () => {
    const text = read('docker/freeswitch/Dockerfile');
    expect(text).toMatch(/^ARG ALPINE_VERSION=\d+\.\d+$/m);
    expect(text).toMatch(/FROM alpine:\$\{ALPINE_VERSION\}/);
    expect(text).toMatch(/apk add --no-cache "freeswitch~/);
    // FreeSWITCH 1.10.12 exactly (the recordings' and CI's version): the build checks what it got.
    expect(text).toMatch(/^ARG FREESWITCH_VERSION=1\.10\.12$/m);
    expect(text).toMatch(/freeswitch -version \| grep -q "version: \$\{FREESWITCH_VERSION\}-"/);
    const commands = text
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    expect(commands).not.toMatch(/git clone|make install|signalwire|freeswitch\.org/i);
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml')) as {
    services: Record<
      string,
      {
        build: { context: string; dockerfile: string };
        environment: Record<string, string>;
        ports?: string[];
        volumes?: string[];
      }
    >;
  };
  const { freeswitch, dynconf } = compose.services;

  it('builds both services from the project', () => {
    expect(freeswitch?.build.dockerfile).toBe('docker/freeswitch/Dockerfile');
    expect(dynconf?.build.dockerfile).toBe('Dockerfile');
  });

  it('gives both the same event-socket password, which must be set', () => {
    const fsPassword = freeswitch?.environment.FREESWITCH_ESL_PASSWORD ?? '';
    const dynconfPassword = dynconf?.environment.DYNCONF_EVENT_SOCKET__PASSWORD ?? '';
    expect(fsPassword).toMatch(/^\$\{DYNCONF_ESL_PASSWORD:\?/);
    expect(dynconfPassword.split(':?')[0]).toBe(fsPassword.split(':?')[0]);
    expect(dynconf?.environment.DYNCONF_ADMIN_PINS).toMatch(/^\$\{DYNCONF_ADMIN_PINS:\?/);
  });

  it('publishes SIP and RTP for phones, never the event socket', () => {
    const ports = freeswitch?.ports ?? [];
    expect(ports).toEqual(expect.arrayContaining(['5060:5060/udp', '5060:5060/tcp']));
    expect(ports.some((p) => p.includes('16384'))).toBe(true);
    expect(ports.some((p) => p.includes('8021'))).toBe(false);
  });

  it("publishes the dashboard on the host's loopback only, with a token compose insists on", () => {
    expect(dynconf?.ports).toEqual(['127.0.0.1:8088:8088']);
    expect(dynconf?.environment.DYNCONF_HTTP__HOST).toBe('0.0.0.0');
    expect(dynconf?.environment.DYNCONF_HTTP__TOKEN).toMatch(/^\$\{DYNCONF_HTTP_TOKEN:\?/);
    // The configuration it mounts takes that token (16 characters or more) and listens where published.
    const mount = (dynconf?.volumes ?? []).find((v) => v.endsWith(':/etc/dynconf/dynconf.yaml:ro'));
    const result = loadConfig({
      file: join(root, mount?.split(':')[0] ?? ''),
      env: {
        DYNCONF_EVENT_SOCKET__PASSWORD: 'a-compose-password',
        DYNCONF_ADMIN_PINS: '4711',
        DYNCONF_HTTP__HOST: '0.0.0.0',
        DYNCONF_HTTP__TOKEN: '0123456789abcdef0123',
      },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.config.http).toMatchObject({ host: '0.0.0.0', port: 8088 });
  });

  it("mounts a dynconf configuration that is valid with the compose file's variables", () => {
    const mount = (dynconf?.volumes ?? []).find((v) => v.endsWith(':/etc/dynconf/dynconf.yaml:ro'));
    const file = mount?.split(':')[0] ?? '';
    const result = loadConfig({
      file: join(root, file),
      env: { DYNCONF_EVENT_SOCKET__PASSWORD: 'a-compose-password', DYNCONF_ADMIN_PINS: '4711' },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.config.eventSocket.host).toBe('freeswitch');
    expect(result.config.eventSocket.port).toBe(8021);
    expect(result.config.routes.length).toBeGreaterThan(0);
  });
});

describe('FreeSWITCH entry point', () => {
  function confCopy(): string {
    const dir = mkdtempSync(join(tmpdir(), 'dynconf-fs-conf-'));
    cpSync(join(root, 'freeswitch-config/minimal'), dir, { recursive: true });
    return dir;
  }

  function run(args: string[], env: Record<string, string>) {
    return spawnSync('sh', [join(root, 'docker/freeswitch/entrypoint.sh'), ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      encoding: 'utf8',
    });
  }

  it('writes the FREESWITCH_* settings as vars.d/99-container.xml, read after vars.xml', () => {
    const conf = confCopy();
    const result = run(['write-vars'], {
      FREESWITCH_CONF_DIR: conf,
      FREESWITCH_ESL_PASSWORD: 'e2e-0123abcd',
      FREESWITCH_SIP_IP: '172.20.0.5',
      FREESWITCH_SIP_ACL: 'localnet.auto',
      FREESWITCH_EXTERNAL_IP: '',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const file = join(conf, 'vars.d/99-container.xml');
    expect(result.stdout.trim()).toBe(file);
    const sets = findAll(parseXml(readFileSync(file, 'utf8')).roots, 'X-PRE-PROCESS').map(
      (e) => e.attrs.data,
    );
    expect(sets).toEqual([
      'esl_listen_ip=0.0.0.0',
      'esl_acl=dynconf_any',
      'esl_password=e2e-0123abcd',
      'sip_ip=172.20.0.5',
      'sip_acl=localnet.auto',
      'external_ip=172.20.0.5',
    ]);
    // Every variable it sets (but external_ip, for profiles that want it) is one vars.xml defines.
    for (const data of sets) {
      const name = data?.split('=')[0] ?? '';
      if (name !== 'external_ip')
        expect(readFileSync(join(conf, 'vars.xml'), 'utf8')).toContain(`data="${name}=`);
    }
  });

  it('refuses a value that would break out of the XML, and writes nothing', () => {
    const conf = confCopy();
    const result = run(['write-vars'], {
      FREESWITCH_CONF_DIR: conf,
      FREESWITCH_ESL_PASSWORD: 'x"/><X-PRE-PROCESS cmd="set" data="esl_acl=any',
      FREESWITCH_SIP_IP: '10.0.0.1',
    });
    expect(result.status).toBe(64);
    expect(result.stderr).toContain('FREESWITCH_ESL_PASSWORD holds a character other than');
    expect(existsSync(join(conf, 'vars.d/99-container.xml'))).toBe(false);
  });

  it('leaves a configuration it cannot write to as it is (here: one without vars.d)', () => {
    const conf = confCopy();
    rmSync(join(conf, 'vars.d'), { recursive: true });
    const result = run(['write-vars'], { FREESWITCH_CONF_DIR: conf, FREESWITCH_SIP_IP: '10.0.0.1' });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('vars.d is not writable; using the configuration as mounted');
    expect(existsSync(join(conf, 'vars.d'))).toBe(false);
  });
});

describe('dynconf entry point', () => {
  // A stand-in `node` first on PATH prints what it was asked to run.
  const bin = mkdtempSync(join(tmpdir(), 'dynconf-entry-'));
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'node'),
    ['#!/bin/sh', 'echo "node $* config=$' + '{DYNCONF_CONFIG:-none}"', ''].join('\n'),
  );
  chmodSync(join(bin, 'node'), 0o755);
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync('sh', [join(root, 'docker/dynconf-entrypoint.sh'), ...args], {
      env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, ...env },
      encoding: 'utf8',
    }).stdout.trim();

  it('starts the controller by default and passes other commands on (the service command: no demo build here)', () => {
    expect(run([], { DYNCONF_CONFIG: '/cfg/a.yaml' })).toBe(
      `node ${SERVICE_NODE_FLAGS.join(' ')} /app/dist/src/service-cli.js start config=/cfg/a.yaml`,
    );
    expect(run(['check-config', '/cfg/b.yaml'])).toMatch(
      new RegExp(
        `^node ${SERVICE_NODE_FLAGS.join(' ')} /app/dist/src/service-cli\\.js check-config /cfg/b\\.yaml`,
      ),
    );
  });

  it('runs the health probe for the HEALTHCHECK', () => {
    expect(run(['healthcheck', '--live'])).toMatch(/^node \/app\/dist\/src\/health\/probe-main\.js --live/);
  });
});
