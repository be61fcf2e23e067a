import { HARMONISED_VIEW, type ColumnName } from '@odatis-vre/harmonised';
import type { Table } from 'apache-arrow';
import { NicheInputError } from './errors';
import { DataTable, makeTable } from './table';

/**
 * Columns of the harmonised long format (`@odatis-vre/harmonised`) that the pivot reads. Other columns
 * (site_name, latitude, longitude, aphia_id, unit, source_*) are carried in the source table and ignored here.
 */
export const PIVOT_COLUMNS = [
  'site_id',
  'time',
  'depth',
  'parameter',
  'taxon',
  'value',
  'quality'
] as const satisfies readonly ColumnName[];

export interface PivotOptions {
  /** SeaDataNet L20 flags kept. Default: 0 no QC, 1 good, 2 probably good, 5 changed, 8 interpolated. */
  acceptedQuality?: readonly number[];
  /** Environmental parameters (vocabulary codes) to keep, in this column order. Default: all, sorted. */
  parameters?: readonly string[];
  /** Taxa to keep, in this column order. Default: all, sorted. */
  taxa?: readonly string[];
  /**
   * Keep samples that have every environmental parameter but no taxon row, with all counts 0 (surveys where
   * a sample with nothing found reports no taxon line). Default false: such samples are dropped and counted.
   */
  keepSamplesWithoutTaxa?: boolean;
}

/** Samples × species and samples × variables tables ready for {@link environmentalPca} and {@link omiAnalysis}. */
export interface NicheInput {
  /** One entry per sample (row of both tables), sorted by site, time, depth. */
  samples: { siteId: string[]; time: Float64Array; depth: Float64Array };
  /** Summed counts; 0 where a taxon was not reported in a sample. Row names are `site_id|ISO time|depth`. */
  abundance: DataTable;
  /** Mean of the accepted values of each parameter in each sample. */
  environment: DataTable;
  /** What the pivot left out, so nothing disappears silently. */
  dropped: {
    /** Rows with a quality flag outside `acceptedQuality`. */
    rejectedQuality: number;
    /** Rows with a missing or non-finite value. */
    missingValue: number;
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
    throw new NicheInputError('shape', `harmonised table has no column "${name}"`, {
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
 * - A sample is the key (site_id, time, depth); a missing depth is its own key value.
 * - Rows with a non-empty `taxon` are counts: summed per (sample, taxon).
 * - Other rows with a `parameter` are the environment: averaged per (sample, parameter).
 * - Rows with a missing value or a rejected quality flag are skipped (and counted in `dropped`).
 * - A sample is kept when it has at least one taxon row (or `keepSamplesWithoutTaxa`) and every
 *   environmental parameter; absent taxa in a kept sample count 0. Taxa left with no positive count are removed (listed in `dropped.absentTaxa`).
 */
export function pivotHarmonised(table: Table, options: PivotOptions = {}): NicheInput {
  const accepted = new Set(options.acceptedQuality ?? [0, 1, 2, 5, 8]);
  const site = columnOf(table, 'site_id');
  const time = columnOf(table, 'time');
  const depth = columnOf(table, 'depth');
  const parameter = columnOf(table, 'parameter');
  const taxon = columnOf(table, 'taxon');
  const value = columnOf(table, 'value');
  const quality = columnOf(table, 'quality');
  const wantParams = options.parameters ? new Set(options.parameters) : null;
  const wantTaxa = options.taxa ? new Set(options.taxa) : null;

  interface Sample {
    site: string;
    time: number;
    depth: number;
    counts: Map<string, number>;
    env: Map<string, { sum: number; n: number }>;
  }
  const samples = new Map<string, Sample>();
  const taxaSeen = new Set<string>();
  const paramsSeen = new Set<string>();
  let rejectedQuality = 0;
  let missingValue = 0;
  for (let r = 0; r < table.numRows; r++) {
    const tx = text(taxon.get(r));
    const pa = text(parameter.get(r));
    if (tx === null && pa === null) continue;
    if (
      tx !== null
        ? wantTaxa !== null && !wantTaxa.has(tx)
        : wantParams !== null && !wantParams.has(pa as string)
    )
      continue;
    const q = num(quality.get(r));
    if (!accepted.has(q)) {
      rejectedQuality++;
      continue;
    }
    const v = num(value.get(r));
    if (!Number.isFinite(v)) {
      missingValue++;
      continue;
    }
    const s = text(site.get(r)) ?? '';
    const t = num(time.get(r));
    const d = num(depth.get(r));
    const key = `${s}|${Number.isNaN(t) ? 'NA' : new Date(t).toISOString()}|${Number.isNaN(d) ? 'NA' : d}`;
    let smp = samples.get(key);
    if (!smp) {
      smp = { site: s, time: t, depth: d, counts: new Map(), env: new Map() };
      samples.set(key, smp);
    }
    if (tx !== null) {
      taxaSeen.add(tx);
      smp.counts.set(tx, (smp.counts.get(tx) ?? 0) + v);
    } else {
      const name = pa as string;
      paramsSeen.add(name);
      const e = smp.env.get(name);
      if (e) {
        e.sum += v;
        e.n++;
      } else smp.env.set(name, { sum: v, n: 1 });
    }
  }
  const variables = options.parameters ? [...options.parameters] : [...paramsSeen].sort();
  let taxa = options.taxa ? [...options.taxa] : [...taxaSeen].sort();
  if (variables.length === 0 || taxa.length === 0) {
    throw new NicheInputError(
      'empty',
      `the harmonised table has ${taxa.length} taxa and ${variables.length} environmental parameters after filtering`,
      {
        table: HARMONISED_VIEW,
        expected: '≥ 1 taxon and ≥ 1 parameter',
        found: `${taxa.length} taxa, ${variables.length} parameters`
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
      'no sample has both taxon counts and every environmental parameter',
      {
        table: HARMONISED_VIEW,
        expected: '≥ 1 complete sample',
        found: `0 of ${samples.size} samples`
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
    dropped: {
      rejectedQuality,
      missingValue,
      samplesMissingEnvironment,
      samplesWithoutTaxa,
      absentTaxa
    }
  };
}
