#!/usr/bin/env node
// Lays out a Jupyter server's shared data folder as a deployment serves it: the native files with
// their README (datasets, DOIs, licences), their harmonised dataset in harmonised/ (converted with
// the odatis-vre CLI, with its DuckDB database file, which the browser reads in place by range requests
// from the odatis_vre server extension's /odatis-vre/files/), every file and folder without write
// permission.
//   node scripts/stage-shared-data.js --out <folder> --from <folder of native files>
//   node scripts/stage-shared-data.js --out <folder> --synthetic   (no real data: the training set only)
// Either way, synthetic/ holds the workshop's training set (scripts/training-set.js: odatis-vre synth
// --seed 42, its truth.json, README and harmonised dataset), and README.md gets a section on it.
// The output folder is replaced. Run `npm run build:lib` first (the CLI is TypeScript).
const { option } = require('./args');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const CLI = path.join(root, 'packages', 'cli', 'bin', 'odatis-vre.js');
const { GENERATOR, README_SECTION } = require('./training-set');

const TRAINING_SET = path.join(root, 'scripts', 'training-set.js');

const SYNTHETIC_README = `# Shared data — synthetic

This Binder has no copy of the ODATIS sample data (their producers publish them under their own
licences; a deployment mounts them here read-only). In their place, harmonised/ holds the harmonised
dataset of the workshop's synthetic training set (synthetic/, see synthetic/README.md).

${README_SECTION}`;

/** Writes the workshop's training set into <out>/synthetic (scripts/training-set.js, in a child process). */
function stageTrainingSet(out) {
  const result = spawnSync(process.execPath, [TRAINING_SET, '--out', path.join(out, 'synthetic')], {
    encoding: 'utf8'
  });
  if (result.error || result.status !== 0) {
    throw new Error(
      `the training set (${GENERATOR}) failed:\n${result.error?.message ?? ''}${result.stdout}${result.stderr}`
    );
  }
}

function cli(args, what) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(
      `${what} failed:\n${result.error?.message ?? ''}${result.stdout}${result.stderr}`
    );
  }
  return result.stdout;
}

/**
 * Adds the harmonised dataset's DuckDB database file (harmonised.duckdb, named in catalog.json) with native
 * DuckDB, as the embedded build does (scripts/build.js). Returns its summary.
 */
function addDatabase(folder) {
  const script =
    "require('@odatis-vre/query/lib/node').addHarmonisedDatabase(process.argv[1]).then(" +
    'd => console.log(`${d.rows} rows, ${(d.bytes / 1e6).toFixed(1)} MB`), ' +
    'e => { console.error(e.message); process.exit(1); })';
  const result = spawnSync(process.execPath, ['-e', script, folder], {
    cwd: root,
    encoding: 'utf8'
  });
  if (result.error || result.status !== 0) {
    throw new Error(
      `Writing the database file of ${folder} failed (native DuckDB, @duckdb/node-api):\n` +
        `${result.error?.message ?? ''}${result.stdout}${result.stderr}`
    );
  }
  return result.stdout.trim();
}

/** Sets or clears the write bits of a folder's tree (symbolic links are left alone). */
function setWritable(dir, writable) {
  if (!fs.existsSync(dir)) return;
  const visit = p => {
    const stat = fs.lstatSync(p);
    if (stat.isSymbolicLink()) return;
    const mode = stat.mode & 0o777;
    fs.chmodSync(p, writable ? mode | 0o200 : mode & ~0o222);
    if (stat.isDirectory()) fs.readdirSync(p).forEach(name => visit(path.join(p, name)));
  };
  visit(dir);
}

/** Removes a folder staged earlier, read-only as it is. */
function removeStaged(dir) {
  setWritable(dir, true);
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Stages the shared data into `out`: from a folder of native files (`from`), or synthetic.
 * Returns the conversion's summary line.
 */
function stageSharedData({ out, from, synthetic = false }) {
  if (!fs.existsSync(CLI) || !fs.existsSync(path.join(root, 'packages', 'cli', 'lib'))) {
    throw new Error('The odatis-vre CLI is not built: run `npm ci` and `npm run build:lib` first.');
  }
  if (!synthetic && (!from || !fs.existsSync(from))) {
    throw new Error(`The shared data to stage is missing: ${from} does not exist.`);
  }
  removeStaged(out);
  fs.mkdirSync(out, { recursive: true });
  if (!synthetic) fs.cpSync(from, out, { recursive: true, dereference: true });
  const natives = fs
    .readdirSync(out)
    .filter(name => name !== 'harmonised' && name !== 'synthetic' && !/\.md$/i.test(name))
    .map(name => path.join(out, name));
  if (!synthetic) {
    cli(
      ['convert', ...natives, '--out', path.join(out, 'harmonised'), '--strict', '--quiet'],
      'odatis-vre convert'
    );
  }
  const database = synthetic ? null : addDatabase(path.join(out, 'harmonised'));
  // The workshop's training set, beside the data (unless the data bring their own synthetic/)
  if (!fs.existsSync(path.join(out, 'synthetic'))) {
    stageTrainingSet(out);
    const readme = path.join(out, 'README.md');
    if (synthetic) fs.writeFileSync(readme, SYNTHETIC_README);
    else if (fs.existsSync(readme)) {
      fs.writeFileSync(readme, `${fs.readFileSync(readme, 'utf8').trimEnd()}\n\n${README_SECTION}`);
    }
  }
  if (synthetic) {
    // Without real data, the attached dataset (shared/harmonised) is the training set's.
    fs.cpSync(path.join(out, 'synthetic', 'harmonised'), path.join(out, 'harmonised'), {
      recursive: true
    });
  }
  setWritable(out, false);
  const catalog = JSON.parse(fs.readFileSync(path.join(out, 'harmonised', 'catalog.json'), 'utf8'));
  return `${natives.length} folder(s) of native files, harmonised dataset with ${catalog.parquetFiles.length} Parquet file(s)${
    database ? ` and ${catalog.databaseFile} (${database})` : ''
  }, training set in synthetic/ (${GENERATOR})`;
}

module.exports = { stageSharedData, setWritable, removeStaged };

if (require.main === module) {
  const out = option('--out');
  const from = option('--from');
  const synthetic = process.argv.includes('--synthetic');
  if (!out || (!from && !synthetic)) {
    console.error(
      'Usage: node scripts/stage-shared-data.js --out <folder> (--from <folder> | --synthetic)'
    );
    process.exit(2);
  }
  try {
    console.log(
      `${path.resolve(out)}: ${stageSharedData({ out: path.resolve(out), from, synthetic })}`
    );
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
