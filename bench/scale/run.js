/**
 * Scale benchmark: a COAST-HF-like harmonised dataset of 100 million rows on disk (10 buoys, 13
 * parameters, 10-minute steps from 2010 to mid-2024), converted as the converter lays it out (Parquet
 * partitions and harmonised.duckdb, under bench/.cache, never in git). Headless Chromium attaches it
 * through the SQL workspace's worker over HTTP (the VRE's own server) and asks one station, one year, one
 * parameter; prints latency, what was read over HTTP and the browser's memory, beside native DuckDB on the
 * same file. Asserts nothing.
 *
 *   npm run bench:scale                      BENCH_SCALE_ROWS=10000000 for a smaller dataset
 *   BENCH_PORT=8770 ...                      serve on that port (default: any free port)
 *   BENCH_SCALE_MEMORY=3GB ...               native DuckDB memory while writing the dataset (default 3GB)
 *
 * The first run writes the dataset (tens of minutes on 2 cores for 100 M rows); later runs reuse it.
 */
const os = require('node:os');
const path = require('node:path');
const { createNativeEngine } = require('../../packages/query/lib/node');
const { generatedDataset } = require('../harness/dataset');
const {
  CACHE,
  browserMemory,
  buildPage,
  launch,
  openBench,
  servePage
} = require('../harness/browser');

const rows = Number(process.env.BENCH_SCALE_ROWS ?? 100_000_000);
const port = Number(process.env.BENCH_PORT ?? 0);
const memoryLimit = process.env.BENCH_SCALE_MEMORY ?? '3GB';
const TARGET_MS = 1000;

const STATIONS = 10;
const PARAMETERS = [
  ['TEMP', 'degC'],
  ['PSAL', 'PSU'],
  ['DOX1', 'umol/kg'],
  ['DOXY', '%'],
  ['CPHL', 'mg/m3'],
  ['TURB', 'NTU'],
  ['PHPH', '1'],
  ['PRES', 'dbar'],
  ['CNDC', 'S/m'],
  ['FLU2', 'mg/m3'],
  ['NTRA', 'umol/l'],
  ['SVEL', 'm/s'],
  ['ATMP', 'hPa']
];

const list = values => `[${values.map(v => `'${v}'`).join(', ')}]`;

/** The rows: row i is parameter i % 13 of buoy (i / 13) % 10 at 10-minute step i / 130. */
function coastHfRowsSql(n) {
  const p = PARAMETERS.length;
  const site = `('coasthf-' || lpad(s::VARCHAR, 2, '0'))`;
  const time = `(TIMESTAMP '2010-01-01 00:00:00' + to_minutes((t * 10)::BIGINT))`;
  const noise = `(((i * 2654435761) % 4294967296) / 4294967296.0 - 0.5)`;
  return `
    SELECT 'COAST-HF' AS sno, ${site} AS site_id, 'Buoy ' || s AS site_name,
           (43.3 + s * 0.6)::DOUBLE AS latitude, (-1.5 + s * 0.3)::DOUBLE AS longitude,
           ${time} AS time, 1.0::DOUBLE AS depth,
           ${list(PARAMETERS.map(x => x[0]))}[k + 1] AS parameter, NULL::VARCHAR AS p01,
           NULL::VARCHAR AS p02, NULL::VARCHAR AS taxon, NULL::INTEGER AS aphia_id,
           (10 + k + 5 * sin(2 * pi() * (t % 52560) / 52560.0) + 0.5 * sin(2 * pi() * (t % 144) / 144.0)
              + ${noise})::DOUBLE AS value,
           ${list(PARAMETERS.map(x => x[1]))}[k + 1] AS unit,
           (CASE WHEN i % 97 = 0 THEN 4 ELSE 1 END)::INTEGER AS quality, NULL::VARCHAR AS source_flag,
           'COASTHF_' || s || '.csv' AS source_file, (t + 2)::INTEGER AS source_row,
           'COAST-HF' AS dataset, NULL::VARCHAR AS sample_id,
           ${list(PARAMETERS.map(x => x[0]))}[k + 1] AS source_column, (k + 2)::INTEGER AS source_column_index,
           NULL::VARCHAR AS taxon_user, NULL::VARCHAR AS taxon_qualifier, NULL::VARCHAR AS method,
           ${site} AS site, year(${time})::INTEGER AS year
      FROM (SELECT i, i % ${p} AS k, (i // ${p}) % ${STATIONS} AS s, i // ${p * STATIONS} AS t
              FROM range(${n}) r(i))`;
}

/** One station, one year, one parameter: the daily means of a buoy's temperature in 2015. */
const QUERY = `
  SELECT time::DATE AS day, avg(value) AS mean, min(value) AS min, max(value) AS max, count(*) AS n
    FROM harmonised
   WHERE site_id = 'coasthf-07' AND parameter = 'TEMP'
     AND time >= TIMESTAMP '2015-01-01' AND time < TIMESTAMP '2016-01-01'
   GROUP BY day ORDER BY day`;

const mb = b => `${(b / 1048576).toFixed(1)} MB`;
const s1 = t => `${(t / 1000).toFixed(2)} s`;
const log = (...a) => console.log(...a);

