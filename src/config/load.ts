// Reading and validating the configuration: file (YAML) + DYNCONF_ environment variables → Config, or
// a list of problems, each naming the field and where its value came from. Never throws for bad input.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import {
  CONFIG_PATH_ENV,
  deepMerge,
  type Environment,
  type EnvOverrides,
  envNameForPath,
  envToOverrides,
} from './env.js';
import {
  type Config,
  configSchema,
  FREESWITCH_DEFAULT_PASSWORD,
  historySchema,
  httpSchema,
  TOP_LEVEL_FIELDS,
} from './schema.js';

export interface ConfigIssue {
  /** Field path such as `eventSocket.port` or `routes[1].pattern`; `(file)` for the file itself. */
  readonly path: string;
  readonly message: string;
  /** Where the bad value came from: the file's path, or the environment variable's name. */
  readonly source?: string;
}

export interface ConfigSources {
  /** Absolute path of the file read, if any. */
  readonly file?: string;
  /** DYNCONF_ variables that set fields. */
  readonly env: readonly string[];
}

export type ConfigResult =
  | {
      readonly ok: true;
      readonly config: Config;
      readonly warnings: readonly string[];
      readonly sources: ConfigSources;
    }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

export interface LoadConfigOptions {
  /** Command-line arguments; `--config FILE` or `--config=FILE` is taken from them. */
  readonly argv?: readonly string[];
  /** Environment (process.env by the caller): DYNCONF_CONFIG and every DYNCONF_ field variable. */
  readonly env?: Environment;
  /** The file to read; wins over --config and DYNCONF_CONFIG. */
  readonly file?: string;
  /** Base for a relative file path (default: process.cwd()). */
  readonly cwd?: string;
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out.length === 0 ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}

/** `--config FILE` / `--config=FILE` from argv, or undefined. An empty or missing value is an issue. */
function configFlag(argv: readonly string[]): { file?: string; issue?: ConfigIssue } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') break;
    if (arg === '--config') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--') || next.length === 0) {
        return { issue: { path: '(file)', message: '--config needs a file path' } };
      }
      return { file: next };
    }
    if (arg.startsWith('--config=')) {
      const value = arg.slice('--config='.length);
      if (value.length === 0) return { issue: { path: '(file)', message: '--config needs a file path' } };
      return { file: value };
    }
  }
  return {};
}

function readYamlFile(file: string): { ok: true; value: unknown } | { ok: false; issue: ConfigIssue } {
  let textContent: string;
  try {
    textContent = readFileSync(file, 'utf8');
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
  const doc = parseDocument(textContent, { prettyErrors: true, uniqueKeys: true });
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
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return { ok: true, value: {} };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      issue: { path: '(file)', message: 'must hold a mapping of settings at the top', source: file },
    };
  }
  return { ok: true, value };
}

function issueMessage(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
    const named = issue.path.filter((s): s is string => typeof s === 'string');
    return named.length === issue.path.length
      ? `is required (set it in the configuration file or as ${envNameForPath(named)})`
      : 'is required';
  }
  return issue.message;
}

/** The environment variable that set this field or one of the sections holding it, if any. */
function envSourceOf(
  path: readonly PropertyKey[],
  envSources: ReadonlyMap<string, string>,
): string | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const source = envSources.get(path.slice(0, depth).map(String).join('.'));
    if (source !== undefined) return source;
  }
  return undefined;
}

function convertIssues(
  error: z.ZodError,
  input: unknown,
  file: string | undefined,
  envSources: ReadonlyMap<string, string>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const push = (path: readonly PropertyKey[], message: string) => {
    const source = envSourceOf(path, envSources) ?? file;
    issues.push({
      path: path.length === 0 ? '(top)' : pathText(path),
      message,
      ...(source === undefined ? {} : { source }),
    });
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) push([...issue.path, key], 'unknown setting');
    } else {
      push(issue.path, issueMessage(issue, input));
    }
  }
  return issues;
}

/** Non-fatal observations worth a line in the log at start. */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.eventSocket.password === FREESWITCH_DEFAULT_PASSWORD) {
    warnings.push(
      "eventSocket.password is FreeSWITCH's default; set your own in event_socket.conf.xml and here",
    );
  }
  if (config.routes.length === 0) {
    warnings.push('routes is empty: administrators can build rooms but every dialed number is refused');
  }
  if (config.adminPins.some((pin) => !pin.startsWith('scrypt$'))) {
    warnings.push('adminPins holds plain PINs; `dynconf hash-pin` makes hashes to store instead');
  }
  return warnings;
}

