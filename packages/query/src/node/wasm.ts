/**
 * DuckDB-WASM under node: the same engine core as in the browser worker, on DuckDB-WASM's node blocking
 * bundle, reading local files with `fs` and URLs through a synchronous XMLHttpRequest.
 */
import { readFile } from 'node:fs/promises';
import * as duckdb from '@duckdb/duckdb-wasm/blocking';
import { RecordBatch, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { readParquet, writeParquet, ParquetFile, Table as WasmTable } from 'parquet-wasm/node';
import type { ParquetEncoder } from '../export';
import { DuckDBWasmCore, type CoreEnvironment, type ParquetDecoder } from '../wasm-core';
import type { DuckDBWasmBundles, QueryWorkerInit } from '../worker-api';
import { installSyncXMLHttpRequest } from './sync-http';

/** The DuckDB-WASM files as installed in node_modules. */
export function nodeWasmBundles(): DuckDBWasmBundles {
  return {
    mvp: { mainModule: require.resolve('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm') },
    eh: { mainModule: require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm') }
  };
}

/** Parquet → Arrow IPC with parquet-wasm's node build (HTTP Range reads through node's fetch). */
export const nodeParquetDecoder: ParquetDecoder = {
  async fromUrl(url) {
    const file = await ParquetFile.fromUrl(url);
    try {
      return (await file.read()).intoIPCStream();
    } finally {
      file.free();
    }
  },
  async fromBuffer(bytes) {
    return readParquet(bytes).intoIPCStream();
  }
};

/**
 * Arrow → Parquet with parquet-wasm's node build. That build has no streaming writer, so the batches are
 * gathered and written at the end: for node tools, where memory is not a browser tab's.
 */
export const nodeParquetEncoder: ParquetEncoder = {
  async *encode(ipcStreams) {
    const batches: RecordBatch[] = [];
    for await (const ipc of ipcStreams) batches.push(...tableFromIPC(ipc).batches);
    const table = WasmTable.fromIPCStream(tableToIPC(new Table(batches), 'stream'));
    yield writeParquet(table);
  }
};

export const nodeEnvironment: CoreEnvironment = {
  parquet: nodeParquetDecoder,
  parquetEncoder: nodeParquetEncoder,
  readPath: async path => new Uint8Array(await readFile(path))
};

/** Start DuckDB-WASM in this thread and wrap it in the engine core. */
export async function createNodeWasmCore(
  init: Partial<QueryWorkerInit> = {}
): Promise<DuckDBWasmCore> {
  installSyncXMLHttpRequest();
  const bundles = init.bundles ?? nodeWasmBundles();
  const bindings = await duckdb.createDuckDB(
    {
      mvp: { mainModule: bundles.mvp.mainModule, mainWorker: '' },
      eh: bundles.eh && { mainModule: bundles.eh.mainModule, mainWorker: '' }
    },
    new duckdb.VoidLogger(),
    duckdb.NODE_RUNTIME
  );
  await bindings.instantiate(() => undefined);
  // Decimals as doubles: the same Arrow types as the native engine gives, and plain numbers in JavaScript.
  bindings.open({ query: { castDecimalToDouble: true } });
  return new DuckDBWasmCore(bindings, nodeEnvironment);
}
