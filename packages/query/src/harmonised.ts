/**
 * The storage layout of the harmonised dataset as the query layer sees it: hive partitions
 * `sno=/site=/year=`. The columns themselves are defined once, in `@odatis-vre/sno`; the query layer does not
 * repeat them (DuckDB reads them from the Parquet files).
 */

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
