// The benchmark page: the query engine exactly as the SQL workspace starts it (our worker, DuckDB-WASM's
// single-threaded build), and DuckDB-WASM's own asynchronous worker for the threaded build (which needs a
// cross-origin isolated page). The node side drives it through `window.odatisBench`.
import { createBrowserQueryEngine } from '@odatis-vre/query';
import * as duckdb from '@duckdb/duckdb-wasm';

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
function ourEngine(filesystem) {
  return createBrowserQueryEngine({
    createWorker: () =>
      new Worker(new URL('@odatis-vre/query/lib/browser-worker.js', import.meta.url)),
    bundles: { mvp: { mainModule: asset.mvp }, eh: { mainModule: asset.eh } },
    parquetWasm: asset.parquet,
    filesystem
  });
}

/** DuckDB-WASM's own asynchronous worker: the threaded (coi) build, or eh for a like-for-like baseline. */
async function asyncEngine(build, threads, filesystem) {
  const worker = new Worker(build === 'coi' ? asset.coiWorker : asset.ehWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(
    build === 'coi' ? asset.coi : asset.eh,
    build === 'coi' ? asset.coiPthread : null
  );
  await db.open({ maximumThreads: threads, filesystem, query: { castDecimalToDouble: true } });
  const conn = await db.connect();
  return {
    kind: `duckdb-wasm-async-${build}`,
    async version() {
      return db.getVersion();
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
  async start({ kind = 'ours', threads = 1, filesystem } = {}) {
    if (engine) await engine.close();
    engine = kind === 'ours' ? ourEngine(filesystem) : await asyncEngine(kind, threads, filesystem);
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
  async close() {
    if (engine) await engine.close();
    engine = null;
  }
};

function checksum(table) {
  let sum = table.numRows;
  for (const field of table.schema.fields) {
    if (!/Float|Int|Decimal/.test(String(field.type))) continue;
    const column = table.getChild(field.name);
    for (let i = 0; i < table.numRows; i++) {
      const v = column.get(i);
      if (v !== null) sum += Number(v);
    }
  }
  return sum;
}
window.odatisBenchReady = true;
