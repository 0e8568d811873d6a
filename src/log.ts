// One pino logger for the process; sessions take child loggers bound to their call.
import { type DestinationStream, type Logger, pino } from 'pino';

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

export interface LogOptions {
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to capture every line. */
  destination?: DestinationStream;
}

export function createLogger(options: LogOptions = {}): Logger {
  return pino(
    {
      name: 'dynconf',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    options.destination ?? pino.destination(1),
  );
}

/** A logger that writes nothing, for unit tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
