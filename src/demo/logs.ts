// The controller's log during the demo: shown in the transcript with --verbose, otherwise kept (the last
// lines only) to be shown if a step fails.
import { createLogger, type Logger } from '../log.js';

const KEPT_LINES = 40;
/** pino's own fields, not worth repeating on every line. */
const PLUMBING = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'module']);
const LEVELS: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

export interface DemoLog {
  readonly logger: Logger;
  /** The last lines logged, formatted. */
  recent(): readonly string[];
}

export function demoLog(level: string, onLine?: (text: string) => void): DemoLog {
  const kept: string[] = [];
  const logger = createLogger({
    level,
    destination: {
      write(line: string) {
        const text = formatLogLine(line);
        kept.push(text);
        if (kept.length > KEPT_LINES) kept.shift();
        onLine?.(text);
      },
    },
  });
  return { logger, recent: () => kept };
}

/** `info controller: session started  adminUuid=… room=…` from one JSON log line. */
export function formatLogLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trim();
  }
  const level = LEVELS[Number(record.level)] ?? String(record.level);
  const module = typeof record.module === 'string' ? record.module : 'dynconf';
  const fields = Object.entries(record)
    .filter(([key]) => !PLUMBING.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? shortUuid(value) : JSON.stringify(value)}`);
  return `${level} ${module}: ${String(record.msg ?? '')}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}`;
}

/** Channel uuids by their first 8 characters, as the transcript's readers only need to tell them apart. */
function shortUuid(value: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
    ? value.slice(0, 8)
    : value;
}
