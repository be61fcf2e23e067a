/**
 * The pairing on real and generated data:
 * - the Gravelines files of the shared data (hydrology and phytoplankton of one station, two datasets),
 *   converted by `@odatis-vre/sno`, paired here and, independently, by a DuckDB SQL query written for this test
 *   (nearest complete hydrology date within the window); the two must agree cell by cell;
 * - the SQL of `pairingQuery`, run by DuckDB on the Parquet partitions, must select every row the pairing
 *   uses: pairing its result gives the same tables as pairing the whole dataset;
 * - the synthetic ground truth (`generateSynthetic`), whose counts and hydrology are known value by value.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { tableFromArrays, tableFromIPC, type Table } from 'apache-arrow';
import { generateSynthetic } from '@odatis-vre/sno';
import { convertFiles } from '@odatis-vre/sno/node';
import {
  pairingQuery,
  pairSamples,
  PAIRING_COLUMNS,
  type Pairing,
  type PairingOptions
} from '../src';

const SHARED = path.resolve(__dirname, '../../../../shared/data');
const GRAVELINES = path.join(SHARED, 'gravelines');

let dir: string;
let gravelines: Table;
let connection: DuckDBConnection;

beforeAll(async () => {
  if (!fs.existsSync(GRAVELINES)) {
    throw new Error(
      `The shared sample data is missing: expected ${GRAVELINES} (../shared beside the repository)`
    );
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-pairing-'));
  const report = await convertFiles(
    fs.readdirSync(GRAVELINES).map(f => path.join(GRAVELINES, f)),
    path.join(dir, 'gravelines')
  );
  expect(report.totals.filesFailed).toBe(0);
  gravelines = tableFromIPC(fs.readFileSync(path.join(dir, 'gravelines', 'observations.arrow')));
  const db = await DuckDBInstance.create(':memory:');
  connection = await db.connect();
  await connection.run("SET TimeZone = 'UTC'");
  await connection.run(
    `CREATE VIEW harmonised AS SELECT * FROM read_parquet('${path.join(dir, 'gravelines', 'parquet')}/**/*.parquet', hive_partitioning = true)`
  );
}, 120_000);

