// The optional reaction measurement: a DTMF key read, then the first command written about its channel.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { transferToPark } from '../../src/esl/commands.js';
import { EslConnection } from '../../src/esl/connection.js';
import { decodeEvent } from '../../src/esl/decode.js';
import type { DynconfEvent } from '../../src/esl/events.js';
import { type ReactionSample, ReactionTracker } from '../../src/esl/reaction.js';
import { silentLogger } from '../../src/log.js';
import { FakeEslServer } from './fake-esl-server.js';

const A = 'ef22b705-5f4c-47d6-80fd-690be4b9c845';
const B = '8aad81ec-8abc-4e93-b965-cd5465ea02c9';

const event = (headers: Record<string, string>): DynconfEvent => {
  const decoded = decodeEvent(headers);
  if (decoded === undefined) throw new Error('test event did not decode');
  return decoded;
};
const dtmf = (uuid: string, digit: string) =>
  event({ 'Event-Name': 'DTMF', 'Unique-ID': uuid, 'DTMF-Digit': digit, 'DTMF-Source': 'RTP' });
const command = (text: string) => Buffer.from(`${text}\n\n`);

describe('ReactionTracker', () => {
  it('reports the first command naming the channel, timed from the last key read on it', () => {
    const samples: ReactionSample[] = [];
    const tracker = new ReactionTracker((s) => samples.push(s));
    tracker.eventRead(dtmf(A, '*'), 100);
    tracker.eventRead(dtmf(A, '*'), 150);
    tracker.commandWritten(command(`api uuid_transfer ${B} conference:r@dynconf inline`), 151);
    expect(samples).toEqual([]);
    tracker.commandWritten(command(`api uuid_transfer ${A} conference:r@dynconf inline`), 152.5);
    tracker.commandWritten(command(`api uuid_kill ${A}`), 160);
    expect(samples).toEqual([{ uuid: A, digit: '*', ms: 2.5 }]);
  });

  it('a command about the bridged peer answers the key too (`**` moves the invitee first)', () => {
    const samples: ReactionSample[] = [];
    const tracker = new ReactionTracker((s) => samples.push(s));
    const bridge = (type: string) =>
      event({ 'Event-Name': type, 'Unique-ID': A, 'Bridge-A-Unique-ID': A, 'Bridge-B-Unique-ID': B });
    tracker.eventRead(bridge('CHANNEL_BRIDGE'), 0);
    tracker.eventRead(dtmf(A, '*'), 10);
    tracker.commandWritten(command(`api uuid_transfer ${B} conference:r@dynconf inline`), 11);
    expect(samples).toEqual([{ uuid: A, digit: '*', ms: 1 }]);
    tracker.eventRead(bridge('CHANNEL_UNBRIDGE'), 20);
    tracker.eventRead(dtmf(A, '0'), 30);
    tracker.commandWritten(command(`api uuid_kill ${B}`), 31);
    expect(samples).toHaveLength(1);
  });

  it('forgets keys an application consumed or a hangup ended', () => {
    const samples: ReactionSample[] = [];
    const tracker = new ReactionTracker((s) => samples.push(s));
    tracker.eventRead(dtmf(A, '#'), 10);
    tracker.eventRead(
      event({ 'Event-Name': 'CHANNEL_EXECUTE_COMPLETE', 'Unique-ID': A, Application: 'play_and_get_digits' }),
      20,
    );
    tracker.eventRead(dtmf(B, '0'), 30);
    tracker.eventRead(
      event({ 'Event-Name': 'CHANNEL_HANGUP', 'Unique-ID': B, 'Hangup-Cause': 'NORMAL_CLEARING' }),
      40,
    );
    tracker.commandWritten(command(`sendmsg ${A}\ncall-command: execute`), 50);
    tracker.commandWritten(command(`api uuid_kill ${B}`), 50);
    expect(samples).toEqual([]);
  });
});

describe('EslConnection onReaction', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  it('measures a key read over TCP to the command a listener sends about that channel', async () => {
    const server = new FakeEslServer();
    const port = await server.listen();
    cleanups.push(() => server.close());
    const samples: ReactionSample[] = [];
    const connection = new EslConnection({
      host: '127.0.0.1',
      port,
      password: 'ClueCon',
      logger: silentLogger(),
      onReaction: (sample) => samples.push(sample),
    });
    cleanups.push(() => connection.close());
    const park = transferToPark(A);
    if (!park.ok) throw new Error('bad command');
    connection.onEvent((e) => {
      if (e.type === 'dtmf' && e.digit === '0') void connection.api(park.command, { timeoutMs: 2000 });
    });
    connection.start();
    await vi.waitFor(() => expect(server.subscriptionsOf(1)).toContain('event json DTMF'));
    server.sendEvent({ 'Event-Name': 'DTMF', 'Unique-ID': A, 'DTMF-Digit': '0', 'DTMF-Source': 'RTP' });
    await vi.waitFor(() => expect(samples).toHaveLength(1));
    expect(samples[0]).toMatchObject({ uuid: A, digit: '0' });
    expect(samples[0]?.ms).toBeGreaterThanOrEqual(0);
    expect(samples[0]?.ms).toBeLessThan(2000);
    expect(server.received.some((c) => c.line.startsWith(`api uuid_transfer ${A}`))).toBe(true);
  });
});
