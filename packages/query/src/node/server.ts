/**
 * The server engine: the `QueryEngine` contract answered over HTTP (`../server-protocol`) by native DuckDB next
 * to the data. `npm start` mounts it in the embedded server (packages/app/scripts/serve.js); the browser talks
 * to it through `ServerQueryEngine`.
 *
 * The fence, set when DuckDB starts and locked (`lock_configuration`) so SQL cannot undo it:
 * - only the readable folders are reachable (`enable_external_access = false` + `allowed_directories`): no
 *   other file, no http(s) URL, no ATTACH elsewhere;
 * - no extension is installed or loaded (auto-install and auto-load off, community extensions off);
 * - only statements that read run (SELECT, EXPLAIN: `statementTypes` is checked before anything executes),
 *   so COPY … TO, CREATE, SET, INSTALL, ATTACH… are refused with a message saying why.
 * Per query: a time limit (DuckDB is interrupted), DuckDB's memory limit, and a bounded number of queries at
 * once with a bounded queue (more is answered busy).
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import { RecordBatchStreamWriter, type RecordBatch } from 'apache-arrow';
import { quoteLiteral, type HarmonisedDataset } from '../engine';
import { QueryCancelledError, QueryError } from '../errors';
import {
  ARROW_STREAM_TYPE,
  ENGINE_HEADER,
  ERROR_STATUS,
  QUERY_API_PATH,
  type ErrorBody,
  type QueryProgress,
  type ServerErrorKind,
  type ServerInfo,
  type ServerRelation
} from '../server-protocol';
import { NativeQueryEngine } from './native';

/** A folder SQL may read, and the name the user knows it by. */
export interface ReadableFolder {
  dir: string;
  /** e.g. `shared`: shown in refusals and in `ServerInfo.readable`. */
  label: string;
}

export interface QueryServerOptions {
  /** Folders SQL may read. */
  readable: ReadableFolder[];
  /**
   * Where relative paths in SQL resolve (default: the first readable folder); the file browser's root, so
   * that SQL names files as the user sees them. Resolving there does not make it readable.
   */
  root?: string;
  /** The harmonised dataset to attach (paths inside a readable folder), or none. */
  harmonised?: HarmonisedDataset | null;
  /** Base path of the HTTP server (default `/`): the contract lives under `{basePath}odatis-vre/query/`. */
  basePath?: string;
  /** Per-query time limit (default 60 s). */
  timeoutMs?: number;
  /** DuckDB's memory limit (default '1GB'). */
  memoryLimit?: string;
  /** DuckDB threads (default: DuckDB's choice). */
  threads?: number;
  /** Queries run at once (default 2) and waiting (default 8). */
  maxConcurrent?: number;
  maxQueued?: number;
}

/** First words of statements that read (only used to name the others in a refusal). */
const READING_KEYWORDS = new Set([
  'SELECT',
  'FROM',
  'WITH',
  'VALUES',
  'DESCRIBE',
  'SUMMARIZE',
  'SHOW',
  'EXPLAIN',
  'TABLE',
  '('
]);

/** A refused statement, named as the user wrote it, and why it is refused. */
const REFUSED_WORDS: Record<string, string> = {
  COPY: 'COPY (writes files)',
  EXPORT: 'EXPORT DATABASE (writes files)',
  INSTALL: 'INSTALL (extensions)',
  LOAD: 'LOAD (extensions)',
  FORCE: 'FORCE INSTALL (extensions)',
  SET: 'SET (settings)',
  RESET: 'RESET (settings)',
  ATTACH: 'ATTACH (databases)',
  CALL: 'CALL (use SELECT * FROM the function instead)'
};

