// Values from outside reaching FreeSWITCH commands, end to end over the simulator: hostile caller ID names
// and numbers (braces, commas, quotes, newlines, `^^:`, `${…}`, `&park()`) that the routing templates put
// into originate's caller ID, keys dialed that are not a number, room names and numbers given to the operator
// API. Every case either works with the value made harmless or is refused clearly; no extra command and no
// extra channel variable ever reaches FreeSWITCH (the proxy sees every command; the simulator shows the
// originated channel's variables); the call is never dropped.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_PROMPTS } from '../../src/prompts.js';
import { resolveRoute } from '../../src/routing.js';
import type { SimCall } from '../../src/simulator/index.js';
import { parseOriginate } from '../esl/freeswitch-split.js';
import { commandsOf, type SentCommand } from './support/esl-proxy.js';
import { type Rig, startRig, TOKEN } from './support/rig.js';

const ROUTES = [
  {
    name: 'extensions',
    pattern: '8[01][0-9]',
    dialString: 'user/{number}',
    callerIdNumber: '{callerIdNumber}',
    callerIdName: 'Conference {callerIdName}',
  },
];

let rig: Rig;
let caller = 5000;

beforeAll(async () => {
  rig = await startRig({
    http: true,
    logLevel: 'debug',
    directory: { '801': { kind: 'answer', afterMs: 200 } },
    config: { routes: ROUTES },
  });
});

afterEach(async () => {
  // Whatever a test left up (it may have failed half way): hang it up, so the next test starts clean.
  for (const channel of rig.sim.channels()) await rig.sim.call(channel.uuid).hangup();
  await rig.until(
    () => rig.controller.sessions().length === 0 && rig.sim.channels().length === 0,
    'a clean switch',
  );
});

afterAll(async () => {
  await rig.expectClean();
  await rig.close();
});

/** Every command dynconf sent so far. */
const sent = (): SentCommand[] => rig.proxy.connections.flatMap((c) => commandsOf(c.toServer));

/** Commands are one line, plus the header lines of their own kind, each `name: value`. */
function expectWellFormed(commands: readonly SentCommand[]): void {
  for (const command of commands) {
    const [line = '', ...headers] = command.text.split('\n');
    expect(line).toMatch(/^(auth|event json|api|bgapi|sendmsg) /);
    const allowed = line.startsWith('sendmsg ')
      ? /^(call-command|execute-app-name|execute-app-arg|event-uuid|hangup-cause): /
      : /^job-uuid: [0-9a-f-]{36}$/;
    for (const header of headers) expect(header).toMatch(allowed);
  }
}

/** Variables FreeSWITCH sets on a leg of its own (the originate's own ones are checked separately). */
const variableNames = (uuid: string) => Object.keys(rig.sim.channel(uuid)?.variables ?? {}).sort();

/** Flow 1 with this caller ID: log in, dial 801, talk, `**`. Returns the invitee and the originate sent. */
async function inviteAs(name: string, number: string) {
  const before = sent().length;
  const admin = await rig.sim.placeCall({ from: number, to: '900', callerName: name });
  await admin.waitUntil('collecting');
  await rig.enterPin(admin);
  const where = await admin.waitUntil('in-conference');
  await rig.sessionState(admin.uuid, 'inRoom');
  const invitee = await rig.dial(admin, '801');
  await rig.until(() => admin.where().bridgedTo === invitee.uuid, 'admin and invitee talking');
  await admin.press('**');
  await rig.until(() => rig.sim.room(where.room ?? '')?.members.length === 2, 'both in the room');
  const commands = sent().slice(before);
  const originates = commands.filter((c) => c.line.startsWith('bgapi originate'));
  expect(originates).toHaveLength(1);
  return { admin, invitee, room: where.room ?? '', commands, originate: originates[0] as SentCommand };
}

async function hangUp(...calls: SimCall[]): Promise<void> {
  for (const call of calls) await call.hangup();
  await rig.until(() => rig.controller.sessions().length === 0, 'no session left');
}

const HOSTILE: Array<[string, string, string]> = [
  ['braces ending the block', 'Alice}evil=1,park_after_bridge=false{', '1001'],
  ['commas adding variables', 'Bob,origination_uuid=00000000-0000-0000-0000-000000000000,x=1', '1002'],
  ['quotes', "O'Brien 'quoted, with comma' \"double\"", '1003'],
  ['a newline (a second ESL command)', 'Eve\n\napi hupall', '1004'],
  ['^^: (FreeSWITCH delimiter syntax)', '^^:evil=1:x=2', '1005'],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: FreeSWITCH variable expansion, on purpose.
  ['variable expansion', '${system(touch /tmp/pwned)}', '1006'],
  ['an inline application', 'x &park()', '1007'],
  ['backslashes and separators', 'a\\s\\,b|c[d]<e>', '1008'],
  ['a hostile number', 'Mallory', "1009}evil=1,x='y'{"],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: FreeSWITCH variable expansion, on purpose.
  ['a number with an expansion and separators', 'Trent', '${uuid},x=1}{'],
];

