// npm run test:stress [-- --runs N]: the whole suite (vitest run, as npm test) while two processes each burn a
// CPU beside it, N times in a row (default 3). Verdicts must not depend on how busy the machine is.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`--runs must be a whole number >= 1, not ${values.runs}\n`);
  process.exit(2);
}

const burners = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const stopBurners = () => {
  for (const burner of burners) burner.kill('SIGKILL');
};
process.on('exit', stopBurners);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

/** Runs the suite once, passing its output through; resolves with vitest's exit code and summary lines. */
function runSuite() {
  return new Promise((resolve) => {
    const child = spawn('npx', ['vitest', 'run'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('close', (code) => {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: vitest colours its summary
      const plain = tail.replace(/\u001b\[[0-9;]*m/g, '');
      const summary = plain.split('\n').filter((line) => /^\s*(Test Files|Tests|Duration)\s/.test(line));
      resolve({ code: code ?? 1, summary: summary.map((line) => line.trim()) });
    });
  });
}

const results = [];
for (let run = 1; run <= runs; run++) {
  process.stdout.write(`\n== stress run ${run} of ${runs} (two CPU burners beside it)\n`);
  results.push(await runSuite());
}
stopBurners();
process.stdout.write('\n== test:stress summary (two CPU burners beside the suite)\n');
results.forEach((r, i) => {
  process.stdout.write(`run ${i + 1}: ${r.code === 0 ? 'passed' : 'FAILED'} | ${r.summary.join(' | ')}\n`);
});
const failed = results.filter((r) => r.code !== 0).length;
process.stdout.write(`${runs - failed} of ${runs} runs passed\n`);
process.exit(failed === 0 ? 0 : 1);
