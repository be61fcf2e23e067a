/**
 * The engine core that runs inside the worker: DuckDB-WASM's *synchronous* bindings driven so that the
 * thread still hears messages while a query runs (needed for cancel). It knows nothing about comlink or
 * workers: the browser worker, the node worker and the in-process node engine all wrap this same class.
 *
 * Everything it returns is plain, transferable data (Arrow IPC bytes, numbers, strings), so the thin
 * comlink layer can move it across the boundary without copying Arrow objects.
 */
import type { DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import { RecordBatch, RecordBatchReader, tableFromIPC, tableToIPC } from 'apache-arrow';
import type {
  AttachedDataset,
  FileFormat,
  FileSource,
  HarmonisedDataset,
  TableInfo
} from './engine';
import {
  DATABASE_TABLE,
  HARMONISED_VIEW,
  guessFormat,
  harmonisedPartitionOf,
  messageText
} from '@odatis-vre/harmonised';
import { INTERNAL_PREFIX, LIST_TABLES_SQL, quoteIdentifier, quoteLiteral } from './engine';
import {
  harmonisedCountSql,
  harmonisedSelectList,
  rowsTableCheckSql,
  utcWithoutIcu
} from './relation';
import { countRows, encodeResult, type ExportFormat, type ParquetEncoder } from './export';
import {
  EngineCrashedError,
  QueryCancelledError,
  QueryError,
  QUERY_CANCELLED,
  isCancellation,
  isFatalWasmError
} from './errors';

/** Turns Parquet into Arrow IPC stream bytes (DuckDB-WASM from npm cannot load its parquet extension offline). */
export interface ParquetDecoder {
  /** Read a Parquet file over HTTP with Range requests. */
  fromUrl(url: string): Promise<Uint8Array>;
  fromBuffer(bytes: Uint8Array): Promise<Uint8Array>;
}

/** What the host (browser worker, node) provides to the core. */
export interface CoreEnvironment {
  parquet: ParquetDecoder;
  /** Writes Parquet exports; without it, a Parquet export is refused. */
  parquetEncoder?: ParquetEncoder;
  /** Read a local file (node only). */
  readPath?(path: string): Promise<Uint8Array>;
  /** Fetch a whole file (CSV, Arrow) by URL. Default: global fetch. */
  fetchBytes?(url: string): Promise<Uint8Array>;
  /**
   * What to ATTACH for a database file's URL or path, where DuckDB-WASM cannot read it as given (node's
   * runtime reads no http). Default: the location itself (a browser reads http by range requests).
   */
  attachable?(location: string): Promise<string>;
}

/** A finished query as it crosses the boundary: the Arrow IPC stream split in messages. */
export interface CoreQueryResult {
  ipc: Uint8Array[];
  /** Milliseconds spent inside the engine. */
  engineMs: number;
}

/** Yield to the event loop so queued messages (cancel) are handled between two steps of a query. */
function nextTask(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (g.setImmediate) {
    return new Promise(resolve => g.setImmediate!(resolve));
  }
  // In a Web Worker, a MessageChannel message is a real task and is not clamped like setTimeout(0).
  return new Promise(resolve => {
    const channel = new MessageChannel();
    const port1 = channel.port1 as unknown as { onmessage: (() => void) | null; close(): void };
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** How often a running query lets the thread hear messages (cancel): the cancel latency it adds. */
const YIELD_EVERY_MS = 25;

interface Running {
  conn: number;
  cancelled: boolean;
  sql: string;
}

/** An export being written: its bytes, the rows read so far, whether its bytes have all been taken. */
interface Export {
  chunks: AsyncGenerator<Uint8Array>;
  counter: { rows: number };
  done: boolean;
}

/** What `nextExportChunks` hands over: the next bytes of the file, and the result rows written so far. */
export interface ExportChunks {
  /** One chunk with a buffer of its own (the writers' chunks may share theirs), ready to transfer. */
  chunks: Uint8Array[];
  rows: number;
}

interface Registration {
  name: string;
  source: FileSource;
  format: FileFormat;
}

/** The engine core. One instance per DuckDB-WASM instance. */
export class DuckDBWasmCore {
  private readonly running = new Map<string, Running>();
  private readonly streams = new Map<string, Running>();
  /** Streams that reached their end: the next `nextBatches` answers null once. */
  private readonly ended = new Set<string>();
  private readonly exports = new Map<string, Export>();
  private fatal: string | null = null;
  private seq = 0;

  constructor(
    private readonly db: DuckDBBindings,
    private readonly env: CoreEnvironment
  ) {}

  version(): string {
    return this.db.getVersion();
  }

  /** Run a query to completion; cancellable between steps with `cancel(id)`. */
  async query(id: string, sql: string): Promise<CoreQueryResult> {
    const started = Date.now();
    const run = this.open(id, sql, this.running);
    try {
      const header = await this.startAndWait(run, false);
      const ipc = [header];
      for (;;) {
        const chunk = this.guard(run, () => this.db.fetchQueryResults(run.conn));
        if (chunk === null) {
          await nextTask();
          continue;
        }
        if (chunk.length === 0) {
          break;
        }
        ipc.push(chunk);
      }
      return { ipc, engineMs: Date.now() - started };
    } finally {
      this.close(id, this.running);
    }
  }

  /** Start a streamed query; returns the schema message of the Arrow IPC stream. */
  async openStream(id: string, sql: string): Promise<Uint8Array> {
    const run = this.open(id, sql, this.streams);
    try {
      return await this.startAndWait(run, true);
    } catch (e) {
      this.close(id, this.streams);
      throw e;
    }
  }

  /**
   * Next record-batch messages of a stream, at least one and up to `maxMessages`, or null at the end
   * (the stream is then closed).
   */
  async nextBatches(id: string, maxMessages: number): Promise<Uint8Array[] | null> {
    const run = this.streams.get(id);
    if (!run && this.ended.delete(id)) {
      return null;
    }
    if (!run) {
      throw new QueryError(
        `No open result stream '${id}': it was closed, cancelled or never opened.`
      );
    }
    const out: Uint8Array[] = [];
    try {
      while (out.length < maxMessages) {
        if (run.cancelled) {
          throw new QueryCancelledError(QUERY_CANCELLED, run.sql);
        }
        const chunk = this.guard(run, () => this.db.fetchQueryResults(run.conn));
        if (chunk === null) {
          await nextTask();
          continue;
        }
        if (chunk.length === 0) {
          this.close(id, this.streams);
          if (out.length > 0) {
            this.ended.add(id);
          }
          break;
        }
        out.push(chunk);
        if (out.length < maxMessages) {
          // Let a cancel in between be heard on long streams.
          await nextTask();
        }
      }
    } catch (e) {
      this.close(id, this.streams);
      throw e;
    }
    return out.length > 0 ? out : null;
  }

  closeStream(id: string): void {
    this.ended.delete(id);
    this.close(id, this.streams);
  }

  /**
   * Start writing the result of `sql` as a file of `format` (the query runs as a stream); its bytes
   * are taken with `nextExportChunks`.
   */
  async openExport(id: string, sql: string, format: ExportFormat): Promise<void> {
    if (this.exports.has(id)) {
      throw new QueryError(`An export with id '${id}' is already running.`);
    }
    if (format === 'parquet' && !this.env.parquetEncoder) {
      throw new QueryError('This engine cannot write Parquet files.', sql);
    }
    const header = await this.openStream(id, sql);
    const reader = RecordBatchReader.from([header]);
    reader.open();
    const counter = { rows: 0 };
    const batches = async function* (this: DuckDBWasmCore): AsyncGenerator<RecordBatch> {
      for (;;) {
        const chunks = await this.nextBatches(id, 16);
        if (chunks === null) return;
        yield* RecordBatchReader.from([header, ...chunks]);
      }
    };
    const source = { schema: reader.schema, batches: countRows(batches.call(this), counter) };
    this.exports.set(id, {
      chunks: encodeResult(format, source, this.env.parquetEncoder),
      counter,
      done: false
    });
  }

  /** About `maxBytes` more of an export's file (at least one chunk), or null once all were taken. */
  async nextExportChunks(id: string, maxBytes: number): Promise<ExportChunks | null> {
    const run = this.exports.get(id);
    if (!run || run.done) {
      this.exports.delete(id);
      if (run) return null;
      throw new QueryError(`No export '${id}': it was closed, cancelled or never opened.`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    let failed = false;
    let failure: unknown;
    try {
      while (size < maxBytes) {
        const next = await run.chunks.next();
        if (next.done) {
          run.done = true;
          break;
        }
        chunks.push(next.value);
        size += next.value.byteLength;
      }
    } catch (e) {
      failed = true;
      failure = e;
    }
    // Cancelled while this chunk was being made: its stream was closed under it, so what came is no
    // result (an early end, or whatever DuckDB then met: "Dyn casting error" in a Parquet export).
    if (this.exports.get(id) !== run) {
      throw new QueryCancelledError(QUERY_CANCELLED);
    }
    if (failed) {
      this.closeExport(id);
      throw failure instanceof QueryError
        ? failure
        : new QueryError(`Export failed: ${(failure as Error)?.message ?? failure}`);
    }
    if (run.done && chunks.length === 0) {
      this.exports.delete(id);
      return null;
    }
    const joined = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      joined.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return { chunks: [joined], rows: run.counter.rows };
  }

  /** Stop an export and release its query. */
  closeExport(id: string): void {
    const run = this.exports.get(id);
    this.exports.delete(id);
    void run?.chunks.return(undefined).catch(() => undefined);
    this.closeStream(id);
  }

  /** Cancel a running query or stream. Returns false if nothing with that id runs. */
  cancel(id: string): boolean {
    if (this.exports.has(id)) {
      this.closeExport(id);
    }
    const run = this.running.get(id) ?? this.streams.get(id);
    if (!run) {
      return false;
    }
    run.cancelled = true;
    try {
      this.db.cancelPendingQuery(run.conn);
    } catch {
      // The query may have finished between the check and the call; the flag is enough then.
    }
    if (this.streams.get(id) === run) {
      // A cancelled stream is never read again: release its connection and result now.
      this.close(id, this.streams);
    }
    return true;
  }

  /** Make a file queryable as `name`. Parquet and Arrow become tables; CSV becomes a view over the file. */
  async registerFile(name: string, source: FileSource, format?: FileFormat): Promise<void> {
    const fmt =
      format ??
      ('buffer' in source ? 'parquet' : guessFormat('url' in source ? source.url : source.path));
    const reg: Registration = { name, source, format: fmt };
    if (fmt === 'csv') {
      const fileName = `${name}.csv`;
      this.db.registerFileBuffer(fileName, await this.bytesOf(source));
      await this.dropRelation(name);
      await this.exec(
        `CREATE VIEW ${quoteIdentifier(name)} AS SELECT * FROM read_csv(${quoteLiteral(fileName)})`
      );
      return;
    }
    const ipc =
      fmt === 'parquet'
        ? await this.parquetAsArrow(reg.source)
        : asIpcStream(await this.bytesOf(source));
    await this.replaceWithArrow(name, ipc);
  }

  /**
   * Attach the harmonised dataset as the view `name` (columns of `HARMONISED_RELATION`). With a database
   * file, the view reads it in place (by HTTP range requests in a browser): nothing is copied. Without one,
   * the Parquet partitions are decoded with parquet-wasm (DuckDB-WASM from npm has no Parquet reader) into a
   * compressed in-memory database, about 7 times smaller than a plain table, and the view reads that.
   */
  async attachHarmonised(dataset: HarmonisedDataset): Promise<AttachedDataset> {
    const name = dataset.name ?? HARMONISED_VIEW;
    const aliasName = `${INTERNAL_PREFIX}db_${name}`;
    const alias = quoteIdentifier(aliasName);
    const table = `${alias}.${quoteIdentifier(DATABASE_TABLE)}`;
    await this.dropRelation(name);
    await this.exec(`DETACH DATABASE IF EXISTS ${alias}`);
    let what: string;
    if (dataset.database) {
      const location = this.env.attachable
        ? await this.env.attachable(dataset.database)
        : dataset.database;
      await this.exec(`ATTACH ${quoteLiteral(location)} AS ${alias} (READ_ONLY)`);
      what = dataset.database;
    } else {
      if (dataset.files.length === 0) {
        throw new QueryError(`attachHarmonised(${name}): the file list is empty.`);
      }
      await this.exec(`ATTACH ':memory:' AS ${alias} (COMPRESS)`);
      await this.loadPartitions(dataset.files, table);
      what = `the Parquet files of ${name}`;
    }
    const select = harmonisedSelectList(this.columnTypes(table), utcWithoutIcu, what);
    await this.exec(`CREATE VIEW ${quoteIdentifier(name)} AS SELECT ${select} FROM ${table}`);
    const keyed = (await this.scalar(rowsTableCheckSql(aliasName))) > 0;
    const rows = await this.scalar(harmonisedCountSql(aliasName, name, keyed));
    return {
      name,
      files: dataset.database ? 0 : dataset.files.length,
      rows,
      source: dataset.database ? 'database' : 'parquet'
    };
  }

  /** Tables and views of the catalog (without DuckDB's internal schemas). */
  async listTables(): Promise<TableInfo[]> {
    const { ipc } = await this.query(`list-${this.seq++}`, LIST_TABLES_SQL);
    return tablesFromRows(ipc);
  }

  /** Last fatal error, if the instance is unusable. */
  fatalError(): string | null {
    return this.fatal;
  }

  // ---- internals ----

  private open(id: string, sql: string, map: Map<string, Running>): Running {
    if (this.fatal) {
      throw new EngineCrashedError(
        messageText('DuckDB-WASM stopped after a fatal error (%1); restart the engine.', this.fatal)
      );
    }
    if (this.running.has(id) || this.streams.has(id)) {
      throw new QueryError(`A query with id '${id}' is already running.`);
    }
    const conn = this.db.connect().useUnsafe((_: unknown, c: number) => c);
    const run: Running = { conn, cancelled: false, sql };
    map.set(id, run);
    return run;
  }

  private close(id: string, map: Map<string, Running>): void {
    const run = map.get(id);
    if (!run) {
      return;
    }
    map.delete(id);
    try {
      this.db.disconnect(run.conn);
    } catch {
      // Disconnecting a dead instance fails; nothing left to release.
    }
  }

  /** Start a pending query and poll it, yielding between polls so a cancel can arrive. */
  private async startAndWait(run: Running, stream: boolean): Promise<Uint8Array> {
    let header = this.guard(run, () => this.db.startPendingQuery(run.conn, run.sql, stream));
    let lastYield = Date.now();
    while (header === null) {
      // Each poll runs one small step; yielding after every step would cost more than the step itself.
      if (Date.now() - lastYield >= YIELD_EVERY_MS) {
        await nextTask();
        lastYield = Date.now();
        if (run.cancelled) {
          throw new QueryCancelledError(QUERY_CANCELLED, run.sql);
        }
      }
      header = this.guard(run, () => this.db.pollPendingQuery(run.conn));
    }
    return header;
  }

  /** Call into DuckDB, turning its exceptions into our error values. */
  private guard<T>(run: Running, call: () => T): T {
    try {
      return call();
    } catch (e) {
      const message = (e as Error)?.message ?? String(e);
      if (isFatalWasmError(e)) {
        this.fatal = message;
        throw new EngineCrashedError(
          messageText('DuckDB-WASM crashed (%1); the engine must restart.', message),
          run.sql
        );
      }
      if (run.cancelled || isCancellation(message)) {
        throw new QueryCancelledError(QUERY_CANCELLED, run.sql);
      }
      throw new QueryError(duckdbMessage(message), run.sql);
    }
  }

  /** Drop a table or a view of that name, whichever exists (DuckDB refuses DROP VIEW on a table). */
  private async dropRelation(name: string): Promise<void> {
    const kind = await this.scalar(
      `SELECT coalesce((SELECT 1 FROM duckdb_tables() WHERE table_name = ${quoteLiteral(name)}
                          AND schema_name = 'main' AND database_name = current_database()),
                       (SELECT 2 FROM duckdb_views() WHERE view_name = ${quoteLiteral(name)}
                          AND schema_name = 'main' AND database_name = current_database()), 0)`
    );
    if (kind === 1) {
      await this.exec(`DROP TABLE ${quoteIdentifier(name)}`);
    } else if (kind === 2) {
      await this.exec(`DROP VIEW ${quoteIdentifier(name)}`);
    }
  }

  private async exec(sql: string): Promise<void> {
    await this.query(`exec-${this.seq++}`, sql);
  }

  private async scalar(sql: string): Promise<number> {
    const { ipc } = await this.query(`scalar-${this.seq++}`, sql);
    return Number(firstValue(ipc));
  }

  /** Decode each Parquet partition and append it to `table`, with the partition keys its path gives. */
  private async loadPartitions(files: string[], table: string): Promise<void> {
    const staging = `${INTERNAL_PREFIX}staging_${this.seq++}`;
    let first = true;
    for (const file of files) {
      const partition = harmonisedPartitionOf(file);
      if ('error' in partition) {
        throw new QueryError(partition.error);
      }
      const source: FileSource = /^https?:\/\//.test(file) ? { url: file } : { path: file };
      await this.replaceWithArrow(staging, await this.parquetAsArrow(source));
      const select = harmonisedSelectList(this.columnTypes(staging), utcWithoutIcu, file, {
        sno: partition.sno,
        site: partition.site,
        year: partition.year
      });
      const rows = `SELECT ${select} FROM ${quoteIdentifier(staging)}`;
      await this.exec(first ? `CREATE TABLE ${table} AS ${rows}` : `INSERT INTO ${table} ${rows}`);
      first = false;
    }
    await this.exec(`DROP TABLE IF EXISTS ${quoteIdentifier(staging)}`);
  }

  /** Columns of a table or view (name → DuckDB type), in order; `relation` as written in SQL. */
  private columnTypes(relation: string): Map<string, string> {
    const conn = this.db.connect();
    try {
      const described = conn.query(`DESCRIBE SELECT * FROM ${relation}`);
      const names = described.getChild('column_name')!.toArray() as string[];
      const types = described.getChild('column_type')!.toArray() as string[];
      return new Map(names.map((n, i) => [n, types[i]]));
    } finally {
      conn.close();
    }
  }

  private async bytesOf(source: FileSource): Promise<Uint8Array> {
    if ('buffer' in source) {
      return source.buffer;
    }
    if ('path' in source) {
      if (!this.env.readPath) {
        throw new QueryError(
          `Cannot read local path ${source.path} here: this engine only reads URLs and buffers.`
        );
      }
      return this.env.readPath(source.path);
    }
    if (this.env.fetchBytes) {
      return this.env.fetchBytes(source.url);
    }
    const response = await fetch(source.url);
    if (!response.ok) {
      throw new QueryError(`GET ${source.url} answered ${response.status} ${response.statusText}`);
    }
    return new Uint8Array(await response.arrayBuffer());
  }

  private async parquetAsArrow(source: FileSource): Promise<Uint8Array> {
    const where = 'url' in source ? source.url : 'path' in source ? source.path : 'buffer';
    try {
      // Range requests need an HTTP server; a blob: URL (a file of the browser's storage) is read whole.
      return 'url' in source && !source.url.startsWith('blob:')
        ? await this.env.parquet.fromUrl(source.url)
        : await this.env.parquet.fromBuffer(await this.bytesOf(source));
    } catch (e) {
      throw new QueryError(`Cannot read Parquet ${where}: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  private async replaceWithArrow(name: string, ipc: Uint8Array): Promise<void> {
    await this.dropRelation(name);
    const conn = this.db.connect();
    try {
      conn.insertArrowFromIPCStream(ipc, { name, create: true });
    } catch (e) {
      throw new QueryError(
        `Cannot load ${name} into DuckDB: ${(e as Error)?.message ?? String(e)}`
      );
    } finally {
      conn.close();
    }
  }
}

/**
 * DuckDB-WASM reads the Arrow IPC stream format; an `.arrow` file is usually the IPC file format (it starts with
 * the magic `ARROW1`), which it would load as nothing: rewritten as a stream.
 */
function asIpcStream(bytes: Uint8Array): Uint8Array {
  const magic = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
  return magic.every((b, i) => bytes[i] === b) ? tableToIPC(tableFromIPC(bytes), 'stream') : bytes;
}

/** DuckDB-WASM reports errors as JSON ({exception_type, exception_message}); make them read like DuckDB's. */
export function duckdbMessage(raw: string): string {
  if (!raw.startsWith('{')) {
    return raw;
  }
  try {
    const parsed = JSON.parse(raw) as { exception_type?: string; exception_message?: string };
    if (parsed.exception_message !== undefined) {
      return parsed.exception_type
        ? `${parsed.exception_type} Error: ${parsed.exception_message}`
        : parsed.exception_message;
    }
  } catch {
    // Not JSON after all: keep it as it is.
  }
  return raw;
}

function firstValue(ipc: Uint8Array[]): unknown {
  const table = tableFromIPC(ipc);
  return table.numRows > 0 ? table.getChildAt(0)!.get(0) : null;
}

function tablesFromRows(ipc: Uint8Array[]): TableInfo[] {
  const table = tableFromIPC(ipc);
  const out: TableInfo[] = [];
  for (const row of table) {
    const r = row as unknown as {
      schema: string;
      name: string;
      kind: string;
      column: string;
      type: string;
      nullable: boolean;
    };
    let last = out[out.length - 1];
    if (!last || last.schema !== r.schema || last.name !== r.name) {
      last = {
        schema: r.schema,
        name: r.name,
        kind: r.kind === 'view' ? 'view' : 'table',
        columns: []
      };
      out.push(last);
    }
    last.columns.push({ name: r.column, type: r.type, nullable: Boolean(r.nullable) });
  }
  return out;
}
