import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { LegQueue } from '../../src/runtime/leg-queue.js';

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('per-leg effect queue', () => {
  it('runs steps one after another, in order, even when the first is slow', async () => {
    const order: string[] = [];
    let idles = 0;
    const queue = new LegQueue(silentLogger(), () => idles++);
    const gate = deferred();
    queue.push('prompt', async () => {
      order.push('prompt start');
      await gate.promise;
      order.push('prompt end');
    });
    queue.push('transfer', async () => {
      order.push('transfer');
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual(['prompt start']);
    expect(queue.running).toBe('prompt');
    expect(queue.pendingCount).toBe(1);
    gate.resolve();
    await queue.idle();
    expect(order).toEqual(['prompt start', 'prompt end', 'transfer']);
    expect(queue.busy).toBe(false);
    expect(idles).toBe(1);
  });

  it('a failing step is logged and the queue goes on', async () => {
    const queue = new LegQueue(silentLogger());
    const done: string[] = [];
    queue.push('bad', async () => {
      throw new Error('boom');
    });
    queue.push('good', async () => {
      done.push('good');
    });
    await queue.idle();
    expect(done).toEqual(['good']);
  });

  it('tells a running step when another is queued behind it; dropPending drops what has not started', async () => {
    const queue = new LegQueue(silentLogger());
    const gate = deferred();
    let told = 0;
    const ran: string[] = [];
    queue.push('collect', async () => {
      queue.onQueued = () => told++;
      await gate.promise;
    });
    await Promise.resolve();
    await Promise.resolve();
    queue.push('hold music', async () => {
      ran.push('hold music');
    });
    expect(told).toBe(1);
    expect(queue.dropPending()).toBe(1);
    gate.resolve();
    await queue.idle();
    expect(ran).toEqual([]);
  });
});
