import type { RecordBatch, Schema } from 'apache-arrow';
import type { QueryStream } from './engine';

/** Milliseconds from a monotonic clock where there is one. */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/**
 * A `QueryStream` around an engine's batch generator. What every engine shares lives here: the schema
 * promise, the row count, the elapsed time and cancel. `produce` announces the schema with `setSchema`
 * before its first batch and cleans up in its own `finally`; `stop` asks the engine to stop a query
 * that has not finished (the generator is then returned, which runs that `finally`).
 */
export function createQueryStream(
  produce: (setSchema: (schema: Schema) => void) => AsyncGenerator<RecordBatch>,
  stop: () => void | Promise<void>
): QueryStream {
  const started = now();
  let rows = 0;
  let finished = false;
  let resolveSchema!: (s: Schema) => void;
  let rejectSchema!: (e: unknown) => void;
  const schema = new Promise<Schema>((resolve, reject) => {
    resolveSchema = resolve;
    rejectSchema = reject;
  });
  schema.catch(() => undefined); // Failure is reported through the iterator too.
  const counted = async function* (): AsyncGenerator<RecordBatch> {
    try {
      for await (const batch of produce(resolveSchema)) {
        rows += batch.numRows;
        yield batch;
      }
    } catch (e) {
      rejectSchema(e);
      throw e;
    } finally {
      finished = true;
    }
  };
  const iterator = counted();
  return {
    schema,
    get rows() {
      return rows;
    },
    get elapsedMs() {
      return now() - started;
    },
    async cancel() {
      if (!finished) {
        await stop();
        await iterator.return(undefined);
      }
    },
    [Symbol.asyncIterator]: () => iterator
  };
}