/** The first word of each statement of `sql` (semicolons in strings and comments may mislead it: names only). */
function statementKeywords(sql: string): string[] {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .split(';')
    .map(part => /^\s*(\(|[A-Za-z_]+)/.exec(part)?.[1]?.toUpperCase())
    .filter((w): w is string => w !== undefined);
}

/** How long a finished query's progress (and error) stays readable by `GET queries/{id}`. */
const KEEP_FINISHED_MS = 60_000;

/** Largest accepted request body (the SQL text). */
const MAX_BODY_BYTES = 1 << 20;

/** A failure with the error kind of the contract. */
class ServerError extends Error {
  constructor(
    readonly kind: ServerErrorKind,
    message: string
  ) {
    super(message);
  }
}

interface RunningQuery {
  progress: QueryProgress;
  started: number;
  controller: AbortController;
  /** Why the query was stopped, once it was. */
  stopped: string | null;
}

/** Bounded slots: `maxConcurrent` holders at once, `maxQueued` waiting, the rest refused. */
class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  get load(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  constructor(
    private readonly max: number,
    private readonly maxQueued: number
  ) {}

  async acquire(signal: AbortSignal): Promise<() => void> {
    if (this.running >= this.max) {
      if (this.waiting.length >= this.maxQueued) {
        throw new ServerError(
          'busy',
          `The server engine is busy: ${this.running} queries running and ${this.waiting.length} waiting. Try again in a moment.`
        );
      }
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal.removeEventListener('abort', leave);
          resolve();
        };
        const leave = () => {
          this.waiting.splice(this.waiting.indexOf(wake), 1);
          reject(new QueryCancelledError('Query cancelled while it waited for a free slot.'));
        };
        this.waiting.push(wake);
        signal.addEventListener('abort', leave, { once: true });
      });
    } else {
      this.running++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    };
  }
}

export class QueryServer {
  private readonly queries = new Map<string, RunningQuery>();
  private readonly slots: Slots;
  private readonly prefix: string;

  private constructor(
    private readonly engine: NativeQueryEngine,
    private readonly options: Required<Omit<QueryServerOptions, 'harmonised' | 'threads' | 'root'>>,
    private readonly relations: ServerRelation[],
    private readonly memoryLimit: string,
    private readonly duckdbVersion: string
  ) {
    this.slots = new Slots(options.maxConcurrent, options.maxQueued);
    this.prefix = `${options.basePath.replace(/\/?$/, '/')}${QUERY_API_PATH}/`;
  }

  /** Start native DuckDB inside the fence and attach the harmonised dataset. */
  static async create(options: QueryServerOptions): Promise<QueryServer> {
    if (options.readable.length === 0) {
      throw new Error('The query server needs at least one readable folder.');
    }
    const root = path.resolve(options.root ?? options.readable[0].dir);
    const dirs = options.readable.map(f => path.resolve(f.dir) + path.sep);
    // DuckDB checks a relative path against its own working directory but opens it under file_search_path:
    // each readable folder inside the root is allowed by its relative name too ('shared/'), so that both agree.
    const relative = dirs
      .map(d => path.relative(root, d))
      .filter(r => r !== '' && !r.startsWith('..') && !path.isAbsolute(r))
      .map(r => r.split(path.sep).join('/') + '/');
    const config: Record<string, string> = {
      file_search_path: root,
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      allow_community_extensions: 'false',
      memory_limit: options.memoryLimit ?? '1GB',
      // Spilling to disk would write outside the fence: a query beyond the memory limit fails instead.
      temp_directory: ''
    };
    if (options.threads) config.threads = String(options.threads);
    const engine = await NativeQueryEngine.create(config);
    // allowed_directories is a list, which DuckDB's C configuration cannot take: set by SQL, then locked.
    const allowed = [...dirs, ...relative].map(quoteLiteral).join(', ');
    await engine.query(`SET allowed_directories = [${allowed}]`);
    await engine.query('SET enable_external_access = false');
    try {
      const relations: ServerRelation[] = [];
      if (options.harmonised) {
        const attached = await engine.attachHarmonised(options.harmonised);
        relations.push({ name: attached.name, rows: attached.rows, source: attached.source });
      }
      await engine.query('SET lock_configuration = true');
      const { table } = await engine.query("SELECT current_setting('memory_limit')::VARCHAR AS m");
      return new QueryServer(
        engine,
        {
          readable: options.readable,
          basePath: options.basePath ?? '/',
          timeoutMs: options.timeoutMs ?? 60_000,
          memoryLimit: options.memoryLimit ?? '1GB',
          maxConcurrent: options.maxConcurrent ?? 2,
          maxQueued: options.maxQueued ?? 8
        },
        relations,
        String(table.getChildAt(0)!.get(0)),
        await engine.version()
      );
    } catch (e) {
      await engine.close();
      throw e;
    }
  }

  get info(): ServerInfo {
    return {
      engine: 'duckdb-server',
      version: this.duckdbVersion,
      relations: this.relations,
      limits: {
        timeoutMs: this.options.timeoutMs,
        memoryLimit: this.memoryLimit,
        maxConcurrent: this.options.maxConcurrent,
        maxQueued: this.options.maxQueued
      },
      load: this.slots.load,
      readable: this.options.readable.map(f => f.label)
    };
  }

