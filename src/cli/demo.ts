// `dynconf demo` and `dynconf simulate`: the embedded FreeSWITCH simulator, with and without the
// controller playing both flows against it.
import { type CommandContext, cliLogger, stringOption } from './context.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './io.js';

export async function demo(ctx: CommandContext): Promise<number> {
  const entry = await ctx.entryPoints.demo();
  if (!entry.ok) {
    cliLogger(ctx.io).error(
      { reason: entry.reason },
      `dynconf demo: the demo is not available (${entry.reason})`,
    );
    return EXIT_FAILED;
  }
  const speed = stringOption(ctx, 'speed');
  const args = [
    ...(speed === undefined ? [] : ['--speed', speed]),
    ...(ctx.values.verbose ? ['--verbose'] : []),
  ];
  return (await entry.main(args)) ?? EXIT_OK;
}

export async function simulate(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const portText = stringOption(ctx, 'port') ?? '8021';
  const host = stringOption(ctx, 'host') ?? '127.0.0.1';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    io.stderr.write(
      `dynconf simulate: --port must be a number between 0 and 65535, got ${JSON.stringify(portText)}\n`,
    );
    return EXIT_USAGE;
  }
  if (!/^[A-Za-z0-9.:[\]-]{1,253}$/.test(host)) {
    io.stderr.write(
      `dynconf simulate: --host must be a host name or IP address, got ${JSON.stringify(host)}\n`,
    );
    return EXIT_USAGE;
  }
  const entry = await ctx.entryPoints.simulator();
  if (!entry.ok) {
    cliLogger(io).error(
      { reason: entry.reason },
      `dynconf simulate: the simulator is not available (${entry.reason})`,
    );
    return EXIT_FAILED;
  }
  const passOn: string[] = [];
  for (const name of ['password', 'speed', 'park-timeout', 'access-number', 'log-level']) {
    const value = stringOption(ctx, name);
    if (value !== undefined) passOn.push(`--${name}`, value);
  }
  if (ctx.values.console === true) passOn.push('--console');
  return (await entry.main(['--port', String(port), '--host', host, ...passOn])) ?? EXIT_OK;
}
