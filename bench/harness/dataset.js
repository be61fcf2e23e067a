/**
 * A generated harmonised dataset on disk, laid out as the converter lays out a real one: hive-partitioned
 * Parquet (`parquet/sno=/site=/year=/part-N.parquet`), `catalog.json`, and the DuckDB database file
 * written by @odatis-vre/query's `addHarmonisedDatabase` (the converter's own step). Native DuckDB writes
 * the Parquet files; kept under bench/.cache between runs (never in git).
 */
const fs = require('node:fs');
const path = require('node:path');
const { DuckDBInstance } = require('@duckdb/node-api');
const { addHarmonisedDatabase } = require('../../packages/query/lib/node');
const { CATALOG_FILE, DATABASE_FILE, PARQUET_DIR } = require('../../packages/harmonised/lib');

function walk(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * Write (or reuse, when complete) under `dir` the dataset whose rows `rowsSql` selects (every column of the
 * harmonised relation, `site` and `year` included); returns its folder, Parquet files and database file.
 * `log` is told what takes time; `memoryLimit` bounds native DuckDB (it spills to disk beyond).
 */
async function generatedDataset(dir, rowsSql, { log = () => {}, threads, memoryLimit } = {}) {
  const catalogPath = path.join(dir, CATALOG_FILE);
  if (fs.existsSync(catalogPath) && fs.existsSync(path.join(dir, DATABASE_FILE))) {
    return describe(dir);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const started = Date.now();
  log(`writing generated rows as hive-partitioned Parquet in ${path.relative(process.cwd(), dir)}`);
  const limits = {
    ...(threads ? { threads: String(threads) } : {}),
    ...(memoryLimit ? { memory_limit: memoryLimit } : {})
  };
  const instance = await DuckDBInstance.create(':memory:', {
    temp_directory: path.join(dir, '.tmp'),
    ...limits
  });
  const conn = await instance.connect();
  try {
    // sno, site and year are in the folder names, as in the converter's layout.
    await conn.run(
      `COPY (${rowsSql}) TO '${path.join(dir, PARQUET_DIR)}'
         (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (sno, site, year), FILENAME_PATTERN 'part-{i}')`
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  fs.rmSync(path.join(dir, '.tmp'), { recursive: true, force: true });
  const parquetFiles = walk(path.join(dir, PARQUET_DIR))
    .filter(f => f.endsWith('.parquet'))
    .sort()
    .map(f => {
      const rel = path.relative(dir, f).split(path.sep).join('/');
      const [, sno, siteId, year] = /sno=([^/]+)\/site=([^/]+)\/year=(\d+)/.exec(rel);
      return { path: rel, sno, siteId, year: Number(year), rowCount: null };
    });
  // Only what attaching needs: the partitions (the converter's catalogue says much more).
  fs.writeFileSync(
    catalogPath,
    JSON.stringify({ generated: new Date().toISOString(), parquetFiles }, null, 1)
  );
  log(
    `  Parquet written in ${((Date.now() - started) / 1000).toFixed(1)} s; writing ${DATABASE_FILE}`
  );
  const t = Date.now();
  await addHarmonisedDatabase(dir, { threads, memoryLimit });
  log(`  ${DATABASE_FILE} written in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return describe(dir);
}

function describe(dir) {
  const catalog = JSON.parse(fs.readFileSync(path.join(dir, CATALOG_FILE), 'utf8'));
  const files = catalog.parquetFiles.map(f => path.join(dir, f.path));
  const database = path.join(dir, catalog.databaseFile);
  const size = f => fs.statSync(f).size;
  return {
    dir,
    catalog,
    files,
    database,
    parquetBytes: files.reduce((s, f) => s + size(f), 0),
    databaseBytes: size(database)
  };
}

module.exports = { generatedDataset };
