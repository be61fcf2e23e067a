/**
 * The DuckDB-WASM engine core of the browser query worker, loaded by `browser-worker.ts` once the worker
 * has started. It is a separate module because it imports apache-arrow, which a JupyterLab extension shares
 * with the page through module federation: a worker's entry cannot consume a shared module synchronously,
 * a module it loads with import() can (and gets the worker's own copy).
 */
import * as duckdb from '@duckdb/duckdb-wasm/blocking';
import type { DuckDBRuntime } from '@duckdb/duckdb-wasm/blocking';
import type { ParquetEncoder } from './export';
import { DuckDBWasmCore, type ParquetDecoder } from './wasm-core';
import { RANGE_READS, type QueryWorkerInit } from './worker-api';
import { ReadAheadCache, type RangeFetcher } from './read-ahead';

export async function createBrowserCore(init: QueryWorkerInit): Promise<DuckDBWasmCore> {
  // parquet-wasm is an ES module: loaded with import(), which the bundler resolves into the worker bundle.
  // Loaded when a Parquet file is first read or written, not before DuckDB starts: the harmonised database
  // file needs none, and its 5 MB of wasm delayed the first answer of every new page.
  const load = async () => {
    const parquet = await import('parquet-wasm/esm');
    await parquet.default({ module_or_path: init.parquetWasm });
    return parquet;
  };
  let loading: ReturnType<typeof load> | null = null;
  // A failed load (the wasm file unreachable) is tried again by the next Parquet file.
  const parquetWasm = () =>
    (loading ??= load().catch(error => {
      loading = null;
      throw error;
    }));
  const decoder: ParquetDecoder = {
    async fromUrl(url) {
      const parquet = await parquetWasm();
      const file = await parquet.ParquetFile.fromUrl(url);
      try {
        return (await file.read()).intoIPCStream();
      } finally {
        file.free();
      }
    },
    async fromBuffer(bytes) {
      return (await parquetWasm()).readParquet(bytes).intoIPCStream();
    }
  };
  // Streamed: parquet-wasm's writer flushes each row group as it fills, so memory holds about one.
  const encoder: ParquetEncoder = {
    async *encode(ipcStreams) {
      const parquet = await parquetWasm();
      const input = ipcStreams[Symbol.asyncIterator]();
      const batches = new ReadableStream({
        async pull(controller) {
          const next = await input.next();
          if (next.done) {
            controller.close();
            return;
          }
          const table = parquet.Table.fromIPCStream(next.value);
          try {
            for (const batch of table.recordBatches()) controller.enqueue(batch);
          } finally {
            table.free();
          }
        },
        async cancel() {
          await input.return?.();
        }
      });
      const reader = (await parquet.transformParquetStream(batches)).getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          yield value as Uint8Array;
        }
      } finally {
        await reader.cancel().catch(() => undefined);
      }
    }
  };
  // Typings of the 'blocking' subpath are the node build's; under a bundler it resolves to the browser build.
  const browserRuntime = (duckdb as unknown as { BROWSER_RUNTIME: DuckDBRuntime }).BROWSER_RUNTIME;
  const runtime =
    init.readAhead === false
      ? browserRuntime
      : withReadAhead(browserRuntime, new ReadAheadCache(xhrRange, init.readAhead));
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
  const filesystem = { ...(init.filesystem ?? RANGE_READS) };
  bindings.open({ query: { castDecimalToDouble: true }, filesystem });
  if (filesystem.reliableHeadRequests !== undefined) {
    // DuckDB-WASM 1.32 keeps `filesystem.reliableHeadRequests` in its configuration, but its runtime asks
    // the DuckDB setting of that name, which a new instance leaves false: every open of an http file then
    // sent a one-byte GET before the HEAD that gives the file's size.
    const conn = bindings.connect();
    try {
      conn.query(`SET reliable_head_requests = ${filesystem.reliableHeadRequests}`);
    } finally {
      conn.close();
    }
  }
  return new DuckDBWasmCore(bindings, {
    parquet: decoder,
    parquetEncoder: encoder,
    attachable: httpDatabaseName(bindings)
  });
}

