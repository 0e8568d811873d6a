// Which prompt files the switch has. Asked at start and after every reconnect (a FreeSWITCH may come back
// with another sound package): `global_getvar sound_prefix`, then `file_exists` for each file a prompt
// set would play. `file_exists` is a plain stat, so a relative prompt (conference/conf-pin.wav) is looked
// for where sound packages keep it: <sound_prefix>/conference/<rate>/conf-pin.wav.
import { fileExists, globalVariable } from '../esl/commands.js';
import type { Logger } from '../log.js';
import { isRelativeSoundFile, SOUND_PACKAGE_RATES, soundPackagePath } from '../prompts.js';
import type { Commander } from './commander.js';

/** The answer for each file asked about; a file not asked about (a tone, a stream) needs no file. */
export type SoundFiles = (sound: string) => boolean;

/** Before the switch has answered: every file counts as missing, so prompts are tones. */
export const NO_SOUND_FILES: SoundFiles = () => false;

/** Asks the switch about `sounds` (relative or absolute files). Never throws: an error means missing. */
export async function checkSoundFiles(
  commander: Commander,
  logger: Logger,
  sounds: Iterable<string>,
): Promise<SoundFiles> {
  const files = [...new Set(sounds)].filter((s) => isRelativeSoundFile(s) || s.startsWith('/'));
  if (files.length === 0) return NO_SOUND_FILES;
  const prefix = await ask(commander, logger, globalVariable('sound_prefix'));
  const found = new Set<string>();
  await Promise.all(
    files.map(async (sound) => {
      const candidates = sound.startsWith('/')
        ? [sound]
        : prefix === undefined || prefix === ''
          ? []
          : SOUND_PACKAGE_RATES.map((rate) => soundPackagePath(prefix, sound, rate));
      for (const path of candidates) {
        if ((await ask(commander, logger, fileExists(path))) === 'true') {
          found.add(sound);
          return;
        }
      }
    }),
  );
  return (sound) => found.has(sound);
}

async function ask(
  commander: Commander,
  logger: Logger,
  command: ReturnType<typeof fileExists>,
): Promise<string | undefined> {
  const reply = await commander.api(command, logger);
  return reply.ok ? reply.body.trim() : undefined;
}
