/**
 * The steps of the templates between the niche library and the outputs: transforming counts, choosing the
 * taxa with a significant OMI, per-station and per-year summaries, and the tables of ade4's, subniche's and
 * the trend tests' results in the order a scientist reads them. The statistics themselves are
 * `@odatis-vre/niche`'s (ade4's numbers); nothing here re-derives them.
 */
import {
  centroidTrend,
  makeTable,
  mannKendall,
  seasonalKendall,
  sensSlope,
  speciesResponses,
  type DataTable,
  type NicheParameters,
  type OmiPermutationTest,
  type WitOmiParameters,
  type WitOmiResult
} from '@odatis-vre/niche';
import { WorkshopError } from './errors';
import type { TrendLine } from './figures';
import type { SampleFactor } from './groups';
import type { Pairing } from './pairing';
import type { SubnicheTest } from './subniche-tests';
import { tableOutput, type MimeBundle, type Row } from './tables';

/** How counts enter the analyses: as they are, or log(x + 1) (the workshop papers' choice for OMI). */
export type AbundanceTransform = 'none' | 'log1p';

export function transformAbundance(table: DataTable, transform: AbundanceTransform): DataTable {
  if (transform === 'none') return table;
  if (transform !== 'log1p') {
    throw new WorkshopError('bad-option', 'unknown transform of the counts', {
      column: 'transform',
      expected: '"log1p" or "none"',
      found: JSON.stringify(transform)
    });
  }
  return makeTable(
    table.values.map(Math.log1p),
    table.nRows,
    table.nCols,
    table.rowNames,
    table.colNames
  );
}

/** Taxa whose OMI is significant at `alpha` (the permutation test's p-value; `OMI.mean` excluded). */
export function significantTaxa(test: OmiPermutationTest, alpha = 0.05): string[] {
  return test.names.filter((name, j) => name !== 'OMI.mean' && test.pValue[j] <= alpha);
}

/** Samples in which each taxon occurs (count > 0). */
export function occurrences(abundance: DataTable): Map<string, number> {
  const n = abundance.nRows;
  return new Map(
    abundance.colNames.map((taxon, j) => {
      let k = 0;
      for (let i = 0; i < n; i++) if (abundance.values[j * n + i] > 0) k++;
      return [taxon, k];
    })
  );
}

/**
 * ade4's `niche.param` with the permutation test's p-values, sorted by marginality (OMI, largest first).
 * Percentages are the unrounded shares × 100 (ade4 prints them rounded to 0.1 %).
 */
export function nicheParameterRows(
  params: NicheParameters,
  test: OmiPermutationTest,
  abundance: DataTable,
  alpha = 0.05
): Row[] {
  const occ = occurrences(abundance);
  const pOf = new Map(test.names.map((name, j) => [name, test.pValue[j]]));
  return params.species
    .map((taxon, j) => ({
      taxon,
      occurrences: occ.get(taxon) ?? null,
      inertia: params.inertia[j],
      OMI: params.omi[j],
      Tol: params.tol[j],
      Rtol: params.rtol[j],
      'omi %': 100 * params.omiShare[j],
      'tol %': 100 * params.tolShare[j],
      'rtol %': 100 * params.rtolShare[j],
      'p-value': pOf.get(taxon) ?? null,
      significant: (pOf.get(taxon) ?? 1) <= alpha ? 'yes' : 'no'
    }))
    .sort((a, b) => b.OMI - a.OMI);
}

export function nicheParameterTable(
  params: NicheParameters,
  test: OmiPermutationTest,
  abundance: DataTable,
  options: { alpha?: number; filename?: string } = {}
): MimeBundle {
  const alpha = options.alpha ?? 0.05;
  const j = test.names.indexOf('OMI.mean');
  return tableOutput(nicheParameterRows(params, test, abundance, alpha), {
    title: 'Niche parameters (ade4 niche.param), sorted by marginality',
    filename: options.filename ?? 'niche-parameters',
    note:
      `OMI = marginality, Tol = tolerance, Rtol = residual tolerance; p-values of ${test.permutations} permutations ` +
      `(rtest), significant at ${alpha}. Mean OMI ${test.observed[j].toPrecision(4)}, p = ${test.pValue[j].toPrecision(3)}.`
  });
}

