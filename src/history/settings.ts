// Where the history file is. `history.path` when set (relative to the working directory). Otherwise the
// state directory a service has: systemd's StateDirectory= (it sets $STATE_DIRECTORY, e.g.
// /var/lib/dynconf), else /var/lib/dynconf when that directory exists (so `dynconf history` run by an
// administrator on the PBX finds the service's file), else dynconf-history.sqlite in the working directory.
import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { IN_MEMORY } from './store.js';

export const STATE_DIR = '/var/lib/dynconf';
export const STATE_FILE = 'history.sqlite';
export const WORKING_DIR_FILE = 'dynconf-history.sqlite';

export interface HistorySettings {
  readonly enabled: boolean;
  readonly path?: string | undefined;
  readonly retentionDays: number;
}

export interface PathContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Whether a directory exists (tests pass their own). */
  readonly isDirectory?: (path: string) => boolean;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The absolute path of the history file (or `:memory:`, which keeps nothing across a restart). */
export function historyPath(settings: Pick<HistorySettings, 'path'>, context: PathContext): string {
  const { path } = settings;
  if (path !== undefined && path !== '') return path === IN_MEMORY ? path : resolve(context.cwd, path);
  // systemd: StateDirectory=dynconf → STATE_DIRECTORY=/var/lib/dynconf (several: colon-separated).
  const state = context.env.STATE_DIRECTORY?.split(':')[0];
  if (state !== undefined && state !== '' && isAbsolute(state)) return join(state, STATE_FILE);
  if ((context.isDirectory ?? isDirectory)(STATE_DIR)) return join(STATE_DIR, STATE_FILE);
  return resolve(context.cwd, WORKING_DIR_FILE);
}
