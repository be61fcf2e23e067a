// The benchmark page: the query engine exactly as the SQL workspace starts it (our worker, DuckDB-WASM's
// single-threaded build), and DuckDB-WASM's own asynchronous worker for the threaded build (which needs a
// cross-origin isolated page). The node side drives it through `window.odatisBench`.
import { createBrowserQueryEngine } from '@odatis-vre/query';
import * as duckdb from '@duckdb/duckdb-wasm';
import { checksum } from './checksum.js';

const asset = {
  mvp: new URL('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm', import.meta.url).href,
  eh: new URL('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm', import.meta.url).href,
  coi: new URL('@duckdb/duckdb-wasm/dist/duckdb-coi.wasm', import.meta.url).href,
  coiWorker: new URL('@duckdb/duckdb-wasm/dist/duckdb-browser-coi.worker.js', import.meta.url).href,
  coiPthread: new URL(
    '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.pthread.worker.js',
    import.meta.url
  ).href,
  ehWorker: new URL('@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js', import.meta.url).href,
  parquet: new URL('parquet-wasm/esm/parquet_wasm_bg.wasm', import.meta.url).href
};

/** Our engine (QueryEngine): what the SQL workspace runs. */
function ourEngine(filesystem, readAhead) {
  return createBrowserQueryEngine({
    createWorker: () =>
      new Worker(new URL('@odatis-vre/query/lib/browser-worker.js', import.meta.url)),
    bundles: { mvp: { mainModule: asset.mvp }, eh: { mainModule: asset.eh } },
    parquetWasm: asset.parquet,
    filesystem,
    readAhead
  });
}

/**
 * DuckDB-WASM's own asynchronous worker: the threaded (coi) build, or eh for a like-for-like baseline.
 * `reserveMB`: grow the coi build's memory by that much from the worker's own thread before threads start
 * (see bench/README.md, "Threaded DuckDB-WASM": the bindings read results through a view of the memory
 * that a DuckDB thread's growth leaves stale, duckdb/duckdb-wasm#2256).
 */
async function asyncEngine(build, threads, filesystem, reserveMB = 0) {
  const worker = new Worker(build === 'coi' ? asset.coiWorker : asset.ehWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(
    build === 'coi' ? asset.coi : asset.eh,
    build === 'coi' ? asset.coiPthread : null
  );
  await db.open({ maximumThreads: threads, filesystem, query: { castDecimalToDouble: true } });
  const conn = await db.connect();
  if (reserveMB > 0) {
    // With one thread DuckDB works on the worker's thread: the memory grows there, its views follow;
    // the memory freed afterwards is reused by DuckDB's threads without growing again.
    await conn.query('SET threads = 1');
    await conn.query(
      `CREATE TEMP TABLE odatis_reserve AS SELECT repeat('x', 1048576) || i AS s FROM range(${reserveMB}) t(i)`
    );
    await conn.query('DROP TABLE odatis_reserve');
    await conn.query(`SET threads = ${threads}`);
  }
  return {
    kind: `duckdb-wasm-async-${build}`,
    async version() {
      return db.getVersion();
    },
    async threads() {
      const t = await conn.query(`SELECT current_setting('threads')::INTEGER AS t`);
      return t.getChild('t').get(0);
    },
    async query(sql) {
      const t0 = performance.now();
      const table = await conn.query(sql);
      return { table, rows: table.numRows, elapsedMs: performance.now() - t0 };
    },
    async close() {
      await conn.close();
      await db.terminate();
    }
  };
}

let engine = null;

window.odatisBench = {
  crossOriginIsolated: () => globalThis.crossOriginIsolated === true,
  async start({ kind = 'ours', threads = 1, filesystem, readAhead, reserveMB } = {}) {
    if (engine) await engine.close();
    engine =
      kind === 'ours'
        ? ourEngine(filesystem, readAhead)
        : await asyncEngine(kind, threads, filesystem, reserveMB);
    return engine.version();
  },
  async attachHarmonised(dataset) {
    return engine.attachHarmonised(dataset);
  },
  async registerFile(name, url) {
    return engine.registerFile(name, { url });
  },
  /** Run SQL; returns wall time, row count and a checksum of numeric columns (to compare engines). */
  async query(sql) {
    const r = await engine.query(sql);
    return { elapsedMs: r.elapsedMs, rows: r.rows, checksum: checksum(r.table) };
  },
  async rows(sql) {
    const r = await engine.query(sql);
    return r.table
      .toArray()
      .map(row =>
        JSON.parse(JSON.stringify(row.toJSON(), (k, v) => (typeof v === 'bigint' ? Number(v) : v)))
      );
  },
  async threads() {
    return engine.threads ? engine.threads() : 1;
  },
  async close() {
    if (engine) await engine.close();
    engine = null;
  }
};

window.odatisBenchReady = true;
