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
// A production build lists its bundled packages' licences (static/third-party-licenses.json): complete it and
// write static/THIRD-PARTY-NOTICES.txt, which the wheel and the embedded site carry with the extension.
if (!development) {
  const { writeNotices } = require('./third-party-notices');
  const pkg = require(path.join(extensionDir, 'package.json'));
  const outputDir = path.join(extensionDir, (pkg.jupyterlab && pkg.jupyterlab.outputDir) || 'dist');
  try {
    writeNotices(
      path.join(outputDir, 'static'),
      extensionDir,
      `the JupyterLab extension ${pkg.name}`
    );
  } catch (error) {
    console.error(`third-party notices of ${pkg.name}: ${error.message}`);
    process.exit(1);
  }
}
