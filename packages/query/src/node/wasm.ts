/**
 * DuckDB-WASM under node: the same engine core as in the browser worker, on DuckDB-WASM's node blocking
 * bundle, reading local files with `fs` and URLs through a synchronous XMLHttpRequest.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as duckdb from '@duckdb/duckdb-wasm/blocking';
import type { DuckDBRuntime } from '@duckdb/duckdb-wasm/blocking';
import { readParquet, ParquetFile } from 'parquet-wasm/node';
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

let downloads: Promise<string> | null = null;

export const nodeEnvironment: CoreEnvironment = {
  parquet: nodeParquetDecoder,
  readPath: async file => new Uint8Array(await readFile(file)),
  // DuckDB-WASM's node runtime reads local files only: a database URL is downloaded first (tests, CLI).
  async attachable(location) {
    if (!/^https?:\/\//.test(location)) {
      return location;
    }
    const response = await fetch(location);
    if (!response.ok) {
      throw new Error(`GET ${location} answered ${response.status} ${response.statusText}`);
    }
    downloads ??= mkdtemp(path.join(tmpdir(), 'odatis-query-wasm-'));
    const file = path.join(
      await downloads,
      `${Date.now()}-${path.basename(new URL(location).pathname)}`
    );
    await writeFile(file, new Uint8Array(await response.arrayBuffer()));
    return file;
  }
};

/** DuckDB's `FILE_FLAGS_NULL_IF_NOT_EXISTS`: "tell me if the file is missing rather than create it". */
const NULL_IF_NOT_EXISTS = 128;

/**
 * DuckDB-WASM 1.32's node runtime answers "missing" for every file opened with NULL_IF_NOT_EXISTS that
 * was not registered beforehand, existing or not, so `ATTACH '/path/db.duckdb' (READ_ONLY)` fails with
 * "database does not exist". This runtime clears the flag for files that do exist; everything else is the
 * library's own runtime.
 */
function nodeRuntime(): DuckDBRuntime {
  const base = duckdb.NODE_RUNTIME as DuckDBRuntime & {
    resolveFileInfo(mod: unknown, fileId: number): { dataProtocol: number; dataUrl: string } | null;
  };
  return {
    ...base,
    openFile(mod, fileId, flags) {
      const info = base.resolveFileInfo(mod, fileId);
      const exists =
        info?.dataProtocol === duckdb.DuckDBDataProtocol.NODE_FS && existsSync(info.dataUrl);
      return base.openFile(mod, fileId, exists ? flags & ~NULL_IF_NOT_EXISTS : flags);
    }
  };
}

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
    nodeRuntime()
  );
  await bindings.instantiate(() => undefined);
  // Decimals as doubles: the same Arrow types as the native engine gives, and plain numbers in JavaScript.
  bindings.open({ query: { castDecimalToDouble: true } });
  return new DuckDBWasmCore(bindings, nodeEnvironment);
}
