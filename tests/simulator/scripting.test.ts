// The scripting API the end-to-end tests and the demo use: placing calls, where each leg is, what each
// party heard, waiting on conditions, input checks — and the standalone entry point.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, test } from 'vitest';
import { createLogger } from '../../src/log.js';
import { runConsoleLine } from '../../src/simulator/console.js';
import { type RunningSimulator, runSimulatorMain } from '../../src/simulator/main.js';
import { TestClient } from './support/esl-client.js';
import { type Harness, harness } from './support/harness.js';

let h: Harness | undefined;
let running: RunningSimulator | undefined;
afterEach(async () => {
  await h?.close();
  await running?.stop();
  h = undefined;
  running = undefined;
});

describe('scripting API', () => {
  test('a call through 900 is parked; heard() lists prompts in order; where() follows the call', async () => {
    h = await harness();
    const c = await h.client();
    const call = await h.sim.placeCall({ from: '1001', to: '900', callerName: 'Alice' });
    expect(['ringing', 'executing', 'parked', 'early']).toContain(call.where().state);
    await call.waitUntil('parked');
    expect(h.sim.channel(call.uuid)?.callerIdName).toBe('Alice');
    await c.command(`sendmsg ${call.uuid}`, {
      'call-command': 'execute',
      'execute-app-name': 'playback',
      'execute-app-arg': 'tone_stream://%(200,0,350,440)',
    });
    await h.sim.waitForEvent(
      (e) => e.name === 'CHANNEL_EXECUTE_COMPLETE' && e.get('Application') === 'playback',
    );
    await c.api(`uuid_transfer ${call.uuid} conference:demo@dynconf inline`);
    const w = await call.waitUntil('in-conference', { room: 'demo' });
    expect(w.application).toBe('conference');
    expect(
      call
        .heard()
        .map((x) => x.kind)
        .slice(0, 4),
    ).toEqual(['hold', 'tone', 'conference', 'file']);
    expect(call.heard()[1]?.what).toBe('tone_stream://%(200,0,350,440)');
    await call.hangup();
    expect(call.where()).toMatchObject({ state: 'gone', hangupCause: 'NORMAL_CLEARING' });
    expect(h.sim.heard(call.uuid).length).toBeGreaterThan(0);
  });

  test('bad input is refused with a clear error', async () => {
    h = await harness();
    await expect(h.sim.placeCall({ from: '10 01', to: '900' })).rejects.toThrow(/from/);
    const call = await h.sim.placeCall({ from: '1001', to: '900' });
    await expect(call.press('12x')).rejects.toThrow(/DTMF/);
    expect(() => h?.sim.call('no-such-uuid')).toThrow(/no call/);
    await expect(h.sim.waitFor(() => false, { timeoutMs: 50, what: 'nothing' })).rejects.toThrow(/nothing/);
  });

  test('directory, gateways and dialplan options change behaviour', async () => {
    h = await harness({
      dialplan: { accessNumber: '777', trunkRoutes: [{ pattern: /^0\d+$/, gateway: 'gsm' }] },
    });
    h.sim.gateways.set('gsm', { answerSupervision: false });
    const admin = await h.sim.placeCall({ from: '1001', to: '777' });
    await admin.waitUntil('parked');
    const { a, b } = await h.sim.placeTwoPartyCall({ from: '1002', to: '0612345678' });
    expect(h.sim.channel(b.uuid)?.name).toBe('sofia/gateway/gsm/0612345678');
    expect(a.where().bridgedTo).toBe(b.uuid);
  });
});

describe('standalone simulator', () => {
  test('runSimulatorMain listens, logs the port and has the demo directory', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    });
    running = await runSimulatorMain(
      { host: '127.0.0.1', port: 0, password: 'ClueCon', speed: 100, console: false, logLevel: 'info' },
      { logger },
    );
    const port = running.sim.port;
    expect(port).toBeGreaterThan(0);
    expect(lines.join('')).toContain(`"port":${port}`);
    const c = await TestClient.login(port);
    expect(await c.api('show channels')).toBe('\n0 total.\n');
    c.close();
    expect(running.sim.directory.get('802')).toEqual({ kind: 'busy' });
    expect(await runConsoleLine(running.sim, 'call 1001 900')).toMatch(/^call [0-9a-f-]{36} 1001 -> 900$/);
    expect(await runConsoleLine(running.sim, 'press nobody 1')).toBe('no channel "nobody"');
    expect(await runConsoleLine(running.sim, 'frobnicate')).toMatch(/unknown command/);
  });
});
