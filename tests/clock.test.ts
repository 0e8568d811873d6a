// VirtualClock: time moves only while someone waits on it, one timer at a time, and never while a byte is in
// flight between two tracked sockets or a connection attempt holds it.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/clock.js';

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('VirtualClock', () => {
  it('stands still while nobody waits, however long the wall clock runs', async () => {
    const clock = new VirtualClock(0);
    let fired = false;
    clock.setTimer(1, () => {
      fired = true;
    });
    await new Promise<void>((resolve) => setTimeout(resolve, 30));
    expect(fired).toBe(false);
    expect(clock.now()).toBe(0);
  });

  it('advance fires timers in time order, same-instant timers in the order they were set', async () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    clock.setTimer(20, () => fired.push('b@20'));
    clock.setTimer(10, () => fired.push('a@10'));
    clock.setTimer(20, () => fired.push('c@20'));
    const cancelled = clock.setTimer(15, () => fired.push('cancelled'));
    cancelled.cancel();
    clock.setTimer(31, () => fired.push('late'));
    await clock.advance(30);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(30);
  });

  it('until stops at the first moment the condition holds, and steps time for conditions on time alone', async () => {
    const clock = new VirtualClock(0);
    let count = 0;
    const tick = () => {
      count++;
      clock.setTimer(100, tick);
    };
    clock.setTimer(100, tick);
    expect(await clock.until(() => (count === 3 ? clock.now() : undefined), 'three ticks')).toBe(300);
    // No timer decides this one: time moves in steps until it holds.
    const start = clock.now();
    await clock.until(() => clock.now() - start >= 2500, '2.5 s of quiet', {});
    expect(clock.now() - start).toBeLessThan(3000 + 100);
  });

  it('a pause and a condition waited on at once: time never passes the pause before its waiter runs', async () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    clock.setTimer(250, () => seen.push(clock.now()));
    const condition = clock.until(() => seen.length > 0, 'the timer');
    await clock.advance(100);
    expect(clock.now()).toBe(100);
    expect(seen).toEqual([]);
    await condition;
    expect(seen).toEqual([250]);
  });

  it('fails once withinMs of clock time pass, naming what it waited for', async () => {
    const clock = new VirtualClock(0);
    await expect(clock.until(() => false, 'the impossible', { withinMs: 5000 })).rejects.toThrow(
      /5000 ms of clock time passed waiting for the impossible/,
    );
    expect(clock.now()).toBeLessThanOrEqual(5000);
  });

  it('holdTime keeps time still until released', async () => {
    const clock = new VirtualClock(0);
    let fired = false;
    clock.setTimer(10, () => {
      fired = true;
    });
    const release = clock.holdTime();
    const waiting = clock.until(() => fired, 'the timer');
    await new Promise<void>((resolve) => setTimeout(resolve, 30));
    expect(fired).toBe(false);
    release();
    await waiting;
    expect(clock.now()).toBe(10);
  });

  describe('tracked sockets', () => {
    let server: Server | undefined;
    const sockets: Socket[] = [];
    afterEach(async () => {
      for (const s of sockets.splice(0)) s.destroy();
      await new Promise<void>((resolve) =>
        server === undefined ? resolve() : server.close(() => resolve()),
      );
      server = undefined;
    });

    it('bytes written and not yet read hold time: the timer after the request sees the answer', async () => {
      const clock = new VirtualClock(0);
      server = createServer((socket) => {
        clock.trackSocket(socket, 'server');
        sockets.push(socket);
        // The answer is written at once but leaves the socket only turns later (corked, as dynconf's
        // transport pipelines commands): written but unread bytes are in flight and hold time.
        socket.on('data', (chunk) => {
          socket.cork();
          socket.write(`re:${chunk.toString()}`);
          void turns(6).then(() => socket.uncork());
        });
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      if (address === null || typeof address !== 'object') throw new Error('no port');
      const release = clock.holdTime();
      const client = connect(address.port, '127.0.0.1');
      sockets.push(client);
      await new Promise<void>((resolve) => client.once('connect', () => resolve()));
      clock.trackSocket(client, 'client');
      release();
      let answer = '';
      client.on('data', (chunk) => {
        answer += chunk.toString();
      });
      let answerAt1ms: string | undefined;
      clock.setTimer(0, () => client.write('ping'));
      clock.setTimer(1, () => {
        answerAt1ms = answer;
      });
      await clock.advance(5);
      expect(answerAt1ms).toBe('re:ping');
    });
  });
});
