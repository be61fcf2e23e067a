/**
 * Result files made where the result is: the engine (a Web Worker in the browser) turns the record
 * batches of a query into the bytes of a CSV, Arrow IPC or Parquet file, a chunk at a time, so that a
 * result of millions of rows is never held, formatted or encoded on the page's thread.
 */
import {
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchStreamWriter,
  type Schema
} from 'apache-arrow';
import type { QueryOptions, QueryStream } from './engine';
import { formatArrowValue } from './format';
import { cancellable, type Cancellable } from './stream';

/** File formats a result can be exported to. */
export type ExportFormat = 'csv' | 'parquet' | 'arrow';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'parquet', 'arrow'];

export interface ExportOptions extends QueryOptions {
  format: ExportFormat;
  /** About how many bytes travel together across the worker boundary (default 4 MiB). */
  bytesPerTransfer?: number;
}

/** The bytes of a file being written from a query's result, in order; iterate with `for await`. */
export interface ExportStream extends Cancellable<Uint8Array> {
  /** Result rows written so far. */
  readonly rows: number;
  /** Bytes delivered so far. */
  readonly bytes: number;
}

/** Writes Parquet from Arrow IPC streams (each a schema and some batches), bytes out as written. */
export interface ParquetEncoder {
  encode(ipcStreams: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array>;
}

/** What the encoders take: the result's schema and its batches, counted as they pass. */
export interface ExportSource {
  schema: Schema;
  batches: AsyncIterable<RecordBatch>;
}

/** A CSV field (RFC 4180): quoted when it holds a separator, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV header line of a schema (with its CRLF). */
export function csvHeader(schema: Schema): string {
  return `${schema.fields.map(f => csvField(f.name)).join(',')}\r\n`;
}

/** The CSV lines of a record batch (each with its CRLF), values as `formatArrowValue` writes them. */
export function csvLines(batch: RecordBatch): string {
  const fields = batch.schema.fields;
  const columns = fields.map((_, i) => batch.getChildAt(i)!);
  let text = '';
  for (let row = 0; row < batch.numRows; row++) {
    let line = '';
    for (let c = 0; c < columns.length; c++) {
      if (c > 0) line += ',';
      line += csvField(formatArrowValue(columns[c].get(row), fields[c].type));
    }
    text += `${line}\r\n`;
  }
  return text;
}

/** The bytes of a file of `format` holding the batches of `source`, produced as they are read. */
export function encodeResult(
  format: ExportFormat,
  source: ExportSource,
  parquet?: ParquetEncoder
): AsyncGenerator<Uint8Array> {
  switch (format) {
    case 'csv':
      return encodeCsv(source);
    case 'arrow':
      return encodeArrowFile(source);
    case 'parquet':
      if (!parquet) {
        throw new Error('This engine cannot write Parquet (no Parquet encoder was given to it).');
      }
      return encodeParquet(source, parquet);
    default:
      throw new Error(`Unknown export format "${format}": expected csv, parquet or arrow.`);
  }
}

async function* encodeCsv({ schema, batches }: ExportSource): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  yield encoder.encode(csvHeader(schema));
  for await (const batch of batches) {
    if (batch.numRows > 0) yield encoder.encode(csvLines(batch));
  }
}

/**
 * An Arrow IPC file. apache-arrow's writer writes into a queue synchronously; after each batch we take
 * what it wrote, so no more than one batch is ever held here.
 */
async function* encodeArrowFile({ schema, batches }: ExportSource): AsyncGenerator<Uint8Array> {
  const writer = new RecordBatchFileWriter();
  const written = new WrittenSoFar(writer[Symbol.asyncIterator]());
  writer.reset(undefined, schema);
  yield* await written.take();
  for await (const batch of batches) {
    writer.write(batch);
    yield* await written.take();
  }
  // The footer (schema and the offsets of every batch), then the closing magic bytes.
  writer.close();
  yield* await written.take();
}

/** Parquet: the batches go to the encoder as IPC streams, a few at a time. */
async function* encodeParquet(
  { schema, batches }: ExportSource,
  parquet: ParquetEncoder
): AsyncGenerator<Uint8Array> {
  async function* ipcStreams(): AsyncGenerator<Uint8Array> {
    let group: RecordBatch[] = [];
    let rows = 0;
    const flush = () => {
      const bytes = RecordBatchStreamWriter.writeAll(group).toUint8Array(true);
      group = [];
      rows = 0;
      return bytes;
    };
    for await (const batch of batches) {
      group.push(batch);
      rows += batch.numRows;
      if (rows >= 65536) yield flush();
    }
    if (group.length > 0) yield flush();
    else {
      // An empty result still has its columns: one empty batch carries the schema.
      group.push(new RecordBatch(schema));
      yield flush();
    }
  }
  yield* parquet.encode(ipcStreams());
}

const NOTHING_YET = Symbol('nothing written yet');

/** What a writer's byte queue holds now, taken without waiting for more. */
class WrittenSoFar {
  constructor(private readonly queue: AsyncIterator<Uint8Array>) {}

  async take(): Promise<Uint8Array[]> {
    const taken: Uint8Array[] = [];
    for (;;) {
      this.pending ??= this.queue.next();
      // A settled `pending` wins the race against the already-settled marker listed after it.
      const result = await Promise.race([this.pending, Promise.resolve(NOTHING_YET)]);
      if (result === NOTHING_YET) return taken;
      this.pending = null;
      if (result.done) return taken;
      taken.push(result.value);
    }
  }

  private pending: Promise<IteratorResult<Uint8Array>> | null = null;
}

/**
 * An ExportStream around an engine's chunk generator: the counters and cancel that every engine shares.
 * `rows()` reads the engine's row count; `stop` stops the engine's query.
 */
export function createExportStream(
  produce: () => AsyncGenerator<Uint8Array>,
  rows: () => number,
  stop: () => void | Promise<void>
): ExportStream {
  let bytes = 0;
  const counted = async function* (): AsyncGenerator<Uint8Array> {
    for await (const chunk of produce()) {
      bytes += chunk.byteLength;
      yield chunk;
    }
  };
  return cancellable(counted, stop, {
    get rows() {
      return rows();
    },
    get bytes() {
      return bytes;
    }
  });
}

/**
 * An export made from a QueryStream in this thread: for engines that run in the caller's thread anyway
 * (native DuckDB in node). Worker engines make the bytes in their worker instead.
 */
export function exportFromStream(
  stream: QueryStream,
  format: ExportFormat,
  parquet?: ParquetEncoder
): ExportStream {
  const counter = { rows: 0 };
  return createExportStream(
    async function* () {
      const iterator = stream[Symbol.asyncIterator]();
      // The first step runs the query: the schema is known after it, even for an empty result.
      const first = await iterator.next();
      const schema = await stream.schema;
      const batches = async function* (): AsyncGenerator<RecordBatch> {
        if (first.done) return;
        yield first.value;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          yield next.value;
        }
      };
      yield* encodeResult(format, { schema, batches: countRows(batches(), counter) }, parquet);
    },
    () => counter.rows,
    () => stream.cancel()
  );
}

/** Batches of `batches`, counted into `counter.rows` as they pass. */
export async function* countRows(
  batches: AsyncIterable<RecordBatch>,
  counter: { rows: number }
): AsyncGenerator<RecordBatch> {
  for await (const batch of batches) {
    counter.rows += batch.numRows;
    yield batch;
  }
}
