// The simulator console for people: plain-text help, and what each phone hears and where each call is.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { watchCalls } from '../../src/simulator/console.js';
import { runSimulatorMain } from '../../src/simulator/main.js';
import { type Harness, harness } from './support/harness.js';

const STANDALONE = {
  host: '127.0.0.1',
  port: 0,
  password: 'ClueCon',
  speed: 1,
  console: false,
  logLevel: 'info',
};

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('simulator console', () => {
  it('tells what each phone hears and where each call is, one plain line each', async () => {
    h = await harness();
    const lines: string[] = [];
    const stop = watchCalls(h.sim, (line) => lines.push(line));
    const c = await h.client();
    const call = await h.sim.placeCall({ from: '1001', to: '900' });
    await call.waitUntil('parked');
    await c.api(`uuid_broadcast ${call.uuid} tone_stream://%(200,0,600) aleg`);
    await c.api(`uuid_transfer ${call.uuid} conference:room-a@dynconf+flags{moderator} inline`);
    await call.waitUntil('in-conference');
    await call.hangup();
    await call.waitUntil('gone');
    stop();
    expect(lines).toEqual(
      expect.arrayContaining([
        '1001 calls 900',
        '1001 answered',
        '1001 waits (parked)',
        '1001 hears: tone_stream://%(200,0,600)',
        '1001 is in room room-a as moderator',
        '1001 left room room-a',
        '1001 hung up (NORMAL_CLEARING)',
      ]),
    );
    expect(lines.every((line) => !line.startsWith('{'))).toBe(true);
  });

  it('dynconf simulate --console: plain-text help and answers, not JSON', async () => {
    const input = new PassThrough();
    const written: string[] = [];
    const running = await runSimulatorMain(
      { ...STANDALONE, console: true },
      {
        logger: silentLogger(),
        input,
        output: { write: (text: string) => written.push(text) },
      },
    );
    try {
      input.write('help\n');
      input.write('call 1001 900\n');
      await running.sim.waitFor(() => /^call \S+ 1001 -> 900$/m.test(written.join('')), { timeoutMs: 5000 });
      const text = written.join('');
      expect(text).toContain('FreeSWITCH simulator console. Type help for the commands.');
      expect(text).toContain('call <from> <to>');
      expect(text).toMatch(/^call [0-9a-f-]{36} 1001 -> 900$/m);
      expect(text).not.toMatch(/^\{/m);
    } finally {
      await running.stop();
    }
  });
});
