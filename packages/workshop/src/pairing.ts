/**
 * The pairing step of the NEO workshop: biology (counts per taxon) and environment (hydrology) come from
 * different services, sampled on different dates; a niche analysis needs one row per sample holding both.
 *
 * From rows of the harmonised long format (`@odatis-vre/harmonised`), `pairSamples` builds the samples × taxa
 * and samples × variables tables of ade4's `niche`:
 *
 * 1. Every row falls in exactly one bucket of the report: used as biology, used as environment, or left out
 *    with its reason (not asked for, taxon not chosen, other dataset, other station, outside the years, other
 *    unit, rejected quality flag, missing value, outside the depth layer, unknown depth).
 * 2. A **biology sample** is a station, a UTC date and a dataset: counts of the chosen parameter are summed per
 *    taxon at each depth (size classes, repeated lines) and averaged over the depths of the layer.
 * 3. The **environment** of a station on a date is the mean of each variable over the depths of the layer and
 *    replicates. A biology sample takes the hydrology of the nearest date within ±`windowDays`: with
 *    `match: 'event'` (default) one date that has every variable, with `match: 'variable'` the nearest date of
 *    each variable. On equal distance the earlier date wins. Dates are compared as UTC dates: the hour of a
 *    sample is never used, so an uncertain clock time (`time_flag`) cannot pair the wrong samples.
 * 4. A biology sample without the hydrology it needs is dropped and listed with the variables it lacked.
 * 5. Taxa are kept when they occur (count > 0) in at least `minOccurrences` paired samples.
 *
 * Stations are the `site_id` of the harmonised dataset: the converter's site register gives one id to a station
 * whatever name each service writes, so the biology of one service and the hydrology of another meet on it.
 */
import type { Table } from 'apache-arrow';
import { makeTable, type DataTable } from '@odatis-vre/niche';
import {
  HARMONISED_VIEW,
  messageText,
  translateText,
  type ColumnName,
  type MessageText
} from '@odatis-vre/harmonised';
import { WorkshopError } from './errors';

/** A quantity of the long format: a parameter code and, when it matters, the one unit to keep. */
export interface Quantity {
  parameter: string;
  /**
   * Keep only rows in this unit (others are counted as `otherUnit`). Without it, the parameter's rows must
   * all be in one unit: values in different units are never added or averaged.
   */
  unit?: string;
}

export interface DepthLayer {
  /** Metres below the surface, inclusive. */
  min: number;
  max: number;
}

export interface PairingOptions {
  /** What is counted per taxon, e.g. `{ parameter: 'cell_abundance', unit: 'cells/L' }`. */
  abundance: Quantity;
  /** Environmental variables, in column order: parameter codes or `{ parameter, unit }`. */
  environment: readonly (string | Quantity)[];
  /** Stations (`site_id`); default (or `[]`): every station in the rows. */
  sites?: readonly string[];
  /** Datasets (the `dataset` column, as the catalogue lists them); default (or `[]`): all. */
  datasets?: readonly string[];
  /** First and last year of the biology samples, inclusive; default: all. */
  years?: readonly [number, number];
  /** Largest distance in days between a biology date and the hydrology date paired with it. Default 3. */
  windowDays?: number;
  /** One hydrology date for all variables (`event`, default) or the nearest date of each (`variable`). */
  match?: 'event' | 'variable';
  /** Depth layer; default: every depth. */
  depth?: DepthLayer | null;
  /** Rows whose depth the source does not give: kept in the layer (default) or left out. */
  unknownDepth?: 'keep' | 'drop';
  /** Taxa to consider, in column order; default (or `[]`): every taxon counted. */
  taxa?: readonly string[];
  /** A taxon is kept when it occurs (count > 0) in at least this many paired samples. Default 1. */
  minOccurrences?: number;
  /** SeaDataNet L20 flags kept. Default: 0 no QC, 1 good, 2 probably good, 5 changed, 8 interpolated. */
  acceptedQuality?: readonly number[];
}

/** The columns the pairing reads; `site_name`, `latitude`, `longitude` and `time_flag` are read when present. */
export const PAIRING_COLUMNS = [
  'site_id',
  'time',
  'depth',
  'parameter',
  'taxon',
  'value',
  'unit',
  'quality',
  'dataset'
] as const satisfies readonly ColumnName[];

