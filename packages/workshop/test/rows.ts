/**
 * Small harmonised tables written for the tests, in the real Arrow schema of `@odatis-vre/sno`.
 */
import { Table, tableFromArrays } from 'apache-arrow';
import type { Observation } from '@odatis-vre/harmonised';
import { ObservationColumns } from '@odatis-vre/sno';

export const DAY = 86_400_000;
/** 2020-01-01, a day number as the pairing counts them. */
export const Y2020 = Date.UTC(2020, 0, 1) / DAY;

export interface TestRow {
  site?: string;
  /** Day number (UTC), plus an hour if given. */
  day: number;
  hour?: number;
  depth?: number | null;
  parameter: string;
  taxon?: string | null;
  value: number;
  unit?: string | null;
  quality?: number;
  dataset?: string;
  latitude?: number;
  timeFlag?: string | null;
}

export const BIOLOGY = 'PHYTO-test';
export const HYDRO = 'HYDRO-test';

/** A harmonised table of these rows; counts are cells/L of `cell_abundance`, hydrology in their usual units. */
export function harmonisedTable(rows: TestRow[], options: { timeFlag?: boolean } = {}): Table {
  const cols = new ObservationColumns();
  const units: Record<string, string> = {
    TEMP: 'degC',
    PSAL: 'PSU',
    NO3: 'umol/L',
    cell_abundance: 'cells/L'
  };
  rows.forEach((r, k) => {
    const site = r.site ?? 'site-a';
    const o: Partial<Observation> = {
      sno: r.taxon ? 'BIO' : 'HYD',
      site_id: site,
      site_name: `Station ${site}`,
      latitude: r.latitude ?? (site === 'site-b' ? 44 : 50),
      longitude: -1,
      time: r.day * DAY + (r.hour ?? 10) * 3_600_000,
      depth: r.depth === undefined ? 1 : r.depth,
      parameter: r.parameter,
      taxon: r.taxon ?? null,
      value: r.value,
      unit: r.unit === undefined ? (units[r.parameter] ?? null) : r.unit,
      quality: r.quality ?? 1,
      source_file: 'test.csv',
      source_row: k + 2,
      dataset: r.dataset ?? (r.taxon ? BIOLOGY : HYDRO)
    };
    cols.pushParts(o);
  });
  const table = cols.toTable();
  if (!options.timeFlag) return table;
  return table.assign(
    tableFromArrays({ time_flag: rows.map(r => r.timeFlag ?? null) as unknown as string[] })
  );
}

export function count(
  day: number,
  taxon: string,
  value: number,
  extra: Partial<TestRow> = {}
): TestRow {
  return { day, parameter: 'cell_abundance', taxon, value, ...extra };
}

export function hydro(
  day: number,
  values: Record<string, number>,
  extra: Partial<TestRow> = {}
): TestRow[] {
  return Object.entries(values).map(([parameter, value]) => ({ day, parameter, value, ...extra }));
}