/** One row per subniche (taxon × subset) with its parameters and, when given, its test. */
export function subnicheRows(
  params: WitOmiParameters,
  test?: SubnicheTest,
  taxa?: readonly string[]
): Row[] {
  const keep = taxa ? new Set(taxa) : null;
  const rows: Row[] = [];
  params.species.forEach((taxon, r) => {
    if (keep && !keep.has(taxon)) return;
    rows.push({
      taxon,
      subset: params.subset[r],
      occurrences: params.occurrences[r],
      inertia: params.inertia[r],
      WitOMI: params.witomi[r],
      Tol: params.tol[r],
      Rtol: params.rtol[r],
      'omi %': 100 * params.witomiShare[r],
      'tol %': 100 * params.tolShare[r],
      'rtol %': 100 * params.rtolShare[r],
      ...(test ? { 'p-value': test.pValue[r] } : {})
    });
  });
  return rows;
}

export function subnicheTable(
  params: WitOmiParameters,
  test: SubnicheTest | undefined,
  options: { taxa?: readonly string[]; filename: string; title?: string }
): MimeBundle {
  const from = test?.origin === 'G_K' ? 'G_K' : 'G';
  return tableOutput(subnicheRows(params, test, options.taxa), {
    title:
      options.title ??
      (from === 'G'
        ? 'Subniche parameters from G, the overall origin (subniche subparam.refor)'
        : 'Subniche parameters from G_K, the subset origins (subniche subparam.subor)'),
    filename: options.filename,
    note: test
      ? `p-values of ${test.permutations} permutations (rtest${from === 'G' ? 'refor' : 'subor'}: the species' p-value × the G_K p-value); NaN: taxon absent from the subset`
      : undefined
  });
}

/** The subsets: their size, origin G_K on the OMI axes, its test, and their mean environment in raw units. */
export function subsetTable(
  wit: WitOmiResult,
  test: SubnicheTest | undefined,
  options: { filename?: string; units?: readonly (string | null)[] } = {}
): MimeBundle {
  const env = wit.meanEnvironment;
  const rows = wit.levels.map((level, k) => {
    const row: Row = {
      subset: level,
      samples: wit.subsetSizes[k],
      'G_K axis 1': wit.subsetOrigins.values[k],
      'G_K axis 2':
        wit.subsetOrigins.nCols > 1 ? wit.subsetOrigins.values[wit.subsetOrigins.nRows + k] : null
    };
    if (test) row['G_K p-value'] = test.subsetPValue[k];
    env.colNames.forEach((v, j) => {
      const unit = options.units?.[j];
      row[`mean ${v}${unit ? ` (${unit})` : ''}`] = env.values[j * env.nRows + k + 1];
    });
    return row;
  });
  return tableOutput(rows, {
    title: 'Subsets of the samples and their origins G_K',
    filename: options.filename ?? 'subsets',
    note: test
      ? 'G_K p-value: product of the per-variable permutation p-values (subniche)'
      : undefined
  });
}

/** Rows of a table selected by index, as a new table. */
export function selectRows(table: DataTable, rows: readonly number[]): DataTable {
  const n = table.nRows;
  const out = new Float64Array(rows.length * table.nCols);
  for (let j = 0; j < table.nCols; j++) {
    rows.forEach((i, r) => {
      out[j * rows.length + r] = table.values[j * n + i];
    });
  }
  return makeTable(
    out,
    rows.length,
    table.nCols,
    rows.map(i => table.rowNames[i]),
    table.colNames
  );
}

/** Mann–Kendall and Sen's slope of values against times, as a line for `trendLines` and a table row. */
export function trendOf(
  name: string,
  times: readonly number[],
  values: readonly number[]
): TrendLine & { tau: number; n: number; lower: number; upper: number } {
  const mk = mannKendall(values, times);
  const sen = sensSlope(values, times);
  return {
    name,
    points: times.map((x, i) => ({ x, y: values[i] })).filter(p => Number.isFinite(p.y)),
    slope: sen.slope,
    intercept: sen.intercept,
    lower: sen.lower,
    upper: sen.upper,
    pValue: mk.pCorrected,
    tau: mk.tauB,
    n: mk.n
  };
}

