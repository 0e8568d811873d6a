// esl-lite as published, for comparison: a temporary copy of node_modules/esl-lite with dynconf's
// patch (patches/esl-lite+3.2.0.patch) taken out again. Nothing of esl-lite is kept in the project.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const PATCH = resolve('patches/esl-lite+3.2.0.patch');
const PACKAGE = resolve('node_modules/esl-lite');
const ENTRY = 'esl-lite.mjs';

interface Hunk {
  readonly before: string;
  readonly after: string;
}

/** The hunks of one file in a unified diff, as the text before and after each. */
export function hunksOf(patch: string, file: string): Hunk[] {
  const hunks: Hunk[] = [];
  let inFile = false;
  let before: string[] | undefined;
  let after: string[] = [];
  const flush = () => {
    if (before !== undefined) hunks.push({ before: before.join('\n'), after: after.join('\n') });
    before = undefined;
  };
  for (const line of patch.split('\n')) {
    if (line.startsWith('diff --git ')) {
      flush();
      inFile = line.endsWith(`/${file}`);
      continue;
    }
    if (!inFile || line.startsWith('--- ') || line.startsWith('+++ ') || line.startsWith('index ')) continue;
    if (line.startsWith('@@')) {
      flush();
      before = [];
      after = [];
    } else if (before !== undefined && line !== '' && !line.startsWith('\\')) {
      const text = line.slice(1);
      if (!line.startsWith('+')) before.push(text);
      if (!line.startsWith('-')) after.push(text);
    }
  }
  flush();
  return hunks;
}

/** Reverses `hunks` in `text`; every hunk must be found exactly once. */
export function unpatch(text: string, hunks: readonly Hunk[]): string {
  let result = text;
  for (const hunk of hunks) {
    const at = result.indexOf(hunk.after);
    if (at < 0 || result.indexOf(hunk.after, at + 1) >= 0) {
      throw new Error('node_modules/esl-lite does not carry dynconf’s patch as expected; run npm ci');
    }
    result = result.slice(0, at) + hunk.before + result.slice(at + hunk.after.length);
  }
  return result;
}

export interface PristineCopy {
  /** Absolute path of the unpatched esl-lite.mjs. */
  readonly entry: string;
  remove(): void;
}

export function preparePristineEslLite(): PristineCopy {
  const dir = mkdtempSync(join(tmpdir(), 'dynconf-bench-esl-lite-'));
  cpSync(PACKAGE, dir, { recursive: true });
  const entry = join(dir, ENTRY);
  const hunks = hunksOf(readFileSync(PATCH, 'utf8'), ENTRY);
  if (hunks.length === 0) throw new Error(`no hunks for ${ENTRY} in ${PATCH}`);
  writeFileSync(entry, unpatch(readFileSync(entry, 'utf8'), hunks));
  return { entry, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
