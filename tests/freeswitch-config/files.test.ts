// The FreeSWITCH configuration shipped in freeswitch-config/: well-formed, consistent between the drop-in
// files and the minimal test configuration, and saying what dynconf relies on.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROMPTS } from '../../src/prompts.js';
import { allElements, findAll, parseXml, type XmlElement } from './xml.js';

const root = resolve(import.meta.dirname, '../../freeswitch-config');
const minimal = join(root, 'minimal');

function xmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return xmlFiles(path);
    return name.endsWith('.xml') ? [path] : [];
  });
}

const read = (path: string) => readFileSync(path, 'utf8');
const parse = (path: string) => parseXml(read(path));

function extension(elements: readonly XmlElement[], name: string): XmlElement {
  const found = findAll(elements, 'extension').find((el) => el.attrs.name === name);
  if (found === undefined) throw new Error(`no extension ${name}`);
  return found;
}

function actions(ext: XmlElement): [string, string][] {
  return findAll([ext], 'action').map((a) => [a.attrs.application ?? '', a.attrs.data ?? '']);
}

function params(elements: readonly XmlElement[]): Map<string, string> {
  return new Map(findAll(elements, 'param').map((p) => [p.attrs.name ?? '', p.attrs.value ?? '']));
}

describe('every XML file', () => {
  const files = xmlFiles(root);

  it('finds the files it checks', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  it.each(files.map((f) => [relative(root, f), f]))('%s is well-formed XML', (_name, file) => {
    expect(() => parse(file)).not.toThrow();
  });

  it.each(files.map((f) => [relative(root, f), f]))(
    '%s avoids the FreeSWITCH preprocessor pitfalls',
    (_name, file) => {
      for (const [index, line] of read(file).split('\n').entries()) {
        // A line naming the preprocessor without "<" before it is dropped from the file by FreeSWITCH.
        const at = line.toUpperCase().indexOf('X-PRE-PROCESS');
        if (at >= 0) expect(line[at - 1], `line ${index + 1}`).toBe('<');
        // A line holding <include> or </include> is dropped whole: nothing else may share it.
        if (/<\/?include>/.test(line)) expect(line.trim(), `line ${index + 1}`).toMatch(/^<\/?include>$/);
      }
    },
  );
});

describe('drop-in files and the minimal configuration', () => {
  it.each([
    'dialplan/default/00_dynconf.xml',
    'dialplan/dynconf.xml',
    'conference/dynconf-profile.xml',
    'directory/default/dynconf-test-users.xml',
  ])('%s is the same file in both', (path) => {
    expect(read(join(minimal, path))).toBe(read(join(root, path)));
  });

  it('minimal uses only variables that vars.xml sets (or FreeSWITCH sets itself: its directories)', () => {
    const defined = new Set([
      ...[...read(join(minimal, 'vars.xml')).matchAll(/cmd="set" data="([a-z_]+)=/g)].map((m) => m[1]),
      'sounds_dir',
    ]);
    for (const file of xmlFiles(minimal)) {
      for (const m of read(file).matchAll(/\$\$\{([a-z_]+)\}/g)) {
        expect(defined.has(m[1]), `${relative(minimal, file)} uses $\${${m[1]}}`).toBe(true);
      }
    }
  });
});

describe('the access number', () => {
  const dialplan = parse(join(root, 'dialplan/default/00_dynconf.xml')).roots;
  const access = extension(dialplan, 'dynconf_access');

  it('matches 900 only', () => {
    const condition = findAll([access], 'condition')[0];
    expect(condition?.attrs).toEqual({ field: 'destination_number', expression: '^900$' });
  });

  it('marks, answers, schedules the fallback, then parks', () => {
    expect(actions(access)).toEqual([
      ['set', 'dynconf_role=admin'],
      ['answer', ''],
      ['sched_transfer', '+10 dynconf_unavailable XML dynconf'],
      ['park', ''],
    ]);
  });

  it('does not rely on park_timeout (it hangs up instead of continuing the dialplan)', () => {
    expect(actions(access).some(([, data]) => data.includes('park_timeout'))).toBe(false);
  });

  it('has a fallback target that plays a tone and hangs up', () => {
    const doc = parse(join(root, 'dialplan/dynconf.xml')).roots;
    const context = findAll(doc, 'context').find((c) => c.attrs.name === 'dynconf');
    expect(context).toBeDefined();
    const fallback = extension(context ? [context] : [], 'dynconf_unavailable');
    expect(findAll([fallback], 'condition')[0]?.attrs.expression).toBe('^dynconf_unavailable$');
    expect(actions(fallback)).toEqual([
      ['set', 'dynconf_role=unavailable'],
      ['playback', DEFAULT_PROMPTS['service-unavailable']],
      ['hangup', 'SERVICE_UNAVAILABLE'],
    ]);
  });
});

describe('*0 marking', () => {
  it('exports dynconf_star0=enabled before the bridge of the test extensions', () => {
    const doc = parse(join(root, 'dialplan/default/00_dynconf.xml')).roots;
    const list = actions(extension(doc, 'dynconf_test_extensions'));
    const mark = list.findIndex(([app, data]) => app === 'export' && data === 'dynconf_star0=enabled');
    const bridge = list.findIndex(([app]) => app === 'bridge');
    expect(mark).toBeGreaterThanOrEqual(0);
    expect(bridge).toBeGreaterThan(mark);
  });
});

describe('conference profile', () => {
  const doc = parse(join(root, 'conference/dynconf-profile.xml')).roots;
  const p = params(doc);

  it('is named dynconf and leaves 0, * and # to the controller', () => {
    expect(doc[0]?.attrs.name).toBe('dynconf');
    expect(p.get('caller-controls')).toBe('none');
    expect(p.get('moderator-controls')).toBe('none');
  });

  it('names no sound files', () => {
    for (const value of p.values()) expect(value).not.toMatch(/\.(wav|mp3)$/);
  });

  it('is included by the minimal conference.conf.xml', () => {
    expect(read(join(minimal, 'autoload_configs/conference.conf.xml'))).toContain(
      'data="../conference/dynconf-profile.xml"',
    );
  });
});

describe('event socket', () => {
  it('drop-in: this machine only, and not the default password', () => {
    const p = params(parse(join(root, 'autoload_configs/event_socket.conf.xml')).roots);
    expect(p.get('listen-ip')).toBe('127.0.0.1');
    expect(p.get('listen-port')).toBe('8021');
    expect(p.get('apply-inbound-acl')).toBe('loopback.auto');
    expect(p.get('password')).not.toBe('ClueCon');
  });

  it('minimal: defaults to this machine only', () => {
    const vars = read(join(minimal, 'vars.xml'));
    expect(vars).toContain('data="esl_listen_ip=127.0.0.1"');
    expect(vars).toContain('data="esl_acl=loopback.auto"');
  });
});

describe('test users', () => {
  it('are exactly 800 to 819', () => {
    const users = findAll(parse(join(root, 'directory/default/dynconf-test-users.xml')).roots, 'user');
    expect(users.map((u) => u.attrs.id)).toEqual(Array.from({ length: 20 }, (_, i) => String(800 + i)));
  });
});

describe('minimal configuration', () => {
  it('loads only the modules the tests need', () => {
    const modules = findAll(parse(join(minimal, 'autoload_configs/modules.conf.xml')).roots, 'load').map(
      (l) => l.attrs.module,
    );
    expect(new Set(modules)).toEqual(
      new Set([
        'mod_console',
        'mod_logfile',
        'mod_event_socket',
        'mod_sofia',
        'mod_loopback',
        'mod_commands',
        'mod_conference',
        'mod_dptools',
        'mod_voicemail',
        'mod_dialplan_xml',
        'mod_sndfile',
        'mod_native_file',
        'mod_tone_stream',
      ]),
    );
  });

  it('has a SIP profile on 5060 that accepts this machine', () => {
    const p = params(parse(join(minimal, 'sip_profiles/internal.xml')).roots);
    expect(p.get('sip-port')).toBe('5060');
    expect(p.get('sip-ip')).toBe('$${sip_ip}');
    expect(p.get('apply-inbound-acl')).toBe('$${sip_acl}');
    expect(read(join(minimal, 'vars.xml'))).toContain('data="sip_acl=loopback.auto"');
  });

  it('has one test extension for each invitee behaviour, 830 to 839', () => {
    const doc = parse(join(minimal, 'dialplan/default/10_test_behaviours.xml')).roots;
    const numbers = findAll(doc, 'condition').map((c) => c.attrs.expression);
    expect(numbers).toEqual(Array.from({ length: 10 }, (_, i) => `^${830 + i}$`));
    const byNumber = (n: number) =>
      findAll(doc, 'extension').find((e) => findAll([e], 'condition')[0]?.attrs.expression === `^${n}$`);
    const apps = (n: number) => {
      const ext = byNumber(n);
      return ext ? actions(ext).map(([app]) => app) : [];
    };
    expect(apps(830)).toContain('voicemail');
    expect(apps(831)).not.toContain('answer');
    expect(actions(byNumber(832) as XmlElement)).toEqual([['hangup', 'USER_BUSY']]);
  });

  it('includes every dialplan context the others refer to', () => {
    const contexts = xmlFiles(join(minimal, 'dialplan')).flatMap((f) =>
      findAll(parse(f).roots, 'context').map((c) => c.attrs.name),
    );
    expect(new Set(contexts)).toEqual(new Set(['default', 'dynconf', 'dynconf-e2e', 'from-trunk']));
    const profiles = allElements(parse(join(minimal, 'sip_profiles/trunk.xml')).roots);
    expect(profiles.find((e) => e.attrs.name === 'context')?.attrs.value).toBe('from-trunk');
  });
});
