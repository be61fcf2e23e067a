/**
 * The SQL that selects, from a harmonised dataset, the rows a pairing needs: the chosen stations, datasets and
 * parameters, over the chosen years widened by the pairing window (hydrology a few days before the first
 * biology date, or after the last, may pair with it). The engine does the selection; `pairSamples` does the rest.
 */
import { HARMONISED_VIEW } from '@odatis-vre/harmonised';
import { DAY_MS, DEFAULT_WINDOW_DAYS, PAIRING_COLUMNS, type PairingOptions } from './pairing';

export interface PairingQueryOptions {
  /**
   * What to read: the name of an attached relation (`harmonised`, the shared data) or the path of a harmonised
   * `.parquet` / `.arrow` file (e.g. `shared/synthetic/harmonised/observations.arrow`).
   */
  source?: string;
  /** Columns of the dataset (the catalogue's `columns`): `time_flag` is selected when the dataset has it. */
  columns?: readonly string[];
}

const OPTIONAL_COLUMNS = ['site_name', 'latitude', 'longitude', 'time_flag'];

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function list(values: readonly string[]): string {
  return values.map(literal).join(', ');
}

/** A relation name as is; anything with a dot or a slash (a file) as a quoted path, which the kernel loads. */
export function sourceClause(source: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(source) ? source : literal(source);
}

export function pairingQuery(options: PairingOptions, query: PairingQueryOptions = {}): string {
  const source = query.source ?? HARMONISED_VIEW;
  const optional = OPTIONAL_COLUMNS.filter(c => !query.columns || query.columns.includes(c));
  const columns = [...PAIRING_COLUMNS, ...optional].join(', ');
  const environment = options.environment.map(q => (typeof q === 'string' ? q : q.parameter));
  const where = [
    `((taxon IS NOT NULL AND parameter = ${literal(options.abundance.parameter)})` +
      ` OR (taxon IS NULL AND parameter IN (${list(environment)})))`
  ];
  if (options.sites?.length) where.push(`site_id IN (${list(options.sites)})`);
  if (options.datasets?.length) where.push(`dataset IN (${list(options.datasets)})`);
  if (options.years) {
    const window = (options.windowDays ?? DEFAULT_WINDOW_DAYS) * DAY_MS;
    const from = Date.UTC(options.years[0], 0, 1) - window;
    const to = Date.UTC(options.years[1] + 1, 0, 1) + window;
    where.push(`epoch_ms(time) >= ${from} AND epoch_ms(time) < ${to}`);
  }
  return `SELECT ${columns}\nFROM ${sourceClause(source)}\nWHERE ${where.join('\n  AND ')}`;
}
