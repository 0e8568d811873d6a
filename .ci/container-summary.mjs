// Prints the container suite's summary from vitest's JSON report and fails unless every test ran and passed.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: node .ci/container-summary.mjs <vitest json report>\n');
  process.exit(2);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
process.stdout.write(
  `container suite: ${report.numTotalTests} tests, ${report.numPassedTests} passed, ` +
    `${report.numFailedTests} failed, ${skipped} skipped (${report.numTotalTestSuites} suites)\n`,
);
const notRun = report.testResults.flatMap((file) =>
  file.assertionResults
    .filter((t) => t.status !== 'passed')
    .map(
      (t) => `  ${t.status}: ${t.fullName}${t.failureMessages?.length ? ` (${t.failureMessages[0]})` : ''}`,
    ),
);
if (notRun.length > 0) process.stdout.write(`${notRun.join('\n')}\n`);
if (report.numTotalTests === 0 || report.numFailedTests > 0 || skipped > 0 || !report.success) {
  process.stderr.write('container suite: every scenario must run and pass against the real FreeSWITCH\n');
  process.exit(1);
}
