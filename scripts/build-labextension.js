#!/usr/bin/env node
// Builds a prebuilt (federated) JupyterLab extension from node only, with @jupyter/builder (rspack),
// the builder of JupyterLab 4.6, against the shared-package list of @jupyterlab/core-meta — what
// `jupyter labextension build` does with the Python package.
// Usage: node scripts/build-labextension.js <extension-dir> [--development]
const path = require('path');
const { spawnSync } = require('child_process');

const extensionDir = path.resolve(process.argv[2] || '.');
const development = process.argv.includes('--development');

const builder = require.resolve('@jupyter/builder/lib/build-labextension.js');
const args = [
  builder,
  '--core-package-file',
  require.resolve('@jupyterlab/core-meta/core.package.json'),
  ...(development ? ['--development'] : []),
  extensionDir
];
const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: extensionDir });
if (result.status !== 0) {
  console.error(`build-labextension failed for ${extensionDir}`);
  process.exit(result.status ?? 1);
}
