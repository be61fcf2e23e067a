/**
 * The server engine seen from the browser: `QueryEngine` over the HTTP contract of `./server-protocol`.
 * Results arrive as an Arrow IPC stream read batch by batch (fetch streaming + Arrow's RecordBatchReader),
 * so the browser holds only what the caller keeps. Browser-safe: fetch and Arrow only.
 */
import { RecordBatchReader, Table, type RecordBatch, type Schema } from 'apache-arrow';
import type {
  AttachedDataset,
  EngineEvent,
  FileSource,
  HarmonisedDataset,
  QueryEngine,
  QueryOptions,
  QueryResult,
  QueryStream,
  StreamOptions,
  TableInfo
} from './engine';
import {
  type MessageText,
  QUERY_CANCELLED,
  QUERY_CANCELLED_BEFORE_START,
  QueryCancelledError,
  QueryError,
  QueryRefusedError,
  ServerBusyError,
  ServerUnreachableError
} from './errors';
import {
  QUERY_API_PATH,
  type ErrorBody,
  type QueryProgress,
  type ServerInfo
} from './server-protocol';
import {
  exportFromStream,
  type ExportOptions,
  type ExportStream,
  type ParquetEncoder
} from './export';
import { createQueryStream, now } from './stream';
import { HARMONISED_VIEW, messageText } from '@odatis-vre/harmonised';

export interface ServerEngineOptions {
  /** Base URL of the server (JupyterLab's `PageConfig.getBaseUrl()`); the contract is under `odatis-vre/query/`. */
  baseUrl: string;
  /**
   * Headers for every request: a Jupyter server wants its token or XSRF header (the embedded server needs
   * none).
   */
  headers?: () => Record<string, string>;
  /** fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /**
   * Writes Parquet for `exportQuery` (the server answers Arrow; the file is made on this side). Without
   * it, CSV and Arrow exports work and a Parquet export says it cannot be made here.
   */
  parquetEncoder?: ParquetEncoder;
}

/** The typed error of an error body of the contract. */
function errorOf(body: ErrorBody['error'], sql?: string): QueryError {
  switch (body.kind) {
    case 'refused':
      return new QueryRefusedError(body.message, sql);
    case 'cancelled':
      return new QueryCancelledError(body.message, sql);
    case 'busy':
      return new ServerBusyError(body.message, sql);
    default:
      return new QueryError(body.message, sql);
  }
}

let sequence = 0;

/** A query id unique enough for one server: time, a counter and randomness. */
function newQueryId(): string {
  const random = Math.floor(Math.random() * 0x100000000).toString(36);
  return `q${Date.now().toString(36)}${(sequence++).toString(36)}${random}`;
}

export class ServerQueryEngine implements QueryEngine {
  readonly kind = 'duckdb-server' as const;
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly open = new Set<QueryStream>();

