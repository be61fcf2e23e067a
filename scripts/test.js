#!/usr/bin/env node
// `npm test`: unit tests (jest, every package), browser tests (Playwright driving Debian's Chromium
// against `npm start`), then the stock-JupyterLab route: the odatis-vre wheel built and installed in a
// venv with JupyterLab 4.6.4 (test/stock/env.js), its Python tests (pytest), and the browser tests again
// against `jupyter lab` (test/playwright.stock.config.ts). Prints one closing line: "N passed, N failed".
// Options: --unit (unit tests only), --browser (both browser phases), --stock (the stock route only);
// other arguments go to jest and Playwright.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const results = path.join(root, 'test-results');
const args = process.argv.slice(2);
const only = args.find(a => a === '--unit' || a === '--browser' || a === '--stock');
const extra = args.filter(a => a !== only);

function run(
  label,
  command,
  commandArgs,
  { env = process.env, executable = process.execPath } = {}
) {
  console.log(`\n=== ${label} ===`);
  const started = Date.now();
  const result = spawnSync(executable, [command, ...commandArgs], {
    cwd: root,
    stdio: 'inherit',
    env
  });
  console.log(`(${label}: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return result.status;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** What failed, by name, with the first line of its error: printed again at the very end. */
const failures = [];
/** Browser tests that failed once and passed on their retry (CI only): named at the end too. */
const flaky = [];

/** A Playwright spec's file, line and titles. */
function where(spec, titles) {
  return `${spec.file}:${spec.line} › ${[...titles, spec.title].join(' › ')}`;
}

/** The first meaningful line of an error text, without terminal colours. */
function firstLine(text) {
  const plain = String(text || '').replace(/\u001b\[[0-9;]*m/g, '');
  return (plain.split('\n').find(line => line.trim()) || '').trim().slice(0, 300);
}

/** Counts of a Playwright JSON report; its failed tests go into `failures`. */
function browserCounts(report, label) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const visit = (suite, titles) => {
    const here =
      suite.title && !suite.file?.endsWith(suite.title) ? [...titles, suite.title] : titles;
    for (const spec of suite.specs || []) {
      for (const t of spec.tests || []) {
        if (t.status === 'skipped') {
          counts.skipped++;
          continue;
        }
        if (t.status === 'expected' || t.status === 'flaky') counts.passed++;
        else counts.failed++;
        if (t.status === 'expected') continue;
        const error = (t.results || []).map(r => r.error?.message).find(Boolean);
        (t.status === 'flaky' ? flaky : failures).push(
          `${label}: ${where(spec, here)}` + (error ? `\n      ${firstLine(error)}` : '')
        );
      }
    }
    (suite.suites || []).forEach(child => visit(child, here));
  };
  (report.suites || []).forEach(suite => visit(suite, []));
  return counts;
}

/** A jest JSON report's failed tests (and suites that failed to run) into `failures`. */
function unitFailures(unit) {
  for (const file of unit.testResults || []) {
    const name = path.relative(root, file.name);
    const failed = (file.assertionResults || []).filter(a => a.status === 'failed');
    for (const a of failed) {
      failures.push(
        `unit: ${name} › ${a.fullName}\n      ${firstLine((a.failureMessages || [])[0])}`
      );
    }
    if (file.status === 'failed' && failed.length === 0) {
      failures.push(`unit: ${name} (the suite failed to run)\n      ${firstLine(file.message)}`);
    }
  }
}

/** A pytest JUnit XML report's failed test cases into `failures`. */
function junitFailures(xml) {
  const testcase = /<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g;
  const attr = (text, key) => (new RegExp(`\\b${key}="([^"]*)"`).exec(text) || [])[1] || '';
  for (const [, attrs, body = ''] of xml.matchAll(testcase)) {
    const failure = /<(failure|error)\b([^>]*)>/.exec(body);
    if (!failure) continue;
    const message = attr(failure[2], 'message') || failure[1];
    failures.push(
      `python: ${attr(attrs, 'classname')}::${attr(attrs, 'name')}\n      ${firstLine(message)}`
    );
  }
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

