// One pino logger for the process; sessions take child loggers bound to their call. JSON lines with ISO
// times for files and log collectors; one readable line per event, in local time, for a terminal.
import { type DestinationStream, type Logger, pino } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type { Logger };

/** Paths that may carry secrets; pino replaces them before a line is written. */
export const REDACT_PATHS = [
  'pin',
  '*.pin',
  'password',
  '*.password',
  'adminPins',
  '*.adminPins',
  'eventSocket.password',
  '*.eventSocket.password',
  'eventSockets[*].password',
  '*.eventSockets[*].password',
  'token',
  '*.token',
  'http.token',
  '*.http.token',
  'digits',
  '*.digits',
];

/** `json`: one JSON object per line, ISO time. `pretty`: one readable line per event, local time. */
export type LogFormat = 'json' | 'pretty';

export interface LogOptions {
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to capture every line. */
  destination?: DestinationStream;
  /** Default `json`. */
  format?: LogFormat;
  /** Colours in the pretty format (a terminal). Default false. */
  colour?: boolean;
}

/** `auto` is pretty in a terminal and JSON otherwise (a pipe, a file, journald, a container log). */
export function resolveLogFormat(format: LogFormat | 'auto', isTerminal: boolean): LogFormat {
  return format === 'auto' ? (isTerminal ? 'pretty' : 'json') : format;
}

/** Turns each JSON line into one readable line (local time, level, [module] message, the other fields). */
function prettyLines(target: DestinationStream, colour: boolean): DestinationStream {
  const prettify = prettyFactory({
    colorize: colour,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name,module',
    messageFormat: '{if module}[{module}] {end}{msg}',
  });
  return { write: (line: string) => void target.write(prettify(line)) };
}

export function createLogger(options: LogOptions = {}): Logger {
  const target = options.destination ?? pino.destination(1);
  return pino(
    {
      name: 'dynconf',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.format === 'pretty' ? prettyLines(target, options.colour ?? false) : target,
  );
}

/** A logger that writes nothing, for unit tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
