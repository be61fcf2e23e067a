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
 *   BENCH_SCALE_GENERATE_MINUTES=90 ...      give up writing the dataset after that long (default 90)
 *   BENCH_SCALE_ROUTES=2 ...                 measure only the first routes of ROUTES (default all 4)
 *   BENCH_SCALE_PARQUET=0 ...                write harmonised.duckdb only (no Parquet route measured)
 *   BENCH_SCALE_TABLE_LAYOUT=0 ...           skip the older file without site keys (measured when kept)
 *   BENCH_SCALE_INDEX=0 ...                  skip the index route (rowid range from the index table, by hand)
 *   BENCH_SCALE_TRACE=1 ...                  print every request of each attach, and every range request
 *                                            of each cold query block by block
 *   BENCH_SCALE_PAGES=page-main,page ...     the builds of the bench page to measure (folders of bench/.cache;
 *                                            default `page`, which this run builds): each route on each build
 *   BENCH_SCALE_REPEAT=5 ...                 measure every route that many times in turn (default 1); the
 *                                            fresh page's attach + cold query is summed up per route at the end
 *
 * Any other `<name>.harmonised.duckdb` in the dataset's folder (the same rows in another layout) is measured
 * with the default route too. For each cold query the run says where its time and bytes went: every range
 * request mapped onto the file's blocks as native DuckDB describes them (metadata, or which columns' data),
 * the time spent waiting on HTTP, the renderer's CPU time, and native DuckDB's cold query on that file.
 *
 * The first run writes the dataset (about 20 CPU-minutes for 100 M rows; far longer on a shared machine);
 * later runs reuse it. An interrupted write is started again from scratch by the next run. A database file
 * of the older layout (no site keys) is rewritten into the current one, and kept beside it for comparison.
 */
const fs = require('node:fs');
const path = require('node:path');
const { INTERNAL_PREFIX } = require('../../packages/query/lib/engine');
const { createNativeEngine } = require('../../packages/query/lib/node');
const {
  DATABASE_FILE,
  DATABASE_RANGES_TABLE,
  DATABASE_ROWS_TABLE,
  DATABASE_SITE_KEY,
  DATABASE_SITES_TABLE
} = require('../../packages/harmonised/lib');
const { TABLE_LAYOUT_FILE, generatedDataset } = require('../harness/dataset');
const { HEADER_BYTES, classifyReads, databaseBlocks } = require('../harness/blocks');
const {
  CACHE,
  buildPage,
  datasetUrls,
  duckdbMemoryBytes,
  launch,
  machine,
  openBench,
  rendererCpuMs,
  rendererMemory,
  servePage,
  takeReads
} = require('../harness/browser');

const rows = Number(process.env.BENCH_SCALE_ROWS ?? 100_000_000);
const port = Number(process.env.BENCH_PORT ?? 0);
const memoryLimit = process.env.BENCH_SCALE_MEMORY ?? '3GB';
const generateMinutes = Number(process.env.BENCH_SCALE_GENERATE_MINUTES ?? 90);
const TARGET_MS = 1000;
const routes = Number(process.env.BENCH_SCALE_ROUTES ?? 4);
const builds = (process.env.BENCH_SCALE_PAGES ?? 'page').split(',').filter(Boolean);
const repeat = Number(process.env.BENCH_SCALE_REPEAT ?? 1);

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

/**
 * The rows, already in the database file's order (sno, site_id, parameter, time: no sort for 100 M rows):
 * row i is step i % T of parameter (i / T) % 13 (alphabetical) of buoy i / 13T, T steps of 10 minutes per
 * series from 2010 (T = rows / 130: 2010 to mid-2024 for 100 M rows). Values have three decimals, as
 * the buoys report them (full-precision random doubles would not compress as real values do).
 */
