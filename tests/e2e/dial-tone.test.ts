// The dial tone after `0` (issue 15, item 4): it plays for the whole dialTimeoutMs and the first key stops
// it; with no key the administrator is back in the room dialTimeoutMs after the `0`. The simulator keeps
// FreeSWITCH's play_and_get_digits: its wait for the first key starts only when the prompt has ended.
// Times are the simulator's own (Event-Date-Timestamp), on the virtual clock.
import { afterEach, describe, expect, it } from 'vitest';
import { DIAL_TONE_OVERRUN_MS, dialToneFor, SHIPPED_PROMPTS } from '../../src/prompts.js';
import type { SimEvent } from '../../src/simulator/index.js';
import { finishHarness, type Harness, startHarness } from './support/harness.js';

let h: Harness | undefined;

afterEach(async () => {
  const harness = h;
  h = undefined;
  await finishHarness(harness);
});

const DIAL_TIMEOUT_MS = 7000;

const timeMs = (event: SimEvent) => Number(event.get('Event-Date-Timestamp')) / 1000;

/** Every event of the leg from now on, as the simulator sent it. */
function record(harness: Harness, uuid: string): SimEvent[] {
  const events: SimEvent[] = [];
  harness.sim.onEvent((event) => {
    if (event.uuid === uuid) events.push(event);
  });
  return events;
}

describe('dial tone after 0', () => {
  it('no key: the tone plays the whole dialTimeoutMs, then the administrator is back in the room at once', async () => {
    h = await startHarness({ config: { dialTimeoutMs: DIAL_TIMEOUT_MS } });
    const { admin, room } = await h.adminInRoom();
    const events = record(h, admin.uuid);
    const collect = h.nextCollect(admin);
    const pressedAt = h.clock.now();
    await admin.press('0');
    await collect;
    await admin.waitUntil('in-conference', { room, timeoutMs: 5000 });
    await h.sessionState(admin.uuid, 'inRoom');

    const tone = dialToneFor(SHIPPED_PROMPTS['dial-tone'], DIAL_TIMEOUT_MS).prompt;
    expect(tone).toBe(`tone_stream://%(${DIAL_TIMEOUT_MS + DIAL_TONE_OVERRUN_MS},0,350,440)`);
    const started = events.find((e) => e.name === 'PLAYBACK_START' && e.get('Playback-File-Path') === tone);
    const stopped = events.find((e) => e.name === 'PLAYBACK_STOP' && e.get('Playback-File-Path') === tone);
    const back = events.find(
      (e) =>
        e.name === 'CUSTOM' && e.subclass === 'conference::maintenance' && e.get('Action') === 'add-member',
    );
    if (started === undefined || stopped === undefined || back === undefined)
      throw new Error('no dial tone, or no return to the room');
    // Dial tone for the whole dialTimeoutMs, still playing when the move back to the room cut it (before
    // its own end): no silence.
    expect(timeMs(stopped) - timeMs(started)).toBeGreaterThanOrEqual(DIAL_TIMEOUT_MS);
    expect(timeMs(stopped) - timeMs(started)).toBeLessThan(DIAL_TIMEOUT_MS + DIAL_TONE_OVERRUN_MS);
    expect(timeMs(back) - timeMs(stopped)).toBeLessThan(100);
    // Back in the room dialTimeoutMs after the 0 (within a second), not after a silent wait on top of it.
    expect(Math.abs(timeMs(back) - pressedAt - DIAL_TIMEOUT_MS)).toBeLessThanOrEqual(1000);
    // From the tone to the room, nothing else was played.
    const heard = h.sim
      .heard(admin.uuid)
      .filter((item) => item.at >= timeMs(started) && item.at < timeMs(back));
    expect(
      heard.filter((item) => item.kind === 'tone' || item.kind === 'file').map((item) => item.what),
    ).toEqual([tone]);
    expect(h.controller.stats().invitations).toBe(0);
    await admin.hangup();
  });

  it('right after ** and after *#, the next 0 gives dial tone at once', async () => {
    h = await startHarness({ directory: { '801': { kind: 'answer', afterMs: 300 } } });
    const { admin, room } = await h.adminInRoom();
    for (const keys of ['**', '*#']) {
      const invitee = await h.dial(admin, '801');
      await h.sessionState(admin.uuid, 'invitation.talking');
      await h.until(() => admin.where().bridgedTo === invitee.uuid, 'the private talk');
      await admin.press(keys);
      await admin.waitUntil('in-conference', { room });
      await h.sessionState(admin.uuid, 'inRoom');
      const collect = h.nextCollect(admin);
      const pressedAt = h.clock.now();
      await admin.press('0');
      const dialTone = await collect;
      // Nothing left over from the private talk holds the move out of the room (no park is awaited).
      expect(timeMs(dialTone) - pressedAt).toBeLessThan(1000);
      await admin.waitUntil('in-conference', { room, timeoutMs: 20_000 });
      await h.sessionState(admin.uuid, 'inRoom');
    }
    await admin.hangup();
  });

  it('the first key stops the tone; a number keyed slowly past dialTimeoutMs is still called', async () => {
    h = await startHarness({
      config: { dialTimeoutMs: DIAL_TIMEOUT_MS },
      directory: { '801': { kind: 'ring-forever' } },
    });
    const { admin } = await h.adminInRoom();
    const events = record(h, admin.uuid);
    const collect = h.nextCollect(admin);
    await admin.press('0');
    await collect;
    const started = h.clock.now();
    // 8 after 3 s, then a key every 2.5 s (under the 3 s digit timeout): the # comes 10.5 s after the tone.
    await h.until(() => h !== undefined && h.clock.now() >= started + 3000, '3 s of dial tone');
    await admin.press('801#', { gapMs: 2500 });
    const invitee = await h.until(() => h?.inviteeLegs()[0], 'the invitee called', { timeoutMs: 5000 });
    expect(invitee.variables.dynconf_admin).toBe(admin.uuid);

    const tone = events.findIndex((e) => e.name === 'PLAYBACK_START');
    const toneStart = events[tone];
    const stopped = events.find((e, i) => i > tone && e.name === 'PLAYBACK_STOP');
    const firstKey = events.find((e, i) => i > tone && e.name === 'DTMF');
    if (toneStart === undefined || stopped === undefined || firstKey === undefined)
      throw new Error('no key during the dial tone');
    // The key came 3 s into the 7 s tone, and the tone stopped right then.
    expect(timeMs(firstKey) - timeMs(toneStart)).toBeGreaterThanOrEqual(3000);
    expect(timeMs(firstKey) - timeMs(toneStart)).toBeLessThan(DIAL_TIMEOUT_MS);
    expect(stopped.get('Playback-Status')).toBe('break');
    expect(timeMs(stopped)).toBe(timeMs(firstKey));
    await h.sessionState(admin.uuid, 'invitation.ringing');
    await admin.hangup();
  });
});
