/**
 * The database file's layout with site keys (`harmonisedDatabaseSql`): the `harmonised` relation it shows is
 * the one an older file (one table) shows, row for row, in DuckDB-WASM and native DuckDB; and a filter on
 * `site_id` skips other sites' row groups unread, which it cannot do on the older file when site ids share
 * their first 8 bytes (DuckDB keeps 8 bytes of a text min/max). "Unread" is measured by what enters DuckDB's
 * buffer manager (`duckdb_memory()`, blocks of the attached file) and, in native DuckDB, by the rows its
 * profiler says the scan read; DuckDB-WASM 1.4's profiler reports every row of the table there.
 */
import * as path from 'node:path';
import {
  DATABASE_RANGES_TABLE,
  DATABASE_ROWS_TABLE,
  DATABASE_SITE_KEY,
  DATABASE_SITES_TABLE,
  HARMONISED_RELATION
} from '@odatis-vre/harmonised';
import type { QueryEngine } from '../src/engine';
import { createNativeEngine, createWasmEngine } from '../src/node';
import { answers, expectSameAnswers, scratchDir, writeDatabaseFile } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { QUERIES, harmonisedRowsSql } = require('../../../bench/query/queries') as {
  QUERIES: { name: string; sql: string }[];
  harmonisedRowsSql(rows: number, seed: number): string;
};

/** Site ids that agree in their first 8 bytes, as COAST-HF's buoys do. */
const PREFIX = 'coasthf-';
const rowsSql = (rows: number): string =>
  `SELECT * REPLACE ('${PREFIX}' || site_id AS site_id, '${PREFIX}' || site AS site) ` +
  `FROM (${harmonisedRowsSql(rows, 11)})`;
