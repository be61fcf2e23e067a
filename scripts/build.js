#!/usr/bin/env node
// Builds the embedded VRE: TypeScript packages, prebuilt extensions, the host bundle (rspack,
// only when its inputs changed), then the static site with the shared sample data.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { writeTrainingSet, GENERATOR, README_SECTION } = require('./training-set');
const { NOTICES, writeNotices } = require('./third-party-notices');
const { staleProjects, transpile, typescriptProjects } = require('./transpile');
const { cpuSeconds, logCpuAtExit } = require('./cpu-time');

const root = path.resolve(__dirname, '..');
const appDir = path.join(root, 'packages', 'app');
const sharedData = path.resolve(root, '..', 'shared', 'data');

function run(command, args, cwd = root) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.status} (in ${path.relative(root, cwd) || '.'})`
    );
  }
  return Date.now() - started;
}

/** Newest modification time under the given files/folders (ignoring node_modules and build outputs). */
function newest(paths) {
  let latest = 0;
  const visit = p => {
    if (!fs.existsSync(p)) return;
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p))
        if (name !== 'node_modules' && name !== 'dist') visit(path.join(p, name));
    } else latest = Math.max(latest, stat.mtimeMs);
  };
  paths.forEach(visit);
  return latest;
}

function stale(output, inputs) {
  return !fs.existsSync(output) || newest(inputs) > fs.statSync(output).mtimeMs;
}

/**
 * Runs one build step: logs `• title`, then `  done in N s (M s CPU): short`. The CPU time is this process's
 * with the children it waited for, or its own threads only with `cpu: 'self'` (a step running beside child
 * processes), or not shown with `cpu: 'child'` (the child process logs its own).
 */
async function step(log, title, work, { short = title, cpu = 'all' } = {}) {
  log(`• ${title}`);
  const started = Date.now();
  const before = cpuSeconds({ children: cpu === 'all' });
  const result = await work();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const used = (cpuSeconds({ children: cpu === 'all' }) - before).toFixed(1);
  log(`  done in ${seconds} s${cpu === 'child' ? '' : ` (${used} s CPU)`}: ${short}`);
  return result;
}

/**
 * Whether `tsc -b` has work to do: a project without its build info, or with a source, configuration or
 * the lock file newer than it. (`tsc -b` finds the same in a few seconds, loading TypeScript to do so.)
 */
function typescriptStale() {
  const shared = [path.join(root, 'tsconfig.base.json'), path.join(root, 'package-lock.json')];
  return typescriptProjects().some(dir =>
    stale(path.join(dir, 'tsconfig.tsbuildinfo'), [
      path.join(dir, 'src'),
      path.join(dir, 'tsconfig.json'),
      ...shared
    ])
  );
}

/**
 * The TypeScript packages' lib/: with `typecheck`, `tsc -b` (type check, declarations) when a project is
 * stale; otherwise only the JavaScript of projects whose lib/ is older than their sources, transpiled by
 * esbuild (scripts/transpile.js), which is all a start needs.
 */
async function buildTypeScript(log, typecheck) {
  if (typecheck) {
    if (typescriptStale()) {
      await step(
        log,
        'TypeScript packages (tsc -b)',
        () => run(process.execPath, [require.resolve('typescript/bin/tsc'), '-b']),
        { short: 'tsc -b' }
      );
    }
    return;
  }
  const due = staleProjects();
  if (due.length) {
    const names = due.map(plan => path.relative(root, plan.dir)).join(', ');
    await step(
      log,
      `TypeScript packages, JavaScript only (esbuild; type check: npx tsc -b): ${names}`,
      () => transpile(due),
      { short: 'esbuild' }
    );
  }
}

function extensionDirs() {
  const dir = path.join(root, 'extensions');
  return fs
    .readdirSync(dir)
    .map(name => path.join(dir, name))
    .filter(p => fs.existsSync(path.join(p, 'package.json')))
    .filter(p => (require(path.join(p, 'package.json')).jupyterlab || {}).extension);
}

/**
 * The folders of the workspace libraries (packages/*) a package bundles: its @odatis-vre dependencies and
 * theirs, all the way down (the kernel extension bundles @odatis-vre/kernel, which bundles workshop and niche).
 */
function bundledLibraries(dir) {
  const found = new Set();
  const visit = packageDir => {
    const { dependencies = {} } = require(path.resolve(packageDir, 'package.json'));
    for (const name of Object.keys(dependencies)) {
      if (!name.startsWith('@odatis-vre/')) continue;
      const lib = path.join(root, 'packages', name.split('/')[1]);
      if (found.has(lib)) continue;
      found.add(lib);
      visit(lib);
    }
  };
  visit(dir);
  return [...found].sort();
}

/**
 * The prebuilt extensions of extensions/: `prebuilt` their dist/ folders, `due` those whose sources (or the
 * workspace libraries they bundle) changed since their dist/ was built. TypeScript must be built.
 */
function prebuiltExtensions() {
  const due = [];
  const prebuilt = [];
  for (const dir of extensionDirs()) {
    const dist = path.join(dir, 'dist', 'package.json');
    // The extension's own sources and those of the workspace libraries it bundles.
    const deps = [
      dir,
      path.join(root, 'package-lock.json'),
      ...bundledLibraries(dir).flatMap(lib => [path.join(lib, 'lib'), path.join(lib, 'style')])
    ];
    // A build from before the third-party notices has none: build it again.
    const notices = path.join(dir, 'dist', 'static', NOTICES);
    if (stale(dist, deps) || !fs.existsSync(notices)) due.push(dir);
    prebuilt.push(path.join(dir, 'dist'));
  }
  return { due, prebuilt };
}

const LABEXTENSION_BUILDER = path.join(root, 'scripts', 'build-labextension.js');
const extensionsTitle = due =>
  `prebuilt extensions (@jupyter/builder, one process each, side by side): ${due.map(d => path.basename(d)).join(', ')}`;

/** Builds the prebuilt extensions that are due (see prebuiltExtensions), side by side; returns all dist/ folders. */
function buildPrebuiltExtensions({ log = console.log } = {}) {
  const { due, prebuilt } = prebuiltExtensions();
  if (due.length) {
    log(`• ${extensionsTitle(due)}`);
    run(process.execPath, [LABEXTENSION_BUILDER, ...due]);
  }
  return prebuilt;
}

/** The same as a child process running beside other steps: resolves when it has succeeded. */
function spawnStep(log, title, short, command, args) {
  const { spawn } = require('child_process');
  return step(
    log,
    title,
    () =>
      new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: process.env });
        child.on('error', reject);
        child.on('exit', code =>
          code === 0 ? resolve() : reject(new Error(`${title}: exited with ${code}`))
        );
      }),
    { short, cpu: 'child' }
  );
}

/** Converts every native file of the shared data into the harmonised Parquet/Arrow dataset. */
async function convertSharedData(outDir) {
  const { convertFiles } = require('@odatis-vre/sno/node');
  const files = [];
  const walk = dir =>
    fs.readdirSync(dir, { withFileTypes: true }).forEach(entry => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!/\.md$/i.test(entry.name)) files.push(full);
    });
  walk(sharedData);
  // A build output: the database file of the last build is not the converter's, which would refuse to replace it.
  fs.rmSync(outDir, { recursive: true, force: true });
  const report = await convertFiles(files.sort(), outDir, { strict: true });
  // The converter's report.json names sources relative to the inputs' common folder; the site's names
  // them by their paths in the site (shared/…), from the absolute paths of the report in memory.
  const served = { ...report, catalog: null };
  fs.writeFileSync(
    path.join(outDir, 'report.json'),
    JSON.stringify(servedReport(served) ?? served, null, 1)
  );
  const { valuesWritten, valuesRejected } = report.totals;
  console.log(
    `  ${files.length} files, ${valuesWritten} values written, ${valuesRejected} rejected (see ${path.relative(root, outDir)}/report.json)`
  );
  // The same rows in DuckDB's own storage: what the SQL workspace attaches (range reads, nothing copied).
  const { addHarmonisedDatabase } = require('@odatis-vre/query/lib/node');
  const database = await addHarmonisedDatabase(outDir);
  console.log(
    `  ${path.basename(database.file)}: ${database.rows} rows, ${(database.bytes / 1e6).toFixed(1)} MB`
  );
}

/**
 * The conversion report as the site serves it (shared/harmonised/report.json): the dataset is ".", a
 * source file is named by its path in the site (shared/…). The build machine's folders never reach a page.
 * Returns null when the report is already so.
 */
function servedReport(report) {
  const sitePath = file => {
    if (!path.isAbsolute(file)) return file;
    const rel = path.relative(sharedData, file);
    return rel.startsWith('..') || path.isAbsolute(rel)
      ? path.basename(file)
      : ['shared', ...rel.split(path.sep)].join('/');
  };
  const files = (report.files || []).map(f => (f.path ? { ...f, path: sitePath(f.path) } : f));
  const changed = report.outDir !== '.' || files.some((f, i) => f.path !== report.files[i].path);
  return changed ? { ...report, outDir: '.', files } : null;
}

/** Rewrites <dataset>/report.json with the paths the site serves (see servedReport). */
function relativiseReport(datasetDir) {
  const file = path.join(datasetDir, 'report.json');
  if (!fs.existsSync(file)) return;
  const served = servedReport(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (served) fs.writeFileSync(file, JSON.stringify(served, null, 1));
}

/** Runs rspack on a configuration file (an array of configurations); rejects with its errors. */
function bundleHost(configFile) {
  const started = Date.now();
  const { rspack } = require('@rspack/core');
  // The configuration writes build/ while it loads: load it only when a build is due.
  const config = require(configFile);
  return new Promise((resolve, reject) => {
    const compiler = rspack(config);
    compiler.run((error, stats) => {
      compiler.close(() => {
        if (error) return reject(error);
        if (stats.hasErrors()) {
          const errors = stats.toString({ all: false, errors: true, colors: false });
          return reject(new Error(`the host bundle has errors:\n${errors}`));
        }
        const warnings = stats.toString({ all: false, warnings: true, colors: false }).trim();
        if (warnings) console.warn(warnings);
        resolve(Date.now() - started);
      });
    });
  });
}

/** The JupyterLab host bundle (rspack, in this process), when its inputs changed or the mode differs. */
async function buildHost(log) {
  const bundle = path.join(appDir, 'build', 'bundle.js');
  const hostInputs = ['lib', 'templates', 'scripts/host.js', 'rspack.config.js', 'package.json']
    .map(p => path.join(appDir, p))
    .concat(path.join(root, 'package-lock.json'));
  const mode = process.env.NODE_ENV === 'development' ? 'development' : 'production';
  const infoFile = path.join(appDir, 'build', 'build-info.json');
  const builtMode = fs.existsSync(infoFile)
    ? JSON.parse(fs.readFileSync(infoFile, 'utf8')).mode
    : null;
  if (builtMode === mode && !stale(bundle, hostInputs)) return;
  const title = `JupyterLab host bundle (rspack, ${mode})`;
  await step(
    log,
    title,
    async () => {
      // Start from an empty folder: the bundler does not remove the chunks of an earlier build.
      fs.rmSync(path.join(appDir, 'build'), { recursive: true, force: true });
      await bundleHost(path.join(appDir, 'rspack.config.js'));
      // The licences of what the host bundles, completed for packages without a licence file.
      const notices = writeNotices(
        path.join(appDir, 'build'),
        appDir,
        'the embedded ODATIS VRE application (its JupyterLab host)'
      );
      fs.writeFileSync(infoFile, JSON.stringify({ mode, builtAt: new Date().toISOString() }));
      log(`  ${NOTICES}: ${notices.length} packages`);
    },
    { short: 'host bundle', cpu: 'self' }
  );
}

const harmonisedDir = path.join(appDir, 'data', 'harmonised');
const trainingDir = path.join(appDir, 'data', 'synthetic');

/**
 * The sample data's harmonised dataset and the workshop's training set, each rebuilt only when its
 * inputs (the shared data, the converter, the generator) changed. A conversion runs in a child process
 * (`node scripts/build.js --data`), beside the bundlers.
 */
async function prepareData(log) {
  const converter = [
    path.join(root, 'packages', 'sno', 'lib'),
    path.join(root, 'packages', 'query', 'lib', 'node', 'database.js')
  ];
  const harmonisedDue = stale(path.join(harmonisedDir, 'catalog.json'), [sharedData, ...converter]);
  const trainingDue = stale(path.join(trainingDir, 'harmonised', 'catalog.json'), [
    ...converter,
    path.join(root, 'scripts', 'training-set.js')
  ]);
  if (harmonisedDue || trainingDue) {
    const what = [
      harmonisedDue && 'harmonised dataset of the shared data (@odatis-vre/sno)',
      trainingDue && `training set shared/synthetic/ (${GENERATOR})`
    ].filter(Boolean);
    await spawnStep(log, what.join('; '), 'data', process.execPath, [
      __filename,
      '--data',
      ...(harmonisedDue ? ['harmonised'] : []),
      ...(trainingDue ? ['training'] : [])
    ]);
  }
  relativiseReport(harmonisedDir);
}

/** `node scripts/build.js --data harmonised training`: the conversions prepareData asks for. */
async function convertData(which) {
  if (which.includes('harmonised')) await convertSharedData(harmonisedDir);
  if (which.includes('training')) console.log(`  ${await writeTrainingSet(trainingDir)}`);
}

/**
 * @param {object} [options]
 * @param {boolean} [options.skip] serve the site as it is if there is one
 * @param {boolean} [options.typecheck] build the TypeScript packages with `tsc -b` (type check, declarations)
 *   rather than transpiling their JavaScript only
 * @param {(line: string) => void} [options.log]
 * @param {{name: string, source: string}[]} [options.readOnlyMounts] more read-only folders of the site
 */
async function buildAll({
  skip = false,
  typecheck = false,
  log = console.log,
  readOnlyMounts = []
} = {}) {
  const siteDir = path.join(appDir, 'site');
  if (!fs.existsSync(path.join(root, 'node_modules', '@jupyter', 'builder'))) {
    throw new Error('Dependencies are not installed: run `npm ci` first.');
  }
  if (!fs.existsSync(sharedData)) {
    throw new Error(
      `The shared sample data is missing: expected ${sharedData} (the ../shared folder beside the repository).`
    );
  }
  if (skip && fs.existsSync(path.join(siteDir, 'lab', 'index.html'))) {
    return { siteDir };
  }
  await buildTypeScript(log, typecheck);
  // The prebuilt extensions (a child process), the host bundle and the sample data are independent
  // of one another: they are built side by side.
  const { due, prebuilt } = prebuiltExtensions();
  // The children start first: loading the host's configuration blocks this process for a few seconds.
  await Promise.all([
    prepareData(log),
    due.length
      ? spawnStep(log, extensionsTitle(due), 'prebuilt extensions', process.execPath, [
          LABEXTENSION_BUILDER,
          ...due
        ])
      : null,
    buildHost(log)
  ]);

  // The site's shared/README.md: the sample data's README, and a section on the training set.
  const sharedReadme = path.join(appDir, 'data', 'shared-readme');
  fs.mkdirSync(sharedReadme, { recursive: true });
  const readme = `${fs.readFileSync(path.join(sharedData, 'README.md'), 'utf8').trimEnd()}\n\n${README_SECTION}`;
  const readmeFile = path.join(sharedReadme, 'README.md');
  // Rewritten only when it changes: the site copies what is newer.
  if (!fs.existsSync(readmeFile) || fs.readFileSync(readmeFile, 'utf8') !== readme)
    fs.writeFileSync(readmeFile, readme);

  const { buildSite } = require('../packages/app/scripts/site');
  const siteTitle =
    'site, updated in place (host, prebuilt extensions, shared/ sample data, its harmonised dataset and the training set, examples/)';
  await step(
    log,
    siteTitle,
    () =>
      buildSite({
        siteDir,
        buildDir: path.join(appDir, 'build'),
        extensions: prebuilt,
        mounts: [
          { name: 'shared', source: sharedData, readOnly: true },
          { name: 'shared', source: sharedReadme, readOnly: true },
          { name: 'shared/harmonised', source: harmonisedDir, readOnly: true },
          { name: 'shared/synthetic', source: trainingDir, readOnly: true },
          { name: 'examples', source: path.join(root, 'examples'), readOnly: true },
          ...readOnlyMounts.map(m => ({ ...m, readOnly: true }))
        ],
        // app.version is the JupyterLab version, as in a stock JupyterLab.
        pageConfig: { appVersion: require('@jupyterlab/application/package.json').version }
      }),
    { short: 'site' }
  );
  return { siteDir };
}

module.exports = { buildAll, buildPrebuiltExtensions, bundledLibraries, run, servedReport };

if (require.main === module) {
  const data = process.argv.indexOf('--data');
  if (data >= 0) logCpuAtExit('data');
  // `npm run build` type-checks (tsc -b); `npm start` transpiles unless asked to type-check.
  (data >= 0 ? convertData(process.argv.slice(data + 1)) : buildAll({ typecheck: true })).catch(
    error => {
      console.error(`Build failed: ${error.message}`);
      process.exit(1);
    }
  );
}
