/**
 * How a converted harmonised dataset lies on disk (or behind URLs):
 *   <dataset>/catalog.json          what it holds (see catalog.ts)
 *   <dataset>/report.json           what the conversion read, wrote and rejected
 *   <dataset>/observations.arrow    every row, one Arrow IPC file
 *   <dataset>/parquet/sno=<sno>/site=<site_id>/year=<yyyy>/part-0.parquet
 *   <dataset>/harmonised.duckdb     every row, one DuckDB database file (see relation.ts and `DATABASE_TABLE`),
 *                                   when written
 * Writers build paths with `partitionPath`; readers take the partition keys back with `harmonisedPartitionOf`.
 */

export const CATALOG_FILE = 'catalog.json';
export const REPORT_FILE = 'report.json';
export const ARROW_FILE = 'observations.arrow';
export const PARQUET_DIR = 'parquet';
/**
 * The whole dataset in DuckDB's own storage: relation `harmonised` in the columns and types of
 * `HARMONISED_RELATION`, rows in `DATABASE_ORDER`. Query engines attach it read-only, and DuckDB-WASM reads
 * it by HTTP range requests, only the blocks a query needs.
 */
export const DATABASE_FILE = 'harmonised.duckdb';
/**
 * The relation inside the database file that engines read, by this name in every layout: a view over
 * `DATABASE_ROWS_TABLE` and `DATABASE_SITES_TABLE` in files written since 2026-11-30 (site keys), the
 * table of every row in older files. Engines select from it either way, so both kinds of file attach.
 */
export const DATABASE_TABLE = 'harmonised';
/**
 * Every row, with the site columns (`DATABASE_SITE_COLUMNS`) replaced by an integer `DATABASE_SITE_KEY`.
 * Why: DuckDB keeps only the first 8 bytes of a text column's min/max per row group, so `site_id =
 * 'coasthf-07'` cannot skip the row groups of `coasthf-01`…; an integer key's min/max are exact. A filter
 * on `site_id` selects keys in the small sites table, and DuckDB pushes the keys' min/max from that side of
 * the join into the scan of this table, which then skips other sites' row groups unread.
 */
export const DATABASE_ROWS_TABLE = 'harmonised_rows';
/** One row per site: `DATABASE_SITE_KEY` and the site columns, keys in the order of the site columns. */
export const DATABASE_SITES_TABLE = 'harmonised_sites';
export const DATABASE_SITE_KEY = 'site_key';
/**
 * The rows table's index: one row per site key, parameter and year with the first and last `rowid` of
 * `DATABASE_ROWS_TABLE` holding them (columns `first_row`, `last_row`) and their count (`rows`). Rows are
 * stored in `DATABASE_ORDER`, so each range is tight; a query that adds `rowid BETWEEN first_row AND
 * last_row` to its own filters answers the same and skips every row group outside the range from the row
 * groups' row counts alone.
 */
export const DATABASE_RANGES_TABLE = 'harmonised_ranges';
/** Columns of the relation kept once per site in `DATABASE_SITES_TABLE`. */
export const DATABASE_SITE_COLUMNS = ['site_id', 'site'] as const;

/** Name of the view (or table) a query engine gives the attached dataset by default. */
export const HARMONISED_VIEW = 'harmonised';

/** Hive partition keys of a harmonised dataset, outermost first. */
export const HARMONISED_PARTITIONS = ['sno', 'site', 'year'] as const;

/** DuckDB types of the partition columns (so `site` stays text even when a site id looks like a number). */
export const HARMONISED_PARTITION_TYPES: Readonly<
  Record<(typeof HARMONISED_PARTITIONS)[number], string>
> = { sno: 'VARCHAR', site: 'VARCHAR', year: 'INTEGER' };

export interface HarmonisedPartition {
  sno: string;
  site: string;
  year: number;
}

/** A partition value as one safe path segment: no separators, no `=`, `%`, spaces or reserved characters. */
export function partitionSegment(value: string): string {
  return value.replace(/[\\/=%:*?"<>|\s]+/g, '_') || '_';
}

/** Path of a partition's Parquet file, relative to the dataset folder, with forward slashes. */
export function partitionPath(p: HarmonisedPartition): string {
  return (
    `${PARQUET_DIR}/sno=${partitionSegment(p.sno)}/site=${partitionSegment(p.site)}` +
    `/year=${p.year}/part-0.parquet`
  );
}

/**
 * Read `sno=/site=/year=` from a file URL or path. Returns an error value naming the file and what is
 * missing rather than guessing.
 */
export function harmonisedPartitionOf(file: string): HarmonisedPartition | { error: string } {
  const found: Record<string, string> = {};
  for (const segment of file.split(/[?#]/)[0].split('/')) {
    const eq = segment.indexOf('=');
    if (eq > 0) {
      found[segment.slice(0, eq)] = decodeURIComponent(segment.slice(eq + 1));
    }
  }
  const missing = HARMONISED_PARTITIONS.filter(k => found[k] === undefined);
  if (missing.length > 0) {
    return {
      error: `${file}: expected a path with sno=<SNO>/site=<SITE>/year=<YYYY>/, found no ${missing.join(', ')}=`
    };
  }
  const year = Number(found.year);
  if (!Number.isInteger(year)) {
    return { error: `${file}: expected year=<integer>, found year=${found.year}` };
  }
  return { sno: found.sno, site: found.site, year };
}
