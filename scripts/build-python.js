#!/usr/bin/env node
// `npm run build:python`: the Python distribution odatis-vre (pyproject.toml). Builds the TypeScript
// packages and the prebuilt extensions that changed, then the wheel, with hatchling, into dist/python/.
// Options: --python <interpreter> (default: $PYTHON or python3; it needs the `build` and `hatchling`
// packages: `pip install build hatchling`), --sdist (also the source distribution).
const { option } = require('./args');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { buildPrebuiltExtensions, run } = require('./build');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'dist', 'python');

/** Builds the wheel (and the sdist if asked); returns the wheel's path. */
function buildWheel({ python = 'python3', sdist = false, log = console.log } = {}) {
  const check = spawnSync(python, ['-c', 'import build, hatchling'], { encoding: 'utf8' });
  if (check.error || check.status !== 0) {
    throw new Error(
      `${python} cannot build the wheel: it needs the Python packages \`build\` and \`hatchling\` ` +
        `(pip install build hatchling). ${(check.error?.message ?? check.stderr).trim()}`
    );
  }
  log('• TypeScript packages (tsc -b)');
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-b']);
  buildPrebuiltExtensions({ log });
  log(`• Python distribution odatis-vre (hatchling) into ${path.relative(root, outDir)}/`);
  fs.rmSync(outDir, { recursive: true, force: true });
  run(python, [
    '-m',
    'build',
    '--no-isolation',
    ...(sdist ? [] : ['--wheel']),
    '--outdir',
    outDir,
    root
  ]);
  const wheels = fs.readdirSync(outDir).filter(f => f.endsWith('.whl'));
  if (wheels.length !== 1) {
    throw new Error(`Expected one wheel in ${outDir}, found: ${wheels.join(', ') || 'none'}`);
  }
  return path.join(outDir, wheels[0]);
}

module.exports = { buildWheel };

if (require.main === module) {
  try {
    const wheel = buildWheel({
      python: option('--python') || process.env.PYTHON || 'python3',
      sdist: process.argv.includes('--sdist')
    });
    console.log(`Built ${path.relative(process.cwd(), wheel)}`);
  } catch (error) {
    console.error(`build:python failed: ${error.message}`);
    process.exit(1);
  }
}
