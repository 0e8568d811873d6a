// Voice prompts on a real FreeSWITCH: sound files laid out as FreeSWITCH's sound packages lay them out
// (<sound_prefix>/conference/8000/conf-pin.wav), found by dynconf with file_exists when it starts, and a
// prompt whose file is missing played as its tone. The files are made here, in this run's own directory;
// the switch's sound_prefix is pointed at it for these scenarios and set back afterwards.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROMPTS } from '../../src/prompts.js';
import type { E2eEnvironment } from './support/environment.js';
import type { FreeSwitchDriver } from './support/freeswitch-driver.js';
import { waitInRoom, waitUntilCollecting } from './support/observe.js';
import { dial, hangUp, press } from './support/phones.js';
import { planFromEnv } from './support/plan.js';
import { useEnvironment } from './support/use-environment.js';

const plan = await planFromEnv();
const SCENARIO_TIMEOUT_MS = 60_000;

/** Half a second of silence, 8 kHz 16-bit mono PCM: a sound file FreeSWITCH plays. */
function silentWav(): Buffer {
  const samples = 4000;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples * 2, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples * 2, 40);
  return Buffer.concat([header, Buffer.alloc(samples * 2)]);
}

describe.skipIf(plan.kind === 'skip')('voice prompts on a real FreeSWITCH', () => {
  let sounds: string | undefined;
  let previousPrefix = '';
  const environment = useEnvironment(plan, {
    setUp: async (env) => {
      previousPrefix = (await env.fs.api('global_getvar sound_prefix')).trim();
      sounds = mkdtempSync(join(tmpdir(), 'dynconf-e2e-sounds-'));
    },
    tearDown: async (env) => {
      if (previousPrefix !== '') await env.fs.api(`global_setvar sound_prefix=${previousPrefix}`);
      if (sounds !== undefined) rmSync(sounds, { recursive: true, force: true });
    },
  });

  function the(): { fs: FreeSwitchDriver; pin: string; env: E2eEnvironment; sounds: string } {
    const env = environment();
    if (sounds === undefined) throw new Error('the end-to-end environment did not start');
    return { fs: env.fs, pin: env.pin, env, sounds };
  }

  /** Lays out `prompts` as a sound package does, points the switch at them, and lets dynconf look again. */
  async function installSounds(prompts: readonly string[]): Promise<void> {
    const { fs, env: e, sounds: dir } = the();
    rmSync(dir, { recursive: true, force: true });
    for (const prompt of prompts) {
      const file = join(dir, dirname(prompt), '8000', prompt.slice(prompt.lastIndexOf('/') + 1));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, silentWav());
    }
    expect((await fs.api(`global_setvar sound_prefix=${dir}`)).trim()).toMatch(/^\+OK|^$/);
    const controller = e.controller;
    if (controller === undefined) throw new Error('dynconf was not started by the suite');
    // dynconf asks which files exist when it starts (and after every reconnect).
    await controller.stop();
    await controller.start();
  }

  it(
    'the PIN prompt is FreeSWITCH\'s own "conference PIN" file when the switch has it',
    async () => {
      const { fs, pin } = the();
      await installSounds(['conference/conf-pin.wav', 'conference/conf-bad-pin.wav']);
      const mark = fs.cursor();
      const admin = await dial(fs, { from: '1501', to: '900' });
      const collecting = await waitUntilCollecting(fs, admin.leg, mark);
      expect(collecting.header('Application-Data')).toContain('conference/conf-pin.wav');
      // The file really played (a missing one would fail the entry at once, with no PLAYBACK_START).
      await fs.waitForEvent(
        'the prompt to play',
        (e) => e.name === 'PLAYBACK_START' && e.uuid === admin.leg,
        { after: mark },
      );
      await press(fs, admin, `${pin}#`);
      await waitInRoom(fs, admin.leg, { moderator: true, members: 1 });
      await hangUp(fs, admin);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    'a prompt whose file the switch lacks is played as its tone; the others stay spoken',
    async () => {
      const { fs, pin } = the();
      await installSounds(['conference/conf-pin.wav']);
      const mark = fs.cursor();
      const admin = await dial(fs, { from: '1502', to: '900' });
      const first = await waitUntilCollecting(fs, admin.leg, mark);
      expect(first.header('Application-Data')).toContain('conference/conf-pin.wav');
      const wrong = fs.cursor();
      await press(fs, admin, '0000#');
      await waitUntilCollecting(fs, admin.leg, wrong);
      const played = fs
        .events(wrong)
        .filter(
          (e) =>
            e.name === 'CHANNEL_EXECUTE' && e.uuid === admin.leg && e.header('Application') === 'playback',
        )
        .map((e) => e.header('Application-Data') ?? '');
      expect(played.some((data) => data.includes(DEFAULT_PROMPTS['wrong-pin']))).toBe(true);
      expect(played.some((data) => data.includes('conf-bad-pin'))).toBe(false);
      await press(fs, admin, `${pin}#`);
      await waitInRoom(fs, admin.leg, { moderator: true, members: 1 });
      await hangUp(fs, admin);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
