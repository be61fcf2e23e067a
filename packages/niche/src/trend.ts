import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { messageText } from '@odatis-vre/harmonised';
import { NicheInputError } from './errors';
import { DataTable } from './table';

/** Upper tail of the standard normal, accurate far in the tail (no 1 − cdf cancellation). */
function upperTail(z: number): number {
  return normalCdf(-z, 0, 1);
}

function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/** R's `round()` for digits = 0: ties go to the even integer. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/** R's `median()`. */
export function median(x: ArrayLike<number>): number {
  const s = Float64Array.from(x).sort();
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * Σ t(t−1)(2t+5), Σ t(t−1), Σ t(t−1)(t−2) over the tie groups of `x`. The groups are R's `table(x)`: values
 * that print the same with 15 significant digits (`as.character`) are one group, so two means that differ in
 * the last bit (7.2800000000000002 and 7.2799999999999994) are tied in Var S as in R, while S, which compares
 * the values themselves (`sign(x[j] − x[i])`), still tells them apart, as R does.
 */
function tieSums(x: Float64Array): { a: number; b: number; c: number } {
  const counts = new Map<string, number>();
  for (const v of x) {
    const key = v.toPrecision(15);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let a = 0;
  let b = 0;
  let c = 0;
  for (const t of counts.values()) {
    a += t * (t - 1) * (2 * t + 5);
    b += t * (t - 1);
    c += t * (t - 1) * (t - 2);
  }
  return { a, b, c };
}

/** Keeps the pairs where both value and time are present. */
function complete(
  values: ArrayLike<number>,
  times?: ArrayLike<number>
): { x: Float64Array; t: Float64Array } {
  if (times && times.length !== values.length) {
    throw new NicheInputError(
      'sample-count-mismatch',
      messageText('%1 values but %2 times', values.length, times.length),
      {
        expected: messageText('%1 times', values.length),
        found: String(times.length)
      }
    );
  }
  const xs: number[] = [];
  const ts: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const t = times ? times[i] : i + 1;
    if (Number.isNaN(values[i]) || Number.isNaN(t)) continue;
    xs.push(values[i]);
    ts.push(t);
  }
  return { x: Float64Array.from(xs), t: Float64Array.from(ts) };
}

export interface MannKendallResult {
  /** Values used (missing values and missing times dropped). */
  n: number;
  S: number;
  /** Variance of S with tie corrections in values and in times. */
  varS: number;
  tauB: number;
  /** Continuity-corrected z and two-sided p (trend::mk.test, cor.test(method = "kendall", exact = FALSE)). */
  zCorrected: number;
  pCorrected: number;
  /** Uncorrected z and two-sided p (Kendall package). */
  z: number;
  p: number;
  /** One-sided corrected p-values. */
  pGreaterCorrected: number;
  pLessCorrected: number;
}

/**
 * Mann–Kendall trend test of `values` against `times` (default 1..n): S = Σ sign(xj − xi)·sign(tj − ti), so
 * irregular and repeated sampling times are allowed; the variance carries the tie corrections of both.
 */
export function mannKendall(
  values: ArrayLike<number>,
  times?: ArrayLike<number>
): MannKendallResult {
  const { x, t } = complete(values, times);
  const n = x.length;
  if (n < 3) {
    throw new NicheInputError(
      'empty',
      messageText('Mann–Kendall needs at least 3 values with a time, found %1', n),
      {
        expected: messageText('≥ 3 values'),
        found: String(n)
      }
    );
  }
  let S = 0;
  for (let i = 0; i < n - 1; i++)
    for (let j = i + 1; j < n; j++) S += sign(x[j] - x[i]) * sign(t[j] - t[i]);
  const tx = tieSums(x);
  const tt = tieSums(t);
  const v0 = n * (n - 1) * (2 * n + 5);
  const varS =
    (v0 - tx.a - tt.a) / 18 +
    (tx.b * tt.b) / (2 * n * (n - 1)) +
    (tx.c * tt.c) / (9 * n * (n - 1) * (n - 2));
  if (!(varS > 0)) {
    throw new NicheInputError(
      'degenerate',
      messageText('Mann–Kendall: every value (or every time) is tied, the variance of S is 0'),
      {
        expected: messageText('at least two distinct values and times'),
        found: messageText('all tied')
      }
    );
  }
  const n0 = (n * (n - 1)) / 2;
  const tauB = S / Math.sqrt((n0 - tx.b / 2) * (n0 - tt.b / 2));
  const zCorrected = (sign(S) * (Math.abs(S) - 1)) / Math.sqrt(varS);
  const z = S / Math.sqrt(varS);
  const p2 = (zz: number): number => 2 * Math.min(0.5, upperTail(Math.abs(zz)));
  return {
    n,
    S,
    varS,
    tauB,
    zCorrected,
    pCorrected: p2(zCorrected),
    z,
    p: p2(z),
    pGreaterCorrected: upperTail(zCorrected),
    pLessCorrected: normalCdf(zCorrected, 0, 1)
  };
}

export interface SensSlopeResult {
  /** Number of pairwise slopes (pairs with distinct times). */
  nSlopes: number;
  slope: number;
  /** Confidence interval (trend::sens.slope ranks); NaN when a rank falls outside 1..nSlopes. */
  lower: number;
  upper: number;
  lowerRank: number;
  upperRank: number;
  confidence: number;
  /** Conover's intercept: median(x) − slope · median(t). */
  intercept: number;
}

/** Sen's slope (median of pairwise slopes over pairs with distinct times) with its confidence interval. */
export function sensSlope(
  values: ArrayLike<number>,
  times?: ArrayLike<number>,
  confidence = 0.95
): SensSlopeResult {
  const { x, t } = complete(values, times);
  const n = x.length;
  const d: number[] = [];
  for (let i = 0; i < n - 1; i++)
    for (let j = i + 1; j < n; j++) if (t[j] !== t[i]) d.push((x[j] - x[i]) / (t[j] - t[i]));
  const ds = Float64Array.from(d).sort();
  const mk = mannKendall(x, t);
  const C = normalQuantile(1 - (1 - confidence) / 2, 0, 1) * Math.sqrt(mk.varS);
  const N = ds.length;
  const lowerRank = roundHalfEven((N - C) / 2);
  const upperRank = roundHalfEven((N + C) / 2 + 1);
  const at = (r: number): number => (r >= 1 && r <= N ? ds[r - 1] : NaN);
  const slope = median(ds);
  return {
    nSlopes: N,
    slope,
    lower: at(lowerRank),
    upper: at(upperRank),
    lowerRank,
    upperRank,
    confidence,
    intercept: median(x) - slope * median(t)
  };
}

export interface SeasonalKendallResult {
  seasons: string[];
  perSeason: Array<{ season: string; S: number; varS: number; tauB: number; n: number }>;
  S: number;
  varS: number;
  zCorrected: number;
  pCorrected: number;
  z: number;
  p: number;
  /** Seasonal Sen slope: median of the within-season pairwise slopes (distinct years). */
  sensSlope: number;
  nSlopes: number;
}

function seasonGroups(season: ArrayLike<string | number>): { keys: string[]; codes: string[] } {
  const codes = Array.from(season, v => String(v));
  const keys = [...new Set(codes)];
  const numeric = keys.every(k => Number.isFinite(Number(k)));
  keys.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { keys, codes };
}

/**
 * Seasonal Kendall test (Hirsch–Slack: S and Var S summed over seasons, seasons assumed independent) and the
 * seasonal Sen slope. `year` is the time within a season (a year, or any numeric time).
 */
export function seasonalKendall(
  values: ArrayLike<number>,
  season: ArrayLike<string | number>,
  year: ArrayLike<number>
): SeasonalKendallResult {
  if (season.length !== values.length || year.length !== values.length) {
    throw new NicheInputError(
      'sample-count-mismatch',
      messageText('%1 values, %2 seasons, %3 years', values.length, season.length, year.length),
      {
        expected: messageText('the same length'),
        found: `${values.length}, ${season.length}, ${year.length}`
      }
    );
  }
  const { keys, codes } = seasonGroups(season);
  const perSeason: SeasonalKendallResult['perSeason'] = [];
  const slopes: number[] = [];
  let S = 0;
  let V = 0;
  for (const g of keys) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < values.length; i++)
      if (codes[i] === g) {
        xs.push(values[i]);
        ys.push(year[i]);
      }
    const m = mannKendall(xs, ys);
    perSeason.push({ season: g, S: m.S, varS: m.varS, tauB: m.tauB, n: m.n });
    S += m.S;
    V += m.varS;
    const { x, t } = complete(xs, ys);
    for (let a = 0; a < x.length - 1; a++)
      for (let b = a + 1; b < x.length; b++)
        if (t[b] !== t[a]) slopes.push((x[b] - x[a]) / (t[b] - t[a]));
  }
  const zCorrected = (sign(S) * (Math.abs(S) - 1)) / Math.sqrt(V);
  const z = S / Math.sqrt(V);
  return {
    seasons: keys,
    perSeason,
    S,
    varS: V,
    zCorrected,
    pCorrected: 2 * upperTail(Math.abs(zCorrected)),
    z,
    p: 2 * upperTail(Math.abs(z)),
    sensSlope: median(slopes),
    nSlopes: slopes.length
  };
}

