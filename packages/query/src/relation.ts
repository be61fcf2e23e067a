/**
 * The SQL that turns a source (Parquet files, a loaded table, the database file) into the `harmonised`
 * relation of the contract (`HARMONISED_RELATION` of `@odatis-vre/harmonised`), shared by every engine so
 * that DuckDB-WASM and native DuckDB show the same columns in the same types.
 */
import {
  DATABASE_ORDER,
  DATABASE_RANGES_TABLE,
  DATABASE_ROWS_TABLE,
  DATABASE_SITE_COLUMNS,
  DATABASE_SITE_KEY,
  DATABASE_SITES_TABLE,
  DATABASE_TABLE,
  HARMONISED_RELATION,
  REQUIRED_COLUMNS
} from '@odatis-vre/harmonised';
import { quoteIdentifier, quoteLiteral } from './engine';
import { QueryError } from './errors';

/** How an engine turns a `TIMESTAMP WITH TIME ZONE` expression into a UTC `TIMESTAMP`. */
export type UtcTimestamp = (expression: string) => string;

/** Native DuckDB has ICU: the session time zone must not leak into the cast. */
export const utcWithIcu: UtcTimestamp = e => `timezone('UTC', ${e})`;
/** DuckDB-WASM has no ICU: a cast keeps the instant as UTC. */
export const utcWithoutIcu: UtcTimestamp = e => `${e}::TIMESTAMP`;

/**
 * The select list of the harmonised relation over a source with these columns (name → DuckDB type).
 * Columns the source lacks (an older schema) are null; a missing required column is an error naming it.
 * `constants` gives values for columns known from elsewhere (a partition's `site` and `year`).
 */
export function harmonisedSelectList(
  source: ReadonlyMap<string, string>,
  utc: UtcTimestamp,
  what: string,
  constants: Readonly<Record<string, string | number>> = {}
): string {
  const missing = [...REQUIRED_COLUMNS].filter(c => !source.has(c) && !(c in constants));
  if (missing.length > 0) {
    throw new QueryError(
      `${what}: expected the harmonised columns ${missing.join(', ')}, found only ${[...source.keys()].join(', ')}`
    );
  }
  return HARMONISED_RELATION.map(({ name, type }) => {
    const id = quoteIdentifier(name);
    const found = source.get(name);
    if (found === undefined && name in constants) {
      const value = constants[name];
      return `${typeof value === 'number' ? value : quoteLiteral(value)}::${type} AS ${id}`;
    }
    if (found === undefined) {
      return `NULL::${type} AS ${id}`;
    }
    if (found === type) {
      return id;
    }
    if (type === 'TIMESTAMP' && found === 'TIMESTAMP WITH TIME ZONE') {
      return `${utc(id)} AS ${id}`;
    }
    return `${id}::${type} AS ${id}`;
  }).join(', ');
}

const isSiteColumn = (name: string): boolean =>
  (DATABASE_SITE_COLUMNS as readonly string[]).includes(name);

/**
 * Row order of `DATABASE_ROWS_TABLE`: `DATABASE_ORDER` with the site key in place of `site_id` (keys are
 * numbered in the order of the site columns, so both orders are the same).
 */
export const DATABASE_ROWS_ORDER: readonly string[] = DATABASE_ORDER.map(c =>
  isSiteColumn(c) ? DATABASE_SITE_KEY : c
);

/**
 * The statements that write harmonised rows into the attached, empty database `target` in the file's
 * layout (see `DATABASE_TABLE` in `@odatis-vre/harmonised`): the sites table, every row with its site key in
 * `DATABASE_ROWS_ORDER`, its index `DATABASE_RANGES_TABLE` (rowid range per site key, parameter and year), and the view `DATABASE_TABLE` that joins them back into the relation's columns.
 * `rows` is a SELECT yielding the relation's columns (see `harmonisedSelectList`), read twice; `ordered`:
 * it already yields them in `DATABASE_ORDER`, so they are not sorted again (keys keep that order).
 * The view names its tables without the database, so it reads them in whatever name the file is attached.
 */
