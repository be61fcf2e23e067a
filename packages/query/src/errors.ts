/**
 * Errors of the query layer. Each is a value a person can act on: DuckDB's own message is kept verbatim
 * (it names the line, the column and what the parser expected), with the SQL that caused it.
 * Messages of our own may be given as a msgid and its arguments: `message` reads in English, and the UI
 * translates the same text with `errorMessage(e, trans)` (this package stays free of JupyterLab).
 */
import {
  englishMessages,
  isMessageText,
  messageText,
  translateText,
  type MessageText,
  type Messages
} from '@odatis-vre/harmonised';

// The query layer's errors were the first to carry their msgid; the type now lives with `Messages`.
export { translateText, type MessageText };

/** DuckDB refused or failed the query (syntax, binder, conversion, DuckDB's own out-of-memory...). */
export class QueryError extends Error {
  override readonly name: string = 'QueryError';
  /** The message's msgid and arguments when it is ours (not DuckDB's), for the UI to translate. */
  readonly text: MessageText | null;
  constructor(
    message: string | MessageText,
    /** The SQL text that failed, if the error came from a query. */
    readonly sql?: string
  ) {
    super(typeof message === 'string' ? message : translateText(message));
    this.text = typeof message === 'string' ? null : message;
  }
}

/** An error's message in the person's language: translated when it carries its msgid, else as it came. */
export function errorMessage(e: unknown, trans: Messages = englishMessages): string {
  if (e instanceof QueryError && e.text) return translateText(e.text, trans);
  return e instanceof Error ? e.message : String(e);
}

/** The query was cancelled by its caller (AbortSignal or `cancel`). */
export class QueryCancelledError extends QueryError {
  override readonly name: string = 'QueryCancelledError';
}

/** The cancel messages every engine gives (one msgid each for the translators). */
export const QUERY_CANCELLED: Readonly<MessageText> = messageText('Query cancelled.');
export const QUERY_CANCELLED_BEFORE_START: Readonly<MessageText> = messageText(
  'Query cancelled before it started.'
);

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

/** Our error as plain data, so that its msgid crosses a worker boundary too (see `crossingError`). */
interface CrossingError {
  name: string;
  message: string;
  text: MessageText | null;
  sql?: string;
}

/**
 * What a worker throws back across comlink: comlink sends only the name, message and stack of an `Error`,
 * but any other value whole, so our errors cross as plain data with their msgid and arguments;
 * `reviveError` makes them typed errors again on the other side.
 */
export function crossingError(e: unknown): unknown {
  return e instanceof QueryError
    ? ({ name: e.name, message: e.message, text: e.text, sql: e.sql } satisfies CrossingError)
    : e;
}

/** Rebuild our typed error from an error that crossed a worker boundary (plain name + message, or `crossingError`'s data). */
export function reviveError(e: unknown, sql?: string): Error {
  if (e instanceof QueryError) {
    return e;
  }
  const name = (e as { name?: string })?.name as ErrorName | undefined;
  const text = (e as Partial<CrossingError>)?.text;
  const message = isMessageText(text) ? text : ((e as { message?: string })?.message ?? String(e));
  sql ??= (e as Partial<CrossingError>)?.sql;
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
