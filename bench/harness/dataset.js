/**
 * A generated harmonised dataset on disk, laid out as the converter lays out a real one: `harmonised.duckdb`
 * (relation `harmonised` in the columns and types of the harmonised relation over rows with site keys in
 * `DATABASE_ORDER`, `harmonisedDatabaseSql`, storage `DATABASE_STORAGE_VERSION`: what `writeHarmonisedDatabase`
 * writes), hive-partitioned Parquet
 * (`parquet/sno=/site=/year=/part-N.parquet`) and `catalog.json`. Written by native DuckDB straight from a
 * `range()`-based SELECT (minutes for 100 M rows, where going through Parquet files first took hours);
 * kept under bench/.cache between runs (never in git).
 */
const fs = require('node:fs');
const path = require('node:path');
const { DuckDBInstance } = require('@duckdb/node-api');
const { DATABASE_STORAGE_VERSION } = require('../../packages/query/lib/node');
const {
  DATABASE_ROWS_ORDER,
  harmonisedDatabaseSql,
  harmonisedRangesSql,
  harmonisedSelectList,
  utcWithIcu
} = require('../../packages/query/lib/relation');
const {
  CATALOG_FILE,
  DATABASE_FILE,
  DATABASE_ORDER,
  DATABASE_RANGES_TABLE,
  DATABASE_ROWS_TABLE,
  DATABASE_TABLE,
  PARQUET_DIR
} = require('../../packages/harmonised/lib');

