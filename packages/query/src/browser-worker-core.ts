/**
 * The DuckDB-WASM engine core of the browser query worker, loaded by `browser-worker.ts` once the worker
 * has started. It is a separate module because it imports apache-arrow, which a JupyterLab extension shares
 * with the page through module federation: a worker's entry cannot consume a shared module synchronously,
 * a module it loads with import() can (and gets the worker's own copy).
 */
import * as duckdb from '@duckdb/duckdb-wasm/blocking';
import type { DuckDBRuntime } from '@duckdb/duckdb-wasm/blocking';
import { DuckDBWasmCore, type ParquetDecoder } from './wasm-core';
import { RANGE_READS, type QueryWorkerInit } from './worker-api';

export async function createBrowserCore(init: QueryWorkerInit): Promise<DuckDBWasmCore> {
  // parquet-wasm is an ES module: loaded with import(), which the bundler resolves into the worker bundle.
  const parquet = await import('parquet-wasm/esm');
  await parquet.default({ module_or_path: init.parquetWasm });
  const decoder: ParquetDecoder = {
    async fromUrl(url) {
      const file = await parquet.ParquetFile.fromUrl(url);
      try {
        return (await file.read()).intoIPCStream();
      } finally {
        file.free();
      }
    },
    async fromBuffer(bytes) {
      return parquet.readParquet(bytes).intoIPCStream();
    }
  };
  // Typings of the 'blocking' subpath are the node build's; under a bundler it resolves to the browser build.
  const runtime = (duckdb as unknown as { BROWSER_RUNTIME: DuckDBRuntime }).BROWSER_RUNTIME;
  const bindings = await duckdb.createDuckDB(
    {
      mvp: { mainModule: init.bundles.mvp.mainModule, mainWorker: '' },
      eh: init.bundles.eh && { mainModule: init.bundles.eh.mainModule, mainWorker: '' }
    },
    new duckdb.VoidLogger(),
    runtime
  );
  await bindings.instantiate(() => undefined);
  // Decimals as doubles: the same Arrow types as the native engine gives, and plain numbers in JavaScript.
  bindings.open({
    query: { castDecimalToDouble: true },
    filesystem: { ...(init.filesystem ?? RANGE_READS) }
  });
  return new DuckDBWasmCore(bindings, { parquet: decoder });
}