export const DEFAULT_ACCEPTED_QUALITY: readonly number[] = [0, 1, 2, 5, 8];
export const DEFAULT_WINDOW_DAYS = 3;

/** What became of every row read. The counts add up to `read`. */
export interface RowCounts {
  read: number;
  biology: number;
  environment: number;
  /** Neither the abundance parameter with a taxon nor an environmental parameter without one. */
  notAsked: number;
  /** Counts of taxa not chosen (`taxa`): they still make their sample a sample, with 0 of the chosen taxa. */
  otherTaxon: number;
  otherDataset: number;
  otherSite: number;
  /** Biology outside the years; hydrology farther than the window from them. */
  outsideYears: number;
  otherUnit: number;
  rejectedQuality: number;
  missingValue: number;
  outsideLayer: number;
  /** Rows without a depth, left out because `unknownDepth` is `drop`. */
  unknownDepth: number;
}

/** A biology sample that could not be paired, and why. */
export interface DroppedSample {
  siteId: string;
  date: string;
  dataset: string;
  /** The variables with no value within the window (empty when each has one, but on no common date). */
  missing: string[];
  reason: string;
}

export interface LagSummary {
  variable: string;
  /** Paired samples whose hydrology is from the same date, and from another date. */
  sameDay: number;
  otherDay: number;
  /** Largest |lag| in days, and the mean |lag|. */
  maxAbs: number;
  meanAbs: number;
}

export interface SiteSummary {
  siteId: string;
  siteName: string | null;
  latitude: number | null;
  longitude: number | null;
  biologySamples: number;
  paired: number;
  dropped: number;
  firstDate: string | null;
  lastDate: string | null;
}

export interface PairingReport {
  /** The options as applied, defaults filled in. */
  options: Required<
    Omit<PairingOptions, 'environment' | 'sites' | 'datasets' | 'years' | 'taxa' | 'depth'>
  > & {
    environment: Quantity[];
    sites: string[] | null;
    datasets: string[] | null;
    years: [number, number] | null;
    taxa: string[] | null;
    depth: DepthLayer | null;
  };
  rows: RowCounts;
  /** Used rows per `time_flag` value (rows whose clock time is not to be trusted; paired by date only). */
  timeFlags: Record<string, number>;
  biologySamples: number;
  paired: number;
  dropped: DroppedSample[];
  /** Biology samples counted at several depths of the layer (their counts are averaged over the depths). */
  multiDepthSamples: number;
  /** Station-dates with biology from more than one dataset (kept as separate samples). */
  sharedDates: number;
  lags: LagSummary[];
  taxa: {
    kept: number;
    /** Taxa below `minOccurrences`, with their number of occurrences in the paired samples. */
    rare: { taxon: string; occurrences: number }[];
    /** Taxa asked for that no row counts. */
    notFound: string[];
  };
  /** Paired samples in which none of the kept taxa occurs (kept: they are part of the environment's availability). */
  samplesWithoutKeptTaxa: number;
  sites: SiteSummary[];
  datasets: { biology: string[]; environment: string[] };
}

export interface PairedSamples {
  siteId: string[];
  siteName: (string | null)[];
  latitude: Float64Array;
  longitude: Float64Array;
  /** UTC midnight of the biology date, ms since the epoch. */
  time: Float64Array;
  /** The biology date, `YYYY-MM-DD`. */
  date: string[];
  year: number[];
  /** 1–12. */
  month: number[];
  /** Mean depth of the biology sample, NaN when unknown. */
  depth: Float64Array;
  dataset: string[];
}

/** Samples × taxa and samples × variables, ready for `environmentalPca` and `omiAnalysis`. */
export interface Pairing {
  samples: PairedSamples;
  abundance: DataTable;
  environment: DataTable;
  /** Days from each biology date to the hydrology date of each variable (negative: hydrology before). */
  lags: DataTable;
  units: { abundance: string | null; environment: (string | null)[] };
  report: PairingReport;
}

export const DAY_MS = 86_400_000;

type Cell = unknown;
interface Column {
  get(i: number): Cell;
}

