// Schema building blocks that also accept the text form of a value, because environment variables are
// text: "8021" for a number, "true"/"false" for a boolean, "a,b" or a JSON array for a list, a JSON object
// for a section. The configuration file gives real YAML types and passes through unchanged.
import { z } from 'zod';

function numberFromText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : value;
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

function booleanFromText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return value;
}

/** Text that opens like JSON but does not parse: kept with the parser's reason, so the issue can say it. */
class BadJson {
  constructor(readonly reason: string) {}
}

function jsonFromText(value: unknown, opening: '[' | '{'): unknown {
  if (typeof value !== 'string' || !value.trimStart().startsWith(opening)) return value;
  try {
    return JSON.parse(value);
  } catch (err) {
    return new BadJson(err instanceof Error ? err.message : String(err));
  }
}

function listFromText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const json = jsonFromText(value, '[');
  if (json !== value) return json;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Reports text that looked like JSON and was not as one issue naming the parse error. */
function rejectBadJson(value: unknown, ctx: z.RefinementCtx): unknown {
  if (value instanceof BadJson) {
    ctx.addIssue({ code: 'custom', message: `is not valid JSON (${value.reason})` });
    return z.NEVER;
  }
  return value;
}

/** An integer in [min, max]. */
export function int(min: number, max: number, unit = '') {
  const range = `an integer between ${min} and ${max}${unit}`;
  return z.preprocess(
    numberFromText,
    z
      .number({ error: `must be ${range}` })
      .int({ error: `must be ${range}` })
      .min(min, { error: `must be ${range}` })
      .max(max, { error: `must be ${range}` }),
  );
}

/** A duration in milliseconds in [min, max]. */
export function millis(min: number, max: number) {
  return int(min, max, ' (milliseconds)');
}

export function bool() {
  return z.preprocess(booleanFromText, z.boolean({ error: 'must be true or false' }));
}

/** A list; from the environment either comma-separated or a JSON array. */
export function list<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value, ctx) => rejectBadJson(listFromText(value), ctx),
    z.array(item, { error: 'must be a list' }),
  );
}

/** A section; from the environment a JSON object. */
export function section<T extends z.ZodRawShape>(shape: T) {
  return z.preprocess(
    (value, ctx) => rejectBadJson(jsonFromText(value, '{'), ctx),
    z.strictObject(shape, { error: 'must be a mapping' }),
  );
}

/** A mapping of names to entries (e.g. tenants by dialplan context); from the environment a JSON object. */
export function record<K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V) {
  return z.preprocess(
    (input, ctx) => rejectBadJson(jsonFromText(input, '{'), ctx),
    z.record(key, value, { error: 'must be a mapping' }),
  );
}
