/**
 * The training set's truth (truth.json) against what a template outputs: the CSV behind a table's download
 * link, as a scientist gets it. One check per template, shared by the node run (synthetic.test.ts, on the
 * kernel core) and the Chromium run (test/browser/templates.spec.ts, through the launch dialog), so both hold
 * the notebooks to the same tolerances; the tolerances and why they are what they are: synthetic.test.ts's
 * header and packages/templates/README.md. Each check returns what it measured and what failed (empty: truth
 * found); the caller asserts.
 */
import { spearman } from '@odatis-vre/niche';
import type { SynthTaxon, SynthTruth } from '@odatis-vre/sno';
import Papa from 'papaparse';

type Row = Record<string, string | number | null>;

export interface TruthCheck {
  /** The numbers compared with the truth, for the test's log. */
  measured: string[];
  /** What differs from the truth beyond its tolerance (empty: the truth is found). */
  failures: string[];
}

/** A downloaded table's rows. */
function rowsOf(csv: string): Row[] {
  return Papa.parse<Row>(csv.trim(), { header: true, dynamicTyping: true, skipEmptyLines: true })
    .data;
}

/** The values of the column whose name starts with `prefix` (e.g. "mean TEMP", whatever the unit). */
function columnOf(rows: readonly Row[], prefix: string): number[] {
  const name = Object.keys(rows[0] ?? {}).find(c => c.startsWith(prefix));
  if (name === undefined) {
    throw new Error(
      `no column ${prefix}… in the table (it has ${Object.keys(rows[0] ?? {}).join(', ')})`
    );
  }
  return rows.map(r => (r[name] === null || r[name] === 'NaN' ? NaN : Number(r[name])));
}

function taxonOf(truth: SynthTruth, name: string): SynthTaxon {
  const t = truth.taxa.find(x => name.startsWith(x.name));
  if (!t) throw new Error(`${name} is no taxon of truth.json`);
  return t;
}

function check(): TruthCheck & { expect(ok: boolean, failure: string): void } {
  const out = {
    measured: [] as string[],
    failures: [] as string[],
    expect(ok: boolean, failure: string) {
      if (!ok) out.failures.push(failure);
    }
  };
  return out;
}

/**
 * Community niche (OMI), niche centroids table: the taxa's centroids along temperature rank as their true
 * optima (Spearman ≥ 0.9); along salinity the estuarine taxon is lowest, the Mediterranean one highest, and
 * the rank correlation is positive.
 */
export function omiTruth(centroidsCsv: string, truth: SynthTruth): TruthCheck & { rhoT: number } {
  const c = check();
  const rows = rowsOf(centroidsCsv);
  const taxa = rows.map(r => taxonOf(truth, String(r.taxon)));
  c.expect(
    rows.length === truth.taxa.length,
    `${rows.length} taxa in the table, ${truth.taxa.length} in truth.json`
  );
  const temp = columnOf(rows, 'mean TEMP');
  const psal = columnOf(rows, 'mean PSAL');
  const rhoT = spearman(
    temp,
    taxa.map(t => t.optimumT2010)
  );
  const rhoS = spearman(
    psal,
    taxa.map(t => t.optimumS)
  );
  c.measured.push(`OMI centroids vs optima: Spearman TEMP ${rhoT}, PSAL ${rhoS}`);
  c.expect(rhoT >= 0.9, `Spearman of the TEMP centroids and optima ${rhoT} < 0.9`);
  const lowest = (x: readonly number[]) => x.indexOf(Math.min(...x));
  const highest = (x: readonly number[]) => x.indexOf(Math.max(...x));
  const optimaS = taxa.map(t => t.optimumS);
  c.expect(
    lowest(psal) === lowest(optimaS),
    `lowest PSAL centroid: ${String(rows[lowest(psal)].taxon)}, not ${taxa[lowest(optimaS)].name}`
  );
  c.expect(
    highest(psal) === highest(optimaS),
    `highest PSAL centroid: ${String(rows[highest(psal)].taxon)}, not ${taxa[highest(optimaS)].name}`
  );
  c.expect(rhoS > 0, `Spearman of the PSAL centroids and optima ${rhoS} ≤ 0`);
  return { measured: c.measured, failures: c.failures, rhoT };
}

/**
 * WitOMI by period (decades, or periods of years): the subsets' mean temperature rises from each period to the
 * next (0.3 °C per decade in truth.json), and within each of the `full` periods (a whole decade of samples)
 * the taxa's subniche centroids along temperature rank as their optima (Spearman ≥ 0.9).
 */
