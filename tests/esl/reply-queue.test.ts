// The reply queue on its own: replies matched to commands in order, timeouts on the injected clock that
// keep the command's place, commands held until the session opens, session commands written first and
// never replayed, unanswered commands replayed after a drop, close().
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { ReplyQueue, type SendOutcome } from '../../src/esl/reply-queue.js';
import type { Reply } from '../../src/esl/transport.js';

const ok = (text = '+OK'): Reply => ({ type: 'command/reply', text });
const bytes = (line: string) => Buffer.from(`${line}\n\n`);

function rig() {
  const clock = new ManualClock();
  const wire: string[] = [];
  let socket = true;
  const queue = new ReplyQueue((b) => {
    if (!socket) return false;
    wire.push(b.toString().trim());
    return true;
  }, clock);
  const outcomes: Record<string, SendOutcome> = {};
  const send = (line: string, timeoutMs = 1000) =>
    void queue.send(bytes(line), timeoutMs).then((o) => {
      outcomes[line] = o;
    });
  const setSocket = (up: boolean) => {
    socket = up;
  };
  return { clock, wire, queue, outcomes, send, setSocket };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('ReplyQueue', () => {
  it('writes at once while open and hands each reply to the oldest command', async () => {
    const { queue, wire, outcomes, send } = rig();
    queue.open();
    send('api a');
    send('api b');
    expect(wire).toEqual(['api a', 'api b']);
    queue.reply({ type: 'api/response', body: Buffer.from('A') });
    queue.reply(ok('-ERR b'));
    await settled();
    expect(outcomes['api a']).toEqual({ ok: true, reply: { type: 'api/response', body: Buffer.from('A') } });
    expect(outcomes['api b']).toEqual({ ok: true, reply: ok('-ERR b') });
    expect(queue.reply(ok())).toBe(false);
  });

  it('a timeout on the clock keeps the command in its place: its late reply is not the next one’s', async () => {
    const { queue, outcomes, send, clock } = rig();
    queue.open();
    send('slow', 100);
    clock.advance(100);
    await settled();
    expect(outcomes.slow).toEqual({ ok: false, reason: 'timeout' });
    send('next', 100);
    queue.reply(ok('+OK slow'));
    queue.reply(ok('+OK next'));
    await settled();
    expect(outcomes.next).toEqual({ ok: true, reply: ok('+OK next') });
    expect(clock.pending()).toBe(0);
  });

  it('holds commands until the session opens; session commands go first and their replies to them', async () => {
    const { queue, wire, outcomes, send } = rig();
    send('api early');
    expect(wire).toEqual([]);
    const auth: Reply[] = [];
    queue.sendSessionCommand(bytes('auth pw'), (r) => auth.push(r));
    queue.sendSessionCommand(bytes('event json DTMF'));
    expect(wire).toEqual(['auth pw', 'event json DTMF']);
    queue.reply(ok('+OK accepted'));
    expect(auth).toEqual([ok('+OK accepted')]);
    queue.open();
    expect(wire).toEqual(['auth pw', 'event json DTMF', 'api early']);
    queue.reply(ok('+OK event listener enabled json'));
    queue.reply(ok('+OK early'));
    await settled();
    expect(outcomes['api early']).toEqual({ ok: true, reply: ok('+OK early') });
  });

  it('after a drop, unanswered commands (timed out or not) are written again first; session commands are not', async () => {
    const { queue, wire, outcomes, send, clock, setSocket } = rig();
    queue.sendSessionCommand(bytes('auth pw'));
    queue.reply(ok('+OK accepted'));
    queue.open();
    send('one', 50);
    send('two', 5000);
    queue.sendSessionCommand(bytes('event json DTMF'));
    clock.advance(50);
    queue.drop();
    setSocket(false);
    send('three', 5000);
    expect(wire).toEqual(['auth pw', 'one', 'two', 'event json DTMF']);
    setSocket(true);
    queue.sendSessionCommand(bytes('auth pw'));
    queue.reply(ok('+OK accepted'));
    queue.open();
    expect(wire.slice(4)).toEqual(['auth pw', 'one', 'two', 'three']);
    for (const text of ['+OK 1', '+OK 2', '+OK 3']) queue.reply(ok(text));
    await settled();
    expect(outcomes).toEqual({
      one: { ok: false, reason: 'timeout' },
      two: { ok: true, reply: ok('+OK 2') },
      three: { ok: true, reply: ok('+OK 3') },
    });
  });

  it('a write without a socket keeps the command for the replay', async () => {
    const { queue, wire, send, setSocket } = rig();
    queue.open();
    setSocket(false);
    send('lost');
    queue.drop();
    setSocket(true);
    queue.open();
    expect(wire).toEqual(['lost']);
  });

  it('close(): every pending command and every later one ends with closed; no timer is left', async () => {
    const { queue, outcomes, send, clock } = rig();
    send('waiting');
    queue.open();
    send('written');
    queue.close();
    send('later');
    await settled();
    expect(outcomes).toEqual({
      waiting: { ok: false, reason: 'closed' },
      written: { ok: false, reason: 'closed' },
      later: { ok: false, reason: 'closed' },
    });
    expect(clock.pending()).toBe(0);
  });
});
