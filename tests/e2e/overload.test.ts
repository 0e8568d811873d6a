// Graceful overload (issue 18): while the controller is overloaded (its event loop lags, or FreeSWITCH has
// too many of its commands unanswered), a new caller to the access number hears the busy prompt and is hung
// up cleanly; an administrator already in a session goes on as before; every refusal is counted and logged.
import { afterEach, describe, expect, it } from 'vitest';
import { runtimeSettings } from '../../src/runtime/settings.js';
import { finishHarness, type Harness, startHarness } from './support/harness.js';

let h: Harness | undefined;

afterEach(async () => {
  const harness = h;
  h = undefined;
  await finishHarness(harness);
});

describe('overload', () => {
  it('turns new access callers away with the busy prompt while the event loop lags; running sessions go on', async () => {
    let lagMs = 0;
    h = await startHarness({
      eventLoopLagMs: () => lagMs,
      config: { overload: { maxEventLoopLagMs: 300 } },
      directory: { '801': { kind: 'answer', afterMs: 500 } },
    });
    const harness = h;
    const { admin, room } = await harness.adminInRoom('1001');

    lagMs = 450;
    const caller = await harness.sim.placeCall({ from: '1002', to: harness.config.accessNumber });
    await harness.until(() => caller.where().state === 'gone', 'the turned-away caller hung up');
    const heard = harness.sim.heard(caller.uuid);
    // The busy prompt of the configured set, and nothing else (no PIN prompt, no room).
    const busy = runtimeSettings(harness.config).prompts.busy;
    expect(
      heard.filter((item) => item.kind === 'tone' || item.kind === 'file').map((item) => item.what),
    ).toEqual([busy]);
    expect(heard.some((item) => item.kind === 'conference')).toBe(false);
    expect(harness.controller.sessions().map((s) => s.adminUuid)).toEqual([admin.uuid]);
    expect(harness.controller.stats().overloadRefusals).toBe(1);
    const line = harness.logs.find((l) => l.includes('overloaded: access caller turned away'));
    expect(line).toBeDefined();
    expect(JSON.parse(line ?? '{}')).toMatchObject({ reason: 'event loop lag 450 ms > 300 ms', lagMs: 450 });

    // The administrator already in a session is served as before meanwhile.
    const invitee = await harness.dial(admin, '801');
    await harness.until(() => admin.where().bridgedTo === invitee.uuid, 'talking with 801');
    await admin.press('**');
    await harness.until(
      () => harness.sim.room(room)?.members.some((m) => m.uuid === invitee.uuid),
      '801 in the room',
    );

    // Back to normal: the next caller gets the PIN prompt.
    lagMs = 5;
    const next = await harness.callAccessNumber('1003');
    expect(harness.controller.sessions().some((s) => s.adminUuid === next.uuid)).toBe(true);
    expect(harness.controller.stats().overloadRefusals).toBe(1);
    for (const call of [admin, next]) await call.hangup();
  });
});
