// The runtime against a scripted event socket: what it sends for the events it gets, and how it copes
// with FreeSWITCH refusing commands. Events are FreeSWITCH-shaped headers through the real decoder.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config/index.js';
import type { ApiCommand, AppCommand } from '../../src/esl/commands.js';
import type { ApiResult, BgapiResult, ExecuteResult } from '../../src/esl/connection.js';
import { silentLogger } from '../../src/log.js';
import type { EslPort } from '../../src/runtime/commander.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { channelEvent } from './support.js';

const PIN = '4711';
const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const C = 'cccccccc-0000-4000-8000-000000000003';

interface Sent {
  readonly text: string;
  readonly eventUuid?: string;
}

/** An event socket that records commands and answers api commands from a script. */
class ScriptedPort implements EslPort {
  readonly sent: Sent[] = [];
  constructor(private readonly reply: (text: string) => string) {}
  async api(command: ApiCommand): Promise<ApiResult> {
    this.sent.push({ text: command.text });
    const body = this.reply(command.text);
    return body.startsWith('-')
      ? { ok: false, body, error: { kind: 'rejected', message: body, reply: body.trim() } }
      : { ok: true, body };
  }
  bgapi(command: ApiCommand, options: { jobUuid?: string }): Promise<BgapiResult> {
    this.sent.push({ text: `bgapi ${command.text}` });
    return Promise.resolve({ ok: true, jobUuid: options.jobUuid ?? '', body: '+OK\n', reply: '' });
  }
  async execute(uuid: string, app: AppCommand, options: { eventUuid?: string }): Promise<ExecuteResult> {
    const eventUuid = options.eventUuid ?? '';
    this.sent.push({ text: `sendmsg ${uuid} ${app.app} ${app.arg}`, eventUuid });
    return { ok: true, eventUuid };
  }
  last(prefix: string): Sent | undefined {
    return [...this.sent].reverse().find((s) => s.text.startsWith(prefix));
  }
}

function runtimeWith(reply: (text: string) => string) {
  const parsed = parseConfig({ eventSocket: { password: 'secret-password' }, adminPins: [PIN] });
  if (!parsed.ok) throw new Error('config');
  const port = new ScriptedPort(reply);
  const clock = new ManualClock(1_000_000);
  const runtime = new Runtime({ config: parsed.config, port, clock, logger: silentLogger() });
  return { runtime, port, clock };
}