if (only === undefined || only === '--unit') {
  const unitFile = path.join(results, 'unit.json');
  const status = run('unit tests (jest)', require.resolve('jest/bin/jest'), [
    '--json',
    `--outputFile=${unitFile}`,
    // No --forceExit: every suite closes what it opens (engines, servers, workers), so jest ends by itself;
    // one that forgets fails the run by name (scripts/jest-exit-guard.js) instead of being cut off unseen.
    ...extra
  ]);
  const unit = readJson(unitFile);
  if (unit) {
    totals.passed += unit.numPassedTests;
    totals.failed += unit.numFailedTests + (unit.numRuntimeErrorTestSuites || 0);
    totals.skipped += unit.numPendingTests;
    console.log(`unit: ${unit.numPassedTests} passed, ${unit.numFailedTests} failed`);
    unitFailures(unit);
  }
  crashed ||=
    !unit || (status !== 0 && unit.numFailedTests === 0 && !unit.numRuntimeErrorTestSuites);
}

/** Counts of a pytest JUnit XML report (its first <testsuite> element). */
function junitCounts(xml) {
  const suite = /<testsuite\b([^>]*)>/.exec(xml);
  if (!suite) return null;
  const attr = name => Number((new RegExp(`\\b${name}="(\\d+)"`).exec(suite[1]) || [])[1] || 0);
  const failed = attr('failures') + attr('errors');
  const skipped = attr('skipped');
  return { passed: attr('tests') - failed - skipped, failed, skipped };
}

function browserPhase(label, config, reportFile, env = process.env) {
  const status = run(
    label,
    require.resolve('@playwright/test/cli'),
    ['test', '-c', config, ...extra],
    { env }
  );
  const report = readJson(path.join(results, reportFile));
  const counts = report && browserCounts(report, label.replace(/ \(.*\)$/, ''));
  if (counts) {
    Object.keys(totals).forEach(k => (totals[k] += counts[k]));
    console.log(
      `${label}: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`
    );
    if ((report.errors || []).length) crashed = true;
  }
  crashed ||= !counts || (status !== 0 && counts.failed === 0);
}

if (only === undefined || only === '--browser') {
  browserPhase(
    'browser tests, embedded (Playwright, Chromium)',
    'test/playwright.config.ts',
    'browser.json'
  );
}

/** The stock route needs python3 with venv; a machine without it skips it, CI never does. */
function stockRoute() {
  const { pythonVenvMissing } = require('../test/stock/env');
  const missing = pythonVenvMissing();
  if (!missing) return true;
  const message = `The stock-JupyterLab tests need python3 with venv (Debian: apt-get install -y python3-venv): ${missing}`;
  if (process.env.CI || only === '--stock') {
    console.error(`\n${message}`);
    crashed = true;
  } else {
    console.warn(`\n=== stock JupyterLab: skipped ===\n${message}`);
  }
  return false;
}

if ((only === undefined || only === '--browser' || only === '--stock') && stockRoute()) {
  // The stock-JupyterLab route: venv + wheel once, then pytest and the browser tests use them.
  const started = Date.now();
  if (run('stock JupyterLab: venv, odatis-vre wheel, pip install', 'test/stock/env.js', []) !== 0) {
    console.error(
      '\nThe stock JupyterLab environment could not be prepared: its tests did not run.'
    );
    crashed = true;
  } else {
    const { VENV } = require('../test/stock/env');
    const junit = path.join(results, 'python.xml');
    const status = run(
      'stock JupyterLab: server extension tests (pytest)',
      '-m',
      ['pytest', '-q', '-p', 'no:cacheprovider', `--junitxml=${junit}`, 'python/tests'],
      { executable: path.join(VENV, 'bin', 'python') }
    );
    const xml = fs.existsSync(junit) ? fs.readFileSync(junit, 'utf8') : null;
    const counts = xml ? junitCounts(xml) : null;
    if (counts) {
      junitFailures(xml);
      Object.keys(totals).forEach(k => (totals[k] += counts[k]));
      console.log(`python: ${counts.passed} passed, ${counts.failed} failed`);
    }
    crashed ||= !counts || (status !== 0 && counts.failed === 0);
    browserPhase(
      'browser tests, stock JupyterLab (Playwright, Chromium)',
      'test/playwright.stock.config.ts',
      'browser-stock.json',
      { ...process.env, ODATIS_VRE_STOCK_PREPARED: '1' }
    );
  }
  console.log(`(stock JupyterLab, all steps: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

if (crashed) {
  console.error(
    '\nA test runner stopped with an error before reporting all its tests (see above).'
  );
  totals.failed += totals.failed === 0 ? 1 : 0;
}
if (flaky.length) {
  console.log(`\nFlaky (failed once, passed on retry):\n${flaky.map(f => `  ${f}`).join('\n')}`);
}
if (failures.length) {
  console.log(`\nFailed:\n${failures.map(f => `  ${f}`).join('\n')}`);
}
console.log(
  `\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`
);
process.exit(totals.failed > 0 ? 1 : 0);
