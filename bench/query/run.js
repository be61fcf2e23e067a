/**
 * Query benchmark: the NEO query set on a generated harmonised dataset, DuckDB-WASM in headless Chromium
 * (the SQL workspace's own worker) against native DuckDB (@duckdb/node-api) in this process, in one run.
 * Prints times, ratios, memory and what was read over HTTP; asserts nothing.
 *
 *   npm run bench:query                        10 000 000 rows (BENCH_QUERY_ROWS for another size)
 *   BENCH_QUERY_SEED=7 BENCH_QUERY_REPEATS=5 ...  another deterministic dataset; more repeats (default 3)
 *   BENCH_PORT=8770 ...                        serve the page on that port, the isolated one on the next
 *                                              (default: any free port)
 *   BENCH_QUERY_THREADED=0 ...                 skip the threaded DuckDB-WASM build
 *   BENCH_QUERY_SECTIONS=files,memory,threaded   which situations to measure (default: all three)
 *   BENCH_QUERY_MEMORY_ROWS=2000000 ...        rows of the in-memory and threaded situations (default 2 M)
 *   BENCH_QUERY_RESERVE_MB=1024 ...            memory grown before the threaded build starts its threads
 *   BENCH_QUERY_PARQUET=0 ...                  write harmonised.duckdb only (the files situation reads it alone)
 *
 * Two situations, each with the data the same for both engines:
 * - files: the dataset as the converter writes it (Parquet partitions and harmonised.duckdb) under
 *   bench/.cache; the browser attaches the database file over HTTP from the VRE's own server (range
 *   requests), native DuckDB attaches the same file from disk. Both through `attachHarmonised`.
 * - memory: the same rows created by SQL inside each engine (a plain in-memory table).
 * Native DuckDB runs with 1 thread (like for like with DuckDB-WASM's single-threaded build) and with all
 * cores; each query runs alternately in every engine so that load on a shared machine hits them alike.
 * Wall time is what a user waits; CPU time (the Chromium renderer's and this process's, from /proc and
 * process.cpuUsage) is the work done, steadier than wall time when other programs share the cores.
 */
const path = require('node:path');
const { createNativeEngine } = require('../../packages/query/lib/node');
const { QUERIES, generateSql, harmonisedRowsSql } = require('./queries');
const { generatedDataset } = require('../harness/dataset');
const { checksum } = require('../harness/checksum');
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

const rows = Number(process.env.BENCH_QUERY_ROWS ?? 10_000_000);
const seed = Number(process.env.BENCH_QUERY_SEED ?? 42);
const repeats = Number(process.env.BENCH_QUERY_REPEATS ?? 3);
const port = Number(process.env.BENCH_PORT ?? 0);
const sections = new Set((process.env.BENCH_QUERY_SECTIONS ?? 'files,memory,threaded').split(','));
if (process.env.BENCH_QUERY_THREADED === '0') sections.delete('threaded');
const TARGET = 2;
/**
 * Rows of the memory situation: a plain in-memory table takes about 280 bytes a row inside DuckDB-WASM
 * (557 MB for 2 M rows), so 10 M rows would not fit its 4 GB; the situation is measured on at most 2 M.
 */
const inMemoryRows = Math.min(rows, Number(process.env.BENCH_QUERY_MEMORY_ROWS ?? 2_000_000));

const mb = b => `${(b / 1048576).toFixed(0)} MB`;
const ms = t => `${t.toFixed(0)} ms`;
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (...a) => console.log(...a);

/** A native engine measured in this process: wall and CPU time of each query. */
async function nativeRunner(threads) {
  const engine = await createNativeEngine(threads ? { threads: String(threads) } : {});
  const setting = await engine.query(`SELECT current_setting('threads')::INTEGER AS t`);
  return {
    label: `native ${setting.table.getChild('t').get(0)}t`,
    threads: Number(setting.table.getChild('t').get(0)),
    engine,
    async run(sql) {
      const cpu = process.cpuUsage();
      const r = await engine.query(sql);
      const used = process.cpuUsage(cpu);
      return {
        wallMs: r.elapsedMs,
        cpuMs: (used.user + used.system) / 1000,
        rows: r.rows,
        checksum: checksum(r.table)
      };
    },
    close: () => engine.close()
  };
}

/** DuckDB-WASM in a page: wall time as the page sees it, CPU time of the renderer process. */
function browserRunner(label, page, threads) {
  return {
    label,
    threads,
    async run(sql) {
      const before = rendererCpuMs();
      const r = await page.evaluate(s => window.odatisBench.query(s), sql);
      return { ...r, wallMs: r.elapsedMs, cpuMs: rendererCpuMs() - before };
    }
  };
}

