/**
 * The worker boundary: the typed interface that a query worker exposes with comlink, and the thin function
 * that exposes a `DuckDBWasmCore` through it. Everything crossing is plain data; Arrow IPC bytes are
 * transferred, not copied.
 */
import * as Comlink from 'comlink';
import type {
  AttachedDataset,
  FileFormat,
  FileSource,
  HarmonisedDataset,
  TableInfo
} from './engine';
import { crossingError } from './errors';
import type { ExportFormat } from './export';
import type { ReadAheadOptions } from './read-ahead';
import type { CoreQueryResult, DuckDBWasmCore, ExportChunks } from './wasm-core';

/** URLs of the DuckDB-WASM files, served by the application's own build (never a CDN). */
export interface DuckDBWasmBundles {
  /** duckdb-mvp.wasm: runs everywhere. */
  mvp: { mainModule: string };
  /** duckdb-eh.wasm: faster, used when the runtime has WebAssembly exceptions. */
  eh?: { mainModule: string };
}

/** What a worker needs to start its engine. */
export interface QueryWorkerInit {
  bundles: DuckDBWasmBundles;
  /** URL of parquet-wasm's `parquet_wasm_bg.wasm` (browser workers; node loads it from disk). */
  parquetWasm?: string;
  /** How DuckDB-WASM reads http(s) files (default `RANGE_READS`). */
  filesystem?: HttpReadOptions;
  /** Read-ahead and cache of http(s) files in the browser (default `READ_AHEAD`; false: none). */
  readAhead?: ReadAheadOptions | false;
}

/** DuckDB-WASM's filesystem options (`DuckDBConfig.filesystem`), restated so the index stays type-light. */
export interface HttpReadOptions {
  /** Trust HEAD answers (with `Range: bytes=0-`) for the file size: then only byte ranges are read. */
  reliableHeadRequests?: boolean;
  /** Fall back to reading the whole file when the server does not answer ranges. */
  allowFullHTTPReads?: boolean;
  /** Always read whole files (no range requests). */
  forceFullHTTPReads?: boolean;
}

/**
 * Read http(s) files by byte ranges, and fall back to whole files only where a server answers no ranges.
 * Measured against the VRE's server (packages/app/scripts/serve.js) in Chromium: with DuckDB-WASM's
 * defaults an attached database file is downloaded whole (two plain GETs); with these three options set
 * explicitly (setting only some of them is not enough) it is read in ranges (HEAD with `Range: bytes=0-`,
 * then 16 KB to 256 KB GETs of the blocks a query touches).
 */
export const RANGE_READS: Readonly<HttpReadOptions> = {
  reliableHeadRequests: true,
  allowFullHTTPReads: true,
  forceFullHTTPReads: false
};

/** The comlink-exposed interface of a query worker (and of the in-process node engine). */
export interface QueryWorkerApi {
  /** Start DuckDB-WASM; returns its version. Must be called once before anything else. */
  init(init: QueryWorkerInit): Promise<string>;
  query(id: string, sql: string): Promise<CoreQueryResult>;
  openStream(id: string, sql: string): Promise<Uint8Array>;
  nextBatches(id: string, maxMessages: number): Promise<Uint8Array[] | null>;
  closeStream(id: string): Promise<void>;
  openExport(id: string, sql: string, format: ExportFormat): Promise<void>;
  nextExportChunks(id: string, maxBytes: number): Promise<ExportChunks | null>;
  closeExport(id: string): Promise<void>;
  cancel(id: string): Promise<boolean>;
  registerFile(name: string, source: FileSource, format?: FileFormat): Promise<void>;
  attachHarmonised(dataset: HarmonisedDataset): Promise<AttachedDataset>;
  listTables(): Promise<TableInfo[]>;
}

/** Build the worker API around a core made on `init` (the core is independent of comlink). */
export function createQueryWorkerApi(
  createCore: (init: QueryWorkerInit) => Promise<DuckDBWasmCore>,
  transfer: <T>(value: T, transferables: ArrayBuffer[]) => T = value => value
): QueryWorkerApi {
  let core: DuckDBWasmCore | null = null;
  const ready = (): DuckDBWasmCore => {
    if (!core) {
      throw new Error('The query worker was used before init().');
    }
    return core;
  };
  const buffers = (chunks: Uint8Array[]): ArrayBuffer[] => [
    ...new Set(chunks.map(c => c.buffer as ArrayBuffer))
  ];
  return {
    async init(init) {
      core ??= await createCore(init);
      return core.version();
    },
    async query(id, sql) {
      const result = await ready().query(id, sql);
      return transfer(result, buffers(result.ipc));
    },
    async openStream(id, sql) {
      const header = await ready().openStream(id, sql);
      return transfer(header, buffers([header]));
    },
    async nextBatches(id, maxMessages) {
      const chunks = await ready().nextBatches(id, maxMessages);
      return chunks ? transfer(chunks, buffers(chunks)) : null;
    },
    async closeStream(id) {
      ready().closeStream(id);
    },
    openExport: (id, sql, format) => ready().openExport(id, sql, format),
    async nextExportChunks(id, maxBytes) {
      const hop = await ready().nextExportChunks(id, maxBytes);
      return hop ? transfer(hop, buffers(hop.chunks)) : null;
    },
    async closeExport(id) {
      ready().closeExport(id);
    },
    async cancel(id) {
      return ready().cancel(id);
    },
    registerFile: (name, source, format) => ready().registerFile(name, source, format),
    attachHarmonised: dataset => ready().attachHarmonised(dataset),
    listTables: () => ready().listTables()
  };
}

/** Expose a query worker on an endpoint (`self` in a Web Worker, `nodeEndpoint(parentPort)` in node). */
export function exposeQueryWorker(
  endpoint: Comlink.Endpoint,
  createCore: (init: QueryWorkerInit) => Promise<DuckDBWasmCore>
): void {
  const api = createQueryWorkerApi(createCore, Comlink.transfer);
  // Our errors cross as data (`crossingError`), so that their msgid reaches the page to be translated.
  const crossing = Object.fromEntries(
    Object.entries(api).map(([name, call]: [string, (...args: unknown[]) => Promise<unknown>]) => [
      name,
      async (...args: unknown[]) => {
        try {
          return await call(...args);
        } catch (e) {
          throw crossingError(e);
        }
      }
    ])
  );
  Comlink.expose(crossing, endpoint);
}