/** Rows compared one by one and by the NEO queries. */
const ROWS = 240_000;
/** Rows for the reads: 20 sites × 60 000 rows, about half a row group (122 880 rows) per site. */
const LARGE_ROWS = 1_200_000;
/** The NEO queries, on these site ids. */
const NEO = QUERIES.map(q => ({ name: q.name, sql: q.sql.replace(/'site-/g, `'${PREFIX}site-`) }));
const ONE_SITE = `SELECT avg(value) AS mean, count(*) AS n FROM harmonised
                   WHERE site_id = '${PREFIX}site-07' AND parameter = 'TEMP'`;

const dir = scratchDir();
const files = {
  keyed: path.join(dir, 'keyed.duckdb'),
  table: path.join(dir, 'table.duckdb'),
  largeKeyed: path.join(dir, 'large-keyed.duckdb'),
  largeTable: path.join(dir, 'large-table.duckdb')
};

beforeAll(async () => {
  await writeDatabaseFile(files.keyed, rowsSql(ROWS), 'keyed');
  await writeDatabaseFile(files.table, rowsSql(ROWS), 'table');
  await writeDatabaseFile(files.largeKeyed, rowsSql(LARGE_ROWS), 'keyed');
  await writeDatabaseFile(files.largeTable, rowsSql(LARGE_ROWS), 'table');
}, 300_000);

const engines: [string, () => Promise<QueryEngine>][] = [
  ['native DuckDB', () => createNativeEngine({ threads: '1' })],
  ['DuckDB-WASM', async () => createWasmEngine()]
];

async function attached(
  create: () => Promise<QueryEngine>,
  layout: keyof typeof files
): Promise<QueryEngine> {
  const engine = await create();
  await engine.attachHarmonised({ files: [], database: files[layout] });
  return engine;
}

/** Bytes of the attached file's blocks in DuckDB's buffer manager. */
async function blockBytes(engine: QueryEngine): Promise<number> {
  const { table } = await engine.query(
    `SELECT sum(memory_usage_bytes)::DOUBLE FROM duckdb_memory() WHERE tag = 'BASE_TABLE'`
  );
  return Number(table.getChildAt(0)!.get(0));
}

/** What `sql` adds to the buffer manager in an engine that has just attached the file. */
async function bytesRead(
  create: () => Promise<QueryEngine>,
  layout: keyof typeof files,
  sql: string
): Promise<{ bytes: number; answer: unknown[][] }> {
  const engine = await attached(create, layout);
  try {
    const before = await blockBytes(engine);
    const answer = answers((await engine.query(sql)).table);
    return { bytes: (await blockBytes(engine)) - before, answer };
  } finally {
    await engine.close();
  }
}

describe.each(engines)('%s', (_label, create) => {
  it('shows the same harmonised relation from both layouts: columns, types and every row', async () => {
    const engine = await create();
    try {
      await engine.attachHarmonised({ files: [], database: files.keyed, name: 'keyed' });
      const attached = await engine.attachHarmonised({ files: [], database: files.table });
      expect(attached.rows).toBe(ROWS);
      const described = async (name: string) =>
        (await engine.query(`DESCRIBE ${name}`)).table
          .toArray()
          .map(r => `${r.column_name} ${r.column_type}`);
      const expected = HARMONISED_RELATION.map(c => `${c.name} ${c.type}`);
      expect(await described('harmonised')).toEqual(expected);
      expect(await described('keyed')).toEqual(expected);
      // Every row: the count, and the xor and sum of the rows' hashes (a row lost, added or changed alters them).
      const digest = async (name: string) =>
        (
          await engine.query(
            `SELECT count(*)::DOUBLE AS rows, bit_xor(hash(h))::VARCHAR AS xor,
                    sum(hash(h) >> 16)::VARCHAR AS sum FROM ${name} h`
          )
        ).table
          .toArray()[0]
          .toJSON();
      const old = await digest('harmonised');
      expect(old.rows).toBe(ROWS);
      expect(await digest('keyed')).toEqual(old);
    } finally {
      await engine.close();
    }
  }, 600_000);

  it('answers every NEO query on the keyed file as on the older one', async () => {
    // One engine for both files: with two DuckDB-WASM engines open at once in this node process, a read
    // failed with "Corrupt database file: computed checksum … does not match" (not seen with one engine).
    const engine = await create();
    try {
      await engine.attachHarmonised({ files: [], database: files.keyed });
      await engine.attachHarmonised({ files: [], database: files.table, name: 'table_layout' });
      for (const q of NEO) {
        const old = q.sql.replace(/\bharmonised\b/g, 'table_layout');
        const expected = answers((await engine.query(old)).table);
        expect({ query: q.name, rows: expected.length > 0 }).toEqual({ query: q.name, rows: true });
        expectSameAnswers(answers((await engine.query(q.sql)).table), expected, q.name);
      }
    } finally {
      await engine.close();
    }
  }, 600_000);

  it('indexes every row by site, parameter and year: disjoint rowid ranges that answer as the view does', async () => {
    const engine = await attached(create, 'largeKeyed');
    try {
      const rows = `db.${DATABASE_ROWS_TABLE}`;
      const ranges = `db.${DATABASE_RANGES_TABLE}`;
      const alias = (
        await engine.query(
          `SELECT database_name FROM duckdb_tables() WHERE table_name = '${DATABASE_RANGES_TABLE}'`
        )
      ).table
        .getChildAt(0)!
        .get(0) as string;
      const sql = (s: string): string => s.replace(/\bdb\./g, `"${alias}".`);
      // Each range holds exactly its rows, and the ranges together hold every row once.
      const { table } = await engine.query(
        sql(`SELECT count(*)::DOUBLE AS ranges, sum(x.rows)::DOUBLE AS indexed,
                    sum(x.last_row - x.first_row + 1)::DOUBLE AS spanned,
                    (SELECT count(*)::DOUBLE FROM ${rows}) AS total,
                    sum((SELECT count(*) FROM ${rows} r WHERE r.rowid BETWEEN x.first_row AND x.last_row
                           AND r.${DATABASE_SITE_KEY} = x.${DATABASE_SITE_KEY} AND r.parameter = x.parameter
                           AND r.year = x.year))::DOUBLE AS held
             FROM ${ranges} x`)
      );
      const counts = table.toArray()[0].toJSON();
      expect(counts.ranges).toBeGreaterThan(20 * 12);
      expect(counts).toEqual({
        ...counts,
        indexed: LARGE_ROWS,
        spanned: LARGE_ROWS,
        held: LARGE_ROWS
      });
      // One station, one parameter, one year (its fullest) bounded by its range: the view's answer.
      const range = (
        await engine.query(
          sql(`SELECT x.year, x.first_row, x.last_row FROM ${ranges} x JOIN db.${DATABASE_SITES_TABLE} s
                 ON x.${DATABASE_SITE_KEY} = s.${DATABASE_SITE_KEY}
               WHERE s.site_id = '${PREFIX}site-07' AND x.parameter = 'TEMP' ORDER BY x.rows DESC LIMIT 1`)
        )
      ).table
        .toArray()[0]
        .toJSON();
      const question = `SELECT time::DATE AS day, avg(value) AS mean, count(*) AS n FROM harmonised
                        WHERE site_id = '${PREFIX}site-07' AND parameter = 'TEMP' AND year(time) = ${range.year}
                        GROUP BY day ORDER BY day`;
      const expected = answers((await engine.query(question)).table);
      expect(expected.length).toBeGreaterThan(0);
      const byRange = sql(`SELECT time::DATE AS day, avg(value) AS mean, count(*) AS n FROM ${rows}
                           WHERE rowid BETWEEN ${range.first_row} AND ${range.last_row}
                           GROUP BY day ORDER BY day`);
      expectSameAnswers(answers((await engine.query(byRange)).table), expected, 'rowid range');
    } finally {
      await engine.close();
    }
  }, 600_000);

  it('reads only the chosen site’s row groups for a filter on site_id', async () => {
    const keyed = await bytesRead(create, 'largeKeyed', ONE_SITE);
    const table = await bytesRead(create, 'largeTable', ONE_SITE);
    expect(keyed.answer).toEqual(table.answer);
    expect(keyed.answer[0][1]).toBe(LARGE_ROWS / 20 / 12);
    // The older file reads the TEMP row groups of all 20 sites; the keyed one those of one site.
    expect(keyed.bytes).toBeGreaterThan(0);
    expect(keyed.bytes * 2).toBeLessThan(table.bytes);
  }, 600_000);
});

it('native DuckDB: the scan of the keyed rows reads at most the two row groups holding the site', async () => {
  const engine = await attached(() => createNativeEngine({ threads: '1' }), 'largeKeyed');
  try {
    await engine.query(
      `SET custom_profiling_settings = '{"OPERATOR_ROWS_SCANNED": "true", "OPERATOR_TYPE": "true", "EXTRA_INFO": "true"}'`
    );
    const { table } = await engine.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${ONE_SITE}`);
    interface Operator {
      operator_type?: string;
      operator_rows_scanned?: number;
      extra_info?: { Table?: string };
      children?: Operator[];
    }
    const scans: Operator[] = [];
    const walk = (op: Operator): void => {
      if (op.operator_type === 'TABLE_SCAN') scans.push(op);
      op.children?.forEach(walk);
    };
    walk(JSON.parse(String(table.getChildAt(1)!.get(0))) as Operator);
    const rows = scans.find(s => s.extra_info?.Table?.endsWith(`.${DATABASE_ROWS_TABLE}`));
    expect(rows?.operator_rows_scanned).toBeGreaterThan(0);
    expect(rows!.operator_rows_scanned).toBeLessThanOrEqual(2 * 122_880);
  } finally {
    await engine.close();
  }
}, 300_000);