/** Every query, warm-up then `repeats` rounds in which each runner runs it once, in turn. */
async function measure(runners) {
  const out = [];
  for (const q of QUERIES) {
    const times = runners.map(() => ({ wall: [], cpu: [], last: null }));
    for (const [k, r] of runners.entries()) times[k].last = await r.run(q.sql);
    for (let i = 0; i < repeats; i++) {
      for (const [k, r] of runners.entries()) {
        const m = await r.run(q.sql);
        times[k].wall.push(m.wallMs);
        times[k].cpu.push(m.cpuMs);
        times[k].last = m;
      }
    }
    out.push({
      query: q.name,
      results: times.map(t => ({
        wallMs: median(t.wall),
        cpuMs: median(t.cpu),
        rows: t.last.rows,
        checksum: t.last.checksum
      }))
    });
  }
  return out;
}

function same(a, b) {
  return (
    a.rows === b.rows &&
    Math.abs(a.checksum - b.checksum) <= 1e-6 * Math.max(1, Math.abs(a.checksum))
  );
}

/** One table: every runner's median wall and CPU time, and each browser runner against `reference`. */
function report(title, runners, measured, reference = 0) {
  log(`\n${title}`);
  const names = runners.map(r => r.label);
  log(
    ['query', 'rows', ...names.map(n => `${n} wall / cpu`), 'ratios (wall, cpu)', 'same'].join(
      ' | '
    )
  );
  for (const m of measured) {
    const ref = m.results[reference];
    const ratios = m.results
      .map((r, k) => [k, r])
      .filter(([k]) => runners[k].browser)
      .map(
        ([k, r]) =>
          `${runners[k].label}/${names[reference]}: ${(r.wallMs / ref.wallMs).toFixed(2)}` +
          `${r.wallMs / ref.wallMs <= TARGET ? '' : ' (> 2)'}, ${(r.cpuMs / ref.cpuMs).toFixed(2)}`
      );
    const agree = m.results.every(r => same(r, ref));
    log(
      [
        m.query,
        ref.rows,
        ...m.results.map(r => `${ms(r.wallMs)} / ${ms(r.cpuMs)}`),
        ratios.join('; '),
        agree ? 'yes' : `NO (${m.results.map(r => `${r.rows}:${r.checksum}`).join(' vs ')})`
      ].join(' | ')
    );
  }
}

async function main() {
  log(
    `NEO query benchmark: ${rows.toLocaleString('en')} harmonised rows, seed ${seed}, ` +
      `median of ${repeats} after a warm-up; ${machine()}`
  );
  const dataset = await generatedDataset(
    path.join(CACHE, `query-${rows}-${seed}`),
    harmonisedRowsSql(rows, seed),
    { log, parquet: process.env.BENCH_QUERY_PARQUET !== '0' }
  );
  log(
    `dataset: ${dataset.files.length} Parquet partitions ${mb(dataset.parquetBytes)}, ` +
      `harmonised.duckdb ${mb(dataset.databaseBytes)}`
  );
  await buildPage();
  const server = await servePage({ port });
  const browser = await launch();
  const natives = [await nativeRunner(1), await nativeRunner(0)];
  try {
    // --- files: the database file over HTTP (browser) and from disk (native) ---
    if (sections.has('files')) {
      const page = await openBench(browser, server.base);
      const version = await page.evaluate(() => window.odatisBench.start({ kind: 'ours' }));
      takeReads(server);
      const cpu0 = rendererCpuMs();
      const t0 = performance.now();
      const attached = await page.evaluate(
        d => window.odatisBench.attachHarmonised(d),
        datasetUrls(server, dataset)
      );
      const attachMs = performance.now() - t0;
      const attachCpu = rendererCpuMs() - cpu0;
      for (const n of natives) await n.engine.attachHarmonised(dataset);
      const wasm = browserRunner(`DuckDB-WASM 1t`, page, 1);
      wasm.browser = true;
      const runners = [natives[0], natives[1], wasm];
      log(
        `\nengines: native DuckDB ${await natives[0].engine.version()} (${natives[0].threads} thread, then ` +
          `${natives[1].threads} threads) | DuckDB-WASM ${version} (1 thread, eh build, our worker)`
      );
      log(
        `files: browser attached ${attached.rows.toLocaleString('en')} rows from ${attached.source} ` +
          `in ${ms(attachMs)} (renderer CPU ${ms(attachCpu)})`
      );
      const fromFiles = await measure(runners);
      report(
        'FILES (harmonised.duckdb: over HTTP range requests in Chromium, from disk natively)',
        runners,
        fromFiles
      );
      report('  same runs against native with all threads', runners, fromFiles, 1);
      const read = takeReads(server);
      const duckMemory = await duckdbMemoryBytes(page);
      const renderer = rendererMemory();
      log(
        `  HTTP: ${read.requests} requests for harmonised.duckdb (${read.ranged} ranged), ` +
          `${mb(read.bytes)} served of a ${mb(dataset.databaseBytes)} file, over attach and all queries`
      );
      log(
        `  memory: DuckDB-WASM buffer memory ${mb(duckMemory)} (target <= 400 MB for 10 M rows: ` +
          `${duckMemory <= 400 * 1048576 ? 'met' : 'NOT met'}); largest renderer process: now ` +
          `${mb(renderer.now)}, peak ${mb(renderer.peak)}`
      );
      await page.close();
    }

    // --- memory: the same rows created inside each engine ---
    if (sections.has('memory')) {
      const page2 = await openBench(browser, server.base);
      await page2.evaluate(() => window.odatisBench.start({ kind: 'ours' }));
      const wasmMem = browserRunner(`DuckDB-WASM 1t`, page2, 1);
      wasmMem.browser = true;
      const memoryNatives = [await nativeRunner(1), await nativeRunner(0)];
      const t1 = performance.now();
      for (const sql of generateSql(inMemoryRows, seed))
        await page2.evaluate(s => window.odatisBench.query(s), sql);
      const generateWasm = performance.now() - t1;
      const t2 = performance.now();
      for (const sql of generateSql(inMemoryRows, seed)) await memoryNatives[0].engine.query(sql);
      const generateNative = performance.now() - t2;
      for (const sql of generateSql(inMemoryRows, seed)) await memoryNatives[1].engine.query(sql);
      const memRunners = [memoryNatives[0], memoryNatives[1], wasmMem];
      const fromMemory = await measure(memRunners);
      report(
        `MEMORY (${inMemoryRows.toLocaleString('en')} rows created by SQL in each engine)`,
        memRunners,
        fromMemory
      );
      report('  same runs against native with all threads', memRunners, fromMemory, 1);
      log(
        `  create the table: native 1t ${ms(generateNative)}, DuckDB-WASM ${ms(generateWasm)}; ` +
          `DuckDB-WASM buffer memory ${mb(await duckdbMemoryBytes(page2))}`
      );
      for (const n of memoryNatives) await n.close();
      await page2.close();
    }

    if (sections.has('threaded')) await threadedSection(browser);
  } finally {
    for (const n of natives) await n.close();
    await browser.close();
    await server.close();
  }
  log(
    '\n(wall: SQL sent to Arrow table received in JavaScript; native DuckDB has no Arrow output in node, so' +
      ' its wall time includes a JavaScript conversion. cpu: the renderer process (worker, page) for' +
      ' DuckDB-WASM, this process for native. The machine may be shared: compare ratios of one run; where' +
      ' wall is many times cpu, the engine mostly waited for a core, and the cpu ratios are the like-for-like' +
      ' ones. DuckDB memory: sum of duckdb_memory() in the page after the queries.)'
  );
}

