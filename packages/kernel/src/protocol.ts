/**
 * The boundary of the NEO kernel: the worker runs the cells; the page holds the session's services
 * (query engine, harmonised dataset, files) and lends them to the worker as a `NeoHost`. Everything that
 * crosses is plain data; Arrow results cross as IPC bytes, transferred, not copied.
 */
import type { EngineKind, TableInfo } from '@odatis-vre/query';
import type { HarmonisedSource } from '@odatis-vre/workshop';
import type { DisplayData, MimeBundle } from './display';

/** What the page lends the worker (exposed with comlink on a MessagePort). */
export interface NeoHost {
  /**
   * Run SQL on the session's query engine. `.parquet`, `.arrow` and `.csv` files named by path in FROM or
   * JOIN are loaded first. Resolves with the result as Arrow IPC stream bytes and the engine that answered
   * it; rejects with DuckDB's message (a `QueryError`), or a `QueryCancelledError` when the kernel is
   * interrupted.
   */
  query(sql: string): Promise<SqlAnswer>;
  /** Make a file queryable by path (relative to the notebook's folder, or to the root); returns its table name. */
  registerFile(path: string): Promise<string>;
  /** Tables and views of the engine, with their columns (`neo.tables()`). */
  listTables(): Promise<TableInfo[]>;
  /** The tables as last listed, without waiting for a busy engine (completion). */
  knownTables(): Promise<TableInfo[]>;
  /**
   * A harmonised dataset by folder (default: the session's shared data): its catalogue, and what SQL reads of
   * it (the attached relation, or the dataset's Arrow file by path). For `neo.dataset` and the NEO templates.
   */
  dataset(folder?: string): Promise<HarmonisedSource>;
  /** Which engine answers the session's SQL by default (`neo.engine`, the kernel's banner). */
  engine(): QueryEngineInfo | Promise<QueryEngineInfo>;
  /** The page's translations of these msgids, placeholders kept (`messageCatalogue`): the plots' titles. */
  messages(msgids: readonly string[]): Record<string, string> | Promise<Record<string, string>>;
}

/** A query's result as it crosses to the worker. */
export interface SqlAnswer {
  /** Arrow IPC stream bytes. */
  ipc: Uint8Array;
  /** The engine that answered this query (under `auto`, each query runs where its data live). */
  engine: QueryEngineInfo;
  /** Set when the query ran elsewhere than where its data are meant to be queried: why. */
  notice?: string;
}

/** The engine that answers SQL: DuckDB-WASM in this browser, or native DuckDB on the server. */
export interface QueryEngineInfo {
  kind: EngineKind;
  /** In words, e.g. "DuckDB-WASM in this browser", "native DuckDB on the server". */
  label: string;
}

/** How a cell ended. The result, if any, is published by the page with the execution count. */
export type ExecuteOutcome =
  | { status: 'ok'; result: DisplayData | null }
  | { status: 'error'; ename: string; evalue: string; traceback: string[] };

/** Output produced while a cell runs, posted by the worker as it comes. */
export type KernelOutput =
  | { type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { type: 'display_data'; data: MimeBundle; metadata: Record<string, unknown> };

export interface CompleteReply {
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: Record<string, unknown>;
}

export interface InspectReply {
  found: boolean;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface IsCompleteReply {
  status: 'complete' | 'incomplete' | 'invalid' | 'unknown';
  indent?: string;
}

/** The worker's side, as the page calls it (comlink). */
export interface NeoWorkerApi {
  /** Start the kernel core with the page's host (a comlink-wrapped MessagePort). */
  start(hostPort: unknown): Promise<void>;
  execute(code: string, executionCount: number): Promise<ExecuteOutcome>;
  complete(code: string, cursor: number): Promise<CompleteReply>;
  inspect(code: string, cursor: number, detailLevel: number): Promise<InspectReply>;
  isComplete(code: string): Promise<IsCompleteReply>;
  /** Stop the running cell if it is waiting (a query, a timer, a fetch). A busy loop cannot hear this. */
  interrupt(): Promise<void>;
}

/** Messages the worker posts besides comlink's: outputs of the running cell. */
export interface WorkerOutputMessage {
  neoOutput: KernelOutput;
}

export function isWorkerOutputMessage(data: unknown): data is WorkerOutputMessage {
  return typeof data === 'object' && data !== null && 'neoOutput' in data;
}
