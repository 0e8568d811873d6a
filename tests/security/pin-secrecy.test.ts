// The admin password never appears in anything dynconf says: a whole run (wrong and right PINs, flow 1 with
// an invitee brought in, flow 2 with `*0`) with everything captured — the controller's logs at trace level,
// the simulator's logs, every HTTP answer (/metrics, /status, /api/rooms, /healthz, /readyz) and the live
// stream, every command dynconf sent and every event FreeSWITCH sent it.
//
// What is allowed, exactly: FreeSWITCH itself reports what play_and_get_digits read in the channel variable
// `dynconf_pin` (that is how dynconf gets the entry). So the PIN may appear in events FreeSWITCH sends, only
// as the value of `variable_dynconf_pin`, only on the administrator's channel, and only until FreeSWITCH has
// answered dynconf's `uuid_setvar <admin> dynconf_pin` (no value: unset), which dynconf sends right after
// reading it. Everything dynconf itself writes — logs, HTTP, metrics, commands — never holds it.
import { afterEach, describe, expect, it } from 'vitest';
import type { SimCall } from '../../src/simulator/index.js';
import { commandsOf, framesOf, type ProxiedConnection, type ReceivedFrame } from './support/esl-proxy.js';
import { PIN, type Rig, startRig, WRONG_PIN } from './support/rig.js';

let rig: Rig | undefined;

afterEach(async () => {
  const r = rig;
  rig = undefined;
  await r?.close();
});

const SECRETS = [PIN, WRONG_PIN];
const holds = (text: string) => SECRETS.filter((secret) => text.includes(secret));
const count = (text: string, secret: string) => text.split(secret).length - 1;

interface Exposure {
  /** Events that carried a secret, and where. */
  readonly allowed: Array<{ uuid: string; secret: string }>;
  /** Anything else that carried a secret (must stay empty). */
  readonly leaks: string[];
}

/**
 * Checks one event-socket connection: commands never hold a secret; an event may, only as described at
 * the top, before the unset of that channel's variable was answered.
 */
async function examine(conn: ProxiedConnection): Promise<Exposure> {
  const frames = await framesOf(conn.toClient);
  const commands = commandsOf(conn.toServer);
  const leaks: string[] = [];
  for (const command of commands) if (holds(command.text).length > 0) leaks.push(`command: ${command.line}`);
  // Replies come in command order: the n-th reply answers the n-th command.
  const replyOf = new Map<number, number>();
  let replies = 0;
  frames.forEach((frame, index) => {
    if (frame.contentType === 'command/reply' || frame.contentType === 'api/response')
      replyOf.set(replies++, index);
  });
  /** Frame index after which `uuid` has no `dynconf_pin` any more (the answers to its unsets). */
  const unsetAt = new Map<string, number[]>();
  commands.forEach((command, n) => {
    const match = /^api uuid_setvar ([0-9a-f-]{36}) dynconf_pin$/.exec(command.line);
    const at = replyOf.get(n);
    if (match?.[1] && at !== undefined) unsetAt.set(match[1], [...(unsetAt.get(match[1]) ?? []), at]);
  });
  const allowed: Exposure['allowed'] = [];
  frames.forEach((frame: ReceivedFrame, index) => {
    const raw = frame.body.toString('utf8');
    const found = holds(raw);
    if (found.length === 0) return;
    if (frame.contentType !== 'text/event-json') {
      leaks.push(`frame ${index} (${frame.contentType})`);
      return;
    }
    const event = JSON.parse(raw) as Record<string, unknown>;
    const uuid = String(event['Unique-ID']);
    for (const secret of found) {
      const keys = Object.entries(event)
        .filter(([, value]) => JSON.stringify(value).includes(secret))
        .map(([key]) => key);
      const onlyThere = keys.length === 1 && keys[0] === 'variable_dynconf_pin' && event[keys[0]] === secret;
      // Repeated keys would hide a second copy from JSON.parse: count in the raw text too.
      if (!onlyThere || count(raw, secret) !== 1) {
        leaks.push(
          `frame ${index} ${event['Event-Name']}: ${secret === PIN ? 'PIN' : 'wrong PIN'} in ${keys.join(', ')}`,
        );
        continue;
      }
      // Before the answer to an unset of this channel's variable that came after the entry… i.e. not after
      // an unset answered with no new entry since.
      const unsets = unsetAt.get(uuid) ?? [];
      const lastUnsetBefore = Math.max(-1, ...unsets.filter((at) => at < index));
      const entryBetween = frames
        .slice(lastUnsetBefore + 1, index + 1)
        .some((f) => isPinEntryCompletion(f, uuid));
      if (!entryBetween)
        leaks.push(`frame ${index} ${event['Event-Name']}: still carries the PIN after its unset`);
      else allowed.push({ uuid, secret });
    }
  });
  return { allowed, leaks };
}

