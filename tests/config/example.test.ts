// dynconf.example.yaml documents every field and is valid once its placeholder PIN is replaced.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/index.js';
import { PROMPT_IDS, promptConfigKey } from '../../src/prompts.js';

const example = resolve(import.meta.dirname, '../../dynconf.example.yaml');

function leafKeys(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafKeys(child, [...prefix, key]));
}

describe('dynconf.example.yaml', () => {
  it('is valid once adminPins holds a real PIN', () => {
    const result = loadConfig({ file: example, env: { DYNCONF_ADMIN_PINS: '2580' } });
    expect(result.ok).toBe(true);
  });

  it('is refused as it is, because of the placeholder PIN only', () => {
    const result = loadConfig({ file: example, env: {} });
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['adminPins[0]']);
  });

  it('mentions every field of the configuration and every prompt key', () => {
    const text = readFileSync(example, 'utf8');
    const full = parseConfig({
      eventSocket: { password: 'x' },
      adminPins: ['1234'],
      http: { token: 'x'.repeat(16) },
    });
    if (!full.ok) throw new Error('fixture must be valid');
    for (const path of leafKeys(full.config)) {
      const last = path[path.length - 1] ?? '';
      if (path[0] === 'prompts') continue;
      expect(text, path.join('.')).toMatch(new RegExp(`\\b${last}:`));
    }
    for (const key of [
      'name',
      'pattern',
      'dialString',
      'gateway',
      'callerIdNumber',
      'callerIdName',
      'ringTimeoutMs',
      'answerSupervision',
      'allow',
    ]) {
      expect(text, `routes[].${key}`).toContain(key);
    }
    for (const id of PROMPT_IDS) expect(text, id).toContain(promptConfigKey(id));
  });
});
