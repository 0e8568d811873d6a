// Dispatches `dynconf <command> [options]`. Returns the exit code; never throws for bad input.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { COMMANDS, type CommandSpec, commandHelp, findCommand, globalHelp } from './commands.js';
import type { EntryPoints } from './entry-points.js';
import { type CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './io.js';

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function suggestion(name: string): string {
  const best = COMMANDS.map((c) => ({ name: c.name, d: editDistance(name, c.name) })).sort(
    (x, y) => x.d - y.d,
  )[0];
  return best !== undefined && best.d <= 2 ? ` Did you mean '${best.name}'?` : '';
}

/** The version in the project's package.json (found from this file in src/ or dist/src/). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'dynconf') return pkg.version ?? 'unknown';
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

function usageError(io: CliIo, command: CommandSpec, message: string): number {
  io.stderr.write(`dynconf ${command.name}: ${message}\nSee 'dynconf ${command.name} --help'.\n`);
  return EXIT_USAGE;
}

/** parseArgs' messages are long; say the same in the CLI's own words where it matters. */
function describeParseError(err: unknown): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted !== undefined) return `unknown option ${quoted}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return message.replace(/^Option /, 'option ');
  return message;
}

async function runCommand(
  command: CommandSpec,
  args: readonly string[],
  io: CliIo,
  entryPoints: EntryPoints,
) {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    return usageError(io, command, describeParseError(err));
  }
  if (parsed.values.help === true) {
    io.stdout.write(commandHelp(command));
    return EXIT_OK;
  }
  const { min, max } = command.positionals;
  if (parsed.positionals.length < min)
    return usageError(io, command, `missing argument (usage: ${command.usage})`);
  if (parsed.positionals.length > max) {
    return usageError(io, command, `unexpected argument '${parsed.positionals[max] ?? ''}'`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  return command.run({ io, entryPoints, values, positionals: parsed.positionals });
}

/** `entryPoints`: the parts this build can start (src/cli.ts, src/service-cli.ts; tests give their own). */
export async function runCli(argv: readonly string[], io: CliIo, entryPoints: EntryPoints): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(globalHelp());
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(globalHelp());
    return EXIT_OK;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`dynconf ${packageVersion()}\n`);
    return EXIT_OK;
  }
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) {
      io.stdout.write(globalHelp());
      return EXIT_OK;
    }
    const command = findCommand(topic);
    if (command === undefined) {
      io.stderr.write(`dynconf: no help for unknown command '${topic}'.${suggestion(topic)}\n`);
      return EXIT_USAGE;
    }
    io.stdout.write(commandHelp(command));
    return EXIT_OK;
  }
  if (first.startsWith('-')) {
    io.stderr.write(
      `dynconf: unknown option ${first}; options come after the command.\nSee 'dynconf --help'.\n`,
    );
    return EXIT_USAGE;
  }
  const command = findCommand(first);
  if (command === undefined) {
    const names = COMMANDS.map((c) => c.name).join(', ');
    io.stderr.write(
      `dynconf: unknown command '${first}'.${suggestion(first)}\nCommands: ${names}. See 'dynconf --help'.\n`,
    );
    return EXIT_USAGE;
  }
  try {
    return await runCommand(command, rest, io, entryPoints);
  } catch (err) {
    // A fault in a command (not bad input): say what failed instead of dumping a stack on the operator.
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`dynconf ${command.name}: failed: ${message}\n`);
    return EXIT_FAILED;
  }
}
