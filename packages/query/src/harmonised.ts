/**
 * The harmonised long format as the query layer sees it.
 *
 * The schema itself belongs to `@odatis-vre/sno` (not merged yet); until then this list mirrors it so that
 * the benchmark and the tests build tables of the right shape. When `@odatis-vre/sno` lands, import its
 * definition here instead of keeping this copy.
 */

/** Column name → DuckDB type, in schema order. Dictionary strings map to VARCHAR (ENUM in generated data). */
export const HARMONISED_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['sno', 'VARCHAR'],
  ['site_id', 'VARCHAR'],
  ['site_name', 'VARCHAR'],
  ['latitude', 'DOUBLE'],
  ['longitude', 'DOUBLE'],
  ['time', 'TIMESTAMP_MS'],
  ['depth', 'DOUBLE'],
  ['parameter', 'VARCHAR'],
  ['p01', 'VARCHAR'],
  ['p02', 'VARCHAR'],
  ['taxon', 'VARCHAR'],
  ['aphia_id', 'INTEGER'],
  ['value', 'DOUBLE'],
  ['unit', 'VARCHAR'],
  ['quality', 'UTINYINT'],
  ['source_flag', 'VARCHAR'],
  ['source_file', 'VARCHAR'],
  ['source_row', 'INTEGER']
];

/** Hive partition keys of a harmonised dataset, outermost first. */
export const HARMONISED_PARTITIONS = ['sno', 'site', 'year'] as const;

export interface HarmonisedPartition {
  sno: string;
  site: string;
  year: number;
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