describe('caller IDs reaching originate', () => {
  let baseline: { variables: string[]; originate: string };

  it('a plain caller ID: the baseline (what reaches FreeSWITCH, and which variables the invitee leg gets)', async () => {
    const { admin, invitee, originate } = await inviteAs('Alice Martin', '1000');
    expect(rig.sim.channel(invitee.uuid)).toMatchObject({
      callerIdName: 'Conference Alice Martin',
      callerIdNumber: '1000',
    });
    baseline = { variables: variableNames(invitee.uuid), originate: originate.line };
    expect(baseline.variables).toEqual(
      expect.arrayContaining(['dynconf_role', 'dynconf_admin', 'dynconf_room']),
    );
    await hangUp(admin, invitee);
  });

  it.each(HOSTILE)(
    '%s: the call works, the value arrives cleaned, no extra command or variable',
    async (_what, name, number) => {
      const { admin, invitee, commands, originate, room } = await inviteAs(name, `${number}`);
      expectWellFormed(commands);
      // What routing decided is exactly what FreeSWITCH shows on the leg: nothing more was read into it.
      const decision = resolveRoute(rig.config.routes, '801', { callerIdName: name, callerIdNumber: number });
      if (!decision.allowed) throw new Error('route');
      const leg = rig.sim.channel(invitee.uuid);
      expect(leg?.callerIdName).toBe(decision.callerIdName ?? '');
      expect(leg?.callerIdNumber).toBe(
        decision.callerIdNumber ?? rig.sim.channel(admin.uuid)?.callerIdNumber,
      );
      for (const value of [leg?.callerIdName ?? '', leg?.callerIdNumber ?? '']) {
        expect(value).not.toMatch(/[{}'",\n\r\\$&|^[\]<>]/);
      }
      // The same variables as for a plain caller ID, with the values dynconf set.
      expect(variableNames(invitee.uuid)).toEqual(baseline.variables);
      expect(leg?.variables).toMatchObject({
        dynconf_role: 'invitee',
        dynconf_admin: admin.uuid,
        dynconf_room: room,
        park_after_bridge: 'true',
        hangup_after_bridge: 'false',
        origination_uuid: invitee.uuid,
      });
      expect(leg?.variables.evil).toBeUndefined();
      expect(leg?.variables.x).toBeUndefined();
      // The originate line has the same shape as the baseline's: only the caller ID differs.
      const shape = (line: string) =>
        line
          .replace(/[0-9a-f-]{36}/g, 'U')
          .replace(/origination_caller_id_(name|number)=[^,}]*/g, 'CID')
          .replace(/dynconf_room=[^,}]*/, 'R');
      expect(shape(originate.line)).toBe(shape(baseline.originate));
      // FreeSWITCH's own way of reading the line (switch_separate_string model) finds the same: the
      // variables dynconf meant, one dial string, one application.
      const parsed = parseOriginate(originate.line.slice('bgapi '.length));
      expect(parsed.variables.map(([name]) => name)).toEqual(
        parseOriginate(baseline.originate.slice('bgapi '.length)).variables.map(([name]) => name),
      );
      expect(parsed.dialString).toBe('user/801');
      expect(parsed.rest).toEqual(['&park()']);
      expect(Object.fromEntries(parsed.variables).origination_caller_id_name).toBe(decision.callerIdName);
      // Nothing the session sent carries an expansion, and only the originate runs an application.
      expect(commands.filter((c) => c.text.includes('$' + '{'))).toEqual([]);
      expect(commands.filter((c) => c.text.includes('&')).map((c) => c.line)).toEqual([originate.line]);
      await hangUp(admin, invitee);
    },
  );
});