/**
 * What to ATTACH for a database file's URL: the URL registered under a name without a scheme (its host and
 * path). DuckDB looks for a database's write-ahead log beside it (`<database>.wal`): beside a URL, three
 * requests answered 404 (red in the console, a round trip more before the first answer); beside a registered
 * name, a look-up among the files registered in the worker, where there is none. A database file served
 * read-only has no log to replay: its writer checkpointed it.
 *
 * Registered for direct reads: each block DuckDB reads (256 KB) is one range request (through the page
 * cache, which knows the file by its URL). Through DuckDB-WASM's page buffer, a block was read as 16 KB
 * pages whose read-ahead grows fourfold, i.e. three requests (16, 64 and 256 KB, the last reaching 80 KB
 * into the next block): bench:scale's cold query went from 26 requests to 10 (bench/README.md).
 */
function httpDatabaseName(bindings: duckdb.DuckDBBindings): (location: string) => Promise<string> {
  const registered = new Map<string, string>();
  return async location => {
    if (!/^https?:\/\//i.test(location)) return location;
    let name = registered.get(location);
    if (name === undefined) {
      const url = new URL(location);
      // No ':' (DuckDB reads `prefix:` at the start of an ATTACH path as a storage extension's name).
      name = `${url.host.replace(/:/g, '_')}${url.pathname}${url.search}`;
      bindings.registerFileURL(name, location, HTTP_PROTOCOL, true);
      registered.set(location, name);
    }
    return name;
  };
}

/** DuckDB-WASM's `DuckDBDataProtocol.HTTP` (the enum is not exported by the blocking build's typings). */
const HTTP_PROTOCOL = 4;

/**
 * The browser runtime with its reads of http(s) files served by `cache` (fewer, larger range requests);
 * everything else, and any read the cache cannot do, goes to the runtime itself (which reports errors).
 */
function withReadAhead(runtime: DuckDBRuntime, cache: ReadAheadCache): DuckDBRuntime {
  // The browser runtime also has getFileInfo (its typings here are the node build's, without it).
  const files = runtime as unknown as {
    getFileInfo(
      mod: unknown,
      fileId: number
    ): { dataProtocol: number; dataUrl: string | null } | null;
  };
  const httpUrl = (mod: unknown, fileId: number): string | null => {
    const file = files.getFileInfo(mod, fileId);
    return file?.dataProtocol === HTTP_PROTOCOL && file.dataUrl ? file.dataUrl : null;
  };
  return {
    ...runtime,
    openFile(mod, fileId, flags) {
      const url = httpUrl(mod, fileId);
      // The typings (the node build's) say void; the browser runtime answers a pointer (0: not opened).
      const opened = runtime.openFile(mod, fileId, flags) as unknown as number;
      if (url) {
        // The runtime answers the file's size and modification time (doubles 0 and 2 at `opened`): DuckDB
        // opens a file several times while it attaches it, and pages read of the same version are kept.
        const at = opened >> 3;
        const heap = (mod as unknown as { HEAPF64: Float64Array }).HEAPF64;
        if (opened) cache.opened(url, `${heap[at]} bytes, modified ${heap[at + 2]}`);
        else cache.forget(url);
      }
      return opened as unknown as void;
    },
    readFile(mod, fileId, buffer, bytes, location) {
      const url = bytes > 0 ? httpUrl(mod, fileId) : null;
      if (url) {
        try {
          const data = cache.read(url, location, bytes);
          mod.HEAPU8.set(data, buffer);
          return data.length;
        } catch {
          // Let the runtime make the request again and report what went wrong in its own terms.
        }
      }
      return runtime.readFile(mod, fileId, buffer, bytes, location);
    }
  };
}

/** One synchronous range request (a worker may block on it; DuckDB's reads are synchronous). */
const xhrRange: RangeFetcher = (url, start, end) => {
  const xhr = new XMLHttpRequest();
  xhr.open('GET', url, false);
  xhr.responseType = 'arraybuffer';
  xhr.setRequestHeader('Range', `bytes=${start}-${end - 1}`);
  xhr.send(null);
  if (xhr.status !== 206) {
    throw new Error(`GET ${url} bytes ${start}-${end - 1}: expected 206, found ${xhr.status}`);
  }
  return new Uint8Array(xhr.response as ArrayBuffer);
};