function columnOf(table: Table, name: string): Column {
  const c = table.getChild(name) as Column | null;
  if (!c) {
    throw new WorkshopError(
      'missing-column',
      messageText('the rows to pair have no column "%1"', name),
      {
        table: HARMONISED_VIEW,
        column: name,
        expected: messageText('the columns %1', PAIRING_COLUMNS.join(', ')),
        found: table.schema.fields.map(f => f.name).join(', ') || messageText('no column')
      }
    );
  }
  return c;
}

function optionalColumn(table: Table, name: string): Column {
  return (table.getChild(name) as Column | null) ?? { get: () => null };
}

function text(v: Cell): string | null {
  return v === null || v === undefined || v === '' ? null : String(v);
}

function num(v: Cell): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  return Number(v);
}

/**
 * Milliseconds since the epoch of a time column, whatever its unit: a DuckDB result carries microseconds (as
 * bigint), a harmonised Arrow file milliseconds.
 */
function timeColumn(table: Table): (i: number) => number {
  const vector = columnOf(table, 'time');
  const type = table.schema.fields.find(f => f.name === 'time')?.type as
    { unit?: number; typeId?: number } | undefined;
  // Arrow TimeUnit: 0 s, 1 ms, 2 µs, 3 ns. Arrow JS returns ms numbers for timestamps it converts itself,
  // bigints in the column's unit otherwise.
  const perMs = [1 / 1000, 1, 1000, 1_000_000][type?.unit ?? 1] ?? 1;
  return i => {
    const v = vector.get(i);
    return typeof v === 'bigint' ? Number(v) / perMs : num(v);
  };
}

export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function quantityOf(q: string | Quantity | undefined, where: string): Quantity {
  const quantity = typeof q === 'string' ? { parameter: q } : q;
  if (!quantity || typeof quantity.parameter !== 'string' || quantity.parameter === '') {
    throw new WorkshopError(
      'bad-option',
      messageText('pairSamples: %1 needs a parameter code', where),
      {
        column: where,
        expected:
          where === 'abundance'
            ? messageText(
                "{ parameter: 'cell_abundance', unit: 'cells/L' } (the parameter counted per taxon)"
              )
            : messageText("a parameter code or { parameter, unit }, e.g. 'TEMP'"),
        found: JSON.stringify(q) ?? messageText('nothing')
      }
    );
  }
  return quantity;
}

