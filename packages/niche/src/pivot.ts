import {
  HARMONISED_VIEW,
  messageText,
  type ColumnName,
  type MessageText
} from '@odatis-vre/harmonised';
import type { Table } from 'apache-arrow';
import { NicheInputError } from './errors';
import { DataTable, makeTable } from './table';

/**
 * Columns of the harmonised long format (`@odatis-vre/harmonised`) that the pivot needs; it also reads
 * `time_flag` when the table has it. Other columns are carried in the source table and ignored here.
 */
export const PIVOT_COLUMNS = [
  'site_id',
  'time',
  'depth',
  'parameter',
  'taxon',
  'value',
  'quality',
  'unit'
] as const satisfies readonly ColumnName[];

/** A quantity of the long format: a parameter code, and the unit its values must be in. */
export interface PivotQuantity {
  parameter: string;
  /**
   * The unit to keep (rows of the parameter in other units are left out and counted). Without it,
   * the parameter's rows must all be in one unit: the pivot refuses to add or average across units.
   */
  unit?: string;
}

export interface PivotOptions {
  /**
   * What is counted per taxon, e.g. `{ parameter: 'cell_abundance', unit: 'cells/L' }`. Rows of other
   * parameters (a cytometry scatter signal, a biomass) never enter the counts, even when they carry a taxon.
   */
  abundance: PivotQuantity;
  /**
   * The environmental variables, in column order: a parameter code or `{ parameter, unit }`. Only these
   * become columns of the environment (and only rows without a taxon).
   */
  environment: readonly (string | PivotQuantity)[];
  /** SeaDataNet L20 flags kept. Default: 0 no QC, 1 good, 2 probably good, 5 changed, 8 interpolated. */
  acceptedQuality?: readonly number[];
  /** Taxa to keep, in this column order. Default: all, sorted. */
  taxa?: readonly string[];
  /**
   * Keep samples that have every environmental parameter but no taxon row, with all counts 0 (surveys where
   * a sample with nothing found reports no taxon line). Default false: such samples are dropped and counted.
   */
  keepSamplesWithoutTaxa?: boolean;
  /**
   * How rows pair into samples: by `instant` (site, time, depth; the default) or by `day` (site, UTC date,
   * depth), as when counts and hydrology of one station come from two services. By instant, rows whose
   * `time_flag` says their hour is not to be trusted are left out and counted: no sample is ever paired
   * by an uncertain hour.
   */
  pairBy?: 'instant' | 'day';
}

/** Samples × species and samples × variables tables ready for {@link environmentalPca} and {@link omiAnalysis}. */
export interface NicheInput {
  /** One entry per sample (row of both tables), sorted by site, time, depth. */
  samples: { siteId: string[]; time: Float64Array; depth: Float64Array };
  /** Summed counts; 0 where a taxon was not reported in a sample. Row names are `site_id|ISO time|depth`. */
  abundance: DataTable;
  /** Mean of the accepted values of each parameter in each sample. */
  environment: DataTable;
  /** The unit of each quantity: `abundance`, then each environmental parameter. */
  units: { abundance: string | null; environment: (string | null)[] };
  /** What the pivot left out, so nothing disappears silently. */
  dropped: {
    /** Rows with a quality flag outside `acceptedQuality`. */
    rejectedQuality: number;
    /** Rows with a missing or non-finite value. */
    missingValue: number;
    /** Rows of a requested parameter in another unit than the one asked for. */
    otherUnit: number;
    /** Rows left out because their hour is uncertain (`time_flag`) and samples pair by instant. */
    uncertainTime: number;
    /** Samples with taxa but lacking one of the environmental parameters. */
    samplesMissingEnvironment: number;
    /** Samples with environment but no taxon row (no community sampled). */
    samplesWithoutTaxa: number;
    /** Taxa whose kept counts are all 0. */
    absentTaxa: string[];
  };
}

type Cell = string | number | bigint | Date | null | undefined;

function columnOf(table: Table, name: ColumnName): { get(i: number): Cell } {
  const v = table.getChild(name);
  if (!v) {
    throw new NicheInputError('shape', messageText('harmonised table has no column "%1"', name), {
      table: HARMONISED_VIEW,
      column: name,
      expected: PIVOT_COLUMNS.join(', '),
      found: table.schema.fields.map(f => f.name).join(', ')
    });
  }
  return v as unknown as { get(i: number): Cell };
}

