/**
 * The main-thread side of the DuckDB-WASM engines: a `QueryEngine` that talks to a `QueryWorkerApi`,
 * either across a worker boundary (comlink proxy) or directly in process (node). It owns what must
 * survive the worker: the list of registrations to replay after a restart, the cancel escalation and the
 * crash detection, so that a dying worker never leaves a promise hanging or the page frozen.
 */
import { HARMONISED_VIEW, messageText } from '@odatis-vre/harmonised';
import { RecordBatchReader, tableFromIPC } from 'apache-arrow';
import type { RecordBatch, Schema } from 'apache-arrow';
import type {
  AttachedDataset,
  EngineEvent,
  EngineKind,
  FileFormat,
  FileSource,
  HarmonisedDataset,
  QueryEngine,
  QueryOptions,
  QueryResult,
  QueryStream,
  RegisterOptions,
  StreamOptions,
  TableInfo
} from './engine';
import {
  EngineCrashedError,
  type MessageText,
  QUERY_CANCELLED_BEFORE_START,
  QueryCancelledError,
  QueryError,
  reviveError,
  translateText
} from './errors';
import { createExportStream, type ExportOptions, type ExportStream } from './export';
import { createQueryStream, now } from './stream';
import type { QueryWorkerApi, QueryWorkerInit } from './worker-api';

/** One running engine: its API and how to learn of and cause its death. */
export interface EngineConnection {
  api: QueryWorkerApi;
  /** Register the callback called once if the engine dies (worker exit, uncaught error), with why. */
  onExit(callback: (reason: MessageText) => void): void;
  /** Kill the engine (terminate the worker). Absent for in-process engines. */
  terminate?(): void;
}

export interface ProxyEngineOptions {
  kind: EngineKind;
  /** Start a fresh engine (a new worker). Called at first use and after each crash. */
  connect(): EngineConnection | Promise<EngineConnection>;
  init: QueryWorkerInit;
  /**
   * After a cancel, how long to wait for the query to stop before the worker is terminated and
   * restarted (a synchronous step inside DuckDB cannot hear a cancel). Default 3000 ms.
   */
  cancelGraceMs?: number;
}

type Registered =
  | { kind: 'file'; name: string; source: FileSource; format?: FileFormat }
  | { kind: 'harmonised'; dataset: HarmonisedDataset };

interface Live {
  connection: EngineConnection;
  ready: Promise<string>;
  dead: Promise<never>;
  markDead: (text: MessageText) => void;
  isDead: boolean;
}

const TYPICAL_BATCH_ROWS = 2048;

export class ProxyQueryEngine implements QueryEngine {
  readonly kind: EngineKind;
  private live: Live | null = null;
  private readonly registered: Registered[] = [];
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private nextId = 0;
  private closed = false;

  constructor(private readonly options: ProxyEngineOptions) {
    this.kind = options.kind;
  }

  async version(): Promise<string> {
    return this.withEngine(live => live.ready);
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const started = now();
    const id = this.newId('q');
    const result = await this.cancellable(id, sql, options.signal, api => api.query(id, sql));
    const table = tableFromIPC(result.ipc);
    return { table, rows: table.numRows, elapsedMs: now() - started };
  }

  stream(sql: string, options: StreamOptions = {}): QueryStream {
    const id = this.newId('s');
    const perHop = Math.max(1, Math.ceil((options.rowsPerTransfer ?? 65536) / TYPICAL_BATCH_ROWS));
    const signal = options.signal;
    // Set once the worker has nothing more for this stream, or it was told to stop.
    let ended = false;
    const batches = async function* (
      this: ProxyQueryEngine,
      setSchema: (schema: Schema) => void
    ): AsyncGenerator<RecordBatch> {
      try {
        const header = await this.cancellable(id, sql, signal, api => api.openStream(id, sql));
        const headerReader = RecordBatchReader.from([header]);
        headerReader.open();
        setSchema(headerReader.schema);
        for (;;) {
          const chunks = await this.cancellable(id, sql, signal, api =>
            api.nextBatches(id, perHop)
          );
          if (chunks === null) {
            ended = true;
            return;
          }
          // Each hop is decoded on its own: the schema message first, then the batches that came.
          for (const batch of RecordBatchReader.from([header, ...chunks])) {
            yield batch;
          }
        }
      } finally {
        if (!ended) {
          await this.cancelQuietly(id);
        }
      }
    };
    return createQueryStream(
      setSchema => batches.call(this, setSchema),
      async () => {
        ended = true;
        await this.cancelQuietly(id);
      }
    );
  }

  exportQuery(sql: string, options: ExportOptions): ExportStream {
    const id = this.newId('e');
    const maxBytes = options.bytesPerTransfer ?? 4 * 1024 * 1024;
    const signal = options.signal;
    let rows = 0;
    // Set once the worker has nothing more for this export, or it was told to stop.
    let ended = false;
    const chunks = async function* (this: ProxyQueryEngine): AsyncGenerator<Uint8Array> {
      try {
        await this.cancellable(id, sql, signal, api => api.openExport(id, sql, options.format));
        for (;;) {
          const hop = await this.cancellable(id, sql, signal, api =>
            api.nextExportChunks(id, maxBytes)
          );
          if (hop === null) {
            ended = true;
            return;
          }
          rows = hop.rows;
          yield* hop.chunks;
        }
      } finally {
        if (!ended) {
          await this.cancelQuietly(id);
        }
      }
    };
    return createExportStream(
      () => chunks.call(this),
      () => rows,
      async () => {
        ended = true;
        await this.cancelQuietly(id);
      }
    );
  }

