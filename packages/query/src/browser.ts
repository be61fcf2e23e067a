/**
 * The browser engine: DuckDB-WASM in a dedicated Web Worker, reached through comlink.
 *
 * This module does not create the Worker itself: only the application's bundler can turn
 * `new URL(..., import.meta.url)` into an emitted asset, so the app passes a `createWorker` function and the
 * URLs of the DuckDB-WASM and parquet-wasm files its build emitted (see README, "Browser build").
 */
import * as Comlink from 'comlink';
import { messageText } from '@odatis-vre/harmonised';
import type { QueryEngine } from './engine';
import { ProxyQueryEngine } from './proxy-engine';
import type { ReadAheadOptions } from './read-ahead';
import type { DuckDBWasmBundles, HttpReadOptions, QueryWorkerApi } from './worker-api';

/** The part of a DOM `Worker` the engine uses (the package is compiled without DOM typings). */
export interface QueryWorkerHandle extends Comlink.Endpoint {
  terminate(): void;
}

export interface BrowserEngineOptions {
  /**
   * Start a query worker running `@odatis-vre/query/lib/browser-worker.js`, e.g. with webpack 5:
   * `() => new Worker(new URL('@odatis-vre/query/lib/browser-worker.js', import.meta.url))`.
   */
  createWorker(): QueryWorkerHandle;
  /** URLs of duckdb-mvp.wasm (and duckdb-eh.wasm) served by the application. */
  bundles: DuckDBWasmBundles;
  /** URL of parquet-wasm's esm/parquet_wasm_bg.wasm served by the application. */
  parquetWasm: string;
  /** How DuckDB-WASM reads http(s) files (see `HttpReadOptions`). */
  filesystem?: HttpReadOptions;
  /** Read-ahead and cache of http(s) files (see `ReadAheadOptions`; default `READ_AHEAD`; false: none). */
  readAhead?: ReadAheadOptions | false;
  cancelGraceMs?: number;
}

export function createBrowserQueryEngine(options: BrowserEngineOptions): QueryEngine {
  return new ProxyQueryEngine({
    kind: 'duckdb-wasm-worker',
    init: {
      bundles: options.bundles,
      parquetWasm: options.parquetWasm,
      filesystem: options.filesystem,
      readAhead: options.readAhead
    },
    cancelGraceMs: options.cancelGraceMs,
    connect: () => {
      const worker = options.createWorker();
      const api = Comlink.wrap<QueryWorkerApi>(worker) as unknown as QueryWorkerApi;
      return {
        api,
        onExit(callback) {
          // An uncaught error or a failed script load: the worker cannot be trusted any more.
          worker.addEventListener('error', (event: unknown) => {
            const message = (event as { message?: string })?.message;
            callback(
              message ? messageText('worker error: %1', message) : messageText('the worker failed')
            );
          });
        },
        terminate: () => {
          worker.terminate();
          // A terminated Web Worker sends no event: report the stop ourselves.
        }
      };
    }
  });
}