function num(v: Cell): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  return Number(v);
}

function text(v: Cell): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v);
  return s === '' ? null : s;
}

/**
 * Pivots the harmonised long format into the two wide tables of a niche analysis.
 *
 * - Counts are the rows with a taxon and the `abundance` parameter, summed per (sample, taxon); the
 *   environment is the rows without a taxon of the `environment` parameters, averaged per (sample, parameter).
 *   Every other row is not asked for and is not read.
 * - Each quantity is in one unit: the one asked for (other units left out and counted), or the only one
 *   present; a parameter found in several units without a choice is an error, never a sum across units.
 * - A sample is (site_id, time, depth), or (site_id, UTC date, depth) with `pairBy: 'day'`; a missing depth is
 *   its own key value. Rows whose hour is uncertain (`time_flag`) never pair by instant.
 * - Rows with a missing value or a rejected quality flag are skipped (and counted in `dropped`).
 * - A sample is kept when it has at least one taxon row (or `keepSamplesWithoutTaxa`) and every
 *   environmental parameter; absent taxa in a kept sample count 0. Taxa left with no positive count are removed
 *   (listed in `dropped.absentTaxa`).
 */
export function pivotHarmonised(table: Table, options: PivotOptions): NicheInput {
  const abundance = checkedQuantity(table, options?.abundance, 'abundance');
  if (!Array.isArray(options.environment)) {
    throw new NicheInputError(
      'bad-argument',
      messageText(
        "pivotHarmonised: give the environmental parameters (environment: ['TEMP', 'PSAL'] or { parameter, unit }); %1",
        tableHolds(table, 'environment')
      ),
      {
        column: 'environment',
        expected: messageText(
          "a list of parameter codes or { parameter, unit }, e.g. ['TEMP', 'PSAL']"
        ),
        found: String(options.environment)
      }
    );
  }
  const environment = options.environment.map((q, k) =>
    checkedQuantity(table, typeof q === 'string' ? { parameter: q } : q, `environment[${k}]`)
  );
  const variables = environment.map(q => q.parameter);
  const accepted = new Set(options.acceptedQuality ?? [0, 1, 2, 5, 8]);
  const byDay = options.pairBy === 'day';
  const site = columnOf(table, 'site_id');
  const time = columnOf(table, 'time');
  const depth = columnOf(table, 'depth');
  const parameter = columnOf(table, 'parameter');
  const taxon = columnOf(table, 'taxon');
  const value = columnOf(table, 'value');
  const quality = columnOf(table, 'quality');
  const unit = columnOf(table, 'unit');
  // Tables written before the flag existed have no time_flag column: their hours are taken as written.
  const timeFlag = table.getChild('time_flag') as { get(i: number): Cell } | null;
  const wantTaxa = options.taxa ? new Set(options.taxa) : null;
  const wanted = new Map<string, PivotQuantity>(environment.map(q => [q.parameter, q]));
  const units = new Map<string, Map<string | null, number>>();

  interface Sample {
    site: string;
    time: number;
    depth: number;
    counts: Map<string, number>;
    env: Map<string, { sum: number; n: number }>;
  }
  const samples = new Map<string, Sample>();
  const taxaSeen = new Set<string>();
  const dropped = { rejectedQuality: 0, missingValue: 0, otherUnit: 0, uncertainTime: 0 };
  for (let r = 0; r < table.numRows; r++) {
    const tx = text(taxon.get(r));
    const pa = text(parameter.get(r));
    if (pa === null) continue;
    const q = tx !== null ? (pa === abundance.parameter ? abundance : null) : wanted.get(pa);
    if (!q || (tx !== null && wantTaxa !== null && !wantTaxa.has(tx))) continue;
    const u = text(unit.get(r));
    if (q.unit !== undefined && u !== q.unit) {
      dropped.otherUnit++;
      continue;
    }
    if (!accepted.has(num(quality.get(r)))) {
      dropped.rejectedQuality++;
      continue;
    }
    const v = num(value.get(r));
    if (!Number.isFinite(v)) {
      dropped.missingValue++;
      continue;
    }
    if (!byDay && timeFlag && text(timeFlag.get(r)) !== null) {
      dropped.uncertainTime++;
      continue;
    }
    const key = tx !== null ? ABUNDANCE : pa;
    let seen = units.get(key);
    if (!seen) units.set(key, (seen = new Map()));
    seen.set(u, (seen.get(u) ?? 0) + 1);

    const s = text(site.get(r)) ?? '';
    let t = num(time.get(r));
    if (byDay && !Number.isNaN(t)) t -= ((t % DAY) + DAY) % DAY;
    const d = num(depth.get(r));
    const sampleKey = `${s}|${Number.isNaN(t) ? 'NA' : new Date(t).toISOString()}|${Number.isNaN(d) ? 'NA' : d}`;
    let smp = samples.get(sampleKey);
    if (!smp) {
      smp = { site: s, time: t, depth: d, counts: new Map(), env: new Map() };
      samples.set(sampleKey, smp);
    }
    if (tx !== null) {
      taxaSeen.add(tx);
      smp.counts.set(tx, (smp.counts.get(tx) ?? 0) + v);
    } else {
      const e = smp.env.get(pa);
      if (e) {
        e.sum += v;
        e.n++;
      } else smp.env.set(pa, { sum: v, n: 1 });
    }
  }
  const unitOf = (key: string, q: PivotQuantity, role: Role): string | null => {
    const found = [...(units.get(key) ?? [])];
    if (found.length > 1) {
      throw mixedUnits(q, role, found);
    }
    if (found.length === 0) {
      const wanted = q.unit !== undefined ? `${q.parameter} [${q.unit}]` : q.parameter;
      throw notPresent(q.parameter, wanted, role, leftOut(dropped), tableHolds(table, role));
    }
    return found[0][0];
  };
  const resultUnits = {
    abundance: unitOf(ABUNDANCE, abundance, 'abundance'),
    environment: environment.map(q => unitOf(q.parameter, q, 'environment'))
  };
  let taxa = options.taxa ? [...options.taxa] : [...taxaSeen].sort();
  if (variables.length === 0 || taxa.length === 0) {
    throw new NicheInputError(
      'empty',
      messageText(
        'the harmonised table has %1 taxa and %2 environmental parameters after filtering',
        taxa.length,
        variables.length
      ),
      {
        table: HARMONISED_VIEW,
        expected: messageText('≥ 1 taxon and ≥ 1 parameter'),
        found: withUncertainHours(
          messageText('%1 taxa, %2 parameters', taxa.length, variables.length),
          dropped.uncertainTime
        )
      }
    );
  }
  let samplesMissingEnvironment = 0;
  let samplesWithoutTaxa = 0;
  const kept: Array<[string, Sample]> = [];
  for (const [key, smp] of samples) {
    if (smp.counts.size === 0 && !options.keepSamplesWithoutTaxa) samplesWithoutTaxa++;
    else if (variables.some(v => !smp.env.has(v))) samplesMissingEnvironment++;
    else kept.push([key, smp]);
  }
  kept.sort(([, a], [, b]) =>
    a.site < b.site
      ? -1
      : a.site > b.site
        ? 1
        : a.time !== b.time
          ? a.time - b.time
          : a.depth - b.depth
  );
  const n = kept.length;
  if (n === 0) {
    throw new NicheInputError(
      'empty',
      messageText('no sample has both taxon counts and every environmental parameter'),
      {
        table: HARMONISED_VIEW,
        expected: messageText('≥ 1 complete sample'),
        found: withUncertainHours(
          messageText('0 of %1 samples', samples.size),
          dropped.uncertainTime
        )
      }
    );
  }
  const totals = new Map<string, number>();
  for (const [, smp] of kept)
    for (const [tx, c] of smp.counts) totals.set(tx, (totals.get(tx) ?? 0) + c);
  const absentTaxa = taxa.filter(tx => !((totals.get(tx) ?? 0) > 0));
  taxa = taxa.filter(tx => (totals.get(tx) ?? 0) > 0);
  const y = new Float64Array(n * taxa.length);
  const x = new Float64Array(n * variables.length);
  const taxonIndex = new Map(taxa.map((t, j) => [t, j]));
  kept.forEach(([, smp], i) => {
    for (const [tx, c] of smp.counts) {
      const j = taxonIndex.get(tx);
      if (j !== undefined) y[j * n + i] = c;
    }
    variables.forEach((v, k) => {
      const e = smp.env.get(v) as { sum: number; n: number };
      x[k * n + i] = e.sum / e.n;
    });
  });
  const rowNames = kept.map(([key]) => key);
  return {
    samples: {
      siteId: kept.map(([, s]) => s.site),
      time: Float64Array.from(kept, ([, s]) => s.time),
      depth: Float64Array.from(kept, ([, s]) => s.depth)
    },
    abundance: makeTable(y, n, taxa.length, rowNames, taxa),
    environment: makeTable(x, n, variables.length, rowNames, variables),
    units: resultUnits,
    dropped: { ...dropped, samplesMissingEnvironment, samplesWithoutTaxa, absentTaxa }
  };
}