/** Mean of `values` per key, keys sorted numerically. */
function meansBy(keys: readonly number[], values: ArrayLike<number>, keep: (i: number) => boolean) {
  const acc = new Map<number, { s: number; n: number }>();
  keys.forEach((k, i) => {
    if (!keep(i) || !Number.isFinite(values[i])) return;
    const a = acc.get(k) ?? { s: 0, n: 0 };
    a.s += values[i];
    a.n++;
    acc.set(k, a);
  });
  const sorted = [...acc.keys()].sort((a, b) => a - b);
  return { keys: sorted, means: sorted.map(k => acc.get(k)!.s / acc.get(k)!.n) };
}

/**
 * Yearly means of each environmental variable (per station when there are several), with their Mann–Kendall
 * test and Sen slope.
 */
export function environmentTrends(pairing: Pairing, options: { bySite?: boolean } = {}) {
  const env = pairing.environment;
  const n = env.nRows;
  const sites = options.bySite === false ? [null] : [...new Set(pairing.samples.siteId)];
  const out: ReturnType<typeof trendOf>[] = [];
  for (const site of sites) {
    env.colNames.forEach((variable, j) => {
      const { keys, means } = meansBy(
        pairing.samples.year,
        env.values.subarray(j * n, (j + 1) * n),
        i => site === null || pairing.samples.siteId[i] === site
      );
      if (keys.length < 3) return;
      out.push(
        trendOf(
          `${variable}${pairing.units.environment[j] ? ` (${pairing.units.environment[j]})` : ''}` +
            (site === null || sites.length === 1 ? '' : ` at ${site}`),
          keys,
          means
        )
      );
    });
  }
  return out;
}

/** Seasonal Kendall of each variable's monthly means (month = season), per station when there are several. */
export function seasonalTrendRows(pairing: Pairing): Row[] {
  const env = pairing.environment;
  const n = env.nRows;
  const rows: Row[] = [];
  const sites = [...new Set(pairing.samples.siteId)];
  for (const site of sites) {
    env.colNames.forEach((variable, j) => {
      const acc = new Map<string, { s: number; n: number; month: number; year: number }>();
      for (let i = 0; i < n; i++) {
        if (pairing.samples.siteId[i] !== site) continue;
        const key = `${pairing.samples.year[i]}-${pairing.samples.month[i]}`;
        const a = acc.get(key) ?? {
          s: 0,
          n: 0,
          month: pairing.samples.month[i],
          year: pairing.samples.year[i]
        };
        a.s += env.values[j * n + i];
        a.n++;
        acc.set(key, a);
      }
      const cells = [...acc.values()];
      if (cells.length < 3) return;
      const sk = seasonalKendall(
        cells.map(c => c.s / c.n),
        cells.map(c => c.month),
        cells.map(c => c.year)
      );
      rows.push({
        station: site,
        variable,
        unit: pairing.units.environment[j],
        'seasonal Sen slope per decade': 10 * sk.sensSlope,
        S: sk.S,
        'p-value': sk.pCorrected
      });
    });
  }
  return rows;
}

/**
 * Each taxon's niche centroid (abundance-weighted mean of a variable) per year, with its Mann–Kendall test and
 * Sen slope (`@odatis-vre/niche` `centroidTrend`).
 */
export function centroidTrends(abundance: DataTable, pairing: Pairing, variable: string) {
  const k = pairing.environment.colNames.indexOf(variable);
  if (k < 0) {
    throw new WorkshopError('bad-option', `the pairing has no variable ${variable}`, {
      column: 'variable',
      expected: pairing.environment.colNames.join(', '),
      found: variable
    });
  }
  const n = abundance.nRows;
  const x = pairing.environment.values.subarray(k * n, (k + 1) * n);
  return abundance.colNames.flatMap((taxon, j) => {
    const w = abundance.values.subarray(j * n, (j + 1) * n);
    const years = new Set(pairing.samples.year.filter((_, i) => w[i] > 0));
    if (years.size < 3) return [];
    const t = centroidTrend(w, x, pairing.samples.year);
    return [
      {
        name: taxon,
        points: Array.from(t.periods, (p, i) => ({ x: p, y: t.centroid[i] })),
        slope: t.sensSlope.slope,
        intercept: t.sensSlope.intercept,
        lower: t.sensSlope.lower,
        upper: t.sensSlope.upper,
        pValue: t.mannKendall.pCorrected,
        tau: t.mannKendall.tauB,
        n: t.mannKendall.n
      }
    ];
  });
}

