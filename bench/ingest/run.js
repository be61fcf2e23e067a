#!/usr/bin/env node
/**
 * Ingestion benchmark: odatis-vre conversion (native export → harmonised long Parquet,
 * hive-partitioned) against native DuckDB (`read_csv` + `COPY … TO parquet`) on the same files,
 * measured in the same run. Prints MB/s, rows/s and the time ratio; asserts nothing.
 *
 *   npx tsc -b && node bench/ingest/run.js [--repeat 3]
 *
 * Inputs: every file in ../shared/data, and the full synthetic dataset (12 sites × 25 years).
 * MB are source bytes as read (gzip files count compressed and uncompressed separately).
 * Rows: DuckDB counts CSV records; odatis-vre counts harmonised values written (long rows).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { gunzipSync } = require('node:zlib');
const { DuckDBInstance } = require('@duckdb/node-api');
const { generateSynthetic, readSnoFile } = require('../../packages/sno/lib/index.js');
const { convertFiles } = require('../../packages/sno/lib/node.js');

const repoRoot = path.resolve(__dirname, '../..');
const shared = path.resolve(repoRoot, '../shared/data');
const repeat = Number(process.argv[process.argv.indexOf('--repeat') + 1]) || 3;

function sharedInputs() {
  if (!fs.existsSync(shared)) throw new Error(`shared data not found at ${shared}`);
  return ['phytobs', 'gravelines'].flatMap(d =>
    fs
      .readdirSync(path.join(shared, d))
      .sort()
      .map(f => path.join(shared, d, f))
  );
}

function synthInputs(dir) {
  const ds = generateSynthetic({ seed: 1 });
  return ds.files.map(f => {
    const p = path.join(dir, f.name);
    fs.writeFileSync(p, f.bytes);
    return p;
  });
}

/** DuckDB reads each file as the CSV it is (its own header, `;`, `//` comments for SOMLIT). */
function duckdbReadCsv(p) {
  const first = (p.endsWith('.gz') ? gunzipSync(fs.readFileSync(p)) : fs.readFileSync(p))
    .subarray(0, 200)
    .toString();
  const somlit = first.startsWith('//');
  const opts = [
    `delim=';'`,
    `header=true`,
    `sample_size=-1`,
    `strict_mode=false`,
    `null_padding=true`
  ];
  if (somlit) opts.push(`skip=2`, `comment='/'`);
  return `read_csv('${p.replace(/'/g, "''")}', ${opts.join(', ')})`;
}

async function timeDuckDB(con, files, outDir) {
  let rows = 0;
  const t0 = process.hrtime.bigint();
  for (const [k, f] of files.entries()) {
    const target = path.join(outDir, `d${k}.parquet`);
    const r = await con.runAndReadAll(
      `COPY (SELECT * FROM ${duckdbReadCsv(f)}) TO '${target}' (FORMAT parquet, COMPRESSION zstd)`
    );
    rows += Number(r.getRows()[0][0]);
  }
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, rows };
}

async function timeOurs(files, outDir) {
  const t0 = process.hrtime.bigint();
  const report = await convertFiles(files, outDir, { formats: ['parquet'] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (report.totals.filesFailed)
    throw new Error('conversion failed: ' + JSON.stringify(report.files.filter(f => !f.ok)));
  return { seconds, rows: report.totals.valuesWritten };
}

/** Parsing alone (bytes in memory → harmonised columns), to separate reading from writing. */
function timeOursReadOnly(files) {
  const bytes = files.map(f => [path.basename(f), fs.readFileSync(f)]);
  const t0 = process.hrtime.bigint();
  let rows = 0;
  for (const [name, b] of bytes) rows += readSnoFile(name, b).report.valuesWritten;
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, rows };
}

const sizes = files => {
  let disk = 0;
  let text = 0;
  for (const f of files) {
    const b = fs.readFileSync(f);
    disk += b.length;
    text += f.endsWith('.gz') ? gunzipSync(b).length : b.length;
  }
  return { disk, text };
};

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-bench-'));
  const groups = [
    ['shared data (7 files)', sharedInputs()],
    ['synthetic 12 sites x 25 y', synthInputs(fs.mkdtempSync(path.join(tmp, 'synth-')))]
  ];
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run('SET threads = 1'); // same single core as the JS conversion
  console.log(
    `node ${process.version}, ${os.cpus().length} cores, best of ${repeat}; DuckDB threads=1\n`
  );
  const fmt = (x, d = 1) => x.toFixed(d).padStart(8);
  console.log(
    'input                        engine       MB(text)  seconds    MB/s      rows/s   rows'
  );
  for (const [name, files] of groups) {
    const { disk, text } = sizes(files);
    let best = { ours: null, duck: null, read: null };
    for (let i = 0; i < repeat + 1; i++) {
      const dOut = fs.mkdtempSync(path.join(tmp, 'duck-'));
      const d = await timeDuckDB(con, files, dOut);
      const o = await timeOurs(files, path.join(fs.mkdtempSync(path.join(tmp, 'ours-')), 'out'));
      const rd = timeOursReadOnly(files);
      if (i === 0) continue; // warm-up
      if (!best.read || rd.seconds < best.read.seconds) best.read = rd;
      if (!best.duck || d.seconds < best.duck.seconds) best.duck = d;
      if (!best.ours || o.seconds < best.ours.seconds) best.ours = o;
    }
    for (const [engine, r] of [
      ['odatis-vre', best.ours],
      ['(read only)', best.read],
      ['duckdb', best.duck]
    ]) {
      console.log(
        `${name.padEnd(28)} ${engine.padEnd(11)} ${fmt(text / 1e6, 2)} ${fmt(r.seconds, 3)} ${fmt(text / 1e6 / r.seconds)} ${fmt(r.rows / r.seconds, 0)} ${String(r.rows).padStart(8)}`
      );
    }
    console.log(
      `${name.padEnd(28)} ratio      odatis-vre time / DuckDB time = ${(best.ours.seconds / best.duck.seconds).toFixed(2)}x ` +
        `(on-disk ${(disk / 1e6).toFixed(2)} MB)\n`
    );
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
