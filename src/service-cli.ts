#!/usr/bin/env node
// The `dynconf` command of the production image (Dockerfile): the same commands as src/cli.ts, built without
// the demo and the FreeSWITCH simulator, which it says are not in this build.
import { serviceEntryPoints } from './cli/entry-points.js';
import { processIo } from './cli/io.js';
import { runCli } from './cli/main.js';

process.exitCode = await runCli(process.argv.slice(2), processIo(), serviceEntryPoints);
