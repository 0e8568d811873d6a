// `dynconf check-config <file>`: validates a configuration file (with the DYNCONF_ variables of this
// environment laid over it, as `start` would) and names every bad field.
import { stringify } from 'yaml';
import { formatConfigIssues, loadConfig, redactConfig } from '../config/index.js';
import type { CommandContext } from './context.js';
import { EXIT_FAILED, EXIT_OK } from './io.js';

export async function checkConfig(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const file = ctx.positionals[0] ?? '';
  const env = ctx.values['ignore-env'] === true ? {} : io.env;
  const result = loadConfig({ file, env, cwd: io.cwd });
  if (!result.ok) {
    io.stderr.write(`${file}: invalid configuration\n${formatConfigIssues(result.issues)}\n`);
    return EXIT_FAILED;
  }
  for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
  const fromEnv = result.sources.env.length > 0 ? ` (with ${result.sources.env.join(', ')})` : '';
  io.stdout.write(`${file}: configuration is valid${fromEnv}\n`);
  if (ctx.values.print === true) io.stdout.write(stringify(redactConfig(result.config)));
  return EXIT_OK;
}
