// The `history` section alone, from the same file and DYNCONF_ variables the controller reads (like
// loadHttpSettings does for `dynconf status`): `dynconf history` needs to know where the file is, not the
// event-socket password or the PINs, so a configuration that lacks them (or has a mistake elsewhere) still
// serves.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { deepMerge, envToOverrides } from '../config/env.js';
import { CONFIG_PATH_ENV, type Config, type ConfigIssue } from '../config/index.js';
import { historySchema, TOP_LEVEL_FIELDS } from '../config/schema.js';

export type HistorySettingsResult =
  | { readonly ok: true; readonly history: Config['history']; readonly file?: string }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

export interface HistorySettingsOptions {
  /** The file; else $DYNCONF_CONFIG; else none (defaults and variables only). */
  readonly file?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

function readYaml(file: string): { ok: true; value: unknown } | { ok: false; issue: ConfigIssue } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES'
          ? 'file not readable (permission denied)'
          : String(err);
    return { ok: false, issue: { path: '(file)', message, source: file } };
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const where = first.linePos?.[0];
    const at = where === undefined ? '' : ` at line ${where.line}, column ${where.col}`;
    const reason = first.message.split('\n')[0] ?? first.message;
    return {
      ok: false,
      issue: { path: '(file)', message: `is not valid YAML${at}: ${reason}`, source: file },
    };
  }
  return { ok: true, value: doc.toJS() ?? {} };
}

export function loadHistorySettings(options: HistorySettingsOptions): HistorySettingsResult {
  const chosen = options.file ?? options.env[CONFIG_PATH_ENV];
  if (chosen !== undefined && chosen.length === 0)
    return { ok: false, issues: [{ path: '(file)', message: `${CONFIG_PATH_ENV} is set but empty` }] };
  const file = chosen === undefined ? undefined : resolve(options.cwd, chosen);
  let fromFile: unknown = {};
  if (file !== undefined) {
    const read = readYaml(file);
    if (!read.ok) return { ok: false, issues: [read.issue] };
    fromFile = read.value;
  }
  const overrides = envToOverrides(options.env, TOP_LEVEL_FIELDS);
  const merged = deepMerge(fromFile, overrides.values);
  const section =
    typeof merged === 'object' && merged !== null && !Array.isArray(merged)
      ? (merged as Record<string, unknown>).history
      : undefined;
  const parsed = historySchema.prefault({}).safeParse(section);
  if (parsed.success) return { ok: true, history: parsed.data, ...(file === undefined ? {} : { file }) };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => {
      const field = issue.path.map(String);
      const path = ['history', ...field].join('.');
      const source = overrides.sources.get(path) ?? overrides.sources.get('history') ?? file;
      const message =
        issue.code === 'unrecognized_keys' ? `unknown setting ${issue.keys.join(', ')}` : issue.message;
      return { path, message, ...(source === undefined ? {} : { source }) };
    }),
  };
}