export function trendTable(
  lines: readonly ReturnType<typeof trendOf>[],
  options: {
    filename: string;
    title: string;
    unit?: string | null;
    per?: number;
    perLabel?: string;
  }
): MimeBundle {
  const per = options.per ?? 10;
  const label = options.perLabel ?? 'per decade';
  const u = options.unit ? ` (${options.unit} ${label})` : ` (${label})`;
  return tableOutput(
    lines.map(l => ({
      series: l.name,
      years: l.n,
      [`Sen slope${u}`]: l.slope * per,
      [`95 % CI low${u}`]: l.lower * per,
      [`95 % CI high${u}`]: l.upper * per,
      'Kendall tau': l.tau,
      'Mann–Kendall p': l.pValue
    })),
    { title: options.title, filename: options.filename }
  );
}

/** One taxon's niche at one station: weighted mean and SD of a variable, over the station's paired samples. */
export interface StationCentroid {
  taxon: string;
  siteId: string;
  latitude: number;
  occurrences: number;
  centroid: number;
  breadth: number;
}

/** Per station (north to south): each taxon's centroid and breadth along `variable`, and the station's mean. */
export function stationCentroids(
  abundance: DataTable,
  pairing: Pairing,
  variable: string,
  minOccurrences = 5
) {
  const k = pairing.environment.colNames.indexOf(variable);
  if (k < 0) {
    throw new WorkshopError('bad-option', `the pairing has no variable ${variable}`, {
      column: 'variable',
      expected: pairing.environment.colNames.join(', '),
      found: variable
    });
  }
  const sites = [...new Set(pairing.samples.siteId)];
  const points: StationCentroid[] = [];
  const stations: { siteId: string; latitude: number; mean: number; samples: number }[] = [];
  for (const site of sites) {
    const rows = pairing.samples.siteId.flatMap((s, i) => (s === site ? [i] : []));
    const latitude = pairing.samples.latitude[rows[0]];
    const env = selectRows(pairing.environment, rows);
    const x = env.values.subarray(k * rows.length, (k + 1) * rows.length);
    stations.push({
      siteId: site,
      latitude,
      mean: x.reduce((a, b) => a + b, 0) / rows.length,
      samples: rows.length
    });
    const y = selectRows(abundance, rows);
    const present = y.colNames.flatMap((_, j) => {
      let occ = 0;
      for (let i = 0; i < rows.length; i++) if (y.values[j * rows.length + i] > 0) occ++;
      return occ >= minOccurrences ? [j] : [];
    });
    if (present.length === 0) continue;
    const kept = makeTable(
      Float64Array.from(
        present.flatMap(j => Array.from(y.values.subarray(j * rows.length, (j + 1) * rows.length)))
      ),
      rows.length,
      present.length,
      y.rowNames,
      present.map(j => y.colNames[j])
    );
    const responses = speciesResponses(
      kept,
      makeTable(Float64Array.from(x), rows.length, 1, env.rowNames, [variable])
    );
    responses.species.forEach((taxon, r) => {
      points.push({
        taxon,
        siteId: site,
        latitude,
        occurrences: responses.nNonzero[r],
        centroid: responses.mean[r],
        breadth: responses.sd[r]
      });
    });
  }
  stations.sort((a, b) => b.latitude - a.latitude);
  return { points, stations };
}

/** The samples of each level of a factor (counts), for a grouping's table. */
export function factorCounts(factor: SampleFactor): Row[] {
  return factor.levels.map(level => ({
    subset: level,
    samples: factor.labels.filter(l => l === level).length
  }));
}
