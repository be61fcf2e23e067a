/**
 * The one query interface (Mosaic's connector idea): clients ask for data through `QueryEngine` and never
 * know which engine answered: DuckDB-WASM in a browser Web Worker, DuckDB-WASM in node, or native DuckDB.
 * Results are Apache Arrow tables or record batches, never row-by-row JavaScript objects.
 */
import { msgid, type FileFormat, type MessageText } from '@odatis-vre/harmonised';
import type { RecordBatch, Schema, Table } from 'apache-arrow';
import type { ExportOptions, ExportStream } from './export';

/** Which engine answers: DuckDB-WASM (in this thread or a worker), native DuckDB in-process, or on a server. */
export type EngineKind = 'duckdb-wasm' | 'duckdb-wasm-worker' | 'duckdb-native' | 'duckdb-server';

/** Which engine answered, in the users' words (status bars, logs). */
export function engineLabel(kind: EngineKind): string {
  switch (kind) {
    case 'duckdb-server':
      return msgid('native DuckDB on the server');
    case 'duckdb-native':
      return msgid('native DuckDB');
    default:
      return msgid('DuckDB-WASM in this browser');
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
  /**
   * Which engine answered, when the engine asked routes each query to one of several (a session's
   * `RoutedQueryEngine` of `@odatis-vre/services`); absent: the asked engine's own `kind`.
   */
  engine?: EngineKind;
  /** Set when the query ran elsewhere than where its data are meant to be queried: why, in a sentence. */
  notice?: string;
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

/**
 * A converted harmonised dataset (`harmonisedLocations(catalog, folder)` of `@odatis-vre/harmonised` gives
 * both lists from its catalogue): Parquet files laid out as hive partitions `sno=/site=/year=`, and the
 * same rows as one DuckDB database file when the converter wrote it.
 */
export interface HarmonisedDataset {
  /**
   * File URLs (http(s)) or paths, each ending in `.../sno=<SNO>/site=<SITE>/year=<YYYY>/<name>.parquet`.
   * URLs cannot be listed, so the caller passes the list (e.g. from a manifest).
   */
  files: string[];
  /**
   * URL or path of the dataset's DuckDB database file (`DATABASE_FILE`). When given, the engines attach it
   * read-only and read only the blocks a query needs (HTTP range requests in the browser) instead of the
   * Parquet files.
   */
  database?: string | null;
  /** Name of the view to create (default `HARMONISED_VIEW`, `harmonised`). */
  name?: string;
}

/** What `attachHarmonised` made. */
export interface AttachedDataset {
  name: string;
  /** Parquet files behind the view (0 when it reads the database file). */
  files: number;
  rows: number;
  /** What the view reads: the attached database file, or the Parquet files. */
  source: 'database' | 'parquet';
}

/** Something happened to the engine itself (for a status bar or a log). */
export interface EngineEvent {
  type: 'restarted';
  /** A sentence for the user, e.g. why the worker was restarted. */
  message: string;
  /** The sentence's msgid and arguments, for the page to show it in the user's language. */
  text?: MessageText;
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
   * Write the result of `sql` as a CSV, Arrow IPC or Parquet file. The bytes are made inside the engine
   * (the worker, in the browser) from the streamed result, and arrive a few megabytes at a time.
   */
  exportQuery(sql: string, options: ExportOptions): ExportStream;
  /**
   * Make a file queryable as the view (or, for Arrow, table) `name`. Parquet from a URL is read with
   * Range requests. Registered files survive an engine restart.
   */
  registerFile(name: string, source: FileSource, options?: RegisterOptions): Promise<void>;
  /**
   * Attach the harmonised dataset as one view with the columns of `HARMONISED_RELATION` (the schema's,
   * then `site` and `year`), the same in every engine. Never a full copy where the database file is given.
   */
  attachHarmonised(dataset: HarmonisedDataset): Promise<AttachedDataset>;
  /** Tables and views with their columns and types. */
  listTables(): Promise<TableInfo[]>;
  /** Listen for engine events (restarts); returns a function that removes the listener. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /** Release the engine (terminates a worker). */
  close(): Promise<void>;
}

/** Prefix of the names the engines use for their own relations and attached databases (hidden from users). */
export const INTERNAL_PREFIX = '__odatis_';

/**
 * Tables and views for `listTables` (schema, name, kind, column, type, nullable), in column order; internal
 * ones (DuckDB's, and the engines' own `__odatis_` relations and databases) are left out.
 */
export const LIST_TABLES_SQL = `
  SELECT t.schema_name AS schema, t.table_name AS name, t.kind,
         c.column_name AS column, c.data_type AS type, c.is_nullable AS nullable
    FROM (SELECT database_name, schema_name, table_name, 'table' AS kind FROM duckdb_tables() WHERE NOT internal
          UNION ALL
          SELECT database_name, schema_name, view_name, 'view' FROM duckdb_views() WHERE NOT internal) t
    JOIN duckdb_columns() c
      ON c.database_name = t.database_name AND c.schema_name = t.schema_name AND c.table_name = t.table_name
   WHERE NOT starts_with(t.table_name, '${INTERNAL_PREFIX}')
     AND NOT starts_with(t.database_name, '${INTERNAL_PREFIX}')
   ORDER BY t.database_name, t.schema_name, t.table_name, c.column_index`;

/** Quote an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quote an SQL string literal. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
