/**
 * Native DuckDB (`@duckdb/node-api`) behind the same QueryEngine interface: the reference engine of the
 * benchmark and a fast engine for node tools. Native DuckDB has no Arrow output in node, so result chunks
 * are converted column by column into Arrow vectors here (no row objects in between).
 */
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  Bool,
  DateDay,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  RecordBatch,
  Schema,
  Field,
  Table,
  TimestampMillisecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  makeData,
  Struct,
  vectorFromArray,
  type DataType
} from 'apache-arrow';
import type {
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBResult,
  DuckDBType
} from '@duckdb/node-api';
import type {
  AttachedDataset,
  EngineEvent,
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
} from '../engine';
import {
  DATABASE_FILE,
  DATABASE_TABLE,
  HARMONISED_PARTITION_TYPES,
  HARMONISED_VIEW,
  guessFormat
} from '@odatis-vre/harmonised';
import { INTERNAL_PREFIX, LIST_TABLES_SQL, quoteIdentifier, quoteLiteral } from '../engine';
import {
  harmonisedCountSql,
  harmonisedSelectList,
  rowsTableCheckSql,
  utcWithIcu
} from '../relation';
import {
  QUERY_CANCELLED,
  QUERY_CANCELLED_BEFORE_START,
  QueryCancelledError,
  QueryError,
  isCancellation
} from '../errors';
import { createQueryStream } from '../stream';
import { exportFromStream, type ExportOptions, type ExportStream } from '../export';
import { nodeParquetEncoder } from './wasm';

type NodeApi = typeof import('@duckdb/node-api');

/** Arrow type for a DuckDB column type (what the Arrow table will carry). */
function arrowTypeOf(api: NodeApi, type: DuckDBType): DataType {
  const T = api.DuckDBTypeId;
  switch (type.typeId) {
    case T.BOOLEAN:
      return new Bool();
    case T.TINYINT:
      return new Int8();
    case T.SMALLINT:
      return new Int16();
    case T.INTEGER:
      return new Int32();
    case T.BIGINT:
      return new Int64();
    case T.UTINYINT:
      return new Uint8();
    case T.USMALLINT:
      return new Uint16();
    case T.UINTEGER:
      return new Uint32();
    case T.UBIGINT:
      return new Uint64();
    case T.FLOAT:
    case T.DOUBLE:
    case T.DECIMAL:
    case T.HUGEINT:
    case T.UHUGEINT:
      return new Float64();
    case T.DATE:
      return new DateDay();
    case T.TIMESTAMP:
    case T.TIMESTAMP_S:
    case T.TIMESTAMP_MS:
    case T.TIMESTAMP_NS:
    case T.TIMESTAMP_TZ:
      return new TimestampMillisecond();
    default:
      return new Utf8();
  }
}

/** Convert one column of DuckDB values into what the Arrow builder of `arrowType` accepts. */
function arrowValues(api: NodeApi, type: DuckDBType, values: readonly unknown[]): unknown[] {
  const T = api.DuckDBTypeId;
  switch (type.typeId) {
    case T.DECIMAL:
      return values.map(v => (v == null ? null : (v as { toDouble(): number }).toDouble()));
    case T.HUGEINT:
    case T.UHUGEINT:
      return values.map(v => (v == null ? null : Number(v as bigint)));
    case T.DATE:
      return values.map(v =>
        v == null ? null : new Date((v as { days: number }).days * 86400000)
      );
    case T.TIMESTAMP:
    case T.TIMESTAMP_TZ:
      return values.map(v => (v == null ? null : Number((v as { micros: bigint }).micros / 1000n)));
    case T.TIMESTAMP_S:
      return values.map(v =>
        v == null ? null : Number((v as { seconds: bigint }).seconds) * 1000
      );
    case T.TIMESTAMP_MS:
      return values.map(v => (v == null ? null : Number((v as { millis: bigint }).millis)));
    case T.TIMESTAMP_NS:
      return values.map(v =>
        v == null ? null : Number((v as { nanos: bigint }).nanos / 1000000n)
      );
    case T.BOOLEAN:
    case T.TINYINT:
    case T.SMALLINT:
    case T.INTEGER:
    case T.BIGINT:
    case T.UTINYINT:
    case T.USMALLINT:
    case T.UINTEGER:
    case T.UBIGINT:
    case T.FLOAT:
    case T.DOUBLE:
    case T.VARCHAR:
      return values as unknown[];
    default:
      return values.map(v => (v == null ? null : String(v)));
  }
}

function recordBatchOf(
  api: NodeApi,
  schema: Schema,
  types: DuckDBType[],
  chunk: DuckDBDataChunk
): RecordBatch {
  const columns = chunk.getColumns();
  const children = schema.fields.map(
    (field, i) => vectorFromArray(arrowValues(api, types[i], columns[i]), field.type).data[0]
  );
  const data = makeData({
    type: new Struct(schema.fields),
    length: chunk.rowCount,
    nullCount: 0,
    children
  });
  return new RecordBatch(schema, data);
}

