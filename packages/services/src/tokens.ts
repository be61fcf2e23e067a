/**
 * The data services of a VRE session, as JupyterLab tokens. One plugin provides each; the SQL workspace, the
 * NEO kernel and the data browser require them, so they all query the same engine and see the same data.
 */
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { AttachedDataset, QueryEngine } from '@odatis-vre/query';
import type { Catalog } from '@odatis-vre/harmonised';

/**
 * The query engine of the session: one DuckDB-WASM Web Worker. Its worker starts on the first query, so
 * requiring the token costs nothing until something is asked.
 */
export const IQueryEngine = new Token<QueryEngine>(
  '@odatis-vre/services:IQueryEngine',
  'The DuckDB-WASM query engine of the session, shared by the SQL workspace, the NEO kernel and the data browser.'
);

/** Where the harmonised dataset stands in the engine. */
export type HarmonisedStatus =
  /** Nothing has asked for it yet: no worker started, nothing downloaded. */
  | { state: 'idle' }
  | { state: 'attaching' }
  | { state: 'attached'; attached: AttachedDataset; catalog: Catalog }
  /** `message` says which file could not be read or attached, and why. */
  | { state: 'failed'; message: string };

/** The harmonised dataset of the shared data, attached to the query engine as one relation. */
export interface IHarmonisedDataset {
  /** Folder of the dataset, relative to the file browser root (holds catalog.json and parquet/). */
  readonly path: string;
  /** Name of the relation in the query engine (`harmonised`). */
  readonly name: string;
  readonly status: HarmonisedStatus;
  readonly statusChanged: ISignal<IHarmonisedDataset, HarmonisedStatus>;
  /** The catalogue, once read. */
  readonly catalog: Catalog | null;
  /**
   * The catalogue (catalog.json), read once for everyone (the data browser, the SQL workspace, the kernel)
   * without attaching anything to the engine; after a failure, the next call reads again.
   */
  readCatalog(): Promise<Catalog>;
  /**
   * Attach the dataset to the engine. Concurrent calls share one attempt; once attached, the same result is
   * returned; after a failure, the next call tries again. Rejects with an error whose message says what to do.
   */
  attach(): Promise<AttachedDataset>;
}

export const IHarmonisedDataset = new Token<IHarmonisedDataset>(
  '@odatis-vre/services:IHarmonisedDataset',
  'The harmonised dataset of the shared data: its catalogue and whether it is attached to the query engine.'
);