  /** Whether this request is for the query contract. */
  handles(req: IncomingMessage): boolean {
    return (req.url ?? '').startsWith(this.prefix);
  }

  /** Answer a request of the contract (never rejects: failures are answered). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = (req.url ?? '').slice(this.prefix.length).split('?')[0];
    const query = /^queries\/([A-Za-z0-9_-]{1,64})$/.exec(route);
    try {
      if (route === 'info' && req.method === 'GET') {
        sendJson(res, 200, this.info);
      } else if (route === 'tables' && req.method === 'GET') {
        sendJson(res, 200, await this.engine.listTables());
      } else if (query && req.method === 'POST') {
        await this.runQuery(query[1], req, res);
      } else if (query && req.method === 'GET') {
        const running = this.queries.get(query[1]);
        if (running) sendJson(res, 200, this.progressOf(running));
        else
          sendError(
            res,
            'request',
            `No query ${query[1]} is known to the server (finished over a minute ago?).`,
            404
          );
      } else if (query && req.method === 'DELETE') {
        const running = this.queries.get(query[1]);
        this.stop(running, 'Query cancelled.');
        res.writeHead(running ? 204 : 404).end();
      } else {
        sendError(res, 'request', `${req.method} ${req.url}: not part of the query contract.`, 404);
      }
    } catch (e) {
      if (!res.headersSent) sendFailure(res, e);
      else res.destroy(e as Error);
    }
  }

  async close(): Promise<void> {
    for (const running of this.queries.values()) this.stop(running, 'The server is shutting down.');
    await this.engine.close();
  }

  private async runQuery(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.queries.has(id)) {
      sendError(res, 'request', `A query ${id} already exists: use a new id for each query.`);
      return;
    }
    const sql = await readSql(req);
    const running: RunningQuery = {
      progress: { id, state: 'queued', rows: 0, elapsedMs: 0 },
      started: performance.now(),
      controller: new AbortController(),
      stopped: null
    };
    this.queries.set(id, running);
    const { signal } = running.controller;
    // The client went away before the whole answer: stop DuckDB.
    res.once('close', () => {
      if (!res.writableFinished)
        this.stop(running, 'Query cancelled: the client closed the connection.');
    });
    let release: (() => void) | null = null;
    const timer = setTimeout(
      () =>
        this.stop(
          running,
          `The query ran longer than the server's limit of ${this.options.timeoutMs / 1000} s and was stopped.`
        ),
      this.options.timeoutMs
    );
    try {
      release = await this.slots.acquire(signal);
      // Woken from the queue after its client left: give the slot back at once.
      if (signal.aborted) throw new QueryCancelledError(running.stopped ?? 'Query cancelled.');
      running.progress.state = 'running';
      await this.checkFence(sql);
      await this.streamResult(sql, running, res);
      running.progress.state = 'done';
    } catch (e) {
      const failure = running.stopped
        ? new ServerError('cancelled', running.stopped)
        : this.refusalOf(e);
      running.progress.state = running.stopped ? 'cancelled' : 'failed';
      running.progress.error = errorBody(failure).error;
      if (!res.headersSent) sendFailure(res, failure);
      // Mid-stream: the Arrow stream is cut short; GET queries/{id} says why.
      else res.destroy();
    } finally {
      clearTimeout(timer);
      release?.();
      running.progress.elapsedMs = performance.now() - running.started;
      setTimeout(() => this.queries.delete(id), KEEP_FINISHED_MS).unref();
    }
  }

  /** Batches of DuckDB's result as an Arrow IPC stream; headers go once the first batch (or the end) is known. */
  private async streamResult(
    sql: string,
    running: RunningQuery,
    res: ServerResponse
  ): Promise<void> {
    const { signal } = running.controller;
    const stream = this.engine.stream(sql, { signal });
    const batches = stream[Symbol.asyncIterator]();
    let next = await batches.next();
    const schema = await stream.schema;
    res.writeHead(200, {
      'Content-Type': ARROW_STREAM_TYPE,
      'Cache-Control': 'no-store',
      [ENGINE_HEADER]: 'duckdb-server'
    });
    const writer = new RecordBatchStreamWriter();
    // Settles to the error that stopped it (the client went away), or null: never an unhandled rejection.
    const pump = (async () => {
      for await (const chunk of writer) {
        if (!res.write(chunk)) await once(res, 'drain', { signal });
      }
    })().then(
      () => null,
      (e: unknown) => e
    );
    try {
      writer.reset(undefined, schema);
      while (!next.done) {
        const batch: RecordBatch = next.value;
        writer.write(batch);
        running.progress.rows += batch.numRows;
        // Let the pump pass the bytes on; wait while the client reads slower than DuckDB produces.
        await new Promise(resolve => setImmediate(resolve));
        if (res.writableNeedDrain) await once(res, 'drain', { signal });
        next = await batches.next();
      }
      writer.close();
      const failed = await pump;
      if (failed) throw failed;
      res.end();
    } catch (e) {
      writer.abort();
      await pump;
      await stream.cancel();
      throw e;
    }
  }