async function main() {
  log(
    `Scale benchmark: ${rows.toLocaleString('en')} COAST-HF-like rows; ${os.cpus().length} cores, ` +
      `load ${os
        .loadavg()
        .map(l => l.toFixed(1))
        .join(' ')}`
  );
  const started = Date.now();
  const dataset = await generatedDataset(path.join(CACHE, `scale-${rows}`), coastHfRowsSql(rows), {
    log,
    memoryLimit
  });
  log(
    `dataset: ${dataset.files.length} Parquet partitions ${mb(dataset.parquetBytes)}, ` +
      `harmonised.duckdb ${mb(dataset.databaseBytes)} (ready in ${s1(Date.now() - started)})`
  );

  // Native DuckDB on the file on disk: a fresh engine (cold), then the same query again (warm).
  const native = await createNativeEngine();
  let t = performance.now();
  await native.attachHarmonised(dataset);
  const nativeAttach = performance.now() - t;
  const nativeCold = await native.query(QUERY);
  const nativeWarm = await native.query(QUERY);
  await native.close();

  const pageDir = await buildPage();
  const server = await servePage({ pageDir, data: { dataset: dataset.dir }, port });
  const browser = await launch();
  try {
    const page = await openBench(browser, server.base);
    const version = await page.evaluate(() => window.odatisBench.start({ kind: 'ours' }));
    const url = f => `${server.base}/data/dataset/${path.relative(dataset.dir, f)}`;
    const served = () => {
      const db = server.requests.filter(r => r.url.endsWith('harmonised.duckdb'));
      const out = {
        requests: db.length,
        ranged: db.filter(r => r.range).length,
        bytes: db.reduce((s, r) => s + r.bytes, 0)
      };
      server.requests.length = 0;
      return out;
    };
    server.requests.length = 0;
    t = performance.now();
    const attached = await page.evaluate(d => window.odatisBench.attachHarmonised(d), {
      files: dataset.files.map(url),
      database: url(dataset.database)
    });
    const attachMs = performance.now() - t;
    const attachRead = served();
    const cold = await page.evaluate(s => window.odatisBench.query(s), QUERY);
    const coldRead = served();
    const warm = await page.evaluate(s => window.odatisBench.query(s), QUERY);
    const warmRead = served();
    const duck = await page.evaluate(() =>
      window.odatisBench.rows(`SELECT sum(memory_usage_bytes)::DOUBLE AS b FROM duckdb_memory()`)
    );
    const renderer = browserMemory().filter(p => p.type === 'renderer');
    const peak = Math.max(...renderer.map(p => p.hwm)) * 1024;

    log(
      `\nDuckDB-WASM ${version} in headless Chromium (our worker, 1 thread), harmonised.duckdb over HTTP:`
    );
    log(
      `  attach: ${s1(attachMs)}, ${attached.rows.toLocaleString('en')} rows; read ${attachRead.requests} ` +
        `requests (${attachRead.ranged} ranged), ${mb(attachRead.bytes)} of ${mb(dataset.databaseBytes)}`
    );
    for (const [label, r, read] of [
      ['first query (cold)', cold, coldRead],
      ['same query again (warm)', warm, warmRead]
    ]) {
      log(
        `  ${label}: ${s1(r.elapsedMs)} for ${r.rows} days ` +
          `(target <= ${s1(TARGET_MS)}: ${r.elapsedMs <= TARGET_MS ? 'met' : 'NOT met'}); ` +
          `read ${read.requests} requests, ${mb(read.bytes)}`
      );
    }
    log(`  memory: DuckDB-WASM buffer memory ${mb(duck[0].b)}; renderer process peak ${mb(peak)}`);
    log(`native DuckDB on the same file from disk:`);
    log(
      `  attach ${s1(nativeAttach)}, first query ${s1(nativeCold.elapsedMs)}, again ${s1(nativeWarm.elapsedMs)}; ` +
        `same answer: ${nativeCold.rows === cold.rows ? 'yes' : `NO (${nativeCold.rows} vs ${cold.rows})`}`
    );

    // The other route: the one partition of that station and year, decoded whole by parquet-wasm.
    const partition = dataset.files.find(f => /site=coasthf-07\/year=2015\//.test(f));
    const page2 = await openBench(browser, server.base);
    await page2.evaluate(() => window.odatisBench.start({ kind: 'ours' }));
    server.requests.length = 0;
    t = performance.now();
    await page2.evaluate(u => window.odatisBench.registerFile('part', u), url(partition));
    const parquetQuery = await page2.evaluate(
      s => window.odatisBench.query(s),
      QUERY.replace('FROM harmonised', 'FROM part')
    );
    const parquetMs = performance.now() - t;
    const parquetBytes = server.requests
      .filter(r => r.url.endsWith('.parquet'))
      .reduce((s, r) => s + r.bytes, 0);
    log(
      `Parquet route for comparison (the station-year partition found from its path, decoded whole with ` +
        `parquet-wasm, then queried): ${s1(parquetMs)}, ${mb(parquetBytes)} read, ${parquetQuery.rows} days`
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
