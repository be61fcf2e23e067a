/**
 * The harmonised dataset as a query engine shows it: one relation, `harmonised`, with every column of the
 * schema in order and then the partition columns `site` and `year`, in these DuckDB types. DuckDB-WASM and
 * native DuckDB show exactly these columns, whether they read the DuckDB database file or the Parquet
 * partitions, so a query means the same thing in the browser and in node.
 */
import { COLUMNS, COLUMN_KINDS, type ColumnKind, type ColumnName } from './columns';
import { HARMONISED_PARTITION_TYPES, HARMONISED_PARTITIONS } from './layout';
import type { Catalog } from './catalog';

/**
 * DuckDB type of each column kind. `timestamp` is `TIMESTAMP` holding UTC, not `TIMESTAMP WITH TIME ZONE`:
 * DuckDB-WASM has no ICU (its ICU extension would come from a CDN), so `month(time)` or `time::DATE` on a
 * time-zone-aware column fails or stops the engine there; a UTC `TIMESTAMP` behaves the same in both engines.
 */
export const DUCKDB_TYPES: Readonly<Record<ColumnKind, string>> = {
  text: 'VARCHAR',
  float64: 'DOUBLE',
  int32: 'INTEGER',
  timestamp: 'TIMESTAMP'
};

export interface RelationColumn {
  name: ColumnName | (typeof HARMONISED_PARTITIONS)[number];
  /** DuckDB type name, as `duckdb_columns()` reports it. */
  type: string;
}

/** Columns of the `harmonised` relation, in order: the schema's, then `site` and `year` from the layout. */
export const HARMONISED_RELATION: readonly RelationColumn[] = [
  ...COLUMNS.map(name => ({ name, type: DUCKDB_TYPES[COLUMN_KINDS[name]] })),
  ...HARMONISED_PARTITIONS.filter(key => !(COLUMNS as string[]).includes(key)).map(key => ({
    name: key,
    type: HARMONISED_PARTITION_TYPES[key]
  }))
];

/**
 * Row order of the database file: one station, one parameter and one time window each fall in a few
 * DuckDB row groups (122 880 rows), whose min/max let a query skip the others without reading them.
 */
export const DATABASE_ORDER: readonly ColumnName[] = ['sno', 'site_id', 'parameter', 'time'];

/** What a query engine needs to attach a converted dataset: its Parquet files and database file, as URLs or paths. */
export interface HarmonisedLocations {
  /** Every Parquet partition, in catalogue order. */
  files: string[];
  /** The DuckDB database file, or null when the dataset has none. */
  database: string | null;
}

/**
 * Where a converted dataset's files are, from its catalogue and the URL (or path, with `/`) of its folder,
 * for `QueryEngine.attachHarmonised`. Catalogue paths are relative, with forward slashes.
 */
export function harmonisedLocations(catalog: Catalog, folder: string): HarmonisedLocations {
  const base = folder.endsWith('/') ? folder : `${folder}/`;
  const at = (rel: string): string => base + rel;
  return {
    files: catalog.parquetFiles.map(f => at(f.path)),
    database: catalog.databaseFile ? at(catalog.databaseFile) : null
  };
}
