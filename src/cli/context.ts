// What every command receives.
import { createLogger, type Logger } from '../log.js';
import type { EntryPoints } from './entry-points.js';
import type { CliIo } from './io.js';

export interface CommandContext {
  readonly io: CliIo;
  readonly entryPoints: EntryPoints;
  /** Option values as parsed by node:util parseArgs (strings and booleans). */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** A logger that writes JSON lines to the CLI's stderr (stdout stays for a command's own output). */
export function cliLogger(io: CliIo, level = 'info'): Logger {
  return createLogger({ level, destination: { write: (line: string) => void io.stderr.write(line) } });
}

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.values[name];
  return typeof value === 'string' ? value : undefined;
}