function coastHfRowsSql(n) {
  const parameters = [...PARAMETERS].sort(([a], [b]) => (a < b ? -1 : 1));
  const p = parameters.length;
  const steps = Math.ceil(n / (p * STATIONS));
  const site = `('coasthf-' || lpad(s::VARCHAR, 2, '0'))`;
  const time = `(TIMESTAMP '2010-01-01 00:00:00' + to_minutes((t * 10)::BIGINT))`;
  const noise = `(((i * 2654435761) % 4294967296) / 4294967296.0 - 0.5)`;
  return `
    SELECT 'COAST-HF' AS sno, ${site} AS site_id, 'Buoy ' || s AS site_name,
           (43.3 + s * 0.6)::DOUBLE AS latitude, (-1.5 + s * 0.3)::DOUBLE AS longitude,
           ${time} AS time, 1.0::DOUBLE AS depth,
           ${list(parameters.map(x => x[0]))}[k + 1] AS parameter, NULL::VARCHAR AS p01,
           NULL::VARCHAR AS p02, NULL::VARCHAR AS taxon, NULL::INTEGER AS aphia_id,
           round(10 + k + 5 * sin(2 * pi() * (t % 52560) / 52560.0) + 0.5 * sin(2 * pi() * (t % 144) / 144.0)
              + ${noise}, 3)::DOUBLE AS value,
           ${list(parameters.map(x => x[1]))}[k + 1] AS unit,
           (CASE WHEN i % 97 = 0 THEN 4 ELSE 1 END)::INTEGER AS quality, NULL::VARCHAR AS source_flag,
           'COASTHF_' || s || '.csv' AS source_file, (t + 2)::INTEGER AS source_row,
           'COAST-HF' AS dataset, NULL::VARCHAR AS sample_id,
           ${list(parameters.map(x => x[0]))}[k + 1] AS source_column, (k + 2)::INTEGER AS source_column_index,
           NULL::VARCHAR AS taxon_user, NULL::VARCHAR AS taxon_qualifier, NULL::VARCHAR AS method,
           ${site} AS site, year(${time})::INTEGER AS year
      FROM (SELECT i, (i // ${steps}) % ${p} AS k, i // ${steps * p} AS s, i % ${steps} AS t
              FROM range(${n}) r(i))`;
}

/** Rows of one year: every parameter of every buoy at 10-minute steps. */
const ROWS_PER_YEAR = PARAMETERS.length * STATIONS * 52_560;
/** 2015 in the 100 M-row dataset (2010 to mid-2024); the last complete year of a smaller one. */
const YEAR = Math.max(2010, Math.min(2015, 2010 + Math.floor(rows / ROWS_PER_YEAR) - 1));

/** One station, one year, one parameter: the daily means of a buoy's temperature in YEAR. */
const QUERY = `
  SELECT time::DATE AS day, avg(value) AS mean, min(value) AS min, max(value) AS max, count(*) AS n
    FROM harmonised
   WHERE site_id = 'coasthf-07' AND parameter = 'TEMP'
     AND time >= TIMESTAMP '${YEAR}-01-01' AND time < TIMESTAMP '${YEAR + 1}-01-01'
   GROUP BY day ORDER BY day`;

/**
 * The index route, by hand (no rewrite of the user's SQL is built yet): the station-year-parameter's rowid
 * range from the database's small index table (`DATABASE_RANGES_TABLE`), then QUERY's aggregation over the
 * rows table bounded by that range alone. `db`: the attached database's name.
 */
const RANGE_LOOKUP = db => `
  SELECT min(x.first_row) AS first_row, max(x.last_row) AS last_row
    FROM ${db}.${DATABASE_RANGES_TABLE} x JOIN ${db}.${DATABASE_SITES_TABLE} s USING (${DATABASE_SITE_KEY})
   WHERE s.site_id = 'coasthf-07' AND x.parameter = 'TEMP' AND x.year = ${YEAR}`;
const BY_RANGE = (db, { first_row, last_row }) => `
  SELECT time::DATE AS day, avg(value) AS mean, min(value) AS min, max(value) AS max, count(*) AS n
    FROM ${db}.${DATABASE_ROWS_TABLE}
   WHERE rowid BETWEEN ${first_row} AND ${last_row}
     AND time >= TIMESTAMP '${YEAR}-01-01' AND time < TIMESTAMP '${YEAR + 1}-01-01'
   GROUP BY day ORDER BY day`;
