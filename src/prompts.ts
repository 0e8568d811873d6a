// What the administrator hears, by prompt id. Two prompt sets: `freeswitch` speaks with FreeSWITCH's standard
// English sound files where one fits ("please enter the conference PIN"), and keeps call-progress tones
// (dial tone, ringback, busy) as tones; `tones` is tones only, for a FreeSWITCH without sound files. A voice
// prompt whose file the switch does not have falls back to its tone. Operators override any prompt.
// Pure data: src/esl/commands.ts quotes and escapes these strings when it builds a command.

export const PROMPT_IDS = [
  'enter-pin',
  'wrong-pin',
  'goodbye',
  'locked-out',
  'dial-tone',
  'ringback',
  'returning',
  'joined',
  'hold-music',
  'no-answer',
  'busy',
  'rejected',
  'unreachable',
  'invalid-number',
  'not-allowed',
  'failed',
  'invitee-hung-up',
  'voicemail-detected',
  'service-error',
  'service-unavailable',
] as const;

export type PromptId = (typeof PROMPT_IDS)[number];

// Tone families, so a caller learns them: rising = good, falling = leaving, 480+620 Hz = refused (reorder),
// the three-step special information tone (SIT) = the number can't be reached.
const RISING = 'tone_stream://%(120,40,600);%(120,40,800);%(200,0,1000)';
const FALLING_SHORT = 'tone_stream://%(150,50,800);%(200,0,600)';
const REORDER_TWICE = 'tone_stream://%(250,250,480,620);loops=2';
const SIT = 'tone_stream://%(274,0,913.8);%(274,0,1370.6);%(380,0,1776.7)';

/** Defaults: `tone_stream://` and `silence_stream://` need no files (mod_tone_stream, core). */
export const DEFAULT_PROMPTS: Readonly<Record<PromptId, string>> = {
  'enter-pin': 'tone_stream://%(200,100,600);%(300,0,900)',
  'wrong-pin': 'tone_stream://%(300,100,480,620);%(300,0,480,620)',
  goodbye: 'tone_stream://%(150,50,1000);%(150,50,800);%(300,0,600)',
  'locked-out': 'tone_stream://%(250,250,480,620);loops=4',
  // North American dial tone (trace 04), one continuous tone: number entry plays it until the first key or
  // the return to the room at dialTimeoutMs (dialToneFor).
  'dial-tone': 'tone_stream://%(10000,0,350,440)',
  // FreeSWITCH's own us-ring, repeated until the next command on the leg.
  ringback: 'tone_stream://%(2000,4000,440,480);loops=-1',
  returning: FALLING_SHORT,
  joined: RISING,
  // A soft beep every 6 s: the held party knows the call is still there (silence sounds like a dropped call).
  'hold-music': 'tone_stream://%(200,5800,440);loops=-1',
  'no-answer': 'tone_stream://%(400,200,440);%(400,0,350)',
  // North American busy cadence (0.5 s on, 0.5 s off), three times.
  busy: 'tone_stream://%(500,500,480,620);loops=3',
  rejected: REORDER_TWICE,
  unreachable: SIT,
  'invalid-number': SIT,
  'not-allowed': 'tone_stream://%(250,250,480,620);loops=3',
  failed: REORDER_TWICE,
  'invitee-hung-up': 'tone_stream://%(200,100,600);%(200,0,450)',
  // Deliberately unlike every other prompt: a fast high warble that says "this was a machine".
  'voicemail-detected': 'tone_stream://%(100,40,1400);%(100,40,1800);loops=5',
  'service-error': 'tone_stream://%(250,250,480,620);loops=2',
  // The dialplan's own fallback (freeswitch-config/dialplan/dynconf.xml) plays this same tone.
  'service-unavailable': `${SIT};loops=2`,
};

/**
 * The `freeswitch` set: sound files of FreeSWITCH's English sound package (the ones its stock conference,
 * voicemail and IVR configuration play), relative to `sound_prefix`. Prompts not listed keep their tone.
 */
export const VOICE_PROMPT_FILES: Readonly<Partial<Record<PromptId, string>>> = {
  'enter-pin': 'conference/conf-pin.wav',
  'wrong-pin': 'conference/conf-bad-pin.wav',
  goodbye: 'voicemail/vm-goodbye.wav',
  'no-answer': 'ivr/ivr-no_user_response.wav',
  unreachable: 'ivr/ivr-not_available.wav',
  'invalid-number': 'ivr/ivr-unallocated_number.wav',
  'not-allowed': 'ivr/ivr-that_was_an_invalid_entry.wav',
};

export const PROMPT_SETS = ['freeswitch', 'tones'] as const;
export type PromptSet = (typeof PROMPT_SETS)[number];

/** A file FreeSWITCH plays from its sound directories (not a tone, a stream or an absolute path). */
export function isRelativeSoundFile(sound: string): boolean {
  return (
    !sound.startsWith('/') &&
    !/^[a-z_]+:\/\//.test(sound) &&
    /\.(wav|mp3|ogg|flac|au|raw|r8|r16)$/i.test(sound)
  );
}

/** The rate folders FreeSWITCH's sound packages keep each prompt in. */
export const SOUND_PACKAGE_RATES = [8000, 16000, 32000, 48000] as const;

