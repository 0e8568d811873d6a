// What a leg heard, in words: dynconf's prompts by their id, and the sounds FreeSWITCH plays by itself
// (conference announcements, voicemail). Silence, parking and DTMF echoes are not worth a line.
import { isRelativeSoundFile, type PromptId } from '../prompts.js';
import type { HeardItem } from '../simulator/index.js';

const PROMPT_LABELS: Readonly<Record<PromptId, string>> = {
  'enter-pin': 'PIN prompt',
  'wrong-pin': 'wrong-PIN tone',
  goodbye: 'goodbye tone',
  'locked-out': 'locked-out tone',
  'dial-tone': 'dial tone',
  ringback: 'ringback',
  returning: 'returning tone',
  joined: 'joined tone',
  'hold-music': 'hold music',
  'no-answer': 'no-answer tone',
  busy: 'busy tone',
  rejected: 'call-rejected tone',
  unreachable: 'unreachable tone',
  'invalid-number': 'invalid-number tone',
  'not-allowed': 'number-not-allowed tone',
  failed: 'call-failed tone',
  'invitee-hung-up': 'invitee-hung-up tone',
  'voicemail-detected': 'voicemail-detected tone',
  'service-error': 'service-error tone',
  'service-unavailable': 'service-unavailable tone',
};

/** Sounds of FreeSWITCH itself, by the end of their path or URL. */
const SWITCH_SOUNDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/conf-alone\.wav$/, '"you are the only person in this conference"'],
  [/conf-locked\.wav$/, '"this conference is locked"'],
  [/^tone_stream:\/\/%\(200,0,500,600,700\)$/, 'conference join beep'],
  [/^tone_stream:\/\/%\(500,0,300,200,100,50,25\)$/, 'conference leave beep'],
  [/vm-person\.wav$/, 'voicemail greeting'],
  [/^tone_stream:\/\/%\(1000,0,640\)$/, 'voicemail beep'],
];

/**
 * Names sounds. `prompts`: the sounds dynconf is configured with. Where prompts share a sound (the default
 * tones come in families: reorder, special information tone) the first prompt id names it.
 */
export class Sounds {
  readonly #byPath = new Map<string, string>();

  constructor(prompts: Readonly<Record<PromptId, string>>) {
    for (const [id, path] of Object.entries(prompts) as Array<[PromptId, string]>) {
      // A voice prompt is named by its file, as the operator finds it in the sound package.
      const label = isRelativeSoundFile(path) ? path.replace(/\.[a-z0-9]+$/i, '') : PROMPT_LABELS[id];
      if (!this.#byPath.has(path)) this.#byPath.set(path, label);
    }
  }

  /** What a leg heard, in words; undefined for what is not worth a line. */
  heard(item: HeardItem): string | undefined {
    // A lone member's music on hold follows "you are the only person…": one line says it.
    if (item.what.startsWith('local_stream://moh')) return undefined;
    switch (item.kind) {
      case 'tone':
      case 'file':
        return (
          this.#byPath.get(item.what) ??
          SWITCH_SOUNDS.find(([pattern]) => pattern.test(item.what))?.[1] ??
          item.what.replace(/^.*\//, '')
        );
      case 'ringback':
        return 'ringback';
      default:
        return undefined;
    }
  }

  /** The dynconf prompt an application's arguments play (`playback <sound>`, `play_and_get_digits … <sound> …`). */
  playedBy(applicationData: string | undefined): string | undefined {
    if (applicationData === undefined) return undefined;
    for (const token of applicationData.split(' ')) {
      const label = this.#byPath.get(token);
      if (label !== undefined) return label;
    }
    return undefined;
  }
}