/**
 * DuckDB-WASM's threaded build (coi) needs a cross-origin isolated page (COOP/COEP) and DuckDB's own
 * asynchronous worker. Measured on the memory situation, against native DuckDB with the same threads:
 * the async worker with the single-threaded eh build (1 thread), coi with 1 thread and with every core.
 */
async function threadedSection(browser) {
  // The next port after BENCH_PORT when one is given (the other server is still open).
  const server = await servePage({ port: port ? port + 1 : 0, isolated: true });
  const small = inMemoryRows;
  const reserveMB = Number(process.env.BENCH_QUERY_RESERVE_MB ?? 1024);
  const natives = [await nativeRunner(1), await nativeRunner(0)];
  const threads = natives[1].threads;
  try {
    const runners = [...natives];
    const pages = [];
    let isolated = false;
    for (const [kind, n] of [
      ['eh', 1],
      ['coi', 1],
      ['coi', threads]
    ]) {
      const page = await openBench(browser, server.base);
      pages.push(page);
      isolated = await page.evaluate(() => window.odatisBench.crossOriginIsolated());
      await page.evaluate(a => window.odatisBench.start(a), {
        kind,
        threads: n,
        reserveMB: kind === 'coi' ? reserveMB : 0
      });
      const actual = await page.evaluate(() => window.odatisBench.threads());
      for (const sql of generateSql(small, seed))
        await page.evaluate(s => window.odatisBench.query(s), sql);
      const r = browserRunner(`async ${kind} ${actual}t`, page, actual);
      r.browser = true;
      runners.push(r);
    }
    for (const n of natives) for (const sql of generateSql(small, seed)) await n.engine.query(sql);
    const measured = await measure(runners);
    const title =
      `THREADED DuckDB-WASM (DuckDB's own async worker, cross-origin isolated page: ${isolated}; ` +
      `${small.toLocaleString('en')} rows in memory; coi memory reserved: ${reserveMB} MB)`;
    report(`${title}, against native 1 thread`, runners, measured, 0);
    report(`  same runs against native ${threads} threads`, runners, measured, 1);
    for (const p of pages) await p.close();
  } finally {
    for (const n of natives) await n.close();
    await server.close();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