function schemaOf(api: NodeApi, result: DuckDBResult): { schema: Schema; types: DuckDBType[] } {
  const types = result.columnTypes();
  const names = result.deduplicatedColumnNames();
  return {
    schema: new Schema(names.map((n, i) => new Field(n, arrowTypeOf(api, types[i]), true))),
    types
  };
}

export class NativeQueryEngine implements QueryEngine {
  readonly kind = 'duckdb-native' as const;
  private tempDir: string | null = null;
  private seq = 0;
  /**
   * DuckDB calls in flight and the connections they run on. `close()` interrupts them and waits for them to
   * settle: a connection closed while a query runs on it deadlocks that query's thread in DuckDB (the
   * connection's context is destroyed under its own lock), which then hangs the process at exit.
   */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly connections = new Set<DuckDBConnection>();

  private constructor(
    private readonly api: NodeApi,
    private readonly instance: DuckDBInstance,
    private readonly main: DuckDBConnection
  ) {}

  /** Open an in-memory native DuckDB. */
  static async create(config: Record<string, string> = {}): Promise<NativeQueryEngine> {
    // A plain require: a dynamic import fails when this module runs from lib/ inside jest's sandbox.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const api = require('@duckdb/node-api') as NodeApi;
    const instance = await api.DuckDBInstance.create(':memory:', config);
    return new NativeQueryEngine(api, instance, await instance.connect());
  }

  async version(): Promise<string> {
    return this.api.version();
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const started = performance.now();
    const batches: RecordBatch[] = [];
    let schema: Schema | null = null;
    await this.withConnection(sql, options.signal, async conn => {
      const result = await this.track(conn.run(sql));
      const s = schemaOf(this.api, result);
      schema = s.schema;
      for (;;) {
        const chunk = await this.track(result.fetchChunk());
        if (!chunk || chunk.rowCount === 0) {
          break;
        }
        batches.push(recordBatchOf(this.api, s.schema, s.types, chunk));
      }
    });
    const table = batches.length > 0 ? new Table(batches) : new Table(schema!);
    return { table, rows: table.numRows, elapsedMs: performance.now() - started };
  }

