/**
 * End to end: the synthetic ground-truth dataset of @odatis-vre/sno (12 SOMLIT sites × 25 years, Gaussian
 * responses to temperature and salinity with known optima, tolerances and a known shift of the temperature
 * optimum per decade) is written as native files, converted by the real ingestion path (`convertFiles`),
 * read back from Arrow IPC, pivoted with `pivotHarmonised`, and the niche tools must find the truth again.
 *
 * Two kinds of reference, both from truth.json:
 * - the *estimand*: what a noise-free weighted mean (SD, yearly centroid, Sen slope) gives on this very
 *   design, i.e. the same statistic with the true expected abundance λ(T, S, year) of truth.json as weights
 *   on the pivoted environment. Only counting noise separates it from what we recover, and that noise has
 *   a closed form (below), so the tolerance is a few standard errors: hundredths of a degree.
 * - the *parameters themselves* (optimum, tolerance, shift per decade). A weighted mean is not an unbiased
 *   estimator of a Gaussian optimum when the sampled environment is uneven or ends near the optimum
 *   (ter Braak & Looman 1986); the gap is the estimand minus the parameter, and the tolerances there are
 *   set from the design (explained at each check), wide enough for that bias, narrow enough for a sign, a
 *   unit or a swapped variable.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tableFromIPC } from 'apache-arrow';
import { generateSynthetic, readParquet, type SynthTaxon, type SynthTruth } from '@odatis-vre/sno';
import { convertFiles } from '@odatis-vre/sno/node';
import {
  centroidTrend,
  environmentalPca,
  nicheCentroidTrends,
  omiAnalysis,
  periodOf,
  pivotHarmonised,
  speciesResponses,
  type NicheInput
} from '../src';

const SEED = 1;
/** Counts of cells per litre against temperature and salinity, as the synthetic files write them. */
const PIVOT = {
  abundance: { parameter: 'cell_abundance', unit: 'cells/L' },
  environment: ['PSAL', 'TEMP']
};

/**
 * Counting noise of one count cell (synth.ts): y = 100·Poisson(λ/100) cells/L, and about 3 % of cells are
 * left empty (not recorded), which the pivot reads as 0. With q = 0.97 kept:
 * E y = qλ, Var y = q·100λ + q(1−q)λ² (Poisson part + thinning part). For Synthetica duplex, counted in two
 * half-λ columns thinned independently, the thinning part is half as large: using the one-column formula
 * overstates its noise slightly, which only widens its tolerance.
 */
const KEPT = 0.97;
const cellVariance = (lambda: number): number =>
  KEPT * 100 * lambda + KEPT * (1 - KEPT) * lambda * lambda;

/**
 * 4 standard errors: the probability that counting noise alone moves one statistic further is 6e-5;
 * over the ~50 checks below < 0.5 % (and the seed is fixed, so the outcome is reproducible anyway).
 */
const Z = 4;

/** Expected abundance of a taxon (truth.json formulas), up to the factor amax·q, which cancels in every ratio. */
function expectedAbundance(
  taxon: SynthTaxon,
  truth: SynthTruth,
  T: ArrayLike<number>,
  S: ArrayLike<number>,
  year: ArrayLike<number>
): Float64Array {
  return Float64Array.from({ length: T.length }, (_, i) => {
    const muT = taxon.optimumT2010 + (taxon.shiftPerDecade * (year[i] - truth.referenceYear)) / 10;
    return (
      taxon.amax *
      Math.exp(-((T[i] - muT) ** 2) / (2 * taxon.toleranceT ** 2)) *
      Math.exp(-((S[i] - taxon.optimumS) ** 2) / (2 * taxon.toleranceS ** 2))
    );
  });
}

/**
 * Weighted mean and SD under weights λ, with the delta-method standard errors of the *observed* weighted
 * mean and SD when each weight is a count cell with variance {@link cellVariance}:
 * Var(m̂) ≈ Σ Var(y_i)(x_i − m)² / (Σ E y_i)², Var(v̂) ≈ Σ Var(y_i)((x_i − m)² − v)² / (Σ E y_i)², SE(sd) = SE(v)/(2 sd).
 */
function estimand(
  lambda: ArrayLike<number>,
  x: ArrayLike<number>
): { mean: number; sd: number; seMean: number; seSd: number } {
  let w = 0;
  let wx = 0;
  for (let i = 0; i < x.length; i++) {
    w += lambda[i];
    wx += lambda[i] * x[i];
  }
  const mean = wx / w;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (lambda[i] * (x[i] - mean) ** 2) / w;
  let varMean = 0;
  let varV = 0;
  for (let i = 0; i < x.length; i++) {
    const d2 = (x[i] - mean) ** 2;
    const vy = cellVariance(lambda[i]);
    varMean += vy * d2;
    varV += vy * (d2 - v) ** 2;
  }
  const ey = KEPT * w;
  const sd = Math.sqrt(v);
  return { mean, sd, seMean: Math.sqrt(varMean) / ey, seSd: Math.sqrt(varV) / ey / (2 * sd) };
}