function checkedOptions(options: PairingOptions): PairingReport['options'] {
  if (!options || typeof options !== 'object') {
    throw new WorkshopError('bad-option', messageText('pairSamples needs its options'), {
      expected: '{ abundance, environment, … }',
      found: String(options)
    });
  }
  const abundance = quantityOf(options.abundance, 'abundance');
  if (!Array.isArray(options.environment) || options.environment.length === 0) {
    throw new WorkshopError(
      'bad-option',
      messageText('pairSamples: give the environmental variables'),
      {
        column: 'environment',
        expected: messageText("≥ 1 parameter code, e.g. ['TEMP', 'PSAL', 'NO3']"),
        found: JSON.stringify(options.environment) ?? messageText('nothing')
      }
    );
  }
  const environment = options.environment.map((q, k) => quantityOf(q, `environment[${k}]`));
  const duplicate = environment.find(
    (q, k) => environment.findIndex(o => o.parameter === q.parameter) !== k
  );
  if (duplicate) {
    throw new WorkshopError('bad-option', messageText('pairSamples: a variable is given twice'), {
      column: 'environment',
      expected: messageText('each parameter once'),
      found: messageText('%1 twice', duplicate.parameter)
    });
  }
  const windowDays = options.windowDays ?? DEFAULT_WINDOW_DAYS;
  if (!Number.isInteger(windowDays) || windowDays < 0) {
    throw new WorkshopError(
      'bad-option',
      messageText('pairSamples: windowDays is a whole number of days'),
      {
        column: 'windowDays',
        expected: messageText('an integer ≥ 0'),
        found: String(windowDays)
      }
    );
  }
  const minOccurrences = options.minOccurrences ?? 1;
  if (!Number.isInteger(minOccurrences) || minOccurrences < 1) {
    throw new WorkshopError(
      'bad-option',
      messageText('pairSamples: minOccurrences is a count of samples'),
      {
        column: 'minOccurrences',
        expected: messageText('an integer ≥ 1'),
        found: String(minOccurrences)
      }
    );
  }
  const years = options.years ?? null;
  if (
    years &&
    (years.length !== 2 ||
      !Number.isInteger(years[0]) ||
      !Number.isInteger(years[1]) ||
      years[0] > years[1])
  ) {
    throw new WorkshopError('bad-option', messageText('pairSamples: years is [first, last]'), {
      column: 'years',
      expected: messageText('two whole years, first ≤ last, e.g. [2010, 2019]'),
      found: JSON.stringify(years)
    });
  }
  const depth = options.depth ?? null;
  if (
    depth &&
    !(Number.isFinite(depth.min) && Number.isFinite(depth.max) && depth.min <= depth.max)
  ) {
    throw new WorkshopError(
      'bad-option',
      messageText('pairSamples: the depth layer is { min, max } in metres'),
      {
        column: 'depth',
        expected: messageText('min ≤ max, e.g. { min: 0, max: 5 }'),
        found: JSON.stringify(depth)
      }
    );
  }
  const match = options.match ?? 'event';
  if (match !== 'event' && match !== 'variable') {
    throw new WorkshopError(
      'bad-option',
      messageText('pairSamples: match is "event" or "variable"'),
      {
        column: 'match',
        expected: messageText('"event" or "variable"'),
        found: JSON.stringify(match)
      }
    );
  }
  const unknownDepth = options.unknownDepth ?? 'keep';
  if (unknownDepth !== 'keep' && unknownDepth !== 'drop') {
    throw new WorkshopError(
      'bad-option',
      messageText('pairSamples: unknownDepth is "keep" or "drop"'),
      {
        column: 'unknownDepth',
        expected: messageText('"keep" or "drop"'),
        found: JSON.stringify(unknownDepth)
      }
    );
  }
  return {
    abundance,
    environment,
    sites: options.sites?.length ? [...options.sites] : null,
    datasets: options.datasets?.length ? [...options.datasets] : null,
    years: years ? [years[0], years[1]] : null,
    windowDays,
    match,
    depth: depth ? { min: depth.min, max: depth.max } : null,
    unknownDepth,
    taxa: options.taxa?.length ? [...options.taxa] : null,
    minOccurrences,
    acceptedQuality: [...(options.acceptedQuality ?? DEFAULT_ACCEPTED_QUALITY)]
  };
}

interface Mean {
  sum: number;
  n: number;
}

interface BiologySample {
  siteId: string;
  day: number;
  dataset: string;
  /** depth (NaN unknown) → taxon → summed count */
  depths: Map<number, Map<string, number>>;
}

interface SiteInfo {
  siteName: string | null;
  latitude: number;
  longitude: number;
}

/** The units found for each quantity: one each, or a `mixed-units` error naming them. */
class UnitTally {
  private readonly seen = new Map<string, Map<string | null, number>>();

  add(key: string, unit: string | null): void {
    let units = this.seen.get(key);
    if (!units) this.seen.set(key, (units = new Map()));
    units.set(unit, (units.get(unit) ?? 0) + 1);
  }

  /** The unit of the abundance (`parameter` counted per taxon) or of an environmental parameter. */
  unitOf(key: string, role: 'abundance' | 'environment', parameter: string): string | null {
    const found = [...(this.seen.get(key) ?? [])];
    if (found.length > 1) {
      const args = [parameter, found.length];
      const list = found.map(([unit, n]) =>
        unit === null ? messageText('(no unit) (%1 rows)', n) : messageText('%1 (%2 rows)', unit, n)
      );
      throw new WorkshopError(
        'mixed-units',
        role === 'abundance'
          ? messageText(
              'abundance "%1" has values in %2 units; choose one with { parameter, unit }',
              ...args
            )
          : messageText(
              'parameter "%1" has values in %2 units; choose one with { parameter, unit }',
              ...args
            ),
        {
          table: HARMONISED_VIEW,
          column: 'unit',
          expected:
            role === 'abundance'
              ? messageText('one unit for abundance "%1"', parameter)
              : messageText('one unit for parameter "%1"', parameter),
          found: messageText('%1 units: %2', found.length, list)
        }
      );
    }
    return found[0]?.[0] ?? null;
  }
}

