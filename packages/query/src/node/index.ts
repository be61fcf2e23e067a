/**
 * Node entry of @odatis-vre/query (tests, CLI, benchmarks): `require('@odatis-vre/query/lib/node')`.
 * Never imported by the browser entry.
 */
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/umd/node-adapter';
import { messageText } from '@odatis-vre/harmonised';
import type { QueryEngine } from '../engine';
import { ProxyQueryEngine } from '../proxy-engine';
import { createQueryWorkerApi, type QueryWorkerApi } from '../worker-api';
import { createNodeWasmCore, nodeWasmBundles } from './wasm';

export { NativeQueryEngine, createNativeEngine } from './native';
export { QueryServer, type QueryServerOptions, type ReadableFolder } from './server';
export {
  DATABASE_STORAGE_VERSION,
  addHarmonisedDatabase,
  writeHarmonisedDatabase,
  type DatabaseWriteOptions,
  type WrittenDatabase
} from './database';
export {
  createNodeWasmCore,
  nodeWasmBundles,
  nodeParquetDecoder,
  nodeParquetEncoder
} from './wasm';
export { installSyncXMLHttpRequest, SyncXMLHttpRequest } from './sync-http';

/** DuckDB-WASM in this thread: simplest, for CLI and benchmarks. A cancel is heard between query steps. */
export function createWasmEngine(): QueryEngine {
  return new ProxyQueryEngine({
    kind: 'duckdb-wasm',
    init: { bundles: nodeWasmBundles() },
    connect: () => ({
      api: createQueryWorkerApi(init => createNodeWasmCore(init)),
      onExit: () => undefined
    })
  });
}

export interface WorkerEngineOptions {
  /** Called with each worker started (first start and restarts); lets a caller watch or stop it. */
  onWorker?(worker: Worker): void;
  cancelGraceMs?: number;
  /** worker_threads resource limits, e.g. to see an out-of-memory crash and restart. */
  resourceLimits?: import('node:worker_threads').ResourceLimits;
}

/** DuckDB-WASM in a worker_threads Worker behind comlink: the same path as the browser engine. */
export function createWasmWorkerEngine(options: WorkerEngineOptions = {}): QueryEngine {
  return new ProxyQueryEngine({
    kind: 'duckdb-wasm-worker',
    init: { bundles: nodeWasmBundles() },
    cancelGraceMs: options.cancelGraceMs,
    connect: () => {
      const worker = new Worker(workerScript(), { resourceLimits: options.resourceLimits });
      options.onWorker?.(worker);
      const api = Comlink.wrap<QueryWorkerApi>(nodeEndpoint(worker)) as unknown as QueryWorkerApi;
      return {
        api,
        onExit(callback) {
          worker.once('error', e => callback(messageText('worker error: %1', e.message)));
          worker.once('exit', code => callback(messageText('worker exited with code %1', code)));
        },
        terminate: () => void worker.terminate()
      };
    }
  });
}

/** The compiled worker; under ts-jest this module runs from src/, the worker always runs from lib/. */
function workerScript(): string {
  return __filename.endsWith('.ts')
    ? path.resolve(__dirname, '../../lib/node/worker.js')
    : path.join(__dirname, 'worker.js');
}
