#!/usr/bin/env node
// `npm test`: unit tests (jest, every package) then browser tests (Playwright driving Debian's
// Chromium against `npm start`). Prints one closing line: "N passed, N failed".
// Options: --unit (unit tests only), --browser (browser tests only); other arguments go to both runners.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const results = path.join(root, 'test-results');
const args = process.argv.slice(2);
const only = args.find(a => a === '--unit' || a === '--browser');
const extra = args.filter(a => a !== only);

function run(label, command, commandArgs) {
  console.log(`\n=== ${label} ===`);
  const result = spawnSync(process.execPath, [command, ...commandArgs], {
    cwd: root,
    stdio: 'inherit'
  });
  return result.status;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Counts of a Playwright JSON report. */
function browserCounts(report) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const visit = suite => {
    for (const spec of suite.specs || []) {
      for (const t of spec.tests || []) {
        if (t.status === 'skipped') counts.skipped++;
        else if (t.status === 'expected' || t.status === 'flaky') counts.passed++;
        else counts.failed++;
      }
    }
    (suite.suites || []).forEach(visit);
  };
  (report.suites || []).forEach(visit);
  return counts;
}

fs.rmSync(results, { recursive: true, force: true });
fs.mkdirSync(results, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
let crashed = false;

if (run('build (tsc -b)', require.resolve('typescript/bin/tsc'), ['-b']) !== 0) {
  console.error('\nThe TypeScript build failed: no test was run.');
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}

if (only !== '--browser') {
  const unitFile = path.join(results, 'unit.json');
  const status = run('unit tests (jest)', require.resolve('jest/bin/jest'), [
    '--json',
    `--outputFile=${unitFile}`,
    ...extra
  ]);
  const unit = readJson(unitFile);
  if (unit) {
    totals.passed += unit.numPassedTests;
    totals.failed += unit.numFailedTests + (unit.numRuntimeErrorTestSuites || 0);
    totals.skipped += unit.numPendingTests;
    console.log(`unit: ${unit.numPassedTests} passed, ${unit.numFailedTests} failed`);
  }
  crashed ||=
    !unit || (status !== 0 && unit.numFailedTests === 0 && !unit.numRuntimeErrorTestSuites);
}

if (only !== '--unit') {
  const status = run(
    'browser tests (Playwright, Chromium)',
    require.resolve('@playwright/test/cli'),
    ['test', '-c', 'test/playwright.config.ts', ...extra]
  );
  const report = readJson(path.join(results, 'browser.json'));
  if (report) {
    const counts = browserCounts(report);
    Object.keys(totals).forEach(k => (totals[k] += counts[k]));
    console.log(`browser: ${counts.passed} passed, ${counts.failed} failed`);
    if ((report.errors || []).length) crashed = true;
  }
  crashed ||= !report || (status !== 0 && browserCounts(report).failed === 0);
}

if (crashed) {
  console.error(
    '\nA test runner stopped with an error before reporting all its tests (see above).'
  );
  totals.failed += totals.failed === 0 ? 1 : 0;
}
console.log(
  `\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`
);
process.exit(totals.failed > 0 ? 1 : 0);
