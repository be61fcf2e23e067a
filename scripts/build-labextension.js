#!/usr/bin/env node
// Builds a prebuilt (federated) JupyterLab extension with @jupyterlab/builder, from node only.
// The builder reads JupyterLab's shared-package list from `<core-path>/package.json`; the npm
// package @jupyterlab/core-meta ships that file as core.package.json, so we stage a copy.
// Usage: node scripts/build-labextension.js <extension-dir> [--development]
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const extensionDir = path.resolve(process.argv[2] || '.');
const development = process.argv.includes('--development');

const corePath = path.join(root, 'node_modules', '.cache', 'odatis-vre', 'jlcore');
fs.mkdirSync(corePath, { recursive: true });
fs.copyFileSync(
  require.resolve('@jupyterlab/core-meta/core.package.json'),
  path.join(corePath, 'package.json')
);

const builder = require.resolve('@jupyterlab/builder/lib/build-labextension.js');
const args = [
  builder,
  '--core-path',
  corePath,
  ...(development ? ['--development'] : []),
  extensionDir
];
const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: extensionDir });
if (result.status !== 0) {
  console.error(`build-labextension failed for ${extensionDir}`);
  process.exit(result.status ?? 1);
}
