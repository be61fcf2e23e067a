import type { RecordBatch, Schema } from 'apache-arrow';
import type { QueryStream } from './engine';

/** Milliseconds from a monotonic clock where there is one. */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** What every engine's stream shares: an async iterable with its elapsed time and a cancel. */
export interface Cancellable<T> extends AsyncIterable<T> {
  /** Milliseconds since the stream was opened. */
  readonly elapsedMs: number;
  /** Stop the engine's work and end the iteration; safe to call more than once. */
  cancel(): Promise<void>;
}

/**
 * `properties` (getters kept) made into a Cancellable over `produce()`: `stop` asks the engine to stop
 * what has not finished, then the generator is returned (which runs its `finally`).
 */
export function cancellable<T, P extends object>(
  produce: () => AsyncGenerator<T>,
  stop: () => void | Promise<void>,
  properties: P
): P & Cancellable<T> {
  const started = now();
  let finished = false;
  const iterator = (async function* () {
    try {
      yield* produce();
    } finally {
      finished = true;
    }
  })();
  return Object.defineProperties(properties, {
    elapsedMs: { get: () => now() - started },
    cancel: {
      value: async () => {
        if (!finished) {
          await stop();
          await iterator.return(undefined);
        }
      }
    },
    [Symbol.asyncIterator]: { value: () => iterator }
  }) as P & Cancellable<T>;
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
  let rows = 0;
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
    }
  };
  return cancellable(counted, stop, {
    schema,
    get rows() {
      return rows;
    }
  });
}
