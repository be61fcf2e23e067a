/**
 * Which engine answers a query on one dataset of the catalogue, and whether that is where the dataset is
 * meant to be queried (its `queryPlace`): the data browser's dataset view and "Open in SQL workspace" say it.
 */
import {
  englishMessages,
  queryPlaceOf,
  type Catalog,
  type CatalogDataset,
  type Messages
} from '@odatis-vre/harmonised';
import { engineLabel, type EngineKind } from '@odatis-vre/query';
import { isRoutedEngine, type RoutedQueryEngine } from './query-route';

export interface DatasetEngine {
  /** The engine that will answer: the session's, or under `auto` the one its queries are routed to. */
  engine: 'browser' | 'server';
  /** E.g. "native DuckDB on the server". */
  label: string;
  /** Set when the dataset is meant for the other engine: what that means for the person querying. */
  warning: string | null;
}

export function datasetEngine(
  dataset: Pick<CatalogDataset, 'rowCount' | 'queryPlace'> & {
    /** Read from a remote address by the query (a catalogue's file or ERDDAP subset). */
    remote?: boolean;
  },
  /** The session's engine (its kind), or the routing engine of `auto`. */
  session: EngineKind | RoutedQueryEngine,
  /** The session's harmonised catalogue, for the routing engine (null: not read yet). */
  catalog: Catalog | null = null,
  /** The warnings' language: the extension's `translator.load('odatis_vre')`; default English. */
  trans: Messages = englishMessages
): DatasetEngine {
  const place = queryPlaceOf(dataset);
  const routed =
    isRoutedEngine(session) && !dataset.remote ? session.forDataset(dataset, catalog) : null;
  const kind = routed?.kind ?? (typeof session === 'string' ? session : session.kind);
  const engine = kind.startsWith('duckdb-wasm') ? 'browser' : 'server';
  const rows = dataset.rowCount.toLocaleString('en');
  let warning: string | null = null;
  if (dataset.remote && engine === 'server') {
    warning = trans.__(
      'This dataset is read from the network, which the server engine does not reach (no network access from SQL): add it to your data first, then query it there.'
    );
  } else if (routed?.notice) {
    warning = trans.__(
      'This dataset has %1 values and is meant for the server engine. %2',
      rows,
      routed.notice
    );
  } else if (place === 'server' && engine === 'browser' && !routed) {
    warning = trans.__(
      'This dataset has %1 values and is meant for the server engine, which this session does not use: the browser downloads all it reads (set the data services\' "engine" to "server" or "auto" on a server).',
      rows
    );
  } else if (place === 'browser' && engine === 'server') {
    warning = trans.__(
      'This dataset lives in this browser only: the server engine of this session cannot read it.'
    );
  }
  return { engine, label: engineLabel(kind), warning };
}
