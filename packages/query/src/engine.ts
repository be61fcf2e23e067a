/**
 * The one query interface (Mosaic's connector idea): clients ask for data through `QueryEngine` and never
 * know which engine answered: DuckDB-WASM in a browser Web Worker, DuckDB-WASM in node, or native DuckDB.
 * Results are Apache Arrow tables or record batches, never row-by-row JavaScript objects.
 */
import type { FileFormat } from '@odatis-vre/harmonised';
import type { RecordBatch, Schema, Table } from 'apache-arrow';

/** Which engine answers: DuckDB-WASM (in this thread or a worker), native DuckDB in-process, or on a server. */
export type EngineKind = 'duckdb-wasm' | 'duckdb-wasm-worker' | 'duckdb-native' | 'duckdb-server';

/** Which engine answered, in the users' words (status bars, logs). */
export function engineLabel(kind: EngineKind): string {
  switch (kind) {
    case 'duckdb-server':
      return 'native DuckDB on the server';
    case 'duckdb-native':
      return 'native DuckDB';
    default:
      return 'DuckDB-WASM in this browser';
  }
}

/** Formats that `registerFile` understands (guessed from a name by `guessFormat` of `@odatis-vre/harmonised`). */
export type { FileFormat };

/** Where a file's bytes come from. */
export type FileSource =
  /** http(s) URL; Parquet is read with HTTP Range requests (footer, then only the needed column chunks). */
  | { url: string }
  /** Bytes already in memory (a file picked by the user, a download). */
  | { buffer: Uint8Array }
  /** A local path; node engines only. */
  | { path: string };

export interface RegisterOptions {
  /** Default: guessed from the URL/path extension, else 'parquet'. */
  format?: FileFormat;
}

export interface QueryOptions {
  /** Aborting cancels the query in the engine; the promise rejects with QueryCancelledError. */
  signal?: AbortSignal;
}

export interface StreamOptions extends QueryOptions {
  /**
   * Rows gathered per hop across the worker boundary (default 65 536). Batches keep DuckDB's own size
   * (its vector size, 2048 rows, for DuckDB-WASM); this only sets how many travel together.
   */
  rowsPerTransfer?: number;
}

/** A finished query. */
export interface QueryResult {
  table: Table;
  /** Number of result rows. */
  rows: number;
  /** Wall time seen by the caller, from sending the SQL to holding the Arrow table. */
  elapsedMs: number;
}

/** A query whose result arrives in record batches; iterate it with `for await`. */
export interface QueryStream extends AsyncIterable<RecordBatch> {
  /** The result schema, once the query has run (resolves before the first batch). */
  readonly schema: Promise<Schema>;
  /** Rows delivered so far. */
  readonly rows: number;
  /** Milliseconds since the stream was opened. */
  readonly elapsedMs: number;
  /** Stop the query and release its result; safe to call more than once. */
  cancel(): Promise<void>;
}

/** One column as DuckDB describes it (for completion and the schema side list). */
export interface ColumnInfo {
  name: string;
  /** DuckDB type name, e.g. DOUBLE, VARCHAR, TIMESTAMP, INTEGER. */
  type: string;
  nullable: boolean;
}

export interface TableInfo {
  schema: string;
  name: string;
  kind: 'table' | 'view';
  columns: ColumnInfo[];
}

/** A harmonised dataset: Parquet files laid out as hive partitions `sno=/site=/year=`. */
export interface HarmonisedDataset {
  /**
   * File URLs (http(s)) or paths, each ending in `.../sno=<SNO>/site=<SITE>/year=<YYYY>/<name>.parquet`.
   * URLs cannot be listed, so the caller passes the list (e.g. from a manifest).
   */
  files: string[];
  /** Name of the view to create (default `HARMONISED_VIEW`, `harmonised`). */
  name?: string;
}

/** What `attachHarmonised` made. */
export interface AttachedDataset {
  name: string;
  files: number;
  rows: number;
}

/** Something happened to the engine itself (for a status bar or a log). */
export interface EngineEvent {
  type: 'restarted';
  /** A sentence for the user, e.g. why the worker was restarted. */
  message: string;
}

export interface QueryEngine {
  readonly kind: EngineKind;
  /** DuckDB version string of the engine. */
  version(): Promise<string>;
  /** Run SQL, get an Arrow table. DuckDB's error message is kept in the QueryError. */
  query(sql: string, options?: QueryOptions): Promise<QueryResult>;
  /** Run SQL whose result may be large; batches arrive as they are produced. */
  stream(sql: string, options?: StreamOptions): QueryStream;
  /**
   * Make a file queryable as the view (or, for Arrow, table) `name`. Parquet from a URL is read with
   * Range requests. Registered files survive an engine restart.
   */
  registerFile(name: string, source: FileSource, options?: RegisterOptions): Promise<void>;
  /** Attach the harmonised dataset as one view with the partition columns `sno`, `site`, `year`. */
  attachHarmonised(dataset: HarmonisedDataset): Promise<AttachedDataset>;
  /** Tables and views with their columns and types. */
  listTables(): Promise<TableInfo[]>;
  /** Listen for engine events (restarts); returns a function that removes the listener. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /** Release the engine (terminates a worker). */
  close(): Promise<void>;
}

/** Quote an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quote an SQL string literal. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
