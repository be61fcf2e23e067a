/**
 * catalog.json: what a converted dataset holds, read offline by the data browser, the SQL workspace and
 * the analysis templates without opening any Parquet file. Written by `@odatis-vre/sno` (`buildCatalog`).
 */

export const CATALOG_VERSION = 1;

export interface TimeSpan {
  /** ISO 8601 UTC instants. */
  start: string;
  end: string;
}

export interface CatalogSourceFile {
  name: string;
  sha256: string;
  bytes: number;
  format: string;
  rowsRead: number;
  valuesWritten: number;
  valuesRejected: number;
  /** The column mapping a CSV was read through, as given (absent for formats read as published). */
  mapping?: Record<string, unknown>;
}

export interface DatasetInput {
  id: string;
  sno: string;
  title: string;
  doi: string | null;
  licence: string | null;
  citation: string | null;
  sourceFiles: CatalogSourceFile[];
}

/**
 * Where a dataset can be queried: `browser` (DuckDB-WASM in the page, which downloads what it reads),
 * `server` (DuckDB next to the data: too large for a browser tab), or `both`.
 */
export type QueryPlace = 'browser' | 'server' | 'both';

/** From this many rows, a dataset is queried on the server by default (the `auto` engine choice too). */
export const SERVER_MIN_ROWS = 5_000_000;

/** Where the converter says a dataset of `rowCount` rows can be queried. */
export function defaultQueryPlace(rowCount: number, serverMinRows = SERVER_MIN_ROWS): QueryPlace {
  return rowCount >= serverMinRows ? 'server' : 'both';
}

/**
 * Where a dataset of a catalogue can be queried: as the catalogue says, or, for a catalogue written
 * before the field existed, from its row count.
 */
export function queryPlaceOf(dataset: Pick<CatalogDataset, 'rowCount' | 'queryPlace'>): QueryPlace {
  return dataset.queryPlace ?? defaultQueryPlace(dataset.rowCount);
}

/** A dataset as the catalogue lists it: what the converter says of it, and what its rows hold. */
export interface CatalogDataset extends DatasetInput {
  rowCount: number;
  timeSpan: TimeSpan | null;
  sites: string[];
  /** Where it can be queried (see `queryPlaceOf`; absent in catalogues written before it existed). */
  queryPlace?: QueryPlace;
}

export interface CatalogSite {
  siteId: string;
  siteName: string | null;
  sno: string[];
  latitude: number | null;
  longitude: number | null;
  rowCount: number;
  timeSpan: TimeSpan | null;
}

export interface CatalogParameter {
  parameter: string;
  label: string | null;
  p01: string | null;
  p02: string | null;
  units: string[];
  rowCount: number;
  timeSpan: TimeSpan | null;
  sites: string[];
}

export interface CatalogTaxon {
  taxon: string;
  aphiaId: number | null;
  units: string[];
  rowCount: number;
  timeSpan: TimeSpan | null;
  sites: string[];
}

export interface CatalogDataFile {
  /** Path relative to the catalogue, with forward slashes (see `partitionPath`). */
  path: string;
  sno: string;
  siteId: string;
  year: number;
  rowCount: number;
}

export interface Catalog {
  catalogVersion: typeof CATALOG_VERSION;
  schemaVersion: string;
  generated: string;
  /** Columns of the harmonised schema, in order (the first 18 are the frozen contract). */
  columns: readonly string[];
  rowCount: number;
  timeSpan: TimeSpan | null;
  datasets: CatalogDataset[];
  sites: CatalogSite[];
  parameters: CatalogParameter[];
  taxa: CatalogTaxon[];
  /** Hive-partitioned Parquet files (sno=/site=/year=). */
  parquetFiles: CatalogDataFile[];
  /** The whole dataset as one Arrow IPC file, when written. */
  arrowFile: string | null;
  /** The whole dataset as one DuckDB database file (`DATABASE_FILE`), when written; older catalogues lack it. */
  databaseFile?: string | null;
}