/** Where a sound package keeps a relative prompt: `conference/conf-pin.wav` → `<prefix>/conference/8000/conf-pin.wav`. */
export function soundPackagePath(prefix: string, relative: string, rate = 8000): string {
  const slash = relative.lastIndexOf('/');
  const dir = slash < 0 ? '' : `/${relative.slice(0, slash)}`;
  return `${prefix}${dir}/${rate}/${relative.slice(slash + 1)}`;
}

/** The sounds a set (with the operator's overrides) would play, by prompt, before checking any file. */
export function promptsOfSet(set: PromptSet, overrides: PromptOverrides = {}): Record<PromptId, string> {
  const out = {} as Record<PromptId, string>;
  for (const id of PROMPT_IDS) {
    const configured = overrides[id];
    const voice = set === 'freeswitch' ? VOICE_PROMPT_FILES[id] : undefined;
    out[id] = configured !== undefined && configured.length > 0 ? configured : (voice ?? DEFAULT_PROMPTS[id]);
  }
  return out;
}

/**
 * The shortest wait for a first key FreeSWITCH's play_and_get_digits makes after its prompt: mod_dptools
 * raises any shorter timeout to this.
 */
export const FIRST_KEY_WAIT_FLOOR_MS = 1000;

/** One continuous tone: a single `%(on,0,frequencies)` segment without loops. */
const CONTINUOUS_TONE = /^tone_stream:\/\/%\(\d+,0,(\d+(?:\.\d+)?(?:,\d+(?:\.\d+)?)*)\)$/;

/** How much longer than dialTimeoutMs a continuous dial tone is made: still playing when it is cut. */
export const DIAL_TONE_OVERRUN_MS = 1000;

/**
 * The dial tone as number entry plays it, and FreeSWITCH's own wait for the first key after it. The
 * runtime ends an entry without a key `dialTimeoutMs` after the tone started (DigitCollection
 * .noKeyWithinMs), moving the administrator back to the room, which cuts the tone. A continuous tone (the
 * default) is made to outlast that moment, so the administrator hears it until the move; play_and_get_digits
 * starts its own wait only when the tone has ended, and that wait is the shortest FreeSWITCH makes (the
 * entry still ends without a controller). Any other sound plays as it is, followed by the whole
 * `dialTimeoutMs`. The first key stops the tone either way.
 */
export function dialToneFor(
  sound: string,
  dialTimeoutMs: number,
): { prompt: string; firstKeyWaitMs: number } {
  const frequencies = CONTINUOUS_TONE.exec(sound)?.[1];
  if (frequencies === undefined) return { prompt: sound, firstKeyWaitMs: dialTimeoutMs };
  return {
    prompt: `tone_stream://%(${Math.round(dialTimeoutMs) + DIAL_TONE_OVERRUN_MS},0,${frequencies})`,
    firstKeyWaitMs: FIRST_KEY_WAIT_FLOOR_MS,
  };
}

/**
 * What a configuration without prompt settings plays on a FreeSWITCH that has the English sound package:
 * the `freeswitch` set.
 */
export const SHIPPED_PROMPTS: Readonly<Record<PromptId, string>> = promptsOfSet('freeswitch');

/**
 * The prompts to play once the switch has said which files exist: a file it does not have is replaced by
 * the prompt's tone. `missing` lists the replaced prompts with their files, for one warning.
 */
export function withAvailableFiles(
  prompts: Readonly<Record<PromptId, string>>,
  exists: (sound: string) => boolean,
): { prompts: Record<PromptId, string>; missing: Array<{ id: PromptId; sound: string }> } {
  const out = { ...prompts };
  const missing: Array<{ id: PromptId; sound: string }> = [];
  for (const id of PROMPT_IDS) {
    const sound = prompts[id];
    const isFile = isRelativeSoundFile(sound) || sound.startsWith('/');
    if (isFile && !exists(sound)) {
      missing.push({ id, sound });
      out[id] = DEFAULT_PROMPTS[id];
    }
  }
  return { prompts: out, missing };
}

export function isPromptId(value: string): value is PromptId {
  return (PROMPT_IDS as readonly string[]).includes(value);
}

/** The configuration key of a prompt: `enter-pin` → `enterPin` (config keys are camelCase). */
export function promptConfigKey(id: PromptId): string {
  return id.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Configured sounds by prompt id; a missing or empty entry falls back to the default tone. */
export type PromptOverrides = Partial<Record<PromptId, string>>;

export function resolvePrompt(id: PromptId, overrides: PromptOverrides = {}): string {
  const configured = overrides[id];
  return configured !== undefined && configured.length > 0 ? configured : DEFAULT_PROMPTS[id];
}

/** Every prompt resolved once, e.g. at start. */
export function resolvePrompts(overrides: PromptOverrides = {}): Readonly<Record<PromptId, string>> {
  const out = {} as Record<PromptId, string>;
  for (const id of PROMPT_IDS) out[id] = resolvePrompt(id, overrides);
  return out;
}

/**
 * Whether a configured sound is acceptable: a file path or a FreeSWITCH sound URL on one line, without the
 * characters that would end an argument or start a variable expansion (`'`, `"`, `$`, `{`, `}`, control).
 */
export function soundProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 512) return 'must be at most 512 characters';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'must be on one line, without control characters';
  if (/['"${}`\\]/.test(value)) return 'must not contain quotes, backslashes, `$`, `{` or `}`';
  return undefined;
}