const DAY = 86_400_000;
/** Key of the abundance quantity among the environmental parameters' (no parameter code has it). */
const ABUNDANCE = '\u0000abundance';

function checkedQuantity(table: Table, q: PivotQuantity | undefined, where: string): PivotQuantity {
  if (!q || typeof q.parameter !== 'string' || q.parameter === '') {
    const found = JSON.stringify(q) ?? messageText('nothing');
    if (where === 'abundance') {
      throw new NicheInputError(
        'bad-argument',
        messageText(
          "pivotHarmonised: abundance needs a parameter code (say what is counted per taxon, e.g. { parameter: 'cell_abundance', unit: 'cells/L' }; %1)",
          tableHolds(table, 'abundance')
        ),
        {
          column: where,
          expected: messageText(
            "{ parameter: 'cell_abundance', unit: 'cells/L' } (the parameter counted per taxon)"
          ),
          found
        }
      );
    }
    throw new NicheInputError(
      'bad-argument',
      messageText(
        'pivotHarmonised: %1 needs a parameter code (%2)',
        where,
        tableHolds(table, 'environment')
      ),
      {
        column: where,
        expected: messageText('a parameter code or { parameter, unit }'),
        found
      }
    );
  }
  return q;
}

/** The abundance is read from rows with a taxon, the environment from rows without one. */
type Role = 'abundance' | 'environment';

