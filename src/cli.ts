#!/usr/bin/env node
import { processIo } from './cli/io.js';
// The `dynconf` command (package.json "bin"). Everything it does is in src/cli/.
import { runCli } from './cli/main.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