  async registerFile(
    name: string,
    source: FileSource,
    options: RegisterOptions = {}
  ): Promise<void> {
    await this.withEngine(live => live.connection.api.registerFile(name, source, options.format));
    this.remember({ kind: 'file', name, source, format: options.format });
  }

  async attachHarmonised(dataset: HarmonisedDataset): Promise<AttachedDataset> {
    const attached = await this.withEngine(live => live.connection.api.attachHarmonised(dataset));
    this.remember({ kind: 'harmonised', dataset });
    return attached;
  }

  async listTables(): Promise<TableInfo[]> {
    return this.withEngine(live => live.connection.api.listTables());
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    const live = this.live;
    this.live = null;
    if (live && !live.isDead) {
      live.isDead = true;
      live.markDead(messageText('The query engine was closed.'));
      live.connection.terminate?.();
    }
  }

  // ---- internals ----

  private newId(prefix: string): string {
    return `${prefix}${++this.nextId}`;
  }

  private remember(entry: Registered): void {
    const key =
      entry.kind === 'file'
        ? `file:${entry.name}`
        : `harmonised:${entry.dataset.name ?? HARMONISED_VIEW}`;
    const index = this.registered.findIndex(
      r =>
        (r.kind === 'file'
          ? `file:${r.name}`
          : `harmonised:${r.dataset.name ?? HARMONISED_VIEW}`) === key
    );
    if (index >= 0) {
      this.registered.splice(index, 1);
    }
    this.registered.push(entry);
  }

  /** The running engine, started (and its registrations replayed) if needed. */
  private engine(): Live {
    if (this.closed) {
      throw new QueryError(messageText('The query engine is closed.'));
    }
    if (this.live && !this.live.isDead) {
      return this.live;
    }
    let markDead!: (text: MessageText) => void;
    const dead = new Promise<never>((_, reject) => {
      markDead = text => reject(new EngineCrashedError(text));
    });
    dead.catch(() => undefined);
    const live: Live = {
      connection: null as unknown as EngineConnection,
      ready: null as unknown as Promise<string>,
      dead,
      markDead,
      isDead: false
    };
    const restart = this.live !== null;
    this.live = live;
    live.ready = (async () => {
      live.connection = await this.options.connect();
      live.connection.onExit(reason => this.died(live, reason));
      const version = await Promise.race([live.connection.api.init(this.options.init), dead]);
      if (restart) {
        // Replay what the user had registered; a file that no longer loads should not block the others.
        for (const entry of this.registered) {
          try {
            await Promise.race([
              entry.kind === 'file'
                ? live.connection.api.registerFile(entry.name, entry.source, entry.format)
                : live.connection.api.attachHarmonised(entry.dataset),
              dead
            ]);
          } catch {
            // Reported to the user when they query it (table not found).
          }
        }
      }
      return version;
    })();
    live.ready.catch(() => undefined);
    return live;
  }

  private died(live: Live, reason: string | MessageText): void {
    if (live.isDead) {
      return;
    }
    live.isDead = true;
    const text: MessageText = messageText(
      'The query engine stopped (%1) and will restart on the next query. ' +
        'Registered files and the harmonised dataset are loaded again; tables created with SQL are lost.',
      reason
    );
    live.markDead(text);
    if (!this.closed) {
      const message = translateText(text);
      for (const listener of this.listeners) {
        listener({ type: 'restarted', message, text });
      }
    }
  }

  /** Run `call` on the engine; reject at once with EngineCrashedError if the engine dies meanwhile. */
  private async withEngine<T>(call: (live: Live) => Promise<T>): Promise<T> {
    const live = this.engine();
    try {
      await live.ready;
      return await Promise.race([call(live), live.dead]);
    } catch (e) {
      const error = reviveError(e);
      if (error instanceof EngineCrashedError && !live.isDead) {
        // A fatal WebAssembly error inside a healthy-looking worker: replace the worker.
        this.terminateAndReport(live, error.text ?? error.message);
      }
      throw error;
    }
  }

  private terminateAndReport(live: Live, reason: string | MessageText): void {
    live.connection.terminate?.();
    this.died(live, reason);
  }

  /** A call that the caller may cancel with an AbortSignal. */
  private async cancellable<T>(
    id: string,
    sql: string,
    signal: AbortSignal | undefined,
    call: (api: QueryWorkerApi) => Promise<T>
  ): Promise<T> {
    if (signal?.aborted) {
      throw new QueryCancelledError(QUERY_CANCELLED_BEFORE_START, sql);
    }
    const live = this.engine();
    let onAbort: (() => void) | null = null;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        void this.cancelQuietly(id);
        const grace = this.options.cancelGraceMs ?? 3000;
        // If the engine is stuck in one synchronous step, only killing the worker frees it.
        const timer = setTimeout(() => {
          if (live.connection.terminate && !live.isDead) {
            this.terminateAndReport(live, messageText('a cancelled query did not stop in time'));
            reject(
              new QueryCancelledError(
                messageText('Query cancelled (the engine was restarted to stop it).'),
                sql
              )
            );
          }
        }, grace);
        (timer as { unref?: () => void }).unref?.();
        pending.finally(() => clearTimeout(timer)).catch(() => undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    const pending = this.withEngine(l => call(l.connection.api)).catch(e => {
      throw reviveError(e, sql);
    });
    try {
      return await Promise.race([pending, aborted]);
    } finally {
      if (onAbort) {
        signal?.removeEventListener('abort', onAbort);
      }
    }
  }

  private async cancelQuietly(id: string): Promise<void> {
    const live = this.live;
    if (!live || live.isDead) {
      return;
    }
    try {
      await Promise.race([live.connection.api.cancel(id), live.dead]);
    } catch {
      // Nothing to cancel any more.
    }
  }
}
