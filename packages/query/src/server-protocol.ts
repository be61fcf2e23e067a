/**
 * The server engine's HTTP contract, shared by the server (`lib/node/server`, and the Python Jupyter server
 * extension that must answer the same way) and the browser's `ServerQueryEngine`. Paths are relative to the
 * server's base URL (`{base}odatis-vre/query/…`).
 *
 * - `GET  info`            → `ServerInfo` (JSON): the engine, its limits and the relations it has attached.
 * - `GET  tables`          → `TableInfo[]` (JSON).
 * - `POST queries/{id}`    ← `{ "sql": "…" }` (JSON) → the result as an Arrow IPC stream
 *   (`ARROW_STREAM_TYPE`), record batch by record batch, chunked. A query that fails before its first batch
 *   answers an `ErrorBody` (JSON) with the status of `ERROR_STATUS`.
 * - `GET  queries/{id}`    → `QueryProgress` (JSON): rows so far, state, the error of a query that failed
 *   after streaming began (the Arrow stream is then cut short, and this is where the reason is).
 * - `DELETE queries/{id}`  → cancels the query (DuckDB is interrupted); closing the POST does the same.
 */
import type { TableInfo } from './engine';

/** Path of the contract under the server's base URL. */
export const QUERY_API_PATH = 'odatis-vre/query';

/** Content type of a result: Arrow IPC stream format. */
export const ARROW_STREAM_TYPE = 'application/vnd.apache.arrow.stream';

/** Response header naming the engine that answered (`EngineKind`). */
export const ENGINE_HEADER = 'X-Odatis-Engine';

/** The kinds of error the contract distinguishes; each maps to one error class of the client. */
export type ServerErrorKind =
  /** DuckDB's own error (parser, binder, conversion, out of memory): `message` is DuckDB's text. */
  | 'query'
  /** The fence refused the statement (writes, settings, extensions, files outside the readable folders). */
  | 'refused'
  /** The caller cancelled, or the query ran past the server's time limit (`message` says which). */
  | 'cancelled'
  /** Every query slot and queue place is taken: try again later. */
  | 'busy'
  /** The request itself is malformed (no SQL, unknown path). */
  | 'request';

/** HTTP status of each error kind. */
export const ERROR_STATUS: Record<ServerErrorKind, number> = {
  query: 400,
  refused: 403,
  cancelled: 409,
  busy: 503,
  request: 400
};

export interface ErrorBody {
  error: { kind: ServerErrorKind; message: string };
}

/** A relation the server attached next to the data (the harmonised dataset). */
export interface ServerRelation {
  name: string;
  rows: number;
  source: 'database' | 'parquet';
}

export interface ServerLimits {
  /** A query running longer is interrupted. */
  timeoutMs: number;
  /** DuckDB's memory limit for the server's queries, as DuckDB states it (e.g. '1.0 GiB'). */
  memoryLimit: string;
  /** Queries run at once; more wait in a queue of `maxQueued`, beyond which the server answers busy. */
  maxConcurrent: number;
  maxQueued: number;
}

export interface ServerInfo {
  engine: 'duckdb-server';
  /** DuckDB version of the server. */
  version: string;
  relations: ServerRelation[];
  limits: ServerLimits;
  /** Queries running and waiting now. */
  load: { running: number; queued: number };
  /** Folders that SQL may read, as the user sees them (e.g. `shared`); paths in SQL are relative to the first. */
  readable: string[];
}

export interface QueryProgress {
  id: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  /** Rows sent so far. */
  rows: number;
  elapsedMs: number;
  error?: ErrorBody['error'];
}

export type ServerTables = TableInfo[];
