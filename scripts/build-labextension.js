#!/usr/bin/env node
// Builds prebuilt (federated) JupyterLab extensions from node only, with @jupyter/builder (rspack),
// the builder of JupyterLab 4.6, against the shared-package list of @jupyterlab/core-meta — what
// `jupyter labextension build` does with the Python package. Several extensions are built side by side,
// one builder process each (the licence report resolves packages from the working folder, which must be the
// extension's), as many at a time as there are cores.
// Usage: node scripts/build-labextension.js <extension-dir>... [--development]
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const CORE_PACKAGE_FILE = require.resolve('@jupyterlab/core-meta/core.package.json');

/**
 * Builds the extensions of `extensionDirs` (their `jupyterlab.outputDir`, e.g. dist/) in this process, in one
 * rspack run; a production build also writes each one's static/THIRD-PARTY-NOTICES.txt. Rejects with the
 * errors. The working folder must be the extension's (see buildLabextensionsApart for several).
 */
function buildLabextensions(extensionDirs, { development = false } = {}) {
  const { rspack } = require('@rspack/core');
  const generateConfig = require('@jupyter/builder/lib/extensionConfig').default;
  const configs = extensionDirs.flatMap(dir =>
    generateConfig({
      packagePath: path.resolve(dir),
      mode: development ? 'development' : 'production',
      corePackageFile: CORE_PACKAGE_FILE
    })
  );
  return new Promise((resolve, reject) => {
    const compiler = rspack(configs);
    compiler.run((error, stats) => {
      compiler.close(closeError => {
        if (error || closeError) return reject(error || closeError);
        if (stats.hasErrors()) {
          const errors = stats.toString({ all: false, errors: true, colors: false });
          return reject(new Error(`prebuilt extension build errors:\n${errors}`));
        }
        try {
          if (!development) extensionDirs.forEach(writeExtensionNotices);
        } catch (noticeError) {
          return reject(noticeError);
        }
        resolve();
      });
    });
  });
}

/**
 * A production build lists its bundled packages' licences (static/third-party-licenses.json): complete it
 * and write static/THIRD-PARTY-NOTICES.txt, which the wheel and the embedded site carry with the extension.
 */
function writeExtensionNotices(extensionDir) {
  const { writeNotices } = require('./third-party-notices');
  const pkg = require(path.join(path.resolve(extensionDir), 'package.json'));
  const outputDir = path.join(extensionDir, (pkg.jupyterlab && pkg.jupyterlab.outputDir) || 'dist');
  try {
    writeNotices(
      path.join(outputDir, 'static'),
      extensionDir,
      `the JupyterLab extension ${pkg.name}`
    );
  } catch (error) {
    throw new Error(`third-party notices of ${pkg.name}: ${error.message}`);
  }
}

/** Builds each extension in a builder process of its own, in its folder, `parallel` at a time. */
async function buildLabextensionsApart(
  extensionDirs,
  { development = false, parallel = os.cpus().length } = {}
) {
  const queue = extensionDirs.map(dir => path.resolve(dir));
  const failures = [];
  const worker = async () => {
    for (let dir = queue.shift(); dir; dir = queue.shift()) {
      const args = [__filename, dir, ...(development ? ['--development'] : [])];
      const child = spawn(process.execPath, args, { cwd: dir, stdio: 'inherit' });
      const code = await new Promise(resolve => {
        child.on('error', () => resolve(-1));
        child.on('exit', resolve);
      });
      if (code !== 0) failures.push(path.basename(dir));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  if (failures.length) throw new Error(`the build of ${failures.join(', ')} failed (see above)`);
}

module.exports = { buildLabextensions, buildLabextensionsApart };

if (require.main === module) {
  const dirs = process.argv.slice(2).filter(arg => !arg.startsWith('--'));
  const development = process.argv.includes('--development');
  const single = dirs.length <= 1;
  if (single) process.chdir(path.resolve(dirs[0] || '.'));
  else require('./cpu-time').logCpuAtExit('prebuilt extensions');
  (single
    ? buildLabextensions(['.'], { development })
    : buildLabextensionsApart(dirs, { development })
  ).catch(error => {
    console.error(`build-labextension failed for ${dirs.join(', ') || '.'}: ${error.message}`);
    process.exit(1);
  });
}