export interface CorrectedSeasonalKendallResult {
  S: number;
  varS: number;
  z: number;
  p: number;
  /** Covariance matrix of the seasonal S statistics (seasons × seasons, row-major). */
  covariance: Float64Array;
}

/**
 * Seasonal Kendall with the covariance between seasons (Hirsch & Slack 1984, Dietz & Killeen 1981;
 * trend::csmk.test) on a complete years × seasons table (column-major, as a DataTable). Continuity correction
 * for ≤ 10 years, as trend does.
 */
export function correctedSeasonalKendall(table: DataTable): CorrectedSeasonalKendallResult {
  const n = table.nRows;
  const d = table.nCols;
  for (let k = 0; k < table.values.length; k++) {
    if (!Number.isFinite(table.values[k])) {
      const i = k % n;
      throw new NicheInputError(
        'missing-value',
        messageText(
          'corrected seasonal Kendall needs a complete years × seasons table; year "%1", season "%2" is missing',
          table.rowNames[i],
          table.colNames[(k - i) / n]
        ),
        {
          row: table.rowNames[i],
          column: table.colNames[(k - i) / n],
          expected: messageText('a number'),
          found: String(table.values[k])
        }
      );
    }
  }
  const col = (g: number): Float64Array => table.values.subarray(g * n, (g + 1) * n);
  const ranks = (v: Float64Array): Float64Array =>
    v.map(vj => {
      let s = 0;
      for (let i = 0; i < n; i++) s += sign(vj - v[i]);
      return (n + 1 + s) / 2;
    });
  const R = Array.from({ length: d }, (_, g) => ranks(col(g)));
  let S = 0;
  for (let g = 0; g < d; g++) {
    const v = col(g);
    for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) S += sign(v[j] - v[i]);
  }
  const cov = new Float64Array(d * d);
  let V = 0;
  for (let g = 0; g < d; g++) {
    for (let h = 0; h < d; h++) {
      const a = col(g);
      const b = col(h);
      let K = 0;
      for (let i = 0; i < n - 1; i++)
        for (let j = i + 1; j < n; j++) K += sign((a[j] - a[i]) * (b[j] - b[i]));
      let rr = 0;
      for (let i = 0; i < n; i++) rr += R[g][i] * R[h][i];
      cov[g * d + h] = (K + 4 * rr - n * (n + 1) * (n + 1)) / 3;
      V += cov[g * d + h];
    }
  }
  const z = n <= 10 ? (sign(S) * (Math.abs(S) - 1)) / Math.sqrt(V) : S / Math.sqrt(V);
  return { S, varS: V, z, p: 2 * Math.min(0.5, upperTail(Math.abs(z))), covariance: cov };
}