  constructor(private readonly options: ServerEngineOptions) {
    this.base = `${options.baseUrl.replace(/\/?$/, '/')}${QUERY_API_PATH}/`;
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** What the server says about itself; rejects when no server engine answers at this address. */
  async info(signal?: AbortSignal): Promise<ServerInfo> {
    return (await this.getJson('info', signal)) as ServerInfo;
  }

  async version(): Promise<string> {
    return (await this.info()).version;
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const started = now();
    const stream = this.stream(sql, options);
    const batches: RecordBatch[] = [];
    for await (const batch of stream) batches.push(batch);
    const table = batches.length > 0 ? new Table(batches) : new Table(await stream.schema);
    return { table, rows: table.numRows, elapsedMs: now() - started };
  }

  stream(sql: string, options: StreamOptions = {}): QueryStream {
    const id = newQueryId();
    const controller = new AbortController();
    const state = { reading: false, finished: () => {} };
    const stream = createQueryStream(
      setSchema => this.batches(id, sql, controller, options.signal, setSchema, state),
      async () => {
        const wasReading = state.reading;
        controller.abort();
        // Closing the response stops the server's query; a DELETE also stops one queued or starting.
        if (!wasReading) await this.cancelOnServer(id);
      }
    );
    this.open.add(stream);
    state.finished = () => void this.open.delete(stream);
    return stream;
  }

  /** POST the query, then read the Arrow IPC stream batch by batch. */
  private async *batches(
    id: string,
    sql: string,
    controller: AbortController,
    signal: AbortSignal | undefined,
    setSchema: (schema: Schema) => void,
    state: { reading: boolean; finished(): void }
  ): AsyncGenerator<RecordBatch> {
    if (signal?.aborted) {
      throw new QueryCancelledError(QUERY_CANCELLED_BEFORE_START, sql);
    }
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await this.post(id, sql, controller.signal);
      if (!response.ok || !response.body) {
        throw await this.errorOfResponse(response, sql);
      }
      state.reading = true;
      try {
        const reader = await RecordBatchReader.from(response.body);
        await reader.open();
        setSchema(reader.schema);
        for await (const batch of reader) {
          yield batch;
        }
      } catch (e) {
        if (controller.signal.aborted) throw this.failure(e, sql, controller.signal);
        // The stream was cut short: the server keeps the reason.
        throw await this.reasonOfCutStream(id, sql, e);
      }
    } finally {
      state.reading = false;
      state.finished();
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * POST the query. A kept-alive connection the server has just closed fails at once with a reset: that
   * request never reached the server, and it is sent again once on a new connection, as browsers do.
   */
  private async post(id: string, sql: string, signal: AbortSignal): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.fetch(this.base + `queries/${id}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...this.options.headers?.() },
          body: JSON.stringify({ sql }),
          signal
        });
      } catch (e) {
        const code = (e as { cause?: { code?: string } })?.cause?.code;
        if (attempt > 0 || signal.aborted || (code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET')) {
          throw this.failure(e, sql, signal);
        }
      }
    }
  }

  /** Progress of a query as the server sees it (rows sent, state, error). */
  /** The result streamed from the server and written into a file here, batch by batch. */
  exportQuery(sql: string, options: ExportOptions): ExportStream {
    return exportFromStream(this.stream(sql, options), options.format, this.options.parquetEncoder);
  }

  async progress(id: string): Promise<QueryProgress> {
    return (await this.getJson(`queries/${id}`)) as QueryProgress;
  }

  async registerFile(name: string, source: FileSource): Promise<void> {
    const what = 'path' in source ? source.path : 'url' in source ? source.url : 'bytes in memory';
    throw new QueryError(
      `${name} (${what}): the server engine reads only the files next to it; name them in SQL by path ` +
        `(SELECT * FROM 'harmonised/parquet/…'). Files of your browser storage need the browser engine ` +
        `(setting "Query engine" of the ODATIS VRE data services).`
    );
  }

  /**
   * The server attaches the harmonised dataset next to the data when it starts; this checks it is there under
   * the name asked for (the file list is the browser's view of the same dataset, not read here).
   */
  async attachHarmonised(dataset: HarmonisedDataset): Promise<AttachedDataset> {
    const name = dataset.name ?? HARMONISED_VIEW;
    const info = await this.info();
    const relation = info.relations.find(r => r.name === name);
    if (!relation) {
      throw new QueryError(
        `The server engine has no relation "${name}" attached (it has: ${
          info.relations.map(r => r.name).join(', ') || 'none'
        }). Start the server with the harmonised dataset, or use the browser engine.`
      );
    }
    return {
      name,
      files: relation.source === 'database' ? 0 : dataset.files.length,
      rows: relation.rows,
      source: relation.source
    };
  }

  async listTables(): Promise<TableInfo[]> {
    return (await this.getJson('tables')) as TableInfo[];
  }

  onEvent(_listener: (event: EngineEvent) => void): () => void {
    // The server's engine is not restarted from here: failures arrive as query errors.
    return () => undefined;
  }

  async close(): Promise<void> {
    await Promise.all([...this.open].map(s => s.cancel()));
  }

  private async cancelOnServer(id: string): Promise<void> {
    try {
      await this.fetch(this.base + `queries/${id}`, {
        method: 'DELETE',
        headers: this.options.headers?.()
      });
    } catch {
      // The server is gone: nothing runs there any more.
    }
  }

  private async getJson(route: string, signal?: AbortSignal): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetch(this.base + route, { headers: this.options.headers?.(), signal });
    } catch (e) {
      throw new ServerUnreachableError(unreachable(this.base, e));
    }
    if (!response.ok) throw await this.errorOfResponse(response);
    return response.json();
  }

  private async errorOfResponse(response: Response, sql?: string): Promise<QueryError> {
    const text = await response.text();
    try {
      const body = JSON.parse(text) as ErrorBody;
      if (body?.error?.message) return errorOf(body.error, sql);
    } catch {
      // Not the contract's error body: say what came.
    }
    return new QueryError(
      `The server engine answered ${response.status} ${response.statusText}: ${text.slice(0, 200)}`,
      sql
    );
  }

  private async reasonOfCutStream(id: string, sql: string, cause: unknown): Promise<QueryError> {
    try {
      const progress = await this.progress(id);
      if (progress.error) return errorOf(progress.error, sql);
    } catch {
      // Fall through to the reading error itself.
    }
    return new QueryError(
      `The result stream from the server engine broke off: ${messageOf(cause)}`,
      sql
    );
  }

  private failure(e: unknown, sql: string, signal: AbortSignal): QueryError {
    if (signal.aborted) return new QueryCancelledError(QUERY_CANCELLED, sql);
    return new ServerUnreachableError(unreachable(this.base, e), sql);
  }
}

function unreachable(base: string, e: unknown): MessageText {
  return messageText('The server engine at %1 cannot be reached: %2', base, messageOf(e));
}

/** An error's message, with its cause's (fetch says only "fetch failed"; the cause says why). */
function messageOf(e: unknown): string {
  const cause = (e as { cause?: { message?: string; code?: string } })?.cause;
  const message = (e as Error)?.message ?? String(e);
  return cause ? `${message} (${cause.code ?? cause.message ?? String(cause)})` : message;
}
