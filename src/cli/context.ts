// What every command receives.
import { createLogger, type LogFormat, type Logger, resolveLogFormat } from '../log.js';
import type { EntryPoints } from './entry-points.js';
import type { CliIo } from './io.js';

export interface CommandContext {
  readonly io: CliIo;
  readonly entryPoints: EntryPoints;
  /** Option values as parsed by node:util parseArgs (strings and booleans). */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * The CLI's logger, on stderr (stdout stays for a command's own output): readable lines in a terminal,
 * JSON lines otherwise, unless `format` says which.
 */
export function cliLogger(io: CliIo, level = 'info', format: LogFormat | 'auto' = 'auto'): Logger {
  const terminal = io.stderr.isTTY === true;
  return createLogger({
    level,
    format: resolveLogFormat(format, terminal),
    colour: terminal,
    destination: { write: (line: string) => void io.stderr.write(line) },
  });
}

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.values[name];
  return typeof value === 'string' ? value : undefined;
}