/** A quantity whose rows are in several units (`found`: each unit and its row count), refused. */
function mixedUnits(
  q: PivotQuantity,
  role: Role,
  found: [string | null, number][]
): NicheInputError {
  const list = found.map(([unit, n]) =>
    unit === null ? messageText('(no unit) (%1 rows)', n) : messageText('%1 (%2 rows)', unit, n)
  );
  const choice = `{ parameter: '${q.parameter}', unit: '${found[0][0] ?? ''}' }`;
  const args = [q.parameter, found.length, list, choice];
  return new NicheInputError(
    'mixed-units',
    role === 'abundance'
      ? messageText(
          'abundance "%1" has values in %2 units: %3; choose one with %4 — values in different units are never added',
          ...args
        )
      : messageText(
          'parameter "%1" has values in %2 units: %3; choose one with %4 — values in different units are never added',
          ...args
        ),
    {
      table: HARMONISED_VIEW,
      column: 'unit',
      expected:
        role === 'abundance'
          ? messageText('one unit for abundance "%1"', q.parameter)
          : messageText('one unit for parameter "%1"', q.parameter),
      found: messageText('%1 units: %2', found.length, list)
    }
  );
}

/**
 * A quantity with no row kept: `wanted` is its parameter (with the unit asked for), `left` the rows the
 * filters left out (none: the table has no such row), `holds` what the table's rows of its role hold.
 */
