/**
 * Errors of the query layer. Each is a value a person can act on: DuckDB's own message is kept verbatim
 * (it names the line, the column and what the parser expected), with the SQL that caused it.
 */

/** DuckDB refused or failed the query (syntax, binder, conversion, DuckDB's own out-of-memory...). */
export class QueryError extends Error {
  override readonly name: string = 'QueryError';
  constructor(
    message: string,
    /** The SQL text that failed, if the error came from a query. */
    readonly sql?: string
  ) {
    super(message);
  }
}

/** The query was cancelled by its caller (AbortSignal or `cancel`). */
export class QueryCancelledError extends QueryError {
  override readonly name: string = 'QueryCancelledError';
}

/** The server engine's fence refused the statement (a write, a setting, an extension, a file outside it). */
export class QueryRefusedError extends QueryError {
  override readonly name: string = 'QueryRefusedError';
}

/** The server engine has no free query slot; trying again later may succeed. */
export class ServerBusyError extends QueryError {
  override readonly name: string = 'ServerBusyError';
}

/** No server engine answers (offline, the server stopped or has none): the browser engine can take over. */
export class ServerUnreachableError extends QueryError {
  override readonly name: string = 'ServerUnreachableError';
}

/**
 * The engine itself died (Web Worker crashed or was killed, WebAssembly aborted on out-of-memory).
 * The engine has been (or is being) restarted: registered files and attached datasets are registered again,
 * but tables created with SQL (CREATE TABLE ...) are gone.
 */
export class EngineCrashedError extends QueryError {
  override readonly name: string = 'EngineCrashedError';
}

/** Names that survive the trip across a worker boundary (comlink keeps `name` and `message` of an Error). */
type ErrorName = 'QueryError' | 'QueryCancelledError' | 'EngineCrashedError';

/** Rebuild our typed error from an error that crossed a worker boundary as plain name + message. */
export function reviveError(e: unknown, sql?: string): Error {
  if (e instanceof QueryError) {
    return e;
  }
  const name = (e as { name?: string })?.name as ErrorName | undefined;
  const message = (e as { message?: string })?.message ?? String(e);
  switch (name) {
    case 'QueryCancelledError':
      return new QueryCancelledError(message, sql);
    case 'EngineCrashedError':
      return new EngineCrashedError(message, sql);
    default:
      return new QueryError(message, sql);
  }
}

/** DuckDB-WASM reports a cancelled pending query with this text. */
export function isCancellation(message: string): boolean {
  return /query was cancell?ed|INTERRUPT Error|Interrupted/i.test(message);
}

/** WebAssembly aborts (out of memory, trap) leave the DuckDB-WASM instance unusable: only a restart helps. */
export function isFatalWasmError(e: unknown): boolean {
  // Looked up on globalThis: this package is compiled without DOM typings.
  const wasm = (globalThis as { WebAssembly?: { RuntimeError: new () => Error } }).WebAssembly;
  const message = (e as { message?: string })?.message ?? '';
  return (
    (wasm?.RuntimeError !== undefined && e instanceof wasm.RuntimeError) ||
    /^Aborted\(|memory access out of bounds|Out of bounds memory access|unreachable executed|Cannot enlarge memory/.test(
      message
    )
  );
}
