/**
 * The written Parquet is readable by DuckDB (native, @duckdb/node-api) as a hive-partitioned
 * dataset, with the same rows, values and UTC timestamps as our own read-back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { generateSynthetic, tableToObservations } from '../src';
import { coastHfFixture, rephyFixture, somlitFixture } from '../src/testing';
import { convertFiles } from '../src/node';
import { scratch } from './helpers';

test('DuckDB reads the hive-partitioned Parquet: same rows, sums, times and partitions', async () => {
  const dir = scratch('duckdb');
  const files = [
    rephyFixture(1),
    somlitFixture('hydro', 1),
    somlitFixture('ctd', 2),
    coastHfFixture(1),
    ...generateSynthetic({ seed: 8, firstYear: 2001, lastYear: 2003, siteCount: 2 }).files
  ].map(f => {
    const p = path.join(dir, f.name);
    fs.writeFileSync(p, f.bytes);
    return p;
  });
  const out = path.join(dir, 'out');
  const report = await convertFiles(files, out);
  expect(report.totals.filesFailed).toBe(0);
  const ours = tableToObservations(
    tableFromIPC(fs.readFileSync(path.join(out, 'observations.arrow')))
  );

  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const glob = path.join(out, 'parquet', '**', '*.parquet').replace(/\\/g, '/');
  const res = await con.runAndReadAll(
    `SELECT count(*)::BIGINT AS n, sum(value) AS s, count(DISTINCT site)::BIGINT AS sites,
            min(epoch_ms("time"))::BIGINT AS t0, max(epoch_ms("time"))::BIGINT AS t1,
            count(*) FILTER (WHERE year::INT <> year("time" AT TIME ZONE 'UTC'))::BIGINT AS wrong_year,
            count(*) FILTER (WHERE site <> site_id)::BIGINT AS wrong_site
     FROM read_parquet('${glob}', hive_partitioning = true)`
  );
  const [row] = res.getRowObjects();
  const sum = ours.reduce((a, o) => a + o.value, 0);
  expect(Number(row.n)).toBe(ours.length);
  expect(row.s as number).toBeCloseTo(sum, 6);
  expect(Number(row.t0)).toBe(Math.min(...ours.map(o => o.time)));
  expect(Number(row.t1)).toBe(Math.max(...ours.map(o => o.time)));
  expect(Number(row.wrong_year)).toBe(0);
  expect(Number(row.wrong_site)).toBe(0);
  expect(Number(row.sites)).toBe(new Set(ours.map(o => o.site_id)).size);
  const types = await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${glob}')`);
  const typeOf = Object.fromEntries(types.getRowObjects().map(r => [r.column_name, r.column_type]));
  expect(typeOf).toMatchObject({
    time: 'TIMESTAMP WITH TIME ZONE',
    value: 'DOUBLE',
    quality: 'INTEGER',
    aphia_id: 'INTEGER',
    sno: 'VARCHAR'
  });
  const kv = await con.runAndReadAll(
    `SELECT count(*)::BIGINT AS n FROM parquet_kv_metadata('${glob}') WHERE decode(key) = 'odatis.source_files'`
  );
  expect(Number(kv.getRowObjects()[0].n)).toBe(report.catalog!.parquetFiles.length);
  con.closeSync?.();
});
