// What the runtime sends for `**`, `*#` and the invitee's answer, against a scripted event socket that holds
// the replies back: the commands of one reaction are all written before any of them is answered (none waits
// for another's reply), in the order the machine asked for them (machines/actions.ts: the effects of one
// transition come in order; on one leg, a prompt ends before the next move).
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

interface Sent {
  readonly text: string;
  readonly eventUuid?: string;
  /** Answers the command (+OK); until then its caller waits. */
  readonly answer: () => void;
  answered: boolean;
}

/** An event socket that records every command and answers it only when `held` says it may. */
class HoldingPort implements EslPort {
  readonly sent: Sent[] = [];
  /** Commands matching this are not answered until the test calls `answer` (default: none held). */
  held: (text: string) => boolean = () => false;

  #record(text: string, eventUuid?: string): Promise<void> {
    return new Promise((resolve) => {
      const sent: Sent = {
        text,
        ...(eventUuid === undefined ? {} : { eventUuid }),
        answered: false,
        answer: () => {
          sent.answered = true;
          resolve();
        },
      };
      this.sent.push(sent);
      if (!this.held(text)) sent.answer();
    });
  }

  async api(command: ApiCommand): Promise<ApiResult> {
    await this.#record(command.text);
    return { ok: true, body: '+OK\n' };
  }

  async bgapi(command: ApiCommand, options: { jobUuid?: string }): Promise<BgapiResult> {
    await this.#record(`bgapi ${command.text}`);
    return { ok: true, jobUuid: options.jobUuid ?? '', body: '+OK\n', reply: '' };
  }

  async execute(uuid: string, app: AppCommand, options: { eventUuid?: string }): Promise<ExecuteResult> {
    const eventUuid = options.eventUuid ?? '';
    await this.#record(`sendmsg ${uuid} ${app.app} ${app.arg}`, eventUuid);
    return { ok: true, eventUuid };
  }

  last(prefix: string): Sent | undefined {
    return [...this.sent].reverse().find((s) => s.text.startsWith(prefix));
  }

  /** The commands sent from `mark` on, without the session's marks (recovery/mark-writer.ts). */
  since(mark: number): Sent[] {
    return this.sent.slice(mark).filter((s) => !/^uuid_setvar \S+ dynconf_[a-z]+ /.test(s.text));
  }
}

/** Waits (by yielding to the event loop, never by time) until `check` holds. */
async function until<T>(check: () => T | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = check();
    if (value) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}

/** Lets every pending promise chain run (event-loop turns, not time). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

const completed = (uuid: string, eventUuid: string | undefined, variables: Record<string, string>) =>
  channelEvent('CHANNEL_EXECUTE_COMPLETE', uuid, {
    Application: 'play_and_get_digits',
    'Application-UUID': eventUuid,
    'Application-Response': '_none_',
    variable_read_result: 'success',
    ...variables,
  });
const key = (digit: string) => channelEvent('DTMF', A, { 'DTMF-Digit': digit, 'DTMF-Source': 'RTP' });

/** A runtime with one administrator talking privately with invitee 801; returns the invitee's uuid. */
async function talking() {
  const parsed = parseConfig({
    eventSocket: { password: 'secret-password' },
    adminPins: [PIN],
    routes: [{ name: 'ext', pattern: '8[0-9][0-9]', dialString: 'user/{number}' }],
  });
  if (!parsed.ok) throw new Error('config');
  const port = new HoldingPort();
  const runtime = new Runtime({
    config: parsed.config,
    port,
    clock: new ManualClock(1_000_000),
    logger: silentLogger(),
  });
  runtime.handle(
    channelEvent('CHANNEL_PARK', A, { variable_dynconf_role: 'admin', 'Caller-Caller-ID-Number': '1001' }),
  );
  const pin = await until(() => port.last(`sendmsg ${A} play_and_get_digits`), 'the PIN prompt');
  runtime.handle(completed(A, pin.eventUuid, { variable_dynconf_pin: PIN }));
  await until(() => port.last(`uuid_transfer ${A} conference:`), 'the administrator into the room');
  const entered = port.sent.length;
  runtime.handle(key('0'));
  await until(() => port.last(`uuid_transfer ${A} park`), 'the administrator out of the room');
  runtime.handle(channelEvent('CHANNEL_PARK', A));
  const dial = await until(
    () => port.since(entered).find((s) => s.text.startsWith(`sendmsg ${A} play_and_get_digits`)),
    'the dial tone',
  );
  runtime.handle(completed(A, dial.eventUuid, { variable_dynconf_dial: '801' }));
  const originate = await until(() => port.last('bgapi originate'), 'the invitee called');
  const invitee = /origination_uuid=([0-9a-f-]{36})/.exec(originate.text)?.[1] ?? '';
  await until(() => port.last(`sendmsg ${A} playback`), 'ringback');
  return { runtime, port, invitee };
}

