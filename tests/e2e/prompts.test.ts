// Voice prompts by default: FreeSWITCH's English sound files where the switch has them, each missing file
// played as its tone (asked at start and after every reconnect), tones only on request.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROMPTS, SHIPPED_PROMPTS } from '../../src/prompts.js';
import { finishHarness, type Harness, startHarness, WRONG_PIN } from './support/harness.js';

let h: Harness | undefined;
afterEach(async (context) => {
  await finishHarness(h, context.task.result?.state === 'fail');
  h = undefined;
});

const missingWarnings = (harness: Harness) =>
  harness.logs.filter((line) => line.includes('prompt files FreeSWITCH does not have'));

describe('prompts', () => {
  it('a switch with the English sounds: "enter the PIN", "bad PIN" and goodbye are spoken', async () => {
    h = await startHarness();
    const admin = await h.callAccessNumber();
    expect(h.heard(admin.uuid, 'conference/conf-pin.wav')).toBe(true);
    const again = h.nextCollect(admin);
    await h.enterPin(admin, WRONG_PIN);
    await again;
    expect(h.heard(admin.uuid, 'conference/conf-bad-pin.wav')).toBe(true);
    expect(missingWarnings(h)).toEqual([]);
    await admin.hangup();
  });

  it('a switch without sound files: every prompt is its tone, and one warning names the files', async () => {
    h = await startHarness({ sounds: 'none' });
    const admin = await h.callAccessNumber();
    expect(h.heard(admin.uuid, DEFAULT_PROMPTS['enter-pin'])).toBe(true);
    expect(h.heard(admin.uuid, 'conference/conf-pin.wav')).toBe(false);
    const warnings = missingWarnings(h);
    expect(warnings).toHaveLength(1);
    const files = (JSON.parse(warnings[0] ?? '{}') as { files?: string[] }).files ?? [];
    expect(files).toContain('conference/conf-pin.wav');
    expect(files).toContain('voicemail/vm-goodbye.wav');
    await admin.hangup();
  });

  it('one file missing: only that prompt falls back to its tone', async () => {
    h = await startHarness({ sounds: 'none' });
    h.sim.sounds.installPackage(Object.values(SHIPPED_PROMPTS).filter((s) => s.endsWith('.wav')));
    h.sim.sounds.remove('conference/conf-bad-pin.wav');
    await h.restartController({ crash: false });
    const admin = await h.callAccessNumber();
    expect(h.heard(admin.uuid, 'conference/conf-pin.wav')).toBe(true);
    const again = h.nextCollect(admin);
    await h.enterPin(admin, WRONG_PIN);
    await again;
    expect(h.heard(admin.uuid, DEFAULT_PROMPTS['wrong-pin'])).toBe(true);
    expect(h.heard(admin.uuid, 'conference/conf-bad-pin.wav')).toBe(false);
    await admin.hangup();
  });

  it('asked again after a reconnect: sounds installed while FreeSWITCH was down are used', async () => {
    h = await startHarness({ sounds: 'none' });
    const before = await h.callAccessNumber('1001');
    expect(h.heard(before.uuid, DEFAULT_PROMPTS['enter-pin'])).toBe(true);
    await before.hangup();
    await h.until(() => h?.controller.sessions().length === 0, 'the first session to end');
    h.sim.sounds.installPackage(Object.values(SHIPPED_PROMPTS).filter((s) => s.endsWith('.wav')));
    const controller = h.controller;
    await h.drive(h.sim.faults.restart({ downMs: 2000 }), 'FreeSWITCH to restart');
    await h.until(() => controller.connection.state === 'connected', 'the event socket back');
    // The recovery of the reconnect asks about the sound files before it takes the calls over.
    await h.drive(controller.recovered(), 'the recovery after the reconnect');
    const after = await h.callAccessNumber('1002');
    expect(h.heard(after.uuid, 'conference/conf-pin.wav')).toBe(true);
    await after.hangup();
  });

  it('promptSet tones: tones even where the files exist', async () => {
    h = await startHarness({ config: { promptSet: 'tones' } });
    const admin = await h.callAccessNumber();
    expect(h.heard(admin.uuid, DEFAULT_PROMPTS['enter-pin'])).toBe(true);
    expect(h.heard(admin.uuid, 'conference/conf-pin.wav')).toBe(false);
    await admin.hangup();
  });
});
