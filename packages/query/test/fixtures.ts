/** Test fixtures made with native DuckDB (COPY ... TO ... (FORMAT parquet)) and a local Range-capable server. */
import { mkdtempSync, readFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Table } from 'apache-arrow';
import { DATABASE_ORDER, DATABASE_TABLE } from '@odatis-vre/harmonised';
import { DATABASE_STORAGE_VERSION } from '../src/node/database';
import { harmonisedDatabaseSql, harmonisedSelectList, utcWithIcu } from '../src/relation';

export function scratchDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'odatis-query-test-'));
}

/** Run SQL on a throw-away native DuckDB (to write fixtures). */
export async function duckdbWrite(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(sql);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/**
 * Write the harmonised rows `rowsSql` selects into a new database file as the writer does (`keyed`: site
 * keys, `harmonisedDatabaseSql`) or as files written before 2026-11-30 are (`table`: one table
 * `harmonised` in `DATABASE_ORDER`), in the writer's storage version.
 */
export async function writeDatabaseFile(
  file: string,
  rowsSql: string,
  layout: 'keyed' | 'table'
): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const described = await conn.runAndReadAll(`DESCRIBE ${rowsSql}`);
    const columns = new Map(described.getRows() as [string, string][]);
    const rows = `SELECT ${harmonisedSelectList(columns, utcWithIcu, 'the fixture')} FROM (${rowsSql})`;
    await conn.run(`ATTACH '${file}' AS target (STORAGE_VERSION '${DATABASE_STORAGE_VERSION}')`);
    const statements =
      layout === 'keyed'
        ? harmonisedDatabaseSql('target', rows)
        : [
            `CREATE TABLE target.${DATABASE_TABLE} AS ${rows} ORDER BY ${DATABASE_ORDER.join(', ')}`
          ];
    for (const statement of statements) await conn.run(statement);
    await conn.run('DETACH target');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** A small harmonised long table: 3 sites × 2 years × 2 parameters × 50 days. */
export const HARMONISED_SQL = `
  SELECT s.sno, s.site_id, s.site_id || ' name' AS site_name, s.lat AS latitude, s.lon AS longitude,
         (make_timestamp(y.year, 1, 1, 0, 0, 0) + d.day * INTERVAL 1 DAY)::TIMESTAMP_MS AS time,
         1.0 AS depth, p.parameter, p.parameter AS p01, NULL::VARCHAR AS p02, NULL::VARCHAR AS taxon,
         NULL::INTEGER AS aphia_id, ((y.year - 2000) * 100 + d.day + p.k)::DOUBLE AS value, p.unit, 1::UTINYINT AS quality,
         '' AS source_flag, 'fixture.csv' AS source_file, d.day::INTEGER AS source_row,
         y.year
    FROM (VALUES ('SOMLIT', 'somlit-1', 50.0, 1.5), ('SOMLIT', 'somlit-2', 48.3, -4.5), ('PHYTOBS', 'phytobs-1', 43.0, 5.0))
         s(sno, site_id, lat, lon)
   CROSS JOIN (VALUES (2020), (2021)) y(year)
   CROSS JOIN (VALUES ('TEMP', 'degC', 0), ('PSAL', 'PSU', 1000)) p(parameter, unit, k)
   CROSS JOIN range(50) d(day)`;

/** Write the fixture as hive partitions sno=/site=/year= and return the file paths. */
export async function writeHarmonised(dir: string): Promise<string[]> {
  await duckdbWrite(
    `COPY (SELECT * EXCLUDE (year), site_id AS site, year FROM (${HARMONISED_SQL}))
       TO '${dir}' (FORMAT parquet, PARTITION_BY (sno, site, year), WRITE_PARTITION_COLUMNS false)`
  );
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        walk(p);
      } else if (p.endsWith('.parquet')) {
        files.push(p);
      }
    }
  };
  walk(dir);
  return files.sort();
}

export interface RangeServer {
  url(file: string): string;
  /** Requests seen: method, path and Range header (or '-'). */
  log: { method: string; path: string; range: string }[];
  close(): Promise<void>;
}

/** Serve `root` on 127.0.0.1 with HEAD and single Range requests. */
export async function startRangeServer(root: string): Promise<RangeServer> {
  const log: RangeServer['log'] = [];
  const server: Server = createServer((req, res) => {
    const rel = decodeURIComponent((req.url ?? '/').split('?')[0]);
    log.push({ method: req.method ?? '', path: rel, range: req.headers.range ?? '-' });
    let body: Buffer;
    try {
      body = readFileSync(path.join(root, rel));
    } catch {
      res.writeHead(404).end();
      return;
    }
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    const head = req.method === 'HEAD';
    if (m) {
      let start = m[1] === '' ? body.length - Number(m[2]) : Number(m[1]);
      const end =
        m[1] !== '' && m[2] !== '' ? Math.min(Number(m[2]), body.length - 1) : body.length - 1;
      start = Math.max(0, start);
      res.writeHead(206, {
        'Content-Range': `bytes ${start}-${end}/${body.length}`,
        'Content-Length': end - start + 1,
        'Accept-Ranges': 'bytes'
      });
      res.end(head ? undefined : body.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { 'Content-Length': body.length, 'Accept-Ranges': 'bytes' });
    res.end(head ? undefined : body);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: file => `http://127.0.0.1:${port}/${file}`,
    log,
    close: () => new Promise(resolve => server.close(() => resolve()))
  };
}

export function ensureDir(p: string): string {
  mkdirSync(p, { recursive: true });
  return p;
}

/** Rows as sorted plain values: the set of answers, whatever the order of ties. */
export function answers(table: Table): unknown[][] {
  const rows = table
    .toArray()
    .map(row =>
      Object.values(row.toJSON()).map(v =>
        typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : v
      )
    );
  return rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/** Equal but for the last bits of floating-point sums taken in another order. */
export function expectSameAnswers(actual: unknown[][], expected: unknown[][], what: string): void {
  expect({ what, rows: actual.length }).toEqual({ what, rows: expected.length });
  actual.forEach((row, i) =>
    row.forEach((v, j) => {
      const e = expected[i][j];
      if (typeof v === 'number' && typeof e === 'number') {
        expect(Math.abs(v - e)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
      } else {
        expect({ what, row: i, column: j, value: v }).toEqual({
          what,
          row: i,
          column: j,
          value: e
        });
      }
    })
  );
}
