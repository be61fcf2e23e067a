/**
 * The SQL that turns a source (Parquet files, a loaded table, the database file) into the `harmonised`
 * relation of the contract (`HARMONISED_RELATION` of `@odatis-vre/harmonised`), shared by every engine so
 * that DuckDB-WASM and native DuckDB show the same columns in the same types.
 */
import { HARMONISED_RELATION, REQUIRED_COLUMNS } from '@odatis-vre/harmonised';
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