function walk(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * Write (or reuse, when complete) under `dir` the dataset whose rows `rowsSql` selects (every column of the
 * harmonised relation, `site` and `year` included); returns its folder, Parquet files and database file.
 * `ordered`: the SELECT already yields rows in `DATABASE_ORDER` (no sort; checked after writing).
 * `parquet: false`: write the database file only (the catalogue then lists no partition).
 * `log` is told what takes time; `memoryLimit` bounds native DuckDB (it spills to disk beyond).
 */
async function generatedDataset(
  dir,
  rowsSql,
  { log = () => {}, threads, memoryLimit, ordered = false, parquet = true } = {}
) {
  const catalogPath = path.join(dir, CATALOG_FILE);
  if (fs.existsSync(catalogPath)) {
    await upgradeDatabase(path.join(dir, DATABASE_FILE), { log, threads, memoryLimit });
    return describe(dir);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const scratch = path.join(dir, '.tmp');
  const partial = path.join(scratch, DATABASE_FILE);
  fs.mkdirSync(scratch);
  const instance = await nativeDuckDB(scratch, threads, memoryLimit);
  const conn = await instance.connect();
  const table = `target.${DATABASE_TABLE}`;
  try {
    let started = Date.now();
    log(`writing ${DATABASE_FILE} in ${path.relative(process.cwd(), dir)} with native DuckDB`);
    await writeDatabase(conn, partial, rowsSql, ordered, 'the generated rows');
    log(`  ${DATABASE_FILE} written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    started = Date.now();
    if (parquet) {
      // sno, site and year are in the folder names, as in the converter's layout.
      await conn.run(
        `COPY (SELECT * FROM ${table}) TO '${path.join(dir, PARQUET_DIR)}'
           (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (sno, site, year), FILENAME_PATTERN 'part-{i}')`
      );
      log(`  Parquet partitions written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    await conn.run('DETACH target');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  fs.renameSync(partial, path.join(dir, DATABASE_FILE));
  fs.rmSync(scratch, { recursive: true, force: true });
  const parquetFiles = (parquet ? walk(path.join(dir, PARQUET_DIR)) : [])
    .filter(f => f.endsWith('.parquet'))
    .sort()
    .map(f => {
      const rel = path.relative(dir, f).split(path.sep).join('/');
      const [, sno, siteId, year] = /sno=([^/]+)\/site=([^/]+)\/year=(\d+)/.exec(rel);
      return { path: rel, sno, siteId, year: Number(year), rowCount: null };
    });
  // Only what attaching needs (the converter's catalogue says much more); written last: it marks the
  // dataset complete.
  fs.writeFileSync(
    catalogPath,
    JSON.stringify(
      { generated: new Date().toISOString(), parquetFiles, databaseFile: DATABASE_FILE },
      null,
      1
    )
  );
  return describe(dir);
}

function nativeDuckDB(scratch, threads, memoryLimit) {
  return DuckDBInstance.create(':memory:', {
    temp_directory: scratch,
    ...(threads ? { threads: String(threads) } : {}),
    ...(memoryLimit ? { memory_limit: memoryLimit } : {})
  });
}

/**
 * Write the rows `rowsSql` selects into a new database file `partial`, attached as `target` (left attached),
 * in the layout of `harmonisedDatabaseSql`. `ordered`: see `generatedDataset`.
 */
async function writeDatabase(conn, partial, rowsSql, ordered, what) {
  const described = await conn.runAndReadAll(`DESCRIBE ${rowsSql}`);
  const select = harmonisedSelectList(
    new Map(described.getRows().map(r => [r[0], r[1]])),
    utcWithIcu,
    what
  );
  await conn.run(`ATTACH '${partial}' AS target (STORAGE_VERSION '${DATABASE_STORAGE_VERSION}')`);
  for (const statement of harmonisedDatabaseSql(
    'target',
    `SELECT ${select} FROM (${rowsSql})`,
    ordered
  )) {
    await conn.run(statement);
  }
  await conn.run('CHECKPOINT target');
  if (ordered) {
    // Insertion order is kept from the source; a row out of DATABASE_ORDER would be a generator bug.
    // Checked on the first rows (several series boundaries), not all: a window over 100 M rows is slow.
    const keys = DATABASE_ROWS_ORDER.join(', ');
    const unordered = await conn.runAndReadAll(
      `SELECT count(*)::DOUBLE FROM (SELECT (${keys}) < lag((${keys})) OVER (ORDER BY rowid) AS back
         FROM target.${DATABASE_ROWS_TABLE} WHERE rowid < 3000000) WHERE back`
    );
    if (Number(unordered.getRows()[0][0]) > 0) {
      throw new Error(`${partial}: rows are not in ${DATABASE_ORDER.join(', ')} order`);
    }
  }
}

/** Name kept by `upgradeDatabase` for the file it replaced (for comparisons; never attached by the VRE). */
const TABLE_LAYOUT_FILE = 'table-layout.harmonised.duckdb';

/**
 * A database file of the older layout (`harmonised` a table, rows in `DATABASE_ORDER`) rewritten by
 * native DuckDB into the current one (site keys, see `harmonisedDatabaseSql`), without sorting again; the
 * older file is kept beside it as `TABLE_LAYOUT_FILE`. Nothing is done to a file of the current layout.
 * Returns whether it rewrote the file.
 */
async function upgradeDatabase(database, { log = () => {}, threads, memoryLimit } = {}) {
  const dir = path.dirname(database);
  const scratch = path.join(dir, '.tmp');
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch);
  const partial = path.join(scratch, DATABASE_FILE);
  const instance = await nativeDuckDB(scratch, threads, memoryLimit);
  const conn = await instance.connect();
  let rewritten = false;
  try {
    await conn.run(`ATTACH '${database}' AS source (READ_ONLY)`);
    const kind = await conn.runAndReadAll(
      `SELECT table_type FROM information_schema.tables
        WHERE table_catalog = 'source' AND table_name = '${DATABASE_TABLE}'`
    );
    if (kind.getRows()[0]?.[0] === 'BASE TABLE') {
      const started = Date.now();
      log(`rewriting ${path.relative(process.cwd(), database)} with site keys (native DuckDB)`);
      await writeDatabase(conn, partial, `SELECT * FROM source.${DATABASE_TABLE}`, true, database);
      await conn.run('DETACH target');
      rewritten = true;
      log(`  rewritten in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } else {
      const indexed = await conn.runAndReadAll(
        `SELECT count(*) FROM duckdb_tables() WHERE database_name = 'source' AND table_name = '${DATABASE_RANGES_TABLE}'`
      );
      if (Number(indexed.getRows()[0][0]) === 0) {
        // A keyed file from before the index table: the index added in place (rowids do not change).
        const started = Date.now();
        await conn.run('DETACH source');
        await conn.run(`ATTACH '${database}' AS source`);
        await conn.run(harmonisedRangesSql('source'));
        await conn.run('CHECKPOINT source');
        log(
          `added ${DATABASE_RANGES_TABLE} to ${path.relative(process.cwd(), database)} in ` +
            `${((Date.now() - started) / 1000).toFixed(1)} s`
        );
      }
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  if (rewritten) {
    fs.renameSync(database, path.join(dir, TABLE_LAYOUT_FILE));
    fs.renameSync(partial, database);
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  return rewritten;
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

module.exports = { generatedDataset, upgradeDatabase, TABLE_LAYOUT_FILE };
