/**
 * Which engine answers a query on one dataset of the catalogue, and whether that is where the dataset is
 * meant to be queried (its `queryPlace`): the data browser's dataset view and "Open in SQL workspace" say it.
 */
import {
  englishMessages,
  queryPlaceOf,
  type CatalogDataset,
  type Messages
} from '@odatis-vre/harmonised';
import { engineLabel, type EngineKind } from '@odatis-vre/query';

export interface DatasetEngine {
  /** The engine that will answer: the session's. */
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
  session: EngineKind,
  /** The warnings' language: the extension's `translator.load('odatis_vre')`; default English. */
  trans: Messages = englishMessages
): DatasetEngine {
  const place = queryPlaceOf(dataset);
  const engine = session.startsWith('duckdb-wasm') ? 'browser' : 'server';
  const rows = dataset.rowCount.toLocaleString('en');
  let warning: string | null = null;
  if (dataset.remote && engine === 'server') {
    warning = trans.__(
      'This dataset is read from the network, which the server engine does not reach (no network access from SQL): add it to your data first, then query it there.'
    );
  } else if (place === 'server' && engine === 'browser') {
    warning = trans.__(
      'This dataset has %1 values and is meant for the server engine, which this session does not use: the browser downloads all it reads (set the data services\' "engine" to "server" or "auto" on a server).',
      rows
    );
  } else if (place === 'browser' && engine === 'server') {
    warning = trans.__(
      'This dataset lives in this browser only: the server engine of this session cannot read it.'
    );
  }
  return { engine, label: engineLabel(session), warning };
}