/** Waits (by yielding to the event loop, never by time) until `check` holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}

/** Lets every pending promise chain run (event-loop turns, not time). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

const adminParks = (uuid: string, cid = '1001') =>
  channelEvent('CHANNEL_PARK', uuid, { variable_dynconf_role: 'admin', 'Caller-Caller-ID-Number': cid });

const digitsEntered = (uuid: string, eventUuid: string, pin: string) =>
  channelEvent('CHANNEL_EXECUTE_COMPLETE', uuid, {
    Application: 'play_and_get_digits',
    'Application-UUID': eventUuid,
    'Application-Response': '_none_',
    variable_read_result: 'success',
    variable_dynconf_pin: pin,
  });

describe('runtime', () => {
  it('takes an access call: cancels the fallback transfer, then asks for the PIN on the parked leg', async () => {
    const { runtime, port } = runtimeWith((text) =>
      text.startsWith('sched_del') ? '+OK Deleted: 1\n' : '+OK\n',
    );
    runtime.handle(adminParks(A));
    await until(() => port.last('sendmsg') !== undefined, 'the PIN prompt');
    expect(port.sent[0]?.text).toBe(`sched_del ${A}`);
    expect(port.last('sendmsg')?.text).toMatch(
      new RegExp(
        `^sendmsg ${A} play_and_get_digits 1 16 1 10000 # \\S+ silence_stream://250 dynconf_pin \\\\d\\+ 3000$`,
      ),
    );
    expect(runtime.sessions()).toMatchObject([{ adminUuid: A, state: 'authenticating', flow: 'access' }]);
  });

  it('leaves alone a call the dialplan fallback has taken (sched_del deleted nothing, role changed)', async () => {
    const { runtime, port } = runtimeWith((text) => {
      if (text.startsWith('sched_del')) return '+OK Deleted: 0\n';
      if (text.startsWith('uuid_getvar')) return 'unavailable';
      return '+OK\n';
    });
    runtime.handle(adminParks(A));
    await until(() => port.sent.some((s) => s.text.startsWith('uuid_getvar')), 'the role check');
    await settle();
    expect(runtime.sessions()).toEqual([]);
    expect(port.last('sendmsg')).toBeUndefined();
  });

  it('a room that cannot be joined: the admin hears the error tone and is hung up; nothing is thrown', async () => {
    const { runtime, port } = runtimeWith((text) =>
      text.includes('conference:') ? '-ERR No such channel!\n' : '+OK\n',
    );
    runtime.handle(adminParks(A));
    await until(() => port.last('sendmsg') !== undefined, 'the PIN prompt');
    const prompt = port.last('sendmsg');
    runtime.handle(digitsEntered(A, prompt?.eventUuid ?? '', PIN));
    await until(() => port.sent.some((s) => s.text.includes('conference:')), 'the transfer into the room');
    await until(() => port.last(`sendmsg ${A} playback`) !== undefined, 'the service-error tone');
    const tone = port.last(`sendmsg ${A} playback`);
    runtime.handle(
      channelEvent('CHANNEL_EXECUTE_COMPLETE', A, {
        Application: 'playback',
        'Application-UUID': tone?.eventUuid,
      }),
    );
    await until(() => port.sent.some((s) => s.text === `uuid_kill ${A}`), 'the hang-up');
    runtime.handle(channelEvent('CHANNEL_HANGUP', A, { 'Hangup-Cause': 'NORMAL_CLEARING' }));
    await until(() => runtime.sessions().length === 0, 'the session to end');
    expect(runtime.stats().outcomes).toEqual({ 'service-error': 1 });
    expect(runtime.stats().sessionErrors).toBe(0);
  });

  it('a caller ID with too many wrong PINs is locked out: its next call gets no PIN prompt', async () => {
    const { runtime, port } = runtimeWith(() => '+OK\n');
    // Default lockout: 5 wrong PINs in 10 minutes. Two calls of three attempts each from the same caller ID.
    attempts: for (const uuid of [A, C]) {
      runtime.handle(adminParks(uuid, '555'));
      for (let i = 0; i < 3; i++) {
        await until(() => port.last(`sendmsg ${uuid} play_and_get_digits`) !== undefined, 'a PIN prompt');
        const prompt = port.last(`sendmsg ${uuid} play_and_get_digits`);
        port.sent.length = 0;
        runtime.handle(digitsEntered(uuid, prompt?.eventUuid ?? '', '0000'));
        await until(() => port.last(`sendmsg ${uuid} playback`) !== undefined, 'the wrong-PIN tone');
        if (runtime.stats().lockouts > 0) break attempts;
        const tone = port.last(`sendmsg ${uuid} playback`);
        runtime.handle(
          channelEvent('CHANNEL_EXECUTE_COMPLETE', uuid, {
            Application: 'playback',
            'Application-UUID': tone?.eventUuid,
          }),
        );
      }
    }
    expect(runtime.stats().pinWrong).toBe(5);
    expect(runtime.stats().lockouts).toBe(1);
    expect(runtime.stats().pinGuard.callerLockouts).toBe(1);
    const third = 'dddddddd-0000-4000-8000-000000000004';
    port.sent.length = 0;
    runtime.handle(adminParks(third, '555'));
    await until(() => port.last(`sendmsg ${third} playback`) !== undefined, 'the locked-out tone');
    expect(port.last(`sendmsg ${third} play_and_get_digits`)).toBeUndefined();
    expect(runtime.stats().lockouts).toBe(2);
  });

  describe('*0 in a two-party call', () => {
    const bridged = (star0: string | undefined) =>
      channelEvent('CHANNEL_BRIDGE', A, {
        'Bridge-A-Unique-ID': A,
        'Bridge-B-Unique-ID': C,
        'Other-Leg-Unique-ID': C,
        ...(star0 === undefined ? {} : { variable_dynconf_star0: star0 }),
      });
    const key = (digit: string) => channelEvent('DTMF', A, { 'DTMF-Digit': digit, 'Other-Leg-Unique-ID': C });

    it('on a marked call: both legs park after the bridge, then the presser is taken out (trace 08 order)', async () => {
      const { runtime, port } = runtimeWith(() => '+OK\n');
      runtime.handle(bridged('enabled'));
      runtime.handle(key('*'));
      runtime.handle(key('0'));
      await until(() => port.sent.some((s) => s.text.startsWith('uuid_transfer')), 'the presser taken out');
      // The session's marks (recovery/marks.ts) go out before anything is done to the call.
      const sent = port.sent.map((s) => s.text);
      const marks = sent.filter((t) => / dynconf_[a-z]+ /.test(t));
      expect(sent.slice(0, marks.length)).toEqual(marks);
      expect(marks).toEqual(
        expect.arrayContaining([
          `uuid_setvar ${A} dynconf_flow escalation`,
          `uuid_setvar ${C} dynconf_admin ${A}`,
        ]),
      );
      expect(sent.slice(marks.length)).toEqual([
        `uuid_setvar ${A} hangup_after_bridge false`,
        `uuid_setvar ${A} park_after_bridge true`,
        `uuid_setvar ${C} hangup_after_bridge false`,
        `uuid_setvar ${C} park_after_bridge true`,
        `uuid_transfer ${A} park inline`,
      ]);
      expect(runtime.sessions()).toMatchObject([{ flow: 'escalation', adminUuid: A, otherUuid: C }]);
      expect(runtime.stats().escalations).toBe(1);
    });

    it('on a call the dialplan did not mark: nothing happens', async () => {
      const { runtime, port } = runtimeWith(() => '+OK\n');
      runtime.handle(bridged(undefined));
      runtime.handle(key('*'));
      runtime.handle(key('0'));
      await settle();
      expect(port.sent).toEqual([]);
      expect(runtime.sessions()).toEqual([]);
    });

    it('a mark never seen (controller started mid-call) is asked of FreeSWITCH', async () => {
      const { runtime, port } = runtimeWith((text) => (text.startsWith('uuid_getvar') ? 'enabled' : '+OK\n'));
      runtime.handle(key('*'));
      runtime.handle(key('0'));
      await until(() => runtime.sessions().length === 1, 'a session');
      expect(port.sent[0]?.text).toBe(`uuid_getvar ${A} dynconf_star0`);
    });

    it('* and 0 too far apart are not *0', async () => {
      const { runtime, port, clock } = runtimeWith(() => '+OK\n');
      runtime.handle(bridged('enabled'));
      runtime.handle(key('*'));
      clock.advance(5_000);
      runtime.handle(key('0'));
      await settle();
      expect(port.sent).toEqual([]);
    });
  });
});
