// `dynconf demo` and `dynconf simulate`: the embedded FreeSWITCH simulator, with and without the
// controller playing both flows against it. Their options are parsed and checked here, once, and reach
// the demo and the simulator as values.
import { type CommandContext, cliLogger, stringOption } from './context.js';
import type { SimulatorOptions } from './entry-points.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './io.js';

export const DEMO_DEFAULT_SPEED = 10;
export const DEMO_MAX_SPEED = 200;

export async function demo(ctx: CommandContext): Promise<number> {
  const speedText = stringOption(ctx, 'speed');
  const speed = speedText === undefined ? DEMO_DEFAULT_SPEED : Number(speedText);
  if (
    speedText !== undefined &&
    (!/^\d+(\.\d+)?$/.test(speedText) || !(speed > 0 && speed <= DEMO_MAX_SPEED))
  ) {
    return usage(
      ctx,
      'demo',
      `--speed must be a number above 0 and at most ${DEMO_MAX_SPEED}, got ${JSON.stringify(speedText)}`,
    );
  }
  const entry = await ctx.entryPoints.demo();
  if (!entry.ok) {
    cliLogger(ctx.io).error(
      { reason: entry.reason },
      `dynconf demo: the demo is not available (${entry.reason})`,
    );
    return EXIT_FAILED;
  }
  return (await entry.main({ speed, verbose: ctx.values.verbose === true })) ?? EXIT_OK;
}

export async function simulate(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const options = simulatorOptions(ctx);
  if (typeof options === 'string') return usage(ctx, 'simulate', options);
  const entry = await ctx.entryPoints.simulator();
  if (!entry.ok) {
    cliLogger(io).error(
      { reason: entry.reason },
      `dynconf simulate: the simulator is not available (${entry.reason})`,
    );
    return EXIT_FAILED;
  }
  return (await entry.main(options)) ?? EXIT_OK;
}

/** The simulator's options, or what is wrong with them. */
function simulatorOptions(ctx: CommandContext): SimulatorOptions | string {
  const { env } = ctx.io;
  const portText = stringOption(ctx, 'port') ?? '8021';
  const host = stringOption(ctx, 'host') ?? '127.0.0.1';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65535))
    return `--port must be a number between 0 and 65535, got ${JSON.stringify(portText)}`;
  if (!/^[A-Za-z0-9.:[\]-]{1,253}$/.test(host))
    return `--host must be a host name or IP address, got ${JSON.stringify(host)}`;
  const speedText = stringOption(ctx, 'speed') ?? '1';
  const speed = Number(speedText);
  if (!(speed > 0)) return `--speed must be a number above 0, got ${JSON.stringify(speedText)}`;
  const parkText = stringOption(ctx, 'park-timeout');
  const parkTimeoutSec = parkText === undefined ? undefined : Number(parkText);
  if (parkTimeoutSec !== undefined && !(parkTimeoutSec >= 0))
    return `--park-timeout must be a number of seconds, 0 or more, got ${JSON.stringify(parkText)}`;
  const accessNumber = stringOption(ctx, 'access-number');
  return {
    host,
    port,
    password: stringOption(ctx, 'password') ?? env.DYNCONF_SIM_PASSWORD ?? 'ClueCon',
    speed,
    ...(parkTimeoutSec === undefined ? {} : { parkTimeoutSec }),
    ...(accessNumber === undefined ? {} : { accessNumber }),
    console: ctx.values.console === true,
    logLevel: stringOption(ctx, 'log-level') ?? 'info',
  };
}

function usage(ctx: CommandContext, command: string, message: string): number {
  ctx.io.stderr.write(`dynconf ${command}: ${message}\nSee 'dynconf ${command} --help'.\n`);
  return EXIT_USAGE;
}