describe('the commands of one reaction', () => {
  it('the invitee answers: park_after_bridge on the administrator and the bridge leave together, setvars first', async () => {
    const { runtime, port, invitee } = await talking();
    port.held = () => true;
    const mark = port.sent.length;
    // &park() runs once the originate has answered (translate.ts): dynconf reacts to the invitee's park.
    runtime.handle(channelEvent('CHANNEL_PARK', invitee, { 'Call-Direction': 'outbound' }));
    await until(() => port.last('uuid_bridge'), 'the bridge');
    await settle();
    expect(port.since(mark).map((s) => s.text)).toEqual([
      `uuid_setvar ${A} hangup_after_bridge false`,
      `uuid_setvar ${A} park_after_bridge true`,
      `uuid_bridge ${A} ${invitee}`,
    ]);
    expect(port.since(mark).some((s) => s.answered)).toBe(false);
  });

  describe('from the private talk', () => {
    async function bridged() {
      const t = await talking();
      t.runtime.handle(channelEvent('CHANNEL_PARK', t.invitee, { 'Call-Direction': 'outbound' }));
      await until(() => t.port.last('uuid_bridge'), 'the bridge');
      t.runtime.handle(
        channelEvent('CHANNEL_BRIDGE', A, { 'Bridge-A-Unique-ID': A, 'Bridge-B-Unique-ID': t.invitee }),
      );
      await settle();
      t.port.held = () => true;
      return { ...t, mark: t.port.sent.length };
    }

    it('**: the invitee, then the administrator, into the room, neither waiting for a reply or a park', async () => {
      const { runtime, port, invitee, mark } = await bridged();
      runtime.handle(key('*'));
      runtime.handle(key('*'));
      await until(
        () => port.last(`uuid_transfer ${A}`) !== port.last(`uuid_transfer ${A} park`),
        'the moves',
      );
      await settle();
      const sent = port.since(mark);
      expect(sent.map((s) => s.text)).toEqual([
        `uuid_transfer ${invitee} conference:${roomOf(port)}@dynconf inline`,
        `uuid_transfer ${A} conference:${roomOf(port)}@dynconf+flags{moderator} inline`,
      ]);
      expect(sent.some((s) => s.answered)).toBe(false);
      expect(runtime.sessions()[0]?.state).toBe('inRoom');
    });

    it('*#: the invitee hung up, then the administrator back into the room, neither waiting', async () => {
      const { runtime, port, invitee, mark } = await bridged();
      runtime.handle(key('*'));
      runtime.handle(key('#'));
      await until(
        () => port.last(`uuid_transfer ${A} conference:`) !== undefined && port.since(mark).length >= 2,
        'the moves',
      );
      await settle();
      const sent = port.since(mark);
      expect(sent.map((s) => s.text)).toEqual([
        `uuid_kill ${invitee}`,
        `uuid_transfer ${A} conference:${roomOf(port)}@dynconf+flags{moderator} inline`,
      ]);
      expect(sent.some((s) => s.answered)).toBe(false);
    });
  });

  it('on one leg a prompt still ends before the move behind it (the invitee hangs up: tone, then the room)', async () => {
    const { runtime, port, invitee } = await talking();
    runtime.handle(channelEvent('CHANNEL_PARK', invitee, { 'Call-Direction': 'outbound' }));
    await until(() => port.last('uuid_bridge'), 'the bridge');
    runtime.handle(
      channelEvent('CHANNEL_BRIDGE', A, { 'Bridge-A-Unique-ID': A, 'Bridge-B-Unique-ID': invitee }),
    );
    await settle();
    const mark = port.sent.length;
    runtime.handle(channelEvent('CHANNEL_HANGUP', invitee, { 'Hangup-Cause': 'NORMAL_CLEARING' }));
    runtime.handle(channelEvent('CHANNEL_PARK', A));
    const tone = await until(
      () => port.since(mark).find((s) => s.text.startsWith(`sendmsg ${A} playback`)),
      'the invitee-hung-up tone',
    );
    const move = () =>
      port.sent.find((s, i) => i >= mark && s.text.startsWith(`uuid_transfer ${A} conference:`));
    await settle();
    expect(move()).toBeUndefined();
    runtime.handle(
      channelEvent('CHANNEL_EXECUTE_COMPLETE', A, {
        Application: 'playback',
        'Application-UUID': tone.eventUuid,
      }),
    );
    const moved = await until(move, 'the move into the room');
    expect(port.sent.indexOf(moved)).toBeGreaterThan(port.sent.indexOf(tone));
  });
});

/** The room the administrator was first sent into. */
function roomOf(port: HoldingPort): string {
  const first = port.sent.find((s) => s.text.startsWith(`uuid_transfer ${A} conference:`));
  return /conference:([^@]+)@/.exec(first?.text ?? '')?.[1] ?? '';
}