const ATTACHED_DB = `"${INTERNAL_PREFIX}db_harmonised"`;

/** QUERY in the page, or the index route (lookup, then the bounded scan) timed as one. */
async function coldOrWarm(page, index) {
  if (!index) return page.evaluate(s => window.odatisBench.query(s), QUERY);
  const t0 = performance.now();
  const [range] = await page.evaluate(s => window.odatisBench.rows(s), RANGE_LOOKUP(ATTACHED_DB));
  const answer = await page.evaluate(
    s => window.odatisBench.query(s),
    BY_RANGE(ATTACHED_DB, range)
  );
  return { ...answer, elapsedMs: performance.now() - t0 };
}

const mb = b => `${(b / 1048576).toFixed(1)} MB`;
const s1 = t => `${(t / 1000).toFixed(2)} s`;
const log = (...a) => console.log(...a);

/**
 * How the browser reads the database file: DuckDB-WASM's runtime alone (one range request per block it
 * asks for), and our page cache with read-ahead (`READ_AHEAD` of @odatis-vre/query) at several reaches. Each
 * route runs in a fresh browser context (no HTTP cache, a new engine): first query cold, then warm.
 */
const ROUTES = [
  ['DuckDB-WASM runtime alone (one request per block)', false],
  ['pages cached, no read-ahead (the default)', undefined],
  ['sequential read-ahead up to 1 MB', { maxAheadBytes: 1 << 20 }],
  ['sequential read-ahead up to 4 MB', { maxAheadBytes: 4 << 20 }]
];