export function harmonisedDatabaseSql(target: string, rows: string, ordered = false): string[] {
  const inTarget = (name: string): string => `${target}.${quoteIdentifier(name)}`;
  const key = quoteIdentifier(DATABASE_SITE_KEY);
  const siteColumns = DATABASE_SITE_COLUMNS.map(quoteIdentifier);
  const rowColumns = HARMONISED_RELATION.filter(c => !isSiteColumn(c.name)).map(c =>
    quoteIdentifier(c.name)
  );
  const sameSite = siteColumns.map(c => `r.${c} IS NOT DISTINCT FROM s.${c}`).join(' AND ');
  const order = DATABASE_ROWS_ORDER.map(c =>
    c === DATABASE_SITE_KEY ? `s.${key}` : `r.${quoteIdentifier(c)}`
  );
  const relation = HARMONISED_RELATION.map(
    c => `${isSiteColumn(c.name) ? 's' : 'r'}.${quoteIdentifier(c.name)}`
  );
  return [
    `CREATE TABLE ${inTarget(DATABASE_SITES_TABLE)} AS
       SELECT (row_number() OVER (ORDER BY ${siteColumns.join(', ')}))::INTEGER AS ${key}, ${siteColumns.join(', ')}
       FROM (SELECT DISTINCT ${siteColumns.join(', ')} FROM (${rows}))`,
    `CREATE TABLE ${inTarget(DATABASE_ROWS_TABLE)} AS
       SELECT ${rowColumns.map(c => `r.${c}`).join(', ')}, s.${key}
       FROM (${rows}) r JOIN ${inTarget(DATABASE_SITES_TABLE)} s ON ${sameSite}` +
      (ordered ? '' : ` ORDER BY ${order.join(', ')}`),
    harmonisedRangesSql(target),
    `CREATE VIEW ${inTarget(DATABASE_TABLE)} AS
       SELECT ${relation.join(', ')}
       FROM ${quoteIdentifier(DATABASE_ROWS_TABLE)} r JOIN ${quoteIdentifier(DATABASE_SITES_TABLE)} s ON r.${key} = s.${key}`
  ];
}

/**
 * The statement that writes the index `DATABASE_RANGES_TABLE` of the rows table in the attached database
 * `target` (one row per site key, parameter and year: first and last rowid, rows), from the rows as stored.
 */
export function harmonisedRangesSql(target: string): string {
  const inTarget = (name: string): string => `${target}.${quoteIdentifier(name)}`;
  const key = quoteIdentifier(DATABASE_SITE_KEY);
  return `CREATE TABLE ${inTarget(DATABASE_RANGES_TABLE)} AS
       SELECT ${key}, parameter, year, min(rowid) AS first_row, max(rowid) AS last_row, count(*) AS rows
       FROM ${inTarget(DATABASE_ROWS_TABLE)} GROUP BY ALL ORDER BY ALL`;
}

/**
 * What to count for the number of rows of the harmonised dataset attached as database `alias` (its name,
 * unquoted) and shown as `view`: `DATABASE_ROWS_TABLE` when the file has one (`hasRowsTable`, see
 * `rowsTableCheckSql`), because counting the view would read every row's site key for the join; else the
 * view (older files, Parquet).
 */
export function harmonisedCountSql(alias: string, view: string, hasRowsTable: boolean): string {
  const from = hasRowsTable
    ? `${quoteIdentifier(alias)}.${quoteIdentifier(DATABASE_ROWS_TABLE)}`
    : quoteIdentifier(view);
  return `SELECT count(*)::DOUBLE FROM ${from}`;
}

/** SQL answering 1 when the attached database `alias` (unquoted) has `DATABASE_ROWS_TABLE`, else 0. */
export function rowsTableCheckSql(alias: string): string {
  return (
    `SELECT count(*)::DOUBLE FROM duckdb_tables() WHERE database_name = ${quoteLiteral(alias)} ` +
    `AND schema_name = 'main' AND table_name = ${quoteLiteral(DATABASE_ROWS_TABLE)}`
  );
}