  stream(sql: string, options: StreamOptions = {}): QueryStream {
    let conn: DuckDBConnection | null = null;
    const onAbort = () => conn?.interrupt();
    const batches = async function* (
      this: NativeQueryEngine,
      setSchema: (schema: Schema) => void
    ): AsyncGenerator<RecordBatch> {
      if (options.signal?.aborted) {
        throw new QueryCancelledError(QUERY_CANCELLED_BEFORE_START, sql);
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      conn = await this.instance.connect();
      this.connections.add(conn);
      try {
        const result = await this.track(conn.stream(sql));
        const s = schemaOf(this.api, result);
        setSchema(s.schema);
        for (;;) {
          const chunk = await this.track(result.fetchChunk());
          if (!chunk || chunk.rowCount === 0) {
            break;
          }
          yield recordBatchOf(this.api, s.schema, s.types, chunk);
        }
        // An interrupted stream ends like a finished one: it must not pass for a complete result.
        if (options.signal?.aborted) {
          throw new QueryCancelledError(QUERY_CANCELLED, sql);
        }
      } catch (e) {
        throw this.toError(e, sql, options.signal);
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
        this.connections.delete(conn);
        conn.closeSync();
      }
    };
    return createQueryStream(setSchema => batches.call(this, setSchema), onAbort);
  }

  exportQuery(sql: string, options: ExportOptions): ExportStream {
    return exportFromStream(
      this.stream(sql, { signal: options.signal }),
      options.format,
      nodeParquetEncoder
    );
  }

  async registerFile(
    name: string,
    source: FileSource,
    options: RegisterOptions = {}
  ): Promise<void> {
    const format: FileFormat =
      options.format ??
      ('buffer' in source ? 'parquet' : guessFormat('url' in source ? source.url : source.path));
    if (format === 'arrow') {
      throw new QueryError(
        `${name}: the native engine reads Parquet and CSV; load Arrow files with the DuckDB-WASM engine.`
      );
    }
    const file = await this.localFile(source, `${name}.${format}`);
    const reader = format === 'csv' ? 'read_csv' : 'read_parquet';
    await this.run(
      `CREATE OR REPLACE VIEW ${quoteIdentifier(name)} AS SELECT * FROM ${reader}(${quoteLiteral(file)})`
    );
  }

  async attachHarmonised(dataset: HarmonisedDataset): Promise<AttachedDataset> {
    const name = dataset.name ?? HARMONISED_VIEW;
    const view = quoteIdentifier(name);
    const aliasName = `${INTERNAL_PREFIX}db_${name}`;
    const alias = quoteIdentifier(aliasName);
    await this.run(`DROP VIEW IF EXISTS ${view}`);
    await this.run(`DETACH DATABASE IF EXISTS ${alias}`);
    let from: string;
    let what: string;
    if (dataset.database) {
      const location = dataset.database;
      const source: FileSource = /^https?:\/\//.test(location)
        ? { url: location }
        : { path: location };
      const file = await this.localFile(source, DATABASE_FILE);
      await this.run(`ATTACH ${quoteLiteral(file)} AS ${alias} (READ_ONLY)`);
      from = `${alias}.${quoteIdentifier(DATABASE_TABLE)}`;
      what = location;
    } else {
      if (dataset.files.length === 0) {
        throw new QueryError(`attachHarmonised(${name}): the file list is empty.`);
      }
      const hiveTypes = Object.entries(HARMONISED_PARTITION_TYPES)
        .map(([key, type]) => `${quoteLiteral(key)}: ${type}`)
        .join(', ');
      from =
        `read_parquet([${dataset.files.map(quoteLiteral).join(', ')}], ` +
        `hive_partitioning = true, union_by_name = true, hive_types = {${hiveTypes}})`;
      what = `the Parquet files of ${name}`;
    }
    const described = await this.track(this.main.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`));
    const columns = new Map(
      (described.getRows() as [string, string][]).map(([column, type]) => [column, type])
    );
    await this.run(
      `CREATE VIEW ${view} AS SELECT ${harmonisedSelectList(columns, utcWithIcu, what)} FROM ${from}`
    );
    const keyed =
      Number((await this.query(rowsTableCheckSql(aliasName))).table.getChildAt(0)!.get(0)) > 0;
    const { table } = await this.query(harmonisedCountSql(aliasName, name, keyed));
    return {
      name,
      files: dataset.database ? 0 : dataset.files.length,
      rows: Number(table.getChildAt(0)!.get(0)),
      source: dataset.database ? 'database' : 'parquet'
    };
  }

  async listTables(): Promise<TableInfo[]> {
    const reader = await this.track(this.main.runAndReadAll(LIST_TABLES_SQL));
    const out: TableInfo[] = [];
    for (const [schema, name, kind, column, type, nullable] of reader.getRows() as [
      string,
      string,
      string,
      string,
      string,
      boolean
    ][]) {
      let last = out[out.length - 1];
      if (!last || last.schema !== schema || last.name !== name) {
        last = { schema, name, kind: kind === 'view' ? 'view' : 'table', columns: [] };
        out.push(last);
      }
      last.columns.push({ name: column, type, nullable });
    }
    return out;
  }

  onEvent(_listener: (event: EngineEvent) => void): () => void {
    // A native engine lives in this process: it has no worker to restart.
    return () => undefined;
  }

  async close(): Promise<void> {
    // Stop what still runs, and let it return, before any connection goes.
    this.main.interrupt();
    for (const conn of this.connections) conn.interrupt();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    this.main.closeSync();
    this.instance.closeSync();
    if (this.tempDir) {
      await rm(this.tempDir, { recursive: true, force: true });
    }
  }

  private async run(sql: string): Promise<void> {
    await this.withConnection(sql, undefined, async conn => {
      await this.track(conn.run(sql));
    });
  }

  private async withConnection(
    sql: string,
    signal: AbortSignal | undefined,
    body: (conn: DuckDBConnection) => Promise<void>
  ): Promise<void> {
    if (signal?.aborted) {
      throw new QueryCancelledError(QUERY_CANCELLED_BEFORE_START, sql);
    }
    const conn = await this.instance.connect();
    this.connections.add(conn);
    const onAbort = () => conn.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await body(conn);
    } catch (e) {
      throw this.toError(e, sql, signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.connections.delete(conn);
      conn.closeSync();
    }
  }

  /** Registers a DuckDB call as in flight until it settles (see `inFlight`). */
  private track<T>(call: Promise<T>): Promise<T> {
    this.inFlight.add(call);
    const settled = () => this.inFlight.delete(call);
    call.then(settled, settled);
    return call;
  }

  private toError(e: unknown, sql: string, signal?: AbortSignal): Error {
    const message = (e as Error)?.message ?? String(e);
    if (signal?.aborted || isCancellation(message)) {
      return new QueryCancelledError(QUERY_CANCELLED, sql);
    }
    return new QueryError(message, sql);
  }

  /** A local path for a source: native DuckDB reads URLs with httpfs, which cannot be installed offline. */
  private async localFile(source: FileSource, name: string): Promise<string> {
    if ('path' in source) {
      return source.path;
    }
    const bytes =
      'buffer' in source
        ? source.buffer
        : new Uint8Array(await (await fetchOk(source.url)).arrayBuffer());
    const file = path.join(await this.scratch(), `${this.seq++}-${name}`);
    await writeFile(file, bytes);
    return file;
  }

  private async scratch(): Promise<string> {
    this.tempDir ??= await mkdtemp(path.join(tmpdir(), 'odatis-query-'));
    return this.tempDir;
  }
}

/** Open an in-memory native DuckDB engine. */
export function createNativeEngine(
  config: Record<string, string> = {}
): Promise<NativeQueryEngine> {
  return NativeQueryEngine.create(config);
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new QueryError(`GET ${url} answered ${response.status} ${response.statusText}`);
  }
  return response;
}
