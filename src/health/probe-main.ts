// `node dist/src/health/probe-main.js [--live] [--timeout-ms N]`: the Docker HEALTHCHECK command.
import { parseProbeArgs, runHealthProbe } from './probe.js';

const options = parseProbeArgs(process.argv.slice(2));
if ('error' in options) {
  process.stdout.write(`health probe: ${options.error}\n`);
  process.exitCode = 2;
} else {
  process.exitCode = await runHealthProbe(
    { env: process.env, cwd: process.cwd(), stdout: process.stdout },
    options,
  );
}