function isPinEntryCompletion(frame: ReceivedFrame, uuid: string): boolean {
  if (frame.contentType !== 'text/event-json') return false;
  const event = JSON.parse(frame.body.toString('utf8')) as Record<string, unknown>;
  return (
    event['Event-Name'] === 'CHANNEL_EXECUTE_COMPLETE' &&
    event['Unique-ID'] === uuid &&
    event.Application === 'play_and_get_digits'
  );
}

describe('the admin password in a whole run', () => {
  it('appears nowhere dynconf writes; FreeSWITCH shows it only in variable_dynconf_pin until dynconf unsets it', async () => {
    rig = await startRig({
      http: true,
      directory: { '801': { kind: 'answer', afterMs: 300 }, '811': { kind: 'answer', afterMs: 200 } },
    });
    const r = rig;
    await r.openLiveStream();
    expect((await r.get('/healthz')).status).toBe(200);

    // Flow 1: a wrong PIN, the right one, an invitee brought in with **.
    const admin = await r.callAccessNumber('1001');
    const retry = r.nextCollect(admin);
    await r.enterPin(admin, WRONG_PIN);
    await retry;
    await r.enterPin(admin, PIN);
    const where = await admin.waitUntil('in-conference');
    await r.sessionState(admin.uuid, 'inRoom');
    const invitee = await r.dial(admin, '801');
    await r.sessionState(admin.uuid, 'invitation.talking');
    await r.until(() => admin.where().bridgedTo === invitee.uuid, 'admin and invitee talking');
    await admin.press('**');
    await r.until(() => r.sim.room(where.room ?? '')?.members.length === 2, 'two members');
    // The live stream (real timers on the HTTP side) has shown that picture too.
    await r.liveStreamShows(invitee.uuid);
    for (const path of ['/api/rooms', `/api/rooms/${where.room}`, '/status', '/metrics', '/readyz'])
      expect((await r.get(path)).status).toBe(200);

    // Flow 2: *0 in a two-party call, right PIN.
    const call = await r.sim.placeTwoPartyCall({ from: '810', to: '811' });
    await r.until(() => call.a.where().bridgedTo === call.b.uuid, 'the two parties bridged');
    await call.a.press('*0');
    await call.a.waitUntil('collecting');
    await r.enterPin(call.a, PIN);
    const room2 = await call.a.waitUntil('in-conference');
    await call.b.waitUntil('in-conference', { room: room2.room ?? '' });
    await r.liveStreamShows(call.b.uuid);
    for (const path of ['/api/rooms', '/status', '/metrics']) await r.get(path);

    const everyone: SimCall[] = [admin, invitee, call.a, call.b];
    for (const phone of everyone) await phone.hangup();
    await r.expectClean();
    await r.get('/metrics');
    await r.get('/status');
    await r.close();
    rig = undefined;

    // The run did happen and everything was captured (so the searches below can find something).
    expect(r.controller.stats()).toMatchObject({ pinCorrect: 2, pinWrong: 1 });
    expect(r.logs.some((line) => line.includes('"level":20'))).toBe(true); // debug lines captured (level trace)
    expect(r.logs.some((line) => line.includes('PIN accepted'))).toBe(true);
    expect(r.simLogs.length).toBeGreaterThan(0);
    expect(r.http.join('')).toContain('dynconf_pin_failures_total 1');
    expect(r.http.join('')).toContain('event: rooms');

    // dynconf's own output: never.
    expect(r.logs.filter((line) => holds(line).length > 0)).toEqual([]);
    expect(r.simLogs.filter((line) => holds(line).length > 0)).toEqual([]);
    expect(r.http.filter((text) => holds(text).length > 0)).toEqual([]);
    expect(holds(JSON.stringify({ sessions: r.controller.sessions(), stats: r.controller.stats() }))).toEqual(
      [],
    );

    // The event socket: commands never; events only where FreeSWITCH reports the entry, until the unset.
    expect(r.proxy.connections).toHaveLength(1);
    const [conn] = r.proxy.connections;
    if (conn === undefined) throw new Error('no connection');
    const { allowed, leaks } = await examine(conn);
    expect(leaks).toEqual([]);
    // Each of the three entries was reported by FreeSWITCH (the capture sees them), on the right channels.
    expect(allowed).toEqual(
      expect.arrayContaining([
        { uuid: admin.uuid, secret: WRONG_PIN },
        { uuid: admin.uuid, secret: PIN },
        { uuid: call.a.uuid, secret: PIN },
      ]),
    );
    expect(new Set(allowed.map((a) => a.uuid))).toEqual(new Set([admin.uuid, call.a.uuid]));
    // And dynconf unset the variable after each of them.
    const unsets = commandsOf(conn.toServer).filter((c) => /^api uuid_setvar \S+ dynconf_pin$/.test(c.line));
    expect(unsets.map((c) => c.line.split(' ')[2])).toEqual([admin.uuid, admin.uuid, call.a.uuid]);
  });
});

