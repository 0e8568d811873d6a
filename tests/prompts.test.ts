import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Prompt } from '../machines/actions.js';
import {
  DEFAULT_PROMPTS,
  isPromptId,
  isRelativeSoundFile,
  PROMPT_IDS,
  type PromptId,
  promptConfigKey,
  promptsOfSet,
  resolvePrompt,
  resolvePrompts,
  soundPackagePath,
  soundProblem,
  withAvailableFiles,
} from '../src/prompts.js';

/** A FreeSWITCH variable expansion, `${x}`: what must never reach a command. */
const FS_VAR = '$' + '{x}';

describe('prompt defaults', () => {
  it('cover every prompt with a sound that needs no file', () => {
    expect(Object.keys(DEFAULT_PROMPTS).sort()).toEqual([...PROMPT_IDS].sort());
    for (const id of PROMPT_IDS) {
      expect(DEFAULT_PROMPTS[id], id).toMatch(/^(tone_stream|silence_stream):\/\//);
      expect(soundProblem(DEFAULT_PROMPTS[id]), id).toBeUndefined();
    }
  });

  it('play dial tone and ringback as FreeSWITCH does', () => {
    expect(DEFAULT_PROMPTS['dial-tone']).toBe('tone_stream://%(10000,0,350,440)');
    expect(DEFAULT_PROMPTS.ringback).toBe('tone_stream://%(2000,4000,440,480);loops=-1');
  });

  it('give voicemail detection a tone of its own', () => {
    const others = PROMPT_IDS.filter((id) => id !== 'voicemail-detected').map((id) => DEFAULT_PROMPTS[id]);
    expect(others).not.toContain(DEFAULT_PROMPTS['voicemail-detected']);
  });

  it('put loops=, when used, at the end of the tone', () => {
    for (const id of PROMPT_IDS) {
      const loops = DEFAULT_PROMPTS[id].indexOf(';loops=');
      if (loops >= 0) expect(DEFAULT_PROMPTS[id].slice(loops), id).toMatch(/^;loops=-?\d+$/);
    }
  });

  it('cover every prompt the machines can ask for', () => {
    expectTypeOf<Prompt>().toExtend<PromptId>();
    const fromMachines: Prompt[] = [
      'wrong-pin',
      'goodbye',
      'locked-out',
      'voicemail-detected',
      'invitee-hung-up',
      'service-error',
      'no-answer',
      'busy',
      'rejected',
      'unreachable',
      'invalid-number',
      'not-allowed',
      'failed',
    ];
    for (const id of fromMachines) expect(isPromptId(id), id).toBe(true);
  });
});

describe('resolvePrompt', () => {
  it('uses a configured sound, else the default', () => {
    expect(resolvePrompt('busy', { busy: '/sounds/busy.wav' })).toBe('/sounds/busy.wav');
    expect(resolvePrompt('busy', { goodbye: '/sounds/bye.wav' })).toBe(DEFAULT_PROMPTS.busy);
    expect(resolvePrompt('busy', { busy: '' })).toBe(DEFAULT_PROMPTS.busy);
  });

  it('resolves all prompts at once', () => {
    const all = resolvePrompts({ joined: 'ivr/joined.wav' });
    expect(all.joined).toBe('ivr/joined.wav');
    expect(all['enter-pin']).toBe(DEFAULT_PROMPTS['enter-pin']);
    expect(Object.keys(all)).toHaveLength(PROMPT_IDS.length);
  });
});

describe('promptConfigKey and soundProblem', () => {
  it('turn prompt ids into camelCase keys', () => {
    expect(promptConfigKey('voicemail-detected')).toBe('voicemailDetected');
    expect(promptConfigKey('busy')).toBe('busy');
  });

  it.each([
    ['/usr/share/freeswitch/sounds/en/us/callie/ivr/8000/ivr-welcome.wav', undefined],
    ['local_stream://moh', undefined],
    ['', 'empty'],
    ['a.wav\nhangup', 'one line'],
    ["a.wav' evil", 'quotes'],
    [`${FS_VAR}/x.wav`, '$'],
    ['x'.repeat(513), '512'],
  ])('%j', (value, problem) => {
    if (problem === undefined) expect(soundProblem(value)).toBeUndefined();
    else expect(soundProblem(value)).toContain(problem);
  });
});

describe('prompt sets', () => {
  it('freeswitch speaks where a standard sound file fits and keeps call-progress tones', () => {
    const voice = promptsOfSet('freeswitch');
    expect(voice['enter-pin']).toBe('conference/conf-pin.wav');
    expect(voice['wrong-pin']).toBe('conference/conf-bad-pin.wav');
    expect(voice.goodbye).toBe('voicemail/vm-goodbye.wav');
    for (const tone of ['dial-tone', 'ringback', 'busy', 'hold-music'] as const)
      expect(voice[tone]).toBe(DEFAULT_PROMPTS[tone]);
    expect(promptsOfSet('tones')).toEqual(DEFAULT_PROMPTS);
  });

  it("the operator's own sound wins over the set", () => {
    expect(promptsOfSet('freeswitch', { 'enter-pin': '/custom/pin.wav' })['enter-pin']).toBe(
      '/custom/pin.wav',
    );
  });

  it('a file the switch lacks falls back to its tone, and is named', () => {
    const voice = promptsOfSet('freeswitch', { 'dial-tone': '/custom/dial.wav' });
    const { prompts, missing } = withAvailableFiles(voice, (sound) => sound === 'conference/conf-pin.wav');
    expect(prompts['enter-pin']).toBe('conference/conf-pin.wav');
    expect(prompts['wrong-pin']).toBe(DEFAULT_PROMPTS['wrong-pin']);
    expect(prompts['dial-tone']).toBe(DEFAULT_PROMPTS['dial-tone']);
    expect(missing.map((m) => m.id).sort()).toEqual(
      [
        'dial-tone',
        'goodbye',
        'invalid-number',
        'no-answer',
        'not-allowed',
        'unreachable',
        'wrong-pin',
      ].sort(),
    );
  });

  it('where a sound package keeps a prompt', () => {
    expect(soundPackagePath('/usr/share/freeswitch/sounds/en/us/callie', 'conference/conf-pin.wav')).toBe(
      '/usr/share/freeswitch/sounds/en/us/callie/conference/8000/conf-pin.wav',
    );
    expect(isRelativeSoundFile('conference/conf-pin.wav')).toBe(true);
    expect(isRelativeSoundFile('/abs/x.wav')).toBe(false);
    expect(isRelativeSoundFile('tone_stream://%(100,0,440)')).toBe(false);
  });
});
