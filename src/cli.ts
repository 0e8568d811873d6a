#!/usr/bin/env node
// The `dynconf` command (package.json "bin"): every command, the demo and the simulator included. The
// production image runs src/service-cli.ts instead. Everything it does is in src/cli/.
import { processIo } from './cli/io.js';
import { runCli } from './cli/main.js';
import { packageEntryPoints } from './cli/package-entry-points.js';

process.exitCode = await runCli(process.argv.slice(2), processIo(), packageEntryPoints);
