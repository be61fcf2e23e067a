/**
 * The harmonised dataset's DuckDB database file (`DATABASE_FILE` of `@odatis-vre/harmonised`), written by
 * native DuckDB from the Parquet partitions at conversion time: relation `harmonised` in the relation's
 * columns and types over a rows table with site keys in `DATABASE_ORDER` (`harmonisedDatabaseSql`), DuckDB's
 * compressed storage. Query engines attach it
 * read-only; DuckDB-WASM reads only the blocks a query needs, by HTTP range requests.
 */
import { mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  CATALOG_FILE,
  DATABASE_FILE,
  DATABASE_TABLE,
  HARMONISED_PARTITION_TYPES,
  type Catalog
} from '@odatis-vre/harmonised';
import { quoteIdentifier, quoteLiteral } from '../engine';
import { harmonisedDatabaseSql, harmonisedSelectList, utcWithIcu } from '../relation';

/**
 * Storage version of the files written, which DuckDB-WASM 1.32 (DuckDB 1.4.3) must read exactly as native
 * DuckDB 1.5 wrote them. Not 'v1.4.0': on a 1 M-row file in that version DuckDB-WASM answered
 * `WHERE taxon IS NULL` with 196 instead of 200 groups (its rows were read right; the filter skipped some),
 * while native DuckDB was right; 'v1.0.0' (DuckDB's default for new files) is read right, 5 % larger.
 */
export const DATABASE_STORAGE_VERSION = 'v1.0.0';

export interface DatabaseWriteOptions {
  /** Native DuckDB threads (default: DuckDB's own choice, every core). */
  threads?: number;
  /** Native DuckDB memory limit while sorting, e.g. '2GB' (beyond it DuckDB spills to a scratch folder). */
  memoryLimit?: string;
}

export interface WrittenDatabase {
  file: string;
  rows: number;
  bytes: number;
}

/**
 * Write the rows of these harmonised Parquet partitions (hive paths `sno=/site=/year=`) into a new DuckDB
 * database file `out`, replaced atomically (written beside it, then renamed).
 */
export async function writeHarmonisedDatabase(
  files: string[],
  out: string,
  options: DatabaseWriteOptions = {}
): Promise<WrittenDatabase> {
  if (files.length === 0) {
    throw new Error(`${out}: no Parquet partition to write into the database`);
  }
  // A plain require: this module is also loaded by plain node scripts (benchmarks) inside jest's sandbox.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
  const scratch = await mkdtemp(path.join(path.dirname(out), '.odatis-database-'));
  const partial = path.join(scratch, path.basename(out));
  const config: Record<string, string> = { temp_directory: scratch };
  if (options.threads) config.threads = String(options.threads);
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  const instance = await api.DuckDBInstance.create(':memory:', config);
  const conn = await instance.connect();
  try {
    const hiveTypes = Object.entries(HARMONISED_PARTITION_TYPES)
      .map(([key, type]) => `${quoteLiteral(key)}: ${type}`)
      .join(', ');
    const source =
      `read_parquet([${files.map(quoteLiteral).join(', ')}], hive_partitioning = true, ` +
      `union_by_name = true, hive_types = {${hiveTypes}})`;
    const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    const columns = new Map(described.getRows() as [string, string][]);
    const select = harmonisedSelectList(columns, utcWithIcu, `the Parquet files for ${out}`);
    await conn.run(
      `ATTACH ${quoteLiteral(partial)} AS target (STORAGE_VERSION '${DATABASE_STORAGE_VERSION}')`
    );
    for (const statement of harmonisedDatabaseSql('target', `SELECT ${select} FROM ${source}`)) {
      await conn.run(statement);
    }
    const counted = await conn.runAndReadAll(
      `SELECT count(*)::DOUBLE FROM target.${quoteIdentifier(DATABASE_TABLE)}`
    );
    const rows = Number(counted.getRows()[0][0]);
    await conn.run('CHECKPOINT target');
    await conn.run('DETACH target');
    await rename(partial, out);
    return { file: out, rows, bytes: (await stat(out)).size };
  } finally {
    conn.closeSync();
    instance.closeSync();
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Add the database file to a converted dataset folder: written from the partitions its catalogue lists,
 * then named in the catalogue (`databaseFile`).
 */
export async function addHarmonisedDatabase(
  datasetDir: string,
  options: DatabaseWriteOptions = {}
): Promise<WrittenDatabase> {
  const catalogPath = path.join(datasetDir, CATALOG_FILE);
  const catalog = JSON.parse(await readFile(catalogPath, 'utf8')) as Catalog;
  const files = catalog.parquetFiles.map(f => path.join(datasetDir, ...f.path.split('/')));
  const written = await writeHarmonisedDatabase(
    files,
    path.join(datasetDir, DATABASE_FILE),
    options
  );
  const updated: Catalog = { ...catalog, databaseFile: DATABASE_FILE };
  const partial = `${catalogPath}.tmp-${process.pid}`;
  await writeFile(partial, JSON.stringify(updated, null, 1));
  await rename(partial, catalogPath);
  return written;
}