describe('the examination itself', () => {
  const A = 'aaaaaaaa-0000-4000-8000-000000000001';
  const frame = (type: string, body = '') =>
    Buffer.from(
      `Content-Type: ${type}\n${body === '' ? '' : `Content-Length: ${Buffer.byteLength(body)}\n`}\n${body}`,
    );
  const event = (headers: Record<string, string>) => frame('text/event-json', JSON.stringify(headers));
  const entry = event({
    'Event-Name': 'CHANNEL_EXECUTE_COMPLETE',
    'Unique-ID': A,
    Application: 'play_and_get_digits',
    variable_dynconf_pin: PIN,
  });
  const conn = (toClient: Buffer[], toServer: string[]): ProxiedConnection => ({
    id: 1,
    toClient,
    toServer: toServer.map((c) => Buffer.from(`${c}\n\n`)),
    inject: () => {},
    closed: Promise.resolve(),
  });

  it('accepts the entry reported before the unset, and flags what comes after it, or elsewhere', async () => {
    const parkWithPin = event({ 'Event-Name': 'CHANNEL_PARK', 'Unique-ID': A, variable_dynconf_pin: PIN });
    const clean = await examine(
      conn(
        [frame('auth/request'), frame('command/reply'), entry, parkWithPin, frame('api/response', '+OK\n')],
        ['auth x', `api uuid_setvar ${A} dynconf_pin`],
      ),
    );
    expect(clean).toEqual({
      allowed: [
        { uuid: A, secret: PIN },
        { uuid: A, secret: PIN },
      ],
      leaks: [],
    });

    const late = await examine(
      conn(
        [frame('auth/request'), frame('command/reply'), entry, frame('api/response', '+OK\n'), parkWithPin],
        ['auth x', `api uuid_setvar ${A} dynconf_pin`],
      ),
    );
    expect(late.leaks).toEqual(['frame 4 CHANNEL_PARK: still carries the PIN after its unset']);

    const elsewhere = await examine(
      conn(
        [
          frame('auth/request'),
          frame('command/reply'),
          event({ 'Event-Name': 'DTMF', 'Unique-ID': A, x: `pin ${PIN}` }),
        ],
        ['auth x', `api uuid_setvar ${A} x ${PIN}`],
      ),
    );
    expect(elsewhere.leaks).toEqual([`command: api uuid_setvar ${A} x ${PIN}`, 'frame 2 DTMF: PIN in x']);
  });
});