function columnOf(input: NicheInput, name: string): Float64Array {
  const { environment: e } = input;
  const k = e.colNames.indexOf(name);
  expect(k).toBeGreaterThanOrEqual(0);
  return e.values.subarray(k * e.nRows, (k + 1) * e.nRows);
}

describe('recovering the synthetic ground truth through ingestion, pivot and niche analyses', () => {
  let dir: string;
  let truth: SynthTruth;
  let input: NicheInput;
  let fromParquet: NicheInput;
  let expectedCells: Map<string, number>;
  let expectedEnv: Map<string, number>;
  let hydroSamples: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'niche-synth-recovery-'));
    const ds = generateSynthetic({ seed: SEED });
    const native = path.join(dir, 'native');
    fs.mkdirSync(native);
    const paths = ds.files.map(f => {
      const p = path.join(native, f.name);
      fs.writeFileSync(p, f.bytes);
      return p;
    });
    fs.writeFileSync(path.join(dir, 'truth.json'), JSON.stringify(ds.truth, null, 1));

    const report = await convertFiles(paths, path.join(dir, 'converted'));
    expect(report.written).toBe(true);
    expect(report.totals.filesFailed).toBe(0);
    expect(report.totals.valuesRejected).toBe(0);

    // From here on only what is on disk is used: the Arrow IPC file and truth.json.
    const table = tableFromIPC(fs.readFileSync(path.join(dir, 'converted', 'observations.arrow')));
    truth = JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8')) as SynthTruth;
    input = pivotHarmonised(table, PIVOT);
    // The same dataset as the hive-partitioned Parquet files (one per SNO × site × year).
    const parquetDir = path.join(dir, 'converted', 'parquet');
    const parts = fs
      .readdirSync(parquetDir, { recursive: true, encoding: 'utf8' })
      .filter(f => f.endsWith('.parquet'))
      .sort()
      .map(f => readParquet(fs.readFileSync(path.join(parquetDir, f))));
    fromParquet = pivotHarmonised(
      parts.reduce((a, b) => a.concat(b)),
      PIVOT
    );

    // What the generator wrote, keyed like the pivot's rows, for the pivot checks.
    expectedCells = new Map();
    expectedEnv = new Map();
    hydroSamples = 0;
    for (const f of ds.files) {
      for (const e of f.expected) {
        const key = `${e.site_id}|${new Date(e.time).toISOString()}|1`;
        if (e.taxon !== null) {
          const k = `${key}|${e.taxon}`;
          expectedCells.set(k, (expectedCells.get(k) ?? 0) + e.value);
        } else if ([0, 1, 2, 5, 8].includes(e.quality)) {
          expectedEnv.set(`${key}|${e.parameter}`, e.value);
        }
      }
    }
    // Two samples a month at every site (synth.ts).
    hydroSamples = ds.truth.sites.length * (ds.truth.years[1] - ds.truth.years[0] + 1) * 24;
  }, 600_000); // converting 12 stations × 25 years: over a minute on a loaded 2-core machine

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the pivot puts on each sample the generated temperature, salinity and summed counts', () => {
    const { abundance: a, environment: e, dropped } = input;
    // Every site-date with both T and S kept (a missing-coded or flag-rejected value removes the sample).
    const complete = new Set<string>();
    for (const k of expectedEnv.keys()) {
      const key = k.slice(0, k.lastIndexOf('|'));
      if (expectedEnv.has(`${key}|TEMP`) && expectedEnv.has(`${key}|PSAL`)) complete.add(key);
    }
    expect(a.nRows).toBe(complete.size);
    expect(dropped.samplesMissingEnvironment).toBe(hydroSamples - complete.size);
    expect(e.colNames).toEqual(['PSAL', 'TEMP']);
    expect(a.colNames).toEqual([...truth.taxa.map(t => t.name)].sort());
    // Mismatches are collected rather than asserted one by one (70 000 cells).
    const wrong: string[] = [];
    for (let i = 0; i < a.nRows; i++) {
      const key = a.rowNames[i];
      if (!complete.has(key)) wrong.push(`${key}: not a complete generated sample`);
      for (let k = 0; k < e.nCols; k++) {
        const want = expectedEnv.get(`${key}|${e.colNames[k]}`);
        const got = e.values[k * e.nRows + i];
        if (got !== want) wrong.push(`${key} ${e.colNames[k]}: ${got}, generated ${want}`);
      }
      for (let j = 0; j < a.nCols; j++) {
        // "Not recorded" cells are absent from the harmonised table and read as 0 by the pivot.
        const want = expectedCells.get(`${key}|${a.colNames[j]}`) ?? 0;
        const got = a.values[j * a.nRows + i];
        if (got !== want) wrong.push(`${key} ${a.colNames[j]}: ${got}, generated ${want}`);
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  test('the Parquet partitions pivot to exactly the same tables as the Arrow IPC file', () => {
    expect(fromParquet.abundance).toEqual(input.abundance);
    expect(fromParquet.environment).toEqual(input.environment);
    expect(fromParquet.samples).toEqual(input.samples);
    expect(fromParquet.dropped).toEqual(input.dropped);
  });

  test('weighted mean and SD of temperature and salinity: each taxon’s optimum and tolerance', () => {
    const T = columnOf(input, 'TEMP');
    const S = columnOf(input, 'PSAL');
    const year = Array.from(input.samples.time, t => periodOf(t));
    const r = speciesResponses(input.abundance, input.environment);
    const at = (species: string, variable: string): number => {
      const i = r.species.findIndex((s, q) => s === species && r.variable[q] === variable);
      expect(i).toBeGreaterThanOrEqual(0);
      return i;
    };
    const found: Array<{ taxon: SynthTaxon; meanT: number }> = [];
    for (const taxon of truth.taxa) {
      const lambda = expectedAbundance(taxon, truth, T, S, year);
      const eT = estimand(lambda, T);
      const eS = estimand(lambda, S);
      const iT = at(taxon.name, 'TEMP');
      const iS = at(taxon.name, 'PSAL');

      // 1. Against the estimand: counting noise only (SE 0.004–0.015 °C and 0.002–0.03 PSU here).
      expect(Math.abs(r.mean[iT] - eT.mean)).toBeLessThan(Z * eT.seMean);
      expect(Math.abs(r.mean[iS] - eS.mean)).toBeLessThan(Z * eS.seMean);
      expect(Math.abs(r.sd[iT] - eT.sd)).toBeLessThan(Z * eT.seSd);
      expect(Math.abs(r.sd[iS] - eS.sd)).toBeLessThan(Z * eS.seSd);

      // 2. Against the parameters. Over 1998–2022 the temperature optimum averages its 2010 value (the
      // years are symmetric about 2010). Sampled temperatures span 6.5–24 °C and salinities 7–40,
      // very unevenly (one estuarine site; seasonal cycles dwell at their extremes), so the weighted mean
      // is pulled towards the sampled bulk: on this design by at most 1.8 °C (Synthetica frigida, optimum
      // 7 °C at the cold end of the range) and 2.8 PSU (Synthetica estuarina, optimum 22 with one site
      // below 30). 2 °C and 3 PSU cover that and still fail for a °C/K or °F mix-up, a swapped T and S
      // (means near 35 for T), or a pivot that pairs counts with other samples' environment
      // (every taxon's mean would collapse onto the overall mean, 14.5 °C / 34 PSU; this fails for
      // frigida, mediterranea, estuarina).
      expect(Math.abs(r.mean[iT] - taxon.optimumT2010)).toBeLessThan(2);
      expect(Math.abs(r.mean[iS] - taxon.optimumS)).toBeLessThan(3);
      // The weighted SD of temperature can only narrow the tolerance here: sampled temperatures are
      // unimodal around each site's season and truncated by the range (not so for salinity, whose
      // estuarine/marine bimodality widens Synthetica estuarina's weighted SD to 7.5 PSU for a
      // tolerance of 5; its estimand check above covers it).
      expect(r.sd[iT]).toBeLessThan(taxon.toleranceT + Z * eT.seSd);
      found.push({ taxon, meanT: r.mean[iT] });
    }
    // The temperature niche positions come out in the true order of the optima (distinct by ≥ 1 °C).
    const byFound = [...found].sort((a, b) => a.meanT - b.meanT).map(f => f.taxon.name);
    const byTruth = [...found]
      .sort((a, b) => a.taxon.optimumT2010 - b.taxon.optimumT2010)
      .map(f => f.taxon.name);
    expect(byFound).toEqual(byTruth);
  });

  test('OMI species positions, back-transformed to raw units, are the same niche positions', () => {
    const pca = environmentalPca(input.environment);
    const omi = omiAnalysis(pca, input.abundance);
    const r = speciesResponses(input.abundance, input.environment);
    const { tab } = omi;
    for (let j = 0; j < tab.nRows; j++) {
      for (let k = 0; k < tab.nCols; k++) {
        // tab is the species centroid in the centred, normed environment: x = cent + norm·z.
        const raw = pca.cent[k] + pca.norm[k] * tab.values[k * tab.nRows + j];
        const i = r.species.findIndex(
          (s, q) => s === tab.rowNames[j] && r.variable[q] === tab.colNames[k]
        );
        expect(raw).toBeCloseTo(r.mean[i], 9);
      }
    }
    // Marginality (OMI = squared distance of the species centroid from the mean environment, in
    // standardised units) against its estimand: the same distance for the λ-weighted means. Its noise
    // follows from the means' (dOMI = 2 Σ z_k dz_k, bounded with |z_k| so the T/S correlation cannot
    // make it larger).
    const T = columnOf(input, 'TEMP');
    const S = columnOf(input, 'PSAL');
    const year = Array.from(input.samples.time, t => periodOf(t));
    const columnIndex = (name: string): number => tab.colNames.indexOf(name);
    for (const taxon of truth.taxa) {
      const j = tab.rowNames.indexOf(taxon.name);
      const lambda = expectedAbundance(taxon, truth, T, S, year);
      let omiFound = 0;
      let omiExact = 0;
      let se = 0;
      for (const [name, x] of [
        ['TEMP', T],
        ['PSAL', S]
      ] as const) {
        const k = columnIndex(name);
        const e = estimand(lambda, x);
        const z = (e.mean - pca.cent[k]) / pca.norm[k];
        omiExact += z * z;
        omiFound += tab.values[k * tab.nRows + j] ** 2;
        se += 2 * Math.abs(z) * (e.seMean / pca.norm[k]);
      }
      expect(Math.abs(omiFound - omiExact)).toBeLessThan(Z * se);
    }
  });

  test('yearly niche centroids and their Sen slope: the shift of the temperature optimum per decade', () => {
    const T = columnOf(input, 'TEMP');
    const S = columnOf(input, 'PSAL');
    const year = Float64Array.from(input.samples.time, t => periodOf(t));
    const trends = nicheCentroidTrends(input.abundance, input.environment, year).filter(
      c => c.variable === 'TEMP'
    );
    expect(trends).toHaveLength(truth.taxa.length);
    const warmingPerDecade = truth.warmingPerYear * 10;
    for (const taxon of truth.taxa) {
      const c = trends.find(t => t.species === taxon.name)!;
      expect(c.periods).toHaveLength(truth.years[1] - truth.years[0] + 1);
      const lambda = expectedAbundance(taxon, truth, T, S, year);
      // Estimand: the same workflow (yearly centroids, Sen slope) with the true λ as weights.
      const exact = centroidTrend(lambda, T, year);
      // Counting noise of each yearly centroid (as for the overall mean), propagated to a least-squares
      // slope; Sen's slope is ~5 % noisier than least squares for normal errors, hence × 1.1.
      const years = Array.from(exact.periods);
      const ybar = years.reduce((s, y) => s + y, 0) / years.length;
      let sxx = 0;
      let varNum = 0;
      for (const y of years) {
        const idx = Array.from(year.keys()).filter(i => year[i] === y);
        const e = estimand(
          idx.map(i => lambda[i]),
          idx.map(i => T[i])
        );
        sxx += (y - ybar) ** 2;
        varNum += (y - ybar) ** 2 * e.seMean ** 2;
      }
      const seSlope = (1.1 * Math.sqrt(varNum)) / sxx;
      const slope = c.sensSlope.slope;
      expect(Math.abs(slope - exact.sensSlope.slope)).toBeLessThan(Z * seSlope);

      // Against the parameter: the yearly centroid follows the optimum (shiftPerDecade) where the
      // sampled temperatures are broad and even around it, and the warming water (warmingPerYear × 10 =
      // 0.3 °C per decade) where the sampled range is narrow or cuts the response. For a Gaussian response
      // (μ, σ) on a Gaussian environment (m, s) the weighted centroid is (μ·s² + m·σ²)/(s² + σ²), so its
      // slope is (shift·s² + warming·σ²)/(s² + σ²): between the two rates. A wrong sign (−0.6), a per-year
      // slope (0.03–0.06) or a per-decade slope read as per year (3–6) all fall outside.
      const perDecade = slope * 10;
      const lo = Math.min(taxon.shiftPerDecade, warmingPerDecade) - Z * 10 * seSlope;
      const hi = Math.max(taxon.shiftPerDecade, warmingPerDecade) + Z * 10 * seSlope;
      expect(perDecade).toBeGreaterThan(lo);
      expect(perDecade).toBeLessThan(hi);
    }
    // Taxa whose optimum moves faster than the water warms show it: the three fastest (0.4–0.6 °C per
    // decade vs 0.3 for the water) have centroid trends above the warming, significant at 5 %.
    for (const name of ['Synthetica borealis', 'Synthetica frigida', 'Synthetica aestiva']) {
      const c = trends.find(t => t.species === name)!;
      expect(c.sensSlope.slope * 10).toBeGreaterThan(warmingPerDecade);
      expect(c.mannKendall.p).toBeLessThan(0.05);
    }
  });
});
