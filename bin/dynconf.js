#!/usr/bin/env node
// The `dynconf` command. It runs the compiled code in dist/ and never compiles: a service starts at once.
// Without a build (a checkout where `npm run build` was not run yet) it says how to make one.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'dynconf is not built: dist/src/cli.js is missing.\n' +
      'Run `npm run build` once in the dynconf directory (and again after each update), then start it again.\n',
  );
  process.exit(1);
}
await import(cli.href);