export function witomiTruth(
  subsetsCsv: string,
  subnicheCentroidsCsv: string,
  truth: SynthTruth,
  full: readonly string[]
): TruthCheck & { subsets: string[] } {
  const c = check();
  const subsets = rowsOf(subsetsCsv);
  const names = subsets.map(r => String(r.subset));
  const temp = columnOf(subsets, 'mean TEMP');
  c.measured.push(
    `WitOMI subsets' mean TEMP: ${names.map((s, k) => `${s} ${temp[k]}`).join(', ')}`
  );
  for (let k = 1; k < temp.length; k++) {
    c.expect(
      temp[k] > temp[k - 1],
      `mean TEMP of ${names[k]} (${temp[k]}) not above ${names[k - 1]} (${temp[k - 1]})`
    );
  }
  const centroids = rowsOf(subnicheCentroidsCsv);
  for (const level of full) {
    const here = centroids.filter(r => String(r.subset) === level);
    c.expect(
      here.length === truth.taxa.length,
      `${here.length} subniches in ${level}, ${truth.taxa.length} taxa in truth.json`
    );
    const rho = spearman(
      columnOf(here, 'mean TEMP'),
      here.map(r => taxonOf(truth, String(r.taxon)).optimumT2010)
    );
    c.measured.push(`WitOMI ${level} subniche TEMP vs optima: Spearman ${rho}`);
    c.expect(
      rho >= 0.9,
      `Spearman of the ${level} subniche TEMP centroids and optima ${rho} < 0.9`
    );
  }
  return { measured: c.measured, failures: c.failures, subsets: names };
}

/**
 * Trends: each station's yearly mean temperature warms as truth.json says (Sen slope within 0.015 °C per year
 * of the truth, Mann–Kendall p < 0.05), the seasonal Kendall's seasonal Sen slope within 0.01 (p < 0.05), and
 * every taxon's centroid rises, the centroid slopes ranking as the truth's shift + warming (Spearman ≥ 0.6).
 */
export function trendsTruth(
  csv: { environment: string; seasonal: string; shifts: string },
  truth: SynthTruth
): TruthCheck {
  const c = check();
  const stations = truth.sites.length;
  const environment = rowsOf(csv.environment);
  c.expect(
    environment.length === stations,
    `${environment.length} yearly-mean trends, ${stations} stations`
  );
  const perYear = columnOf(environment, 'Sen slope').map(s => s / 10);
  c.measured.push(`yearly-mean Sen slopes per year ${perYear}`);
  perYear.forEach((s, k) =>
    c.expect(
      Math.abs(s - truth.warmingPerYear) <= 0.015,
      `${String(environment[k].series)}: Sen slope ${s} per year, truth ${truth.warmingPerYear} ± 0.015`
    )
  );
  columnOf(environment, 'Mann–Kendall p').forEach((p, k) =>
    c.expect(p < 0.05, `${String(environment[k].series)}: Mann–Kendall p ${p} ≥ 0.05`)
  );

  const seasonal = rowsOf(csv.seasonal);
  c.expect(
    seasonal.length === stations,
    `${seasonal.length} seasonal Kendall rows, ${stations} stations`
  );
  const seasonalPerYear = columnOf(seasonal, 'seasonal Sen slope per decade').map(s => s / 10);
  c.measured.push(`seasonal Sen slopes per year ${seasonalPerYear}`);
  seasonalPerYear.forEach((s, k) =>
    c.expect(
      Math.abs(s - truth.warmingPerYear) <= 0.01,
      `${String(seasonal[k].station)}: seasonal Sen slope ${s} per year, truth ${truth.warmingPerYear} ± 0.01`
    )
  );
  columnOf(seasonal, 'p-value').forEach((p, k) =>
    c.expect(p < 0.05, `${String(seasonal[k].station)}: seasonal Kendall p ${p} ≥ 0.05`)
  );

  const shifts = rowsOf(csv.shifts);
  c.expect(
    shifts.length === truth.taxa.length,
    `${shifts.length} centroid trends, ${truth.taxa.length} taxa`
  );
  const slopes = columnOf(shifts, 'Sen slope');
  slopes.forEach((s, k) =>
    c.expect(s > 0, `${String(shifts[k].series)}: the centroid does not rise (Sen slope ${s})`)
  );
  const rho = spearman(
    slopes,
    shifts.map(r => taxonOf(truth, String(r.series)).shiftPerDecade / 10 + truth.warmingPerYear)
  );
  c.measured.push(
    `centroid shifts per decade ${shifts.map((r, k) => `${String(r.series)} ${slopes[k]}`)}; Spearman ${rho}`
  );
  c.expect(rho >= 0.6, `Spearman of the centroid shifts and the truth's ${rho} < 0.6`);
  return { measured: c.measured, failures: c.failures };
}