async function main() {
  log(
    `Scale benchmark: ${rows.toLocaleString('en')} COAST-HF-like rows, query coasthf-07 TEMP ${YEAR}; ` +
      machine()
  );
  const started = Date.now();
  // Bounded: a write that takes longer than this on a busy machine stops here, with a message.
  const bound = setTimeout(() => {
    console.error(
      `The dataset was not written within ${generateMinutes} min (BENCH_SCALE_GENERATE_MINUTES); ` +
        'run again on a quieter machine, or with fewer rows (BENCH_SCALE_ROWS).'
    );
    process.exit(2);
  }, generateMinutes * 60_000);
  const dataset = await generatedDataset(path.join(CACHE, `scale-${rows}`), coastHfRowsSql(rows), {
    log,
    memoryLimit,
    ordered: true,
    parquet: process.env.BENCH_SCALE_PARQUET !== '0'
  });
  clearTimeout(bound);
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
  const nativeThreads = (
    await native.query(`SELECT current_setting('threads')::INTEGER AS t`)
  ).table
    .getChild('t')
    .get(0);
  await native.close();

  await buildPage();
  const server = await servePage({ port });
  const browser = await launch();
  try {
    let version = '';
    log(`\nDuckDB-WASM in headless Chromium (our worker, 1 thread), harmonised.duckdb over HTTP:`);
    log(
      'route | attach | first query (cold) | same query again (warm) | cold reads | ' +
        'DuckDB buffer | renderer peak | cold / native cold'
    );
    let coldAnswer = null;
    // Other files of the same rows kept beside harmonised.duckdb as `<name>.harmonised.duckdb` (the older
    // layout without site keys, kept by upgradeDatabase; layouts being compared): the default route each.
    const others = fs
      .readdirSync(dataset.dir)
      .filter(f => f.endsWith(`.${DATABASE_FILE}`))
      .filter(f => f !== TABLE_LAYOUT_FILE || process.env.BENCH_SCALE_TABLE_LAYOUT !== '0')
      .sort();
    const routesHere = [
      ...ROUTES.slice(0, routes).map(([label, readAhead]) => [label, readAhead, dataset]),
      ...(process.env.BENCH_SCALE_INDEX === '0'
        ? []
        : [
            ['index table, then the rowid range (by hand; pages cached)', undefined, dataset, true]
          ]),
      ...others.map(f => [
        f === TABLE_LAYOUT_FILE
          ? 'older file without site keys, pages cached'
          : `${f.slice(0, -DATABASE_FILE.length - 1)} (pages cached)`,
        undefined,
        { ...dataset, database: path.join(dataset.dir, f) }
      ])
    ];
    // Each route on each build of the page, in turn, `repeat` times: load hits them alike.
    const measured = [];
    for (let k = 0; k < repeat; k++)
      for (const [label, readAhead, source, index = false] of routesHere)
        for (const build of builds)
          measured.push([
            builds.length > 1 ? `${label} [${build}]` : label,
            readAhead,
            source,
            index,
            build,
            k
          ]);
    const explained = [];
    const freshPage = new Map();
    for (const [label, readAhead, source, index, build, k] of measured) {
      const page = await openBench(browser, server.base, build);
      t = performance.now();
      version = await page.evaluate(a => window.odatisBench.start(a), { kind: 'ours', readAhead });
      const startMs = performance.now() - t;
      takeReads(server);
      const cpuAtAttach = rendererCpuMs();
      t = performance.now();
      const attached = await page.evaluate(
        d => window.odatisBench.attachHarmonised(d),
        datasetUrls(server, source)
      );
      const attachMs = performance.now() - t;
      const attachRead = takeReads(server);
      const attachCpu = rendererCpuMs() - cpuAtAttach;
      const cpuBefore = rendererCpuMs();
      const coldStart = performance.now();
      const cold = await coldOrWarm(page, index);
      const coldCpu = rendererCpuMs() - cpuBefore;
      const coldRead = takeReads(server);
      const warm = await coldOrWarm(page, index);
      const warmRead = takeReads(server);
      const duck = await duckdbMemoryBytes(page);
      const renderer = rendererMemory();
      coldAnswer ??= cold;
      const target = r => `${s1(r.elapsedMs)} (${r.elapsedMs <= TARGET_MS ? 'met' : 'NOT met'})`;
      const sums = freshPage.get(label) ?? [];
      sums.push(attachMs + cold.elapsedMs);
      freshPage.set(label, sums);
      log(
        [
          label,
          `engine start ${s1(startMs)}; ${s1(attachMs)} (CPU ${s1(attachCpu)}), ` +
            `${attachRead.requests} requests${attachRead.failed ? ` (${attachRead.failed} failed)` : ''} ` +
            mb(attachRead.bytes),
          target(cold),
          `${target(warm)}, ${warmRead.requests} requests`,
          `${coldRead.requests} requests (${coldRead.ranged} ranged), ${mb(coldRead.bytes)}`,
          mb(duck),
          mb(renderer.peak),
          (cold.elapsedMs / nativeCold.elapsedMs).toFixed(2)
        ].join(' | ')
      );
      if (process.env.BENCH_SCALE_TRACE === '1') {
        for (const r of attachRead.log) {
          log(
            `      attach +${((r.start - attachRead.log[0].start) / 1000).toFixed(3)} s ` +
              `${((r.end - r.start) | 0).toString().padStart(4)} ms ${r.method} ` +
              `${r.url.slice(r.url.lastIndexOf('/') + 1)} ${r.range ?? ''} ${r.status} ${r.bytes} B`
          );
        }
      }
      // Where the time went, for the first round (the later ones read alike).
      if (k === 0) explained.push({ label, source, cold, coldCpu, coldStart, coldRead });
      if (
        attached.rows !== rows ||
        cold.rows !== coldAnswer.rows ||
        cold.checksum !== coldAnswer.checksum
      )
        log(
          `  DIFFERENT ANSWER: ${attached.rows} rows attached, ${cold.rows} days, ${cold.checksum}`
        );
      await page.close();
    }
    log(`\nFresh page, attach + cold query (each run, and the median):`);
    for (const [label, sums] of freshPage) {
      const sorted = [...sums].sort((a, b) => a - b);
      const median = (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
      log(`- ${label}: ${sums.map(s1).join(', ')}; median ${s1(median)}`);
    }
    log(
      `\nWhere the cold query's time and bytes went (blocks named by native DuckDB's pragma_storage_info and ` +
        `pragma_metadata_info; "waiting on HTTP": the server's time from request to last byte, summed; ` +
        `renderer CPU: user + system time of Chromium's renderer processes, which run the worker):`
    );
    const layouts = new Map();
    for (const { label, source, cold, coldCpu, coldStart, coldRead } of explained) {
      if (!layouts.has(source.database))
        layouts.set(source.database, await databaseBlocks(source.database));
      const layout = layouts.get(source.database);
      const groups = [...layout.rowGroups].map(([table, n]) => `${table} ${n}`).join(', ');
      // Native DuckDB's cold query on this very file (a fresh engine), for the ratio per layout.
      const engine = await createNativeEngine();
      await engine.attachHarmonised(source);
      const nativeMs = (await engine.query(QUERY)).elapsedMs;
      await engine.close();
      log(
        `- ${label}: ${s1(cold.elapsedMs)} wall, waiting on HTTP ${s1(coldRead.serverMs)} ` +
          `(${coldRead.requests} requests), renderer CPU ${s1(coldCpu)}; native cold on this file ` +
          `${s1(nativeMs)}; row groups: ${groups}`
      );
      for (const [what, { requests, bytes }] of classifyReads(coldRead.log, layout)) {
        log(`    ${mb(bytes).padStart(8)} ${String(requests).padStart(3)} requests  ${what}`);
      }
      if (process.env.BENCH_SCALE_TRACE === '1') {
        for (const r of coldRead.log) {
          const block = Math.floor((r.offset - HEADER_BYTES) / layout.blockBytes);
          const b = layout.blocks.get(block);
          log(
            `      +${((r.start - coldStart) / 1000).toFixed(3)} s ${((r.end - r.start) | 0).toString().padStart(4)} ms ` +
              `offset ${r.offset} (block ${block}) ${r.bytes} B ${b ? [...b.what].join(' + ') : ''}`
          );
        }
      }
    }
    log(`(DuckDB-WASM ${version}; target: one station-year-parameter <= ${s1(TARGET_MS)} cold)`);
    log(`native DuckDB ${nativeThreads} threads, the same file from disk:`);
    log(
      `  attach ${s1(nativeAttach)}, first query ${s1(nativeCold.elapsedMs)}, again ${s1(nativeWarm.elapsedMs)}; ` +
        `same answer: ${nativeCold.rows === coldAnswer.rows ? 'yes' : `NO (${nativeCold.rows} vs ${coldAnswer.rows})`}`
    );

    // The other route: the one partition of that station and year, decoded whole by parquet-wasm.
    const partition = dataset.files.find(f => f.includes(`site=coasthf-07/year=${YEAR}/`));
    if (!partition) {
      log('Parquet route: not measured (the dataset was written without Parquet partitions)');
      return;
    }
    const page2 = await openBench(browser, server.base);
    await page2.evaluate(() => window.odatisBench.start({ kind: 'ours' }));
    const url = datasetUrls(server, { dir: dataset.dir, files: [partition], database: partition });
    takeReads(server, '.parquet');
    t = performance.now();
    await page2.evaluate(u => window.odatisBench.registerFile('part', u), url.files[0]);
    const parquetQuery = await page2.evaluate(
      s => window.odatisBench.query(s),
      QUERY.replace('FROM harmonised', 'FROM part')
    );
    const parquetMs = performance.now() - t;
    const parquetRead = takeReads(server, '.parquet');
    log(
      `Parquet route for comparison (the station-year partition found from its path, decoded whole with ` +
        `parquet-wasm, then queried): ${s1(parquetMs)}, ${mb(parquetRead.bytes)} read, ${parquetQuery.rows} days`
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
