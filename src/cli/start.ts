// `dynconf start`: validates the configuration, then hands over to the controller runtime.
import { formatConfigIssues, loadConfig, redactConfig } from '../config/index.js';
import { type CommandContext, cliLogger, stringOption } from './context.js';
import { EXIT_FAILED, EXIT_OK } from './io.js';

export async function start(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const file = stringOption(ctx, 'config');
  const result = loadConfig({ env: io.env, cwd: io.cwd, ...(file === undefined ? {} : { file }) });
  if (!result.ok) {
    // Plain text: the log level itself comes from the configuration that failed.
    io.stderr.write(
      `dynconf start: invalid configuration, not starting\n${formatConfigIssues(result.issues)}\n`,
    );
    return EXIT_FAILED;
  }
  const { config, sources } = result;
  const logger = cliLogger(io, config.log.level, config.log.format);
  for (const warning of result.warnings) logger.warn(warning);
  logger.info({ config: redactConfig(config), sources }, 'configuration loaded');
  const entry = await ctx.entryPoints.controller();
  if (!entry.ok) {
    logger.error(
      { reason: entry.reason },
      `dynconf start: the controller runtime is not available (${entry.reason})`,
    );
    return EXIT_FAILED;
  }
  const code = await entry.main({
    config,
    logger,
    ...(sources.file === undefined ? {} : { configFile: sources.file }),
  });
  return code ?? EXIT_OK;
}
