/**
 * @odatis-vre/query: one QueryEngine interface, several engines behind it. This entry is browser-safe:
 * no node module is imported here (node engines live in `@odatis-vre/query/lib/node`).
 */
export * from './engine';
export * from './errors';
export * from './export';
export { createQueryStream } from './stream';
export { formatArrowValue } from './format';
export {
  DuckDBWasmCore,
  type CoreEnvironment,
  type CoreQueryResult,
  type ExportChunks,
  type ParquetDecoder
} from './wasm-core';
export {
  RANGE_READS,
  createQueryWorkerApi,
  exposeQueryWorker,
  type DuckDBWasmBundles,
  type HttpReadOptions,
  type QueryWorkerApi,
  type QueryWorkerInit
} from './worker-api';
export {
  READ_AHEAD,
  ReadAheadCache,
  type RangeFetcher,
  type ReadAheadOptions,
  type ReadAheadStats
} from './read-ahead';
export { ProxyQueryEngine, type EngineConnection, type ProxyEngineOptions } from './proxy-engine';
export { createBrowserQueryEngine, type BrowserEngineOptions } from './browser';
export * from './server-protocol';
export { ServerQueryEngine, type ServerEngineOptions } from './server-engine';
