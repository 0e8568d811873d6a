import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Prompt } from '../machines/actions.js';
import {
  DEFAULT_PROMPTS,
  isPromptId,
  PROMPT_IDS,
  type PromptId,
  promptConfigKey,
  resolvePrompt,
  resolvePrompts,
  soundProblem,
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