  /**
   * Only reading statements run. DuckDB's parser decides (json_serialize_sql serialises SELECT statements only,
   * and parses without binding: preparing would already act, e.g. EXPORT DATABASE creates its folder). EXPLAIN
   * [ANALYZE] of a reading statement is allowed. A syntax error is left for DuckDB to report when it runs.
   */
  private async checkFence(sql: string): Promise<void> {
    const explained = /^\s*EXPLAIN(\s+ANALYZE)?\s+/i.exec(sql);
    const body = explained ? sql.slice(explained[0].length) : sql;
    const { table } = await this.engine.query(
      `SELECT json_serialize_sql(${quoteLiteral(body)})::VARCHAR AS parsed`
    );
    const parsed = JSON.parse(String(table.getChild('parsed')!.get(0))) as {
      error?: boolean;
      error_type?: string;
      statements?: unknown[];
    };
    if (parsed.error && parsed.error_type === 'parser') return;
    if (parsed.error) {
      const words = [...new Set(statementKeywords(body).filter(w => !READING_KEYWORDS.has(w)))];
      throw new ServerError(
        'refused',
        `Refused: the server engine only runs queries that read (SELECT, FROM, WITH, VALUES, DESCRIBE, ` +
          `SUMMARIZE, SHOW, EXPLAIN); ${words.map(w => REFUSED_WORDS[w] ?? w).join(', ') || 'this statement'} ` +
          'is not run here. Results can be exported from the SQL workspace or a notebook instead.'
      );
    }
    if ((parsed.statements ?? []).length === 0) {
      throw new ServerError('request', 'The SQL text holds no statement.');
    }
  }

  private stop(running: RunningQuery | undefined, why: string): void {
    if (!running || running.stopped || running.progress.state === 'done') return;
    running.stopped = why;
    running.controller.abort();
  }

  private progressOf(running: RunningQuery): QueryProgress {
    const finished = ['done', 'failed', 'cancelled'].includes(running.progress.state);
    return {
      ...running.progress,
      elapsedMs: finished ? running.progress.elapsedMs : performance.now() - running.started
    };
  }

  /** DuckDB's own fence errors become refusals naming the folders the user may read. */
  private refusalOf(e: unknown): unknown {
    const message = (e as Error)?.message ?? '';
    if (
      !(e instanceof QueryError) ||
      !/Permission Error|disabled by configuration/i.test(message)
    ) {
      return e;
    }
    const folders = this.options.readable.map(f => f.label).join(', ');
    return new ServerError(
      'refused',
      `Refused: the server engine reads only the folders ${folders} (no other file, no network address). ` +
        `DuckDB said: ${message}`
    );
  }
}

function errorBody(e: unknown): ErrorBody {
  if (e instanceof ServerError) return { error: { kind: e.kind, message: e.message } };
  if (e instanceof QueryCancelledError) return { error: { kind: 'cancelled', message: e.message } };
  const message = (e as Error)?.message ?? String(e);
  return { error: { kind: e instanceof QueryError ? 'query' : 'request', message } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store'
    })
    .end(JSON.stringify(body));
}

function sendError(
  res: ServerResponse,
  kind: ServerErrorKind,
  message: string,
  status?: number
): void {
  sendJson(res, status ?? ERROR_STATUS[kind], { error: { kind, message } } satisfies ErrorBody);
}

function sendFailure(res: ServerResponse, e: unknown): void {
  const body = errorBody(e);
  sendJson(res, ERROR_STATUS[body.error.kind], body);
}

async function readSql(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new ServerError('request', `The request is larger than ${MAX_BODY_BYTES} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ServerError('request', 'Expected a JSON body {"sql": "…"}.');
  }
  const sql = (body as { sql?: unknown })?.sql;
  if (typeof sql !== 'string' || sql.trim() === '') {
    throw new ServerError('request', 'Expected a JSON body {"sql": "…"} with the SQL text.');
  }
  return sql;
}
