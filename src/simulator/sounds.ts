// The sound files on the simulated switch, as FreeSWITCH 1.10.12 finds them (measured):
// - a sound package keeps each prompt only in rate folders: <sound_prefix>/conference/8000/conf-pin.wav (and
//   16000, 32000, 48000); `playback conference/conf-pin.wav` finds it there;
// - `file_exists <path>` is a plain stat: no rate folder, no variables, a relative path is relative to
//   FreeSWITCH's working directory;
// - `playback` of a missing file ends at once with Application-Response "FILE NOT FOUND" and no
//   PLAYBACK_START; a missing prompt fails a play_and_get_digits attempt at once, as wrong digits would.

/** The rate folders of FreeSWITCH's sound packages. */
export const SOUND_RATES = [8000, 16000, 32000, 48000] as const;

/**
 * Prompts of FreeSWITCH's standard English sound package (en/us/callie) that the simulator installs by
 * default: the ones the stock conference, voicemail and IVR configuration play.
 */
export const STANDARD_PROMPTS: readonly string[] = [
  'conference/conf-pin.wav',
  'conference/conf-bad-pin.wav',
  'conference/conf-alone.wav',
  'conference/conf-locked.wav',
  'conference/conf-is-locked.wav',
  'conference/conf-is-unlocked.wav',
  'conference/conf-kicked.wav',
  'conference/conf-muted.wav',
  'conference/conf-unmuted.wav',
  'conference/conf-has_joined.wav',
  'conference/conf-has_left.wav',
  'voicemail/vm-goodbye.wav',
  'voicemail/vm-hello.wav',
  'ivr/ivr-call_being_transferred.wav',
  'ivr/ivr-hold_connect_call.wav',
  'ivr/ivr-no_user_response.wav',
  'ivr/ivr-not_available.wav',
  'ivr/ivr-unallocated_number.wav',
  'ivr/ivr-that_was_an_invalid_entry.wav',
  'ivr/ivr-enter_destination_telephone_number.wav',
];

/** Streams FreeSWITCH generates itself, with no file behind them. */
const GENERATED = /^(tone_stream|silence_stream|local_stream|file_string|say|phrase):/;

export class SoundFiles {
  readonly #files = new Set<string>();

  /** @param prefix FreeSWITCH's `sound_prefix` (`global_getvar sound_prefix`). */
  constructor(readonly prefix: string) {}

  /** Installs prompts as a sound package does: each one in every rate folder under the prefix. */
  installPackage(prompts: readonly string[]): void {
    for (const prompt of prompts) for (const file of this.#rateFiles(prompt)) this.#files.add(file);
  }

  /** Removes a prompt (relative: from every rate folder) or one absolute file. */
  remove(path: string): void {
    if (path.startsWith('/')) this.#files.delete(path);
    else for (const file of this.#rateFiles(path)) this.#files.delete(file);
  }

  /** Adds one file at an absolute path (an operator's own recording). */
  add(absolutePath: string): void {
    if (!absolutePath.startsWith('/')) throw new RangeError(`not an absolute path: ${absolutePath}`);
    this.#files.add(absolutePath);
  }

  /** `file_exists`: a plain stat. A relative path is relative to the switch's working directory (none here). */
  exists(path: string): boolean {
    return path.startsWith('/') && this.#files.has(path);
  }

  /** Whether `playback` finds something to play at `path`. */
  playable(path: string): boolean {
    if (GENERATED.test(path)) return true;
    if (path.startsWith('/'))
      return this.#files.has(path) || this.#rateFiles(path).some((f) => this.#files.has(f));
    return this.#rateFiles(path).some((f) => this.#files.has(f));
  }

  /** `conference/conf-pin.wav` → `<prefix>/conference/<rate>/conf-pin.wav` for every rate. */
  #rateFiles(prompt: string): string[] {
    const absolute = prompt.startsWith('/') ? prompt : `${this.prefix}/${prompt}`;
    const slash = absolute.lastIndexOf('/');
    const dir = absolute.slice(0, slash);
    const name = absolute.slice(slash + 1);
    return SOUND_RATES.map((rate) => `${dir}/${rate}/${name}`);
  }
}