/** One species' niche centroid along one variable, period by period, and its trend. */
export interface CentroidTrend {
  periods: Float64Array;
  /** Abundance-weighted mean of the variable in each period. */
  centroid: Float64Array;
  /** Abundance-weighted SD (divisor Σw) in each period. */
  breadth: Float64Array;
  totalWeight: Float64Array;
  /** Periods skipped because the species was not seen in them. */
  emptyPeriods: number[];
  mannKendall: MannKendallResult;
  sensSlope: SensSlopeResult;
}

/**
 * Per-period niche centroids (Σ w x / Σ w over the samples of each period) and their Mann–Kendall / Sen trend.
 * `period` is numeric (a year, or the start of a window: see {@link periodOf}); periods where the species has
 * zero total weight are left out and listed, samples with a missing value are skipped.
 */
export function centroidTrend(
  weights: ArrayLike<number>,
  values: ArrayLike<number>,
  period: ArrayLike<number>,
  confidence = 0.95
): CentroidTrend {
  if (weights.length !== values.length || period.length !== values.length) {
    throw new NicheInputError(
      'sample-count-mismatch',
      messageText(
        '%1 weights, %2 values, %3 periods',
        weights.length,
        values.length,
        period.length
      ),
      {
        expected: messageText('the same length'),
        found: `${weights.length}, ${values.length}, ${period.length}`
      }
    );
  }
  const keys = [...new Set(Array.from(period).filter(v => !Number.isNaN(v)))].sort((a, b) => a - b);
  const index = new Map(keys.map((k, i) => [k, i]));
  const P = keys.length;
  const W = new Float64Array(P);
  const S1 = new Float64Array(P);
  for (let i = 0; i < values.length; i++) {
    const q = index.get(period[i]);
    if (q === undefined || Number.isNaN(values[i]) || Number.isNaN(weights[i])) continue;
    W[q] += weights[i];
    S1[q] += weights[i] * values[i];
  }
  const mean = S1.map((v, q) => v / W[q]);
  const S2 = new Float64Array(P);
  for (let i = 0; i < values.length; i++) {
    const q = index.get(period[i]);
    if (q === undefined || Number.isNaN(values[i]) || Number.isNaN(weights[i])) continue;
    const dv = values[i] - mean[q];
    S2[q] += weights[i] * dv * dv;
  }
  const keep: number[] = [];
  const emptyPeriods: number[] = [];
  for (let q = 0; q < P; q++) (W[q] > 0 ? keep : emptyPeriods).push(q);
  const periods = Float64Array.from(keep, q => keys[q]);
  const centroid = Float64Array.from(keep, q => mean[q]);
  return {
    periods,
    centroid,
    breadth: Float64Array.from(keep, q => Math.sqrt(S2[q] / W[q])),
    totalWeight: Float64Array.from(keep, q => W[q]),
    emptyPeriods: emptyPeriods.map(q => keys[q]),
    mannKendall: mannKendall(centroid, periods),
    sensSlope: sensSlope(centroid, periods, confidence)
  };
}

