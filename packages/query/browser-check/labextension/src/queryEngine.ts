import { createBrowserQueryEngine, type QueryEngine } from '@odatis-vre/query';

export function startQueryEngine(): QueryEngine {
  return createBrowserQueryEngine({
    createWorker: () =>
      new Worker(new URL('@odatis-vre/query/lib/browser-worker.js', import.meta.url)),
    bundles: {
      mvp: {
        mainModule: new URL('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm', import.meta.url).href
      },
      eh: { mainModule: new URL('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm', import.meta.url).href }
    },
    parquetWasm: new URL('parquet-wasm/esm/parquet_wasm_bg.wasm', import.meta.url).href
  });
}