afterAll(() => {
  connection?.closeSync();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const GRAVELINES_OPTIONS: PairingOptions = {
  abundance: { parameter: 'cell_abundance', unit: 'cells/L' },
  environment: ['TEMP', 'PSAL', 'NO3', 'NH4'],
  sites: ['gravelines-canal-amenee'],
  years: [2013, 2022],
  windowDays: 3,
  minOccurrences: 1
};

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

test('Gravelines 2013–2022: the pairing equals an independent SQL pairing, cell by cell', async () => {
  const p = pairSamples(gravelines, GRAVELINES_OPTIONS);
  const accepted = '(0, 1, 2, 5, 8)';
  const expected = await rows(`
    WITH bio AS (
      SELECT site_id, CAST(time AS DATE) AS d, dataset, taxon, sum(value) AS v FROM harmonised
      WHERE taxon IS NOT NULL AND parameter = 'cell_abundance' AND unit = 'cells/L'
        AND quality IN ${accepted} AND isfinite(value) AND year(time) BETWEEN 2013 AND 2022
      GROUP BY ALL),
    samples AS (SELECT DISTINCT site_id, d, dataset FROM bio),
    env AS (
      SELECT site_id, CAST(time AS DATE) AS d, parameter, avg(value) AS v FROM harmonised
      WHERE taxon IS NULL AND parameter IN ('TEMP', 'PSAL', 'NO3', 'NH4') AND quality IN ${accepted}
        AND isfinite(value)
      GROUP BY ALL),
    complete AS (SELECT site_id, d FROM env GROUP BY ALL HAVING count(DISTINCT parameter) = 4),
    nearest AS (
      SELECT s.site_id, s.d, s.dataset, c.d AS ed,
        row_number() OVER (PARTITION BY s.site_id, s.d, s.dataset ORDER BY abs(c.d - s.d), c.d) AS k
      FROM samples s JOIN complete c ON c.site_id = s.site_id AND abs(c.d - s.d) <= 3)
    SELECT n.site_id, strftime(n.d, '%Y-%m-%d') AS date, n.ed - n.d AS lag,
      (SELECT v FROM env WHERE env.site_id = n.site_id AND env.d = n.ed AND parameter = 'TEMP') AS TEMP,
      (SELECT v FROM env WHERE env.site_id = n.site_id AND env.d = n.ed AND parameter = 'PSAL') AS PSAL,
      (SELECT v FROM env WHERE env.site_id = n.site_id AND env.d = n.ed AND parameter = 'NO3') AS NO3,
      (SELECT v FROM env WHERE env.site_id = n.site_id AND env.d = n.ed AND parameter = 'NH4') AS NH4
    FROM nearest n WHERE k = 1 ORDER BY n.site_id, n.d`);
  expect(p.samples.date).toEqual(expected.map(r => r.date));
  const env = p.environment;
  for (const [k, variable] of env.colNames.entries()) {
    const got = Array.from(env.values.subarray(k * env.nRows, (k + 1) * env.nRows));
    const want = expected.map(r => Number(r[variable]));
    got.forEach((g, i) =>
      expect(Math.abs(g - want[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want[i])))
    );
  }
  expect(Array.from(p.lags.values.subarray(0, p.lags.nRows))).toEqual(
    expected.map(r => Number(r.lag))
  );

  const counts = await rows(`
    SELECT strftime(CAST(time AS DATE), '%Y-%m-%d') AS date, taxon, sum(value) AS v FROM harmonised
    WHERE taxon IS NOT NULL AND parameter = 'cell_abundance' AND quality IN ${accepted} AND year(time) BETWEEN 2013 AND 2022
    GROUP BY ALL`);
  const want = new Map(counts.map(r => [`${r.date}|${r.taxon}`, Number(r.v)]));
  const a = p.abundance;
  let checked = 0;
  for (let j = 0; j < a.nCols; j++) {
    for (let i = 0; i < a.nRows; i++) {
      const w = want.get(`${p.samples.date[i]}|${a.colNames[j]}`) ?? 0;
      expect(a.values[j * a.nRows + i]).toBe(w);
      if (w > 0) checked++;
    }
  }
  // Every count of a paired date is in the table.
  const pairedDates = new Set(p.samples.date);
  expect(checked).toBe(
    counts.filter(r => pairedDates.has(String(r.date)) && Number(r.v) > 0).length
  );
  expect(p.report.datasets).toEqual({
    biology: ['IGA-Gravelines-phyto'],
    environment: ['IGA-Gravelines-hydro']
  });
  expect(p.units).toEqual({
    abundance: 'cells/L',
    environment: ['degC', 'PSU', 'umol/L', 'umol/L']
  });
  // 527 biology dates, one without hydrology within 3 days (2014-06-16).
  expect(p.report.biologySamples).toBe(p.report.paired + p.report.dropped.length);
  expect(p.report.dropped.map(d => d.date)).toEqual(['2014-06-16']);
});

/** An Arrow table of DuckDB rows (time as ms numbers, which the pairing reads as it reads a timestamp). */
function arrowOf(objects: Record<string, unknown>[], columns: string[]): Table {
  return tableFromArrays(
    Object.fromEntries(
      columns.map(c => [
        c,
        c === 'time'
          ? Float64Array.from(objects, o => (o.time as Date).getTime())
          : ['value', 'depth', 'latitude', 'longitude', 'quality'].includes(c)
            ? Float64Array.from(objects, o => (o[c] === null ? NaN : Number(o[c])))
            : objects.map(o => (o[c] === null ? null : String(o[c])))
      ])
    ) as never
  ) as unknown as Table;
}

function sameTables(a: Pairing, b: Pairing): void {
  expect(b.abundance).toEqual(a.abundance);
  expect(b.environment).toEqual(a.environment);
  expect(b.samples).toEqual(a.samples);
  expect(b.report.dropped).toEqual(a.report.dropped);
  expect(b.report.taxa).toEqual(a.report.taxa);
}

test('pairingQuery selects every row the pairing uses', async () => {
  for (const options of [
    GRAVELINES_OPTIONS,
    {
      ...GRAVELINES_OPTIONS,
      years: [1990, 1991] as [number, number],
      environment: ['TEMP', 'NO3'],
      windowDays: 7
    },
    {
      ...GRAVELINES_OPTIONS,
      years: undefined,
      sites: undefined,
      environment: ['TEMP'],
      minOccurrences: 40
    }
  ]) {
    const columns = [...PAIRING_COLUMNS, 'site_name', 'latitude', 'longitude'];
    const sql = pairingQuery(options, { columns });
    expect(sql).toMatch(
      /^SELECT site_id, time, depth, parameter, taxon, value, unit, quality, dataset, site_name, latitude, longitude\nFROM harmonised\nWHERE/
    );
    const selected = await rows(sql);
    const whole = pairSamples(gravelines, options);
    const fromQuery = pairSamples(arrowOf(selected, columns), options);
    sameTables(whole, fromQuery);
    expect(fromQuery.report.rows.biology).toBe(whole.report.rows.biology);
    expect(fromQuery.report.rows.environment).toBe(whole.report.rows.environment);
    expect(selected.length).toBeLessThan(gravelines.numRows);
  }
  expect(
    pairingQuery(GRAVELINES_OPTIONS, { source: 'shared/synthetic/harmonised/observations.arrow' })
  ).toContain("FROM 'shared/synthetic/harmonised/observations.arrow'");
  expect(pairingQuery({ ...GRAVELINES_OPTIONS, sites: ["o'hare"] })).toContain(
    "site_id IN ('o''hare')"
  );
});

test('the synthetic ground truth: each paired sample holds the generated hydrology and counts', async () => {
  const ds = generateSynthetic({ seed: 1, siteCount: 3, firstYear: 2010, lastYear: 2013 });
  const native = path.join(dir, 'synthetic-native');
  fs.mkdirSync(native);
  const files = ds.files.map(f => {
    fs.writeFileSync(path.join(native, f.name), f.bytes);
    return path.join(native, f.name);
  });
  await convertFiles(files, path.join(dir, 'synthetic'));
  const table = tableFromIPC(fs.readFileSync(path.join(dir, 'synthetic', 'observations.arrow')));
  const p = pairSamples(table, {
    abundance: { parameter: 'cell_abundance', unit: 'cells/L' },
    environment: ['TEMP', 'PSAL'],
    windowDays: 0
  });
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const env = new Map<string, number>();
  const cells = new Map<string, number>();
  for (const f of ds.files) {
    for (const e of f.expected) {
      const key = `${e.site_id}|${day(e.time)}`;
      if (e.taxon !== null)
        cells.set(`${key}|${e.taxon}`, (cells.get(`${key}|${e.taxon}`) ?? 0) + e.value);
      else if ([0, 1, 2, 5, 8].includes(e.quality)) env.set(`${key}|${e.parameter}`, e.value);
    }
  }
  const complete = [...new Set([...env.keys()].map(k => k.slice(0, k.lastIndexOf('|'))))].filter(
    k => env.has(`${k}|TEMP`) && env.has(`${k}|PSAL`)
  );
  expect(p.abundance.rowNames).toEqual(complete.sort());
  // 3 sites × 4 years × 24 dates, less the dates whose T or S was missing-coded or flagged out.
  expect(p.report.biologySamples).toBe(3 * 4 * 24);
  expect(
    p.report.dropped.every(
      d => d.reason === 'no date within ±0 days with all of TEMP, PSAL' || d.missing.length > 0
    )
  ).toBe(true);
  const wrong: string[] = [];
  p.abundance.rowNames.forEach((key, i) => {
    for (const [k, v] of p.environment.colNames.entries()) {
      if (p.environment.values[k * p.environment.nRows + i] !== env.get(`${key}|${v}`))
        wrong.push(`${key} ${v}`);
    }
    for (const [j, taxon] of p.abundance.colNames.entries()) {
      if (p.abundance.values[j * p.abundance.nRows + i] !== (cells.get(`${key}|${taxon}`) ?? 0))
        wrong.push(`${key} ${taxon}`);
    }
  });
  expect(wrong).toEqual([]);
  expect(p.abundance.colNames).toEqual(ds.truth.taxa.map(t => t.name).sort());
  expect(new Set(p.samples.siteId)).toEqual(new Set(ds.truth.sites.map(s => s.siteId)));
  ds.truth.sites.forEach(s => {
    const i = p.samples.siteId.indexOf(s.siteId);
    expect(p.samples.latitude[i]).toBe(s.latitude);
  });
});