function validate(
  input: unknown,
  file: string | undefined,
  envSources: ReadonlyMap<string, string>,
  ignored: readonly string[],
): ConfigResult {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: convertIssues(parsed.error, input, file, envSources) };
  const warnings = configWarnings(parsed.data);
  for (const name of ignored) warnings.push(`${name} is not a configuration setting and was ignored`);
  return {
    ok: true,
    config: parsed.data,
    warnings,
    sources: { ...(file === undefined ? {} : { file }), env: [...envSources.values()] },
  };
}

/** Validates an already-read configuration object (no file, no environment). */
export function parseConfig(input: unknown): ConfigResult {
  return validate(input ?? {}, undefined, new Map(), []);
}

/**
 * Reads the configuration: the file from `file`, else `--config` in argv, else DYNCONF_CONFIG (no file at all
 * is allowed: then everything comes from the environment), with DYNCONF_ variables laid over it.
 */
export function loadConfig(options: LoadConfigOptions = {}): ConfigResult {
  const input = readInput(options);
  if (!input.ok) return input;
  return validate(input.merged, input.file, input.overrides.sources, input.overrides.ignored);
}

type InputResult =
  | { readonly ok: true; readonly merged: unknown; readonly file?: string; readonly overrides: EnvOverrides }
  | { readonly ok: false; readonly issues: ConfigIssue[] };

/** The file (if any) with the DYNCONF_ variables laid over it, not yet validated. */
function readInput(options: LoadConfigOptions): InputResult {
  const env = options.env ?? {};
  const flag = configFlag(options.argv ?? []);
  if (flag.issue !== undefined) return { ok: false, issues: [flag.issue] };
  const chosen = options.file ?? flag.file ?? env[CONFIG_PATH_ENV];
  if (chosen !== undefined && chosen.length === 0) {
    return { ok: false, issues: [{ path: '(file)', message: `${CONFIG_PATH_ENV} is set but empty` }] };
  }
  const file = chosen === undefined ? undefined : resolve(options.cwd ?? process.cwd(), chosen);
  let fromFile: unknown = {};
  if (file !== undefined) {
    const read = readYamlFile(file);
    if (!read.ok) return { ok: false, issues: [read.issue] };
    fromFile = read.value;
  }
  const overrides = envToOverrides(env, TOP_LEVEL_FIELDS);
  if (overrides.conflicts.length > 0) {
    return { ok: false, issues: overrides.conflicts.map((c) => ({ path: c.path, message: c.message })) };
  }
  return {
    ok: true,
    merged: deepMerge(fromFile, overrides.values),
    ...(file === undefined ? {} : { file }),
    overrides,
  };
}

export type HttpSettingsResult =
  | { readonly ok: true; readonly http: Config['http'] }
  | { readonly ok: false; readonly issues: ConfigIssue[] };

/**
 * One section alone, from the same file and variables as loadConfig: what a client of a running dynconf
 * (`dynconf status`: `http`; `dynconf history`: `history`) needs, without the secrets only the controller
 * itself needs, and whatever mistakes other sections hold.
 */
export function loadConfigSection<S extends 'http' | 'history'>(
  name: S,
  options: LoadConfigOptions = {},
): { ok: true; value: Config[S]; file?: string } | { ok: false; issues: ConfigIssue[] } {
  const input = readInput(options);
  if (!input.ok) return input;
  const section = valueAt(input.merged, [name]);
  const schema = name === 'http' ? httpSchema : historySchema;
  const parsed = schema.prefault({}).safeParse(section);
  if (parsed.success)
    return {
      ok: true,
      value: parsed.data as Config[S],
      ...(input.file === undefined ? {} : { file: input.file }),
    };
  const issues = convertIssues(parsed.error, section, input.file, new Map()).map((issue) => {
    const source = envSourceOf([name, ...issue.path.split('.')], input.overrides.sources) ?? issue.source;
    return {
      ...issue,
      path: issue.path === '(top)' ? name : `${name}.${issue.path}`,
      ...(source === undefined ? {} : { source }),
    };
  });
  return { ok: false, issues };
}

/** Only the `http` section (`dynconf status`). */
export function loadHttpSettings(options: LoadConfigOptions = {}): HttpSettingsResult {
  const loaded = loadConfigSection('http', options);
  return loaded.ok ? { ok: true, http: loaded.value } : loaded;
}

/** One line per issue: `  eventSocket.port: must be … (from DYNCONF_EVENT_SOCKET__PORT)`. */
export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  return issues
    .map((issue) => {
      const from =
        issue.source === undefined
          ? ''
          : issue.source.startsWith('DYNCONF_')
            ? ` (from ${issue.source})`
            : ` (in ${issue.source})`;
      return `  ${issue.path}: ${issue.message}${from}`;
    })
    .join('\n');
}
