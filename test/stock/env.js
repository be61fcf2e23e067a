#!/usr/bin/env node
// The Python side of the stock-JupyterLab tests: a virtual environment with a stock JupyterLab
// (test/stock/requirements.txt), the odatis-vre wheel built from this checkout and installed into it
// the way a user would (`pip install` of the wheel is the whole install). Prints what each step cost.
// The environment lives in .cache/stock-venv (git-ignored; it survives `npm ci`) and is reused while
// requirements.txt is unchanged; the wheel is rebuilt and reinstalled every time.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { buildWheel } = require('../../scripts/build-python');

const root = path.resolve(__dirname, '..', '..');
const VENV = path.join(root, '.cache', 'stock-venv');
const REQUIREMENTS = path.join(__dirname, 'requirements.txt');
const LOCAL_INDEXES = ['/opt/pypi/simple', '/opt/pypi-more/simple'];

const bin = name => path.join(VENV, 'bin', name);

/**
 * pip's index options: the ones given in PIP_INDEX_URL / PIP_EXTRA_INDEX_URL, else the machine's local
 * wheel indexes when it has them (this project's machines and CI: without them pip first retries the
 * unreachable public index for every package), else pip's defaults.
 */
function indexOptions() {
  if (process.env.PIP_INDEX_URL) return [];
  const local = LOCAL_INDEXES.filter(dir => fs.existsSync(dir));
  if (local.length === 0) return [];
  return [
    '--index-url',
    `file://${local[0]}`,
    ...local.slice(1).flatMap(dir => ['--extra-index-url', `file://${dir}`])
  ];
}

/**
 * Why this machine cannot make the environment (no python3, or Debian's python3 without its venv and
 * ensurepip modules, i.e. without the python3-venv package), or null when it can.
 */
function pythonVenvMissing() {
  const check = spawnSync('python3', ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
  if (check.error) return `python3 is not installed (${check.error.message})`;
  if (check.status !== 0) {
    return `python3 cannot create a virtual environment: ${(check.stderr || '').trim().split('\n').pop()}`;
  }
  return null;
}

function run(command, args, what) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    // pip warns for each package a second index lacks: keep the output to what went wrong.
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`
      .split('\n')
      .filter(line => !/^WARNING: Location '.*' is ignored/.test(line))
      .join('\n');
    throw new Error(
      `${what} failed (${command} ${args.join(' ')}):\n${result.error?.message ?? output}`
    );
  }
  return result.stdout;
}

function timed(timings, label, step) {
  const started = Date.now();
  const value = step();
  timings.push([label, (Date.now() - started) / 1000]);
  return value;
}

/** Creates or refreshes the environment, builds and installs the wheel; returns the interpreter paths. */
function prepareEnvironment({ log = console.log } = {}) {
  const timings = [];
  const pip = ['-m', 'pip', '--disable-pip-version-check', '--quiet'];
  if (!fs.existsSync(bin('python'))) {
    log(`• Python virtual environment ${path.relative(root, VENV)}`);
    fs.rmSync(VENV, { recursive: true, force: true });
    try {
      timed(timings, 'venv', () => run('python3', ['-m', 'venv', VENV], 'Creating the venv'));
    } catch (error) {
      throw new Error(
        `${error.message}\nThe stock-JupyterLab tests need python3 with its venv module ` +
          '(Debian: apt-get install -y python3-venv).'
      );
    }
  }
  const stamp = path.join(VENV, '.odatis-vre-requirements');
  const wanted = fs.readFileSync(REQUIREMENTS, 'utf8');
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== wanted) {
    log('• stock JupyterLab and the build tools (pip install -r test/stock/requirements.txt)');
    timed(timings, 'pip install jupyterlab', () =>
      run(bin('python'), [...pip, 'install', ...indexOptions(), '-r', REQUIREMENTS], 'pip install')
    );
    fs.writeFileSync(stamp, wanted);
  }
  const wheel = timed(timings, 'wheel build', () => buildWheel({ python: bin('python'), log }));
  log(`• pip install ${path.relative(root, wheel)}`);
  timed(timings, 'wheel install', () => {
    run(bin('python'), [...pip, 'uninstall', '--yes', 'odatis-vre'], 'pip uninstall odatis-vre');
    run(bin('python'), [...pip, 'install', ...indexOptions(), wheel], `pip install ${wheel}`);
  });
  log(`  took ${timings.map(([label, s]) => `${label} ${s.toFixed(0)} s`).join(', ')}`);
  return { python: bin('python'), jupyter: bin('jupyter'), wheel, timings };
}

module.exports = { prepareEnvironment, pythonVenvMissing, VENV };

if (require.main === module) {
  try {
    prepareEnvironment();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
