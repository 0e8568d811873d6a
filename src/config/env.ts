// The one place environment variables become configuration.
//
// Rule: DYNCONF_ + the field path, each camelCase name written in UPPER_SNAKE_CASE, path segments joined by
// a double underscore.   eventSocket.port → DYNCONF_EVENT_SOCKET__PORT,
// lockout.maxFailures → DYNCONF_LOCKOUT__MAX_FAILURES, prompts.dialTone → DYNCONF_PROMPTS__DIAL_TONE.
// Values are text: numbers and booleans are read as such; lists are comma-separated or a JSON array
// (DYNCONF_ADMIN_PINS=1234,5678; DYNCONF_ROUTES='[{"pattern":"8\\d\\d","dialString":"user/{number}"}]');
// a whole section may be given as a JSON object. A list is replaced whole, never merged.
// DYNCONF_CONFIG names the configuration file. Variables whose first segment is not a top-level field
// (e.g. DYNCONF_TRACES, used by the test suite) are not configuration and are only reported as ignored.

export const ENV_PREFIX = 'DYNCONF_';
export const CONFIG_PATH_ENV = 'DYNCONF_CONFIG';

export type Environment = Readonly<Record<string, string | undefined>>;

function camelToSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

function snakeToCamel(name: string): string {
  return name.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The environment variable for a field path, e.g. ['eventSocket', 'port'] → DYNCONF_EVENT_SOCKET__PORT. */
export function envNameForPath(path: readonly string[]): string {
  return ENV_PREFIX + path.map(camelToSnake).join('__');
}

/** The field path for an environment variable name, or null if it is not of the DYNCONF_ form. */
export function pathForEnvName(name: string): string[] | null {
  if (!name.startsWith(ENV_PREFIX) || name === CONFIG_PATH_ENV) return null;
  const rest = name.slice(ENV_PREFIX.length);
  if (!/^[A-Z0-9]+(?:_[A-Z0-9]+)*(?:__[A-Z0-9]+(?:_[A-Z0-9]+)*)*$/.test(rest)) return null;
  return rest.split('__').map(snakeToCamel);
}

export interface EnvOverrides {
  /** Nested values to lay over the file's, leaves still text. */
  readonly values: Record<string, unknown>;
  /** Field path (dot-joined) → the variable that set it. */
  readonly sources: ReadonlyMap<string, string>;
  /** DYNCONF_ variables that are not configuration (first segment unknown, or malformed). */
  readonly ignored: readonly string[];
  /** Variables that contradict each other (a section given as a value and one of its fields too). */
  readonly conflicts: readonly { readonly path: string; readonly message: string }[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function envToOverrides(env: Environment, topLevelFields: ReadonlySet<string>): EnvOverrides {
  const values: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  const ignored: string[] = [];
  const conflicts: { path: string; message: string }[] = [];
  // Shallow paths first, so DYNCONF_LOCKOUT__WINDOW_MS can be reported against DYNCONF_LOCKOUT.
  const names = Object.keys(env)
    .filter((name) => name.startsWith(ENV_PREFIX) && name !== CONFIG_PATH_ENV)
    .sort((a, b) => a.split('__').length - b.split('__').length || a.localeCompare(b));
  for (const name of names) {
    const value = env[name];
    if (value === undefined) continue;
    const path = pathForEnvName(name);
    const top = path?.[0];
    if (path === null || top === undefined || !topLevelFields.has(top)) {
      ignored.push(name);
      continue;
    }
    let node = values;
    let blocked: string | undefined;
    for (const [depth, segment] of path.slice(0, -1).entries()) {
      const next = node[segment];
      if (next === undefined) {
        const child: Record<string, unknown> = {};
        node[segment] = child;
        node = child;
      } else if (isPlainObject(next)) {
        node = next;
      } else {
        blocked = path.slice(0, depth + 1).join('.');
        break;
      }
    }
    const dotted = path.join('.');
    if (blocked !== undefined) {
      conflicts.push({
        path: dotted,
        message: `${name} cannot be combined with ${sources.get(blocked) ?? envNameForPath(blocked.split('.'))}`,
      });
      continue;
    }
    node[path[path.length - 1] ?? ''] = value;
    sources.set(dotted, name);
  }
  return { values, sources, ignored, conflicts };
}

/** Lays `over` onto `base`: mappings merge key by key, anything else (lists included) replaces. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}