/**
 * Why a biology sample was not paired: `missing`, the variables with no value within ±`window` days (every
 * variable, some, or none when each has one but on no common date).
 */
function droppedBecause(
  missing: readonly string[],
  variables: readonly string[],
  window: number
): MessageText {
  if (missing.length === variables.length) {
    return messageText('no hydrology within ±%1 days', window);
  }
  if (missing.length > 0) {
    return messageText('no %1 within ±%2 days', missing.join(', '), window);
  }
  return messageText('no date within ±%1 days with all of %2', window, variables.join(', '));
}

/** Index of the nearest day to `day` within ±window in a sorted array (the earlier on a tie), or -1. */
export function nearestWithin(days: readonly number[], day: number, window: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid] < day) lo = mid + 1;
    else hi = mid;
  }
  // days[lo] is the first ≥ day; days[lo - 1] the last before it.
  const after = lo < days.length ? days[lo] - day : Infinity;
  const before = lo > 0 ? day - days[lo - 1] : Infinity;
  if (Math.min(after, before) > window) return -1;
  return before <= after ? lo - 1 : lo;
}

const ABUNDANCE_KEY = '\u0000abundance';

/** Pairs biology and environment rows of the harmonised long format into the two tables of a niche analysis. */
export function pairSamples(table: Table, options: PairingOptions): Pairing {
  const opts = checkedOptions(options);
  const window = opts.windowDays;
  const variables = opts.environment.map(q => q.parameter);
  const wanted = new Map(opts.environment.map(q => [q.parameter, q]));
  const sites = opts.sites ? new Set(opts.sites) : null;
  const datasets = opts.datasets ? new Set(opts.datasets) : null;
  const accepted = new Set(opts.acceptedQuality);
  const taxaWanted = opts.taxa ? new Set(opts.taxa) : null;
  const [firstDay, lastDay] = opts.years
    ? [Date.UTC(opts.years[0], 0, 1) / DAY_MS, Date.UTC(opts.years[1] + 1, 0, 1) / DAY_MS - 1]
    : [-Infinity, Infinity];

  const site = columnOf(table, 'site_id');
  const timeOf = timeColumn(table);
  const depth = columnOf(table, 'depth');
  const parameter = columnOf(table, 'parameter');
  const taxon = columnOf(table, 'taxon');
  const value = columnOf(table, 'value');
  const unit = columnOf(table, 'unit');
  const quality = columnOf(table, 'quality');
  const dataset = columnOf(table, 'dataset');
  const siteName = optionalColumn(table, 'site_name');
  const latitude = optionalColumn(table, 'latitude');
  const longitude = optionalColumn(table, 'longitude');
  const timeFlag = optionalColumn(table, 'time_flag');

  const rows: RowCounts = {
    read: table.numRows,
    biology: 0,
    environment: 0,
    notAsked: 0,
    otherTaxon: 0,
    otherDataset: 0,
    otherSite: 0,
    outsideYears: 0,
    otherUnit: 0,
    rejectedQuality: 0,
    missingValue: 0,
    outsideLayer: 0,
    unknownDepth: 0
  };
  const timeFlags: Record<string, number> = {};
  const units = new UnitTally();
  const siteInfo = new Map<string, SiteInfo>();
  const biology = new Map<string, BiologySample>();
  /** site → variable → day → mean over depths and replicates */
  const environment = new Map<string, Map<string, Map<number, Mean>>>();
  const environmentDatasets = new Map<string, Set<string>>();
  const taxaSeen = new Set<string>();

  for (let r = 0; r < table.numRows; r++) {
    const pa = text(parameter.get(r));
    const tx = text(taxon.get(r));
    const q =
      pa === null
        ? undefined
        : tx !== null
          ? pa === opts.abundance.parameter
            ? opts.abundance
            : undefined
          : wanted.get(pa);
    if (!q) {
      rows.notAsked++;
      continue;
    }
    const ds = text(dataset.get(r)) ?? '';
    if (datasets && !datasets.has(ds)) {
      rows.otherDataset++;
      continue;
    }
    const s = text(site.get(r)) ?? '';
    if (sites && !sites.has(s)) {
      rows.otherSite++;
      continue;
    }
    const day = Math.floor(timeOf(r) / DAY_MS);
    const inYears =
      tx !== null
        ? day >= firstDay && day <= lastDay
        : day >= firstDay - window && day <= lastDay + window;
    if (!inYears) {
      rows.outsideYears++;
      continue;
    }
    const u = text(unit.get(r));
    if (q.unit !== undefined && u !== q.unit) {
      rows.otherUnit++;
      continue;
    }
    if (!accepted.has(num(quality.get(r)))) {
      rows.rejectedQuality++;
      continue;
    }
    const v = num(value.get(r));
    if (!Number.isFinite(v)) {
      rows.missingValue++;
      continue;
    }
    const d = num(depth.get(r));
    if (Number.isNaN(d)) {
      if (opts.unknownDepth === 'drop') {
        rows.unknownDepth++;
        continue;
      }
    } else if (opts.depth && (d < opts.depth.min || d > opts.depth.max)) {
      rows.outsideLayer++;
      continue;
    }
    units.add(tx !== null ? ABUNDANCE_KEY : q.parameter, u);
    const flag = text(timeFlag.get(r));
    if (flag !== null) timeFlags[flag] = (timeFlags[flag] ?? 0) + 1;
    if (!siteInfo.has(s)) {
      siteInfo.set(s, { siteName: null, latitude: NaN, longitude: NaN });
    }
    const info = siteInfo.get(s)!;
    info.siteName ??= text(siteName.get(r));
    if (Number.isNaN(info.latitude)) info.latitude = num(latitude.get(r));
    if (Number.isNaN(info.longitude)) info.longitude = num(longitude.get(r));

    if (tx !== null) {
      // A sample exists when anything was counted in it: taxa not chosen make it a sample with 0 of the chosen ones.
      const key = `${s}\u0000${day}\u0000${ds}`;
      let sample = biology.get(key);
      if (!sample) biology.set(key, (sample = { siteId: s, day, dataset: ds, depths: new Map() }));
      let counts = sample.depths.get(d);
      if (!counts) sample.depths.set(d, (counts = new Map()));
      if (taxaWanted && !taxaWanted.has(tx)) {
        rows.otherTaxon++;
        continue;
      }
      rows.biology++;
      taxaSeen.add(tx);
      counts.set(tx, (counts.get(tx) ?? 0) + v);
    } else {
      rows.environment++;
      let bySite = environment.get(s);
      if (!bySite) environment.set(s, (bySite = new Map()));
      let byDay = bySite.get(q.parameter);
      if (!byDay) bySite.set(q.parameter, (byDay = new Map()));
      const m = byDay.get(day);
      if (m) {
        m.sum += v;
        m.n++;
      } else byDay.set(day, { sum: v, n: 1 });
      const dkey = `${s}\u0000${q.parameter}\u0000${day}`;
      let dsSet = environmentDatasets.get(dkey);
      if (!dsSet) environmentDatasets.set(dkey, (dsSet = new Set()));
      dsSet.add(ds);
    }
  }

  const resultUnits = {
    abundance: units.unitOf(ABUNDANCE_KEY, 'abundance', opts.abundance.parameter),
    environment: variables.map(p => units.unitOf(p, 'environment', p))
  };

  // Hydrology dates per station and variable, sorted; and the dates that have every variable.
  const daysOf = new Map<string, Map<string, number[]>>();
  const completeDays = new Map<string, number[]>();
  for (const [s, bySite] of environment) {
    const perVariable = new Map<string, number[]>();
    for (const p of variables) {
      perVariable.set(
        p,
        [...(bySite.get(p)?.keys() ?? [])].sort((a, b) => a - b)
      );
    }
    daysOf.set(s, perVariable);
    const [first, ...rest] = variables.map(p => perVariable.get(p)!);
    const others = rest.map(days => new Set(days));
    completeDays.set(
      s,
      first.filter(day => others.every(set => set.has(day)))
    );
  }

  const samples = [...biology.values()].sort(
    (a, b) =>
      (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0) ||
      a.day - b.day ||
      (a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : 0)
  );
  const siteDates = new Map<string, number>();
  for (const smp of samples) {
    const k = `${smp.siteId}\u0000${smp.day}`;
    siteDates.set(k, (siteDates.get(k) ?? 0) + 1);
  }

  interface Paired {
    sample: BiologySample;
    envDays: number[];
    counts: Map<string, number>;
    depth: number;
  }
  const paired: Paired[] = [];
  const dropped: DroppedSample[] = [];
  let multiDepthSamples = 0;
  for (const smp of samples) {
    const perVariable = daysOf.get(smp.siteId);
    const nearestOf = (p: string): number => {
      const days = perVariable?.get(p) ?? [];
      const k = nearestWithin(days, smp.day, window);
      return k < 0 ? NaN : days[k];
    };
    let envDays: number[] | null = null;
    const missing = variables.filter(p => Number.isNaN(nearestOf(p)));
    if (opts.match === 'variable') {
      if (missing.length === 0) envDays = variables.map(nearestOf);
    } else {
      const complete = completeDays.get(smp.siteId) ?? [];
      const k = nearestWithin(complete, smp.day, window);
      if (k >= 0) envDays = variables.map(() => complete[k]);
    }
    if (!envDays) {
      dropped.push({
        siteId: smp.siteId,
        date: isoDate(smp.day),
        dataset: smp.dataset,
        missing,
        reason: translateText(droppedBecause(missing, variables, window))
      });
      continue;
    }
    // Counts averaged over the depths sampled in the layer (a taxon not seen at a depth counts 0 there).
    const counts = new Map<string, number>();
    for (const byTaxon of smp.depths.values()) {
      for (const [t, c] of byTaxon) counts.set(t, (counts.get(t) ?? 0) + c / smp.depths.size);
    }
    if (smp.depths.size > 1) multiDepthSamples++;
    const depths = [...smp.depths.keys()].filter(d => !Number.isNaN(d));
    const depthMean = depths.length ? depths.reduce((a, b) => a + b, 0) / depths.length : NaN;
    paired.push({ sample: smp, envDays, counts, depth: depthMean });
  }

  // Taxa: those asked for (in their order) or every taxon counted; kept above the occurrence threshold.
  const candidates = opts.taxa ? opts.taxa.filter(t => taxaSeen.has(t)) : [...taxaSeen].sort();
  const occurrences = new Map(candidates.map(t => [t, 0]));
  for (const p of paired) {
    for (const [t, c] of p.counts)
      if (c > 0 && occurrences.has(t)) occurrences.set(t, occurrences.get(t)! + 1);
  }
  const keptTaxa = candidates.filter(t => occurrences.get(t)! >= opts.minOccurrences);
  const rare = candidates
    .filter(t => occurrences.get(t)! < opts.minOccurrences)
    .map(t => ({ taxon: t, occurrences: occurrences.get(t)! }));

  const n = paired.length;
  if (n === 0) {
    const counted = [rows.biology, rows.environment, rows.read];
    const first = dropped[0];
    throw new WorkshopError(
      'nothing-paired',
      first
        ? messageText(
            'no biology sample could be paired with its hydrology: %1 biology samples, 0 paired, %2 dropped ' +
              '(first: %3 %4, %5); rows: %6 biology, %7 environment of %8 read',
            samples.length,
            dropped.length,
            first.siteId,
            first.date,
            droppedBecause(first.missing, variables, window),
            ...counted
          )
        : messageText(
            'no biology sample could be paired with its hydrology: 0 biology samples; ' +
              'rows: %1 biology, %2 environment of %3 read',
            ...counted
          ),
      {
        table: HARMONISED_VIEW,
        expected: messageText(
          'biology and %1 at the same stations within ±%2 days',
          variables.join(', '),
          window
        ),
        found:
          rows.biology === 0
            ? messageText('no biology row')
            : rows.environment === 0
              ? messageText('no environment row')
              : messageText('no date in common')
      }
    );
  }
  if (keptTaxa.length === 0) {
    throw new WorkshopError(
      'nothing-paired',
      messageText('no taxon occurs in %1 or more of the %2 paired samples', opts.minOccurrences, n),
      {
        table: HARMONISED_VIEW,
        column: 'taxon',
        expected: messageText(
          '≥ 1 taxon with ≥ %1 occurrences (lower minOccurrences)',
          opts.minOccurrences
        ),
        found:
          rare.length > 0
            ? messageText('at most %1 occurrences', Math.max(...rare.map(r => r.occurrences)))
            : messageText('no taxon counted')
      }
    );
  }

  const y = new Float64Array(n * keptTaxa.length);
  const x = new Float64Array(n * variables.length);
  const lag = new Float64Array(n * variables.length);
  const rowNames: string[] = [];
  const out: PairedSamples = {
    siteId: [],
    siteName: [],
    latitude: new Float64Array(n),
    longitude: new Float64Array(n),
    time: new Float64Array(n),
    date: [],
    year: [],
    month: [],
    depth: new Float64Array(n),
    dataset: []
  };
  const biologyDatasets = new Set<string>();
  const usedEnvironmentDatasets = new Set<string>();
  let samplesWithoutKeptTaxa = 0;
  paired.forEach((p, i) => {
    const { siteId, day, dataset: ds } = p.sample;
    const date = isoDate(day);
    const info = siteInfo.get(siteId)!;
    rowNames.push(
      siteDates.get(`${siteId}\u0000${day}`)! > 1 ? `${siteId}|${date}|${ds}` : `${siteId}|${date}`
    );
    out.siteId.push(siteId);
    out.siteName.push(info.siteName);
    out.latitude[i] = info.latitude;
    out.longitude[i] = info.longitude;
    out.time[i] = day * DAY_MS;
    out.date.push(date);
    out.year.push(Number(date.slice(0, 4)));
    out.month.push(Number(date.slice(5, 7)));
    out.depth[i] = p.depth;
    out.dataset.push(ds);
    biologyDatasets.add(ds);
    let total = 0;
    keptTaxa.forEach((t, j) => {
      const c = p.counts.get(t) ?? 0;
      y[j * n + i] = c;
      total += c;
    });
    if (total === 0) samplesWithoutKeptTaxa++;
    const bySite = environment.get(siteId)!;
    variables.forEach((v, j) => {
      const envDay = p.envDays[j];
      const m = bySite.get(v)!.get(envDay)!;
      x[j * n + i] = m.sum / m.n;
      lag[j * n + i] = envDay - day;
      for (const e of environmentDatasets.get(`${siteId}\u0000${v}\u0000${envDay}`) ?? []) {
        usedEnvironmentDatasets.add(e);
      }
    });
  });

  const lags: LagSummary[] = variables.map((v, j) => {
    let sameDay = 0;
    let maxAbs = 0;
    let sumAbs = 0;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(lag[j * n + i]);
      if (a === 0) sameDay++;
      maxAbs = Math.max(maxAbs, a);
      sumAbs += a;
    }
    return { variable: v, sameDay, otherDay: n - sameDay, maxAbs, meanAbs: sumAbs / n };
  });

  const siteSummaries: SiteSummary[] = [...new Set(samples.map(s => s.siteId))].sort().map(s => {
    const dates = out.date.filter((_, i) => out.siteId[i] === s);
    const info = siteInfo.get(s)!;
    return {
      siteId: s,
      siteName: info.siteName,
      latitude: Number.isNaN(info.latitude) ? null : info.latitude,
      longitude: Number.isNaN(info.longitude) ? null : info.longitude,
      biologySamples: samples.filter(smp => smp.siteId === s).length,
      paired: dates.length,
      dropped: dropped.filter(d => d.siteId === s).length,
      firstDate: dates[0] ?? null,
      lastDate: dates[dates.length - 1] ?? null
    };
  });

  return {
    samples: out,
    abundance: makeTable(y, n, keptTaxa.length, rowNames, keptTaxa),
    environment: makeTable(x, n, variables.length, rowNames, variables),
    lags: makeTable(lag, n, variables.length, rowNames, variables),
    units: resultUnits,
    report: {
      options: opts,
      rows,
      timeFlags,
      biologySamples: samples.length,
      paired: n,
      dropped,
      multiDepthSamples,
      sharedDates: [...siteDates.values()].filter(c => c > 1).length,
      lags,
      taxa: {
        kept: keptTaxa.length,
        rare,
        notFound: opts.taxa ? opts.taxa.filter(t => !taxaSeen.has(t)) : []
      },
      samplesWithoutKeptTaxa,
      sites: siteSummaries,
      datasets: {
        biology: [...biologyDatasets].sort(),
        environment: [...usedEnvironmentDatasets].sort()
      }
    }
  };
}