function notPresent(
  parameter: string,
  wanted: string,
  role: Role,
  left: MessageText[],
  holds: MessageText
): NicheInputError {
  const abundance = role === 'abundance';
  const message: MessageText =
    left.length === 0
      ? abundance
        ? messageText(
            'abundance "%1": no rows with a taxon of %2 in the table; %3',
            parameter,
            wanted,
            holds
          )
        : messageText(
            'parameter "%1": no rows without a taxon of %2 in the table; %3',
            parameter,
            wanted,
            holds
          )
      : abundance
        ? messageText(
            'abundance "%1": no rows with a taxon of %2 kept (left out of all quantities asked for: %3); %4',
            parameter,
            wanted,
            left,
            holds
          )
        : messageText(
            'parameter "%1": no rows without a taxon of %2 kept (left out of all quantities asked for: %3); %4',
            parameter,
            wanted,
            left,
            holds
          );
  return new NicheInputError('not-present', message, {
    table: HARMONISED_VIEW,
    column: 'parameter',
    expected: abundance
      ? messageText('rows with a taxon of %1', wanted)
      : messageText('rows without a taxon of %1', wanted),
    found: holds
  });
}

/**
 * What the table holds for a role, to say in an error: each parameter with its unit and row count, most rows
 * first, e.g. "the table's rows with a taxon hold cell_abundance [cells/L] (37417 rows), biovolume [um3/L]
 * (80 rows)".
 */
function tableHolds(table: Table, role: Role): MessageText {
  const parameter = table.getChild('parameter');
  const taxon = table.getChild('taxon');
  const unit = table.getChild('unit');
  if (!parameter || !taxon) {
    return messageText('the table has no parameter or taxon column to read');
  }
  const counts = new Map<string, { parameter: string; unit: string | null; n: number }>();
  for (let r = 0; r < table.numRows; r++) {
    const pa = text(parameter.get(r) as Cell);
    if (pa === null || (text(taxon.get(r) as Cell) !== null) !== (role === 'abundance')) continue;
    const u = unit ? text(unit.get(r) as Cell) : null;
    const key = `${pa} [${u ?? ''}]`;
    const entry = counts.get(key) ?? { parameter: pa, unit: u, n: 0 };
    entry.n++;
    counts.set(key, entry);
  }
  if (counts.size === 0) {
    return role === 'abundance'
      ? messageText('the table has no rows with a taxon')
      : messageText('the table has no rows without a taxon');
  }
  const sorted = [...counts.values()].sort(
    (a, b) => b.n - a.n || shownQuantity(a).localeCompare(shownQuantity(b))
  );
  const shown: unknown[] = sorted
    .slice(0, 12)
    .map(q =>
      q.unit === null
        ? messageText('%1 [no unit] (%2 rows)', q.parameter, q.n)
        : messageText('%1 [%2] (%3 rows)', q.parameter, q.unit, q.n)
    );
  if (sorted.length > 12) shown.push(messageText('… %1 more', sorted.length - 12));
  return role === 'abundance'
    ? messageText("the table's rows with a taxon hold %1", shown)
    : messageText("the table's rows without a taxon hold %1", shown);
}

/** The order of the quantities of equal row counts in {@link tableHolds}: as English shows them. */
function shownQuantity(q: { parameter: string; unit: string | null }): string {
  return `${q.parameter} [${q.unit ?? 'no unit'}]`;
}

/** Rows the filters left out, said when a quantity ends with no row (none: an empty list). */
function leftOut(d: {
  rejectedQuality: number;
  missingValue: number;
  otherUnit: number;
  uncertainTime: number;
}): MessageText[] {
  const parts: MessageText[] = [];
  if (d.otherUnit) parts.push(messageText('%1 rows in another unit', d.otherUnit));
  if (d.rejectedQuality) {
    parts.push(messageText('%1 with a rejected quality flag', d.rejectedQuality));
  }
  if (d.missingValue) parts.push(messageText('%1 without a value', d.missingValue));
  if (d.uncertainTime) {
    parts.push(
      messageText(
        "%1 with an uncertain hour (time_flag: pair by day with pairBy: 'day')",
        d.uncertainTime
      )
    );
  }
  return parts;
}

/** What was found, and the rows left out for their uncertain hour when there are (`n`), with the way out. */
function withUncertainHours(found: MessageText, n: number): MessageText {
  return n
    ? messageText(
        "%1 (%2 rows left out because their hour is uncertain, time_flag: pair by day with pairBy: 'day')",
        found,
        n
      )
    : found;
}