/**
 * The period of a timestamp (ms since epoch, UTC): its calendar year, or the first year of its
 * `windowYears`-long window counted from `originYear` (e.g. 5-year windows from 1990: 1990, 1995…).
 */
export function periodOf(timeMs: number, windowYears = 1, originYear = 1970): number {
  const year = new Date(timeMs).getUTCFullYear();
  return originYear + Math.floor((year - originYear) / windowYears) * windowYears;
}

/** {@link centroidTrend} for every species × variable of a samples × species and a samples × variables table. */
export function nicheCentroidTrends(
  abundance: DataTable,
  environment: DataTable,
  period: ArrayLike<number>,
  confidence = 0.95
): Array<{ species: string; variable: string } & CentroidTrend> {
  if (abundance.nRows !== environment.nRows) {
    throw new NicheInputError(
      'sample-count-mismatch',
      messageText(
        'the abundance table has %1 samples but the environmental table has %2',
        abundance.nRows,
        environment.nRows
      ),
      {
        expected: messageText('%1 samples', environment.nRows),
        found: String(abundance.nRows)
      }
    );
  }
  const n = abundance.nRows;
  const out: Array<{ species: string; variable: string } & CentroidTrend> = [];
  for (let j = 0; j < abundance.nCols; j++) {
    const w = abundance.values.subarray(j * n, (j + 1) * n);
    for (let k = 0; k < environment.nCols; k++) {
      const x = environment.values.subarray(k * n, (k + 1) * n);
      out.push({
        species: abundance.colNames[j],
        variable: environment.colNames[k],
        ...centroidTrend(w, x, period, confidence)
      });
    }
  }
  return out;
}

/** R's `rank()` with its default `ties.method = "average"`: ranks from 1, tied values share their mean rank. */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const ranks = new Float64Array(x.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && x[order[j + 1]] === x[order[i]]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

/**
 * Spearman's rank correlation, as R's `cor(a, b, method = "spearman")`: Pearson's correlation of the average
 * ranks. NaN when a value is missing or one side is constant (R's NA).
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new NicheInputError(
      'sample-count-mismatch',
      messageText('%1 values against %2', a.length, b.length),
      {
        expected: messageText('%1 values on both sides', a.length),
        found: String(b.length)
      }
    );
  }
  for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i]) || Number.isNaN(b[i])) return NaN;
  const [ra, rb] = [averageRanks(a), averageRanks(b)];
  const mean = (ra.length + 1) / 2; // the mean of average ranks, ties or not
  let [num, da, db] = [0, 0, 0];
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i] - mean) * (rb[i] - mean);
    da += (ra[i] - mean) ** 2;
    db += (rb[i] - mean) ** 2;
  }
  return num / Math.sqrt(da * db);
}
