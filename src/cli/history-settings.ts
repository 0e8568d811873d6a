// The `history` section alone, from the same file and DYNCONF_ variables the controller reads (like
// loadHttpSettings does for `dynconf status`): `dynconf history` needs to know where the file is, not the
// event-socket password or the PINs, so a configuration that lacks them (or has a mistake elsewhere) still
// serves.
import type { Config, ConfigIssue } from '../config/index.js';
import { loadConfigSection } from '../config/load.js';

export type HistorySettingsResult =
  | { readonly ok: true; readonly history: Config['history']; readonly file?: string }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

export interface HistorySettingsOptions {
  /** The file; else $DYNCONF_CONFIG; else none (defaults and variables only). */
  readonly file?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export function loadHistorySettings(options: HistorySettingsOptions): HistorySettingsResult {
  const loaded = loadConfigSection('history', options);
  return loaded.ok
    ? { ok: true, history: loaded.value, ...(loaded.file === undefined ? {} : { file: loaded.file }) }
    : loaded;
}
