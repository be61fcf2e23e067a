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
  rMean,
  seasonalKendall,
  sensSlope,
  speciesResponses,
  type DataTable,
  type NicheParameters,
  type OmiPermutationTest,
  type OmiResult,
  type SeasonalKendallResult,
  type WitOmiParameters,
  type WitOmiResult
} from '@odatis-vre/niche';
import { messageText } from '@odatis-vre/harmonised';
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
    throw new WorkshopError('bad-option', messageText('unknown transform of the counts'), {
      column: 'transform',
      expected: messageText('"log1p" or "none"'),
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

/** The column of a variable's mean in a table: "mean TEMP (°C)". */
function meanColumn(variable: string, unit?: string | null): string {
  return `mean ${variable}${unit ? ` (${unit})` : ''}`;
}

/** One row per row of a centroid table (raw units), with its keys first. */
function centroidRows(
  table: DataTable,
  keys: readonly Row[],
  units: readonly (string | null)[] = [],
  keep: (key: Row) => boolean = () => true
): Row[] {
  return keys.flatMap((key, i) => {
    if (!keep(key)) return [];
    const row: Row = { ...key };
    table.colNames.forEach(
      (v, j) => (row[meanColumn(v, units[j])] = table.values[j * table.nRows + i])
    );
    return [row];
  });
}

/**
 * Where each taxon's niche sits along every environmental variable, in the variables' units: its
 * count-weighted mean over the samples (ade4 niche's `tab`, the centroids in the standardised environment,
 * brought back to the units by the PCA's means and standard deviations).
 */
export function nicheCentroidTable(
  omi: OmiResult,
  options: { filename?: string; units?: readonly (string | null)[] } = {}
): MimeBundle {
  const { tab, pca } = omi;
  const raw = tab.values.map((z, q) => {
    const k = Math.floor(q / tab.nRows);
    return pca.cent[k] + pca.norm[k] * z;
  });
  const table = makeTable(raw, tab.nRows, tab.nCols, tab.rowNames, tab.colNames);
  return tableOutput(
    centroidRows(
      table,
      omi.species.map(taxon => ({ taxon })),
      options.units
    ),
    {
      title: 'Niche centroids of the taxa (count-weighted means of the environment)',
      filename: options.filename ?? 'niche-centroids'
    }
  );
}

/** Each taxon's subniche centroid in each subset, in the variables' units (WitOMI's subniche means). */
export function subnicheCentroidTable(
  wit: WitOmiResult,
  options: { filename?: string; units?: readonly (string | null)[]; taxa?: readonly string[] } = {}
): MimeBundle {
  const keep = options.taxa ? new Set(options.taxa) : null;
  return tableOutput(
    centroidRows(
      wit.subnicheMeanEnvironment,
      wit.witomiG.species.map((taxon, r) => ({ taxon, subset: wit.witomiG.subset[r] })),
      options.units,
      key => keep === null || keep.has(String(key.taxon))
    ),
    {
      title:
        'Subniche centroids of the taxa in each subset (count-weighted means of the environment)',
      filename: options.filename ?? 'subniche-centroids',
      note: 'NaN: taxon absent from the subset'
    }
  );
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
      row[meanColumn(v, options.units?.[j])] = env.values[j * env.nRows + k + 1];
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

/**
 * Mean of `values` per key, keys sorted numerically, as R's `tapply(x, key, mean)`: R's `mean()` bit for bit
 * (`rMean`), so that two means R finds equal are equal here too (ties count in Kendall's S).
 */
function meansBy(keys: readonly number[], values: ArrayLike<number>, keep: (i: number) => boolean) {
  const groups = new Map<number, number[]>();
  keys.forEach((k, i) => {
    if (!keep(i) || !Number.isFinite(values[i])) return;
    const g = groups.get(k) ?? [];
    g.push(values[i]);
    groups.set(k, g);
  });
  const sorted = [...groups.keys()].sort((a, b) => a - b);
  return { keys: sorted, means: sorted.map(k => rMean(groups.get(k)!)) };
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

/**
 * Seasonal Kendall of each variable's monthly means (month = season, year = time), per station when there are
 * several: R's `aggregate(x, list(year, month), mean)` then the Hirsch–Slack test (`seasonalKendall`). The
 * means are R's (`rMean`): monthly means of one-decimal temperatures tie exactly in R, and a plain
 * `Σ x / n` would break a third of those ties in the last bit.
 */
export function seasonalKendallOfMeans(
  values: ArrayLike<number>,
  month: readonly number[],
  year: readonly number[]
): SeasonalKendallResult {
  const cells = new Map<string, { x: number[]; month: number; year: number }>();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) continue;
    const key = `${year[i]}-${month[i]}`;
    const c = cells.get(key) ?? { x: [], month: month[i], year: year[i] };
    c.x.push(values[i]);
    cells.set(key, c);
  }
  const list = [...cells.values()];
  return seasonalKendall(
    list.map(c => rMean(c.x)),
    list.map(c => c.month),
    list.map(c => c.year)
  );
}

/** Seasonal Kendall of each variable's monthly means (`seasonalKendallOfMeans`), per station. */
export function seasonalTrendRows(pairing: Pairing): Row[] {
  const env = pairing.environment;
  const n = env.nRows;
  const rows: Row[] = [];
  const sites = [...new Set(pairing.samples.siteId)];
  for (const site of sites) {
    const at = pairing.samples.siteId.flatMap((s, i) => (s === site ? [i] : []));
    if (new Set(at.map(i => pairing.samples.year[i])).size < 3) continue;
    env.colNames.forEach((variable, j) => {
      const sk = seasonalKendallOfMeans(
        at.map(i => env.values[j * n + i]),
        at.map(i => pairing.samples.month[i]),
        at.map(i => pairing.samples.year[i])
      );
      rows.push({
        station: site,
        variable,
        unit: pairing.units.environment[j],
        months: sk.seasons.length,
        'seasonal Sen slope per decade': 10 * sk.sensSlope,
        S: sk.S,
        'Var S': sk.varS,
        'p-value': sk.pCorrected
      });
    });
  }
  return rows;
}

/** The column of an environmental variable in the pairing's environment table; refused when absent. */
function variableColumn(pairing: Pairing, variable: string): number {
  const k = pairing.environment.colNames.indexOf(variable);
  if (k < 0) {
    throw new WorkshopError('bad-option', messageText('the pairing has no variable %1', variable), {
      column: 'variable',
      expected: pairing.environment.colNames.join(', '),
      found: variable
    });
  }
  return k;
}

/**
 * Each taxon's niche centroid (abundance-weighted mean of a variable) per year, with its Mann–Kendall test and
 * Sen slope (`@odatis-vre/niche` `centroidTrend`).
 */
export function centroidTrends(abundance: DataTable, pairing: Pairing, variable: string) {
  const k = variableColumn(pairing, variable);
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
  const k = variableColumn(pairing, variable);
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

/**
 * How niche centroids change with latitude: the Sen slope (with its Mann–Kendall test) of the stations' mean
 * of the variable against their latitude, then of each taxon's centroid against the latitude of the stations
 * where it was found, for the taxa found at `minStations` stations or more (`stationCentroids`' output).
 */
export function latitudinalGradients(
  points: readonly StationCentroid[],
  stations: readonly { siteId: string; latitude: number; mean: number }[],
  variable: string,
  minStations = 3
): ReturnType<typeof trendOf>[] {
  const out: ReturnType<typeof trendOf>[] = [];
  if (stations.length >= 3) {
    out.push(
      trendOf(
        `stations' mean ${variable}`,
        stations.map(s => s.latitude),
        stations.map(s => s.mean)
      )
    );
  }
  for (const taxon of [...new Set(points.map(p => p.taxon))]) {
    const at = points.filter(p => p.taxon === taxon);
    if (at.length < Math.max(3, minStations)) continue;
    out.push(
      trendOf(
        taxon,
        at.map(p => p.latitude),
        at.map(p => p.centroid)
      )
    );
  }
  return out;
}

/** The samples of each level of a factor (counts), for a grouping's table. */
export function factorCounts(factor: SampleFactor): Row[] {
  return factor.levels.map(level => ({
    subset: level,
    samples: factor.labels.filter(l => l === level).length
  }));
}