describe('keys that are not a number', () => {
  it.each([
    ['a star inside', '80*1'],
    ['letters A-D', 'A801'],
    ['too short for any rule', '8'],
    ['too long (33 digits and more)', '8'.repeat(40)],
    ['only a star', '*'],
  ])('%s: refused or back to the room, nothing called, the session goes on', async (_what, keys) => {
    const admin = await rig.callAccessNumber(String(++caller));
    await rig.enterPin(admin);
    const where = await admin.waitUntil('in-conference');
    await rig.sessionState(admin.uuid, 'inRoom');
    const before = sent().filter((c) => c.line.startsWith('bgapi originate')).length;
    const collect = rig.nextCollect(admin);
    await admin.press('0');
    await collect;
    await admin.press(`${keys}#`, { gapMs: 50 });
    await admin.waitUntil('in-conference', { room: where.room ?? '', timeoutMs: 10_000 });
    await rig.sessionState(admin.uuid, 'inRoom');
    expect(sent().filter((c) => c.line.startsWith('bgapi originate')).length).toBe(before);
    // The administrator can still dial.
    const invitee = await rig.dial(admin, '801');
    await rig.until(() => admin.where().bridgedTo === invitee.uuid, 'talking');
    await admin.press('*#');
    await invitee.waitUntil('gone');
    await hangUp(admin);
  });

  it('a refused number plays not-allowed (not silence)', async () => {
    const admin = await rig.callAccessNumber(String(++caller));
    await rig.enterPin(admin);
    await admin.waitUntil('in-conference');
    const collect = rig.nextCollect(admin);
    await admin.press('0');
    await collect;
    await admin.press('555#');
    await rig.until(
      () => rig.sim.heard(admin.uuid).some((i) => i.what === SHIPPED_PROMPTS['not-allowed']),
      'the not-allowed prompt',
    );
    await hangUp(admin);
  });
});

describe('room names and numbers through the operator API', () => {
  const api = (path: string, method = 'GET', body?: unknown) =>
    fetch(`${rig.api?.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('hostile room names and numbers are refused with a 4xx; no command carries them', async () => {
    const admin = await rig.callAccessNumber(String(++caller));
    await rig.enterPin(admin);
    const where = await admin.waitUntil('in-conference');
    const room = where.room ?? '';
    await rig.until(() => rig.api?.rooms.rooms().some((r) => r.name === room), 'the room listed');
    const before = sent().length;
    const rooms = [
      `${room} kick all`,
      `${room}@default+flags{moderator}`,
      `${room},hangup`,
      `${room}\napi hupall`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: FreeSWITCH variable expansion, on purpose.
      '${system(id)}',
      `../${room}`,
    ];
    for (const name of rooms) {
      const encoded = encodeURIComponent(name);
      for (const [path, method, body] of [
        [`/api/rooms/${encoded}`, 'GET', undefined],
        [`/api/rooms/${encoded}/lock`, 'POST', undefined],
        [`/api/rooms/${encoded}/end`, 'POST', undefined],
        [`/api/rooms/${encoded}/invite`, 'POST', { number: '801' }],
        [`/api/rooms/${encoded}/members/1/kick`, 'POST', undefined],
      ] as const) {
        const response = await api(path, method, body);
        // Every one of these names breaks the room pattern (A-Z a-z 0-9 _ . -, api-spec.ts): the path is
        // refused by its schema (400) before any handler looks for a room, whatever the route.
        expect({ name, path, status: response.status }).toEqual({ name, path, status: 400 });
      }
    }
    for (const number of [
      '801 &park()',
      '801,802',
      '801|802',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: FreeSWITCH variable expansion, on purpose.
      '${uuid}',
      "801'",
      '801\n',
      '+33 1 23',
      '8'.repeat(33),
    ]) {
      const response = await api(`/api/rooms/${encodeURIComponent(room)}/invite`, 'POST', { number });
      expect({ number, status: response.status }).toEqual({ number, status: 400 });
    }
    // Member ids: digits only, checked as the text they are (nothing coerced: `1e3` and `0x10` are not ids);
    // a well-formed id of a member the room does not have is 404, with no command sent.
    const kicks: Array<[string, number]> = [
      ['1 all', 400],
      ['all;', 400],
      ['-1', 400],
      ['1e3', 400],
      ['0x10', 400],
      ['last,hup', 400],
      ['1000', 404],
    ];
    for (const [id, status] of kicks) {
      const response = await api(
        `/api/rooms/${encodeURIComponent(room)}/members/${encodeURIComponent(id)}/kick`,
        'POST',
      );
      expect({ id, status: response.status }).toEqual({ id, status });
    }
    const after = sent().slice(before);
    expectWellFormed(after);
    for (const fragment of ['kick all', 'hupall', '${', '&park', '+flags', ',hangup', '../', 'all;'])
      expect(after.filter((c) => c.text.includes(fragment))).toEqual([]);
    expect(admin.where().state).toBe('in-conference');
    await hangUp(admin);
  });
});
