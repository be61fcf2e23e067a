import { messageText } from '@odatis-vre/harmonised';
import { NicheInputError } from './errors';
import { OmiResult, rowMajor } from './omi';
import { ParamColumns, paramsOfProfile } from './parameters';
import { DataTable, makeTable } from './table';

export interface WitOmiOptions {
  /**
   * Order of the subsets. Default: the distinct values of the factor, sorted numerically when they are all
   * numbers, otherwise as strings (R's `factor()` sorts its levels too).
   */
  levels?: readonly string[];
}

/** `subparam.refor` / `subparam.subor` table: one row per species × subset, subset-major. */
export interface WitOmiParameters {
  species: string[];
  subset: string[];
  /** Number of samples of the subset where the species occurs; 0 means every statistic is NaN. */
  occurrences: Int32Array;
  inertia: Float64Array;
  /** WitOMIG (from G) or WitOMIG_k (from G_k). */
  witomi: Float64Array;
  tol: Float64Array;
  rtol: Float64Array;
  witomiShare: Float64Array;
  tolShare: Float64Array;
  rtolShare: Float64Array;
}

/** Within-OMI analysis (Karasiewicz et al. 2017; subniche 1.5 `subniche`, `subparam.refor`, `subparam.subor`). */
export interface WitOmiResult {
  levels: string[];
  /** Samples per subset. */
  subsetSizes: Int32Array;
  /** G_k: mean sample score of each subset on the OMI axes (levels × nf). */
  subsetOrigins: DataTable;
  /** G_k in the full standardised space: column means of Z over each subset (levels × variables). */
  subsetOriginsFullSpace: DataTable;
  /** Subniche positions on the OMI axes, Σ_{i∈k} (y_ij / Σ_{i∈k} y_ij) ls_i (species × subset rows). */
  subnichePositions: DataTable;
  /** Marginality of each subniche from G, the overall origin (subparam.refor). */
  witomiG: WitOmiParameters;
  /** Marginality of each subniche from G_k, its subset's origin (subparam.subor). */
  witomiGk: WitOmiParameters;
  /** Raw-unit means: row `mean_E` over all samples, then `mean_K<level>` per subset. */
  meanEnvironment: DataTable;
  /** Species centroids in raw units, Pᵀ E (species × variables). */
  speciesMeanEnvironment: DataTable;
  /** Subniche centroids in raw units (species × subset rows). */
  subnicheMeanEnvironment: DataTable;
}

/** Codes a factor (one value per sample) into 0-based level indices. */
export function codeFactor(
  factor: ArrayLike<string | number>,
  levels?: readonly string[]
): { codes: Int32Array; levels: string[] } {
  const values = Array.from(factor, v => String(v));
  let lev: string[];
  if (levels) lev = [...levels];
  else {
    lev = [...new Set(values)];
    const numeric = lev.every(v => v.trim() !== '' && Number.isFinite(Number(v)));
    lev.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  const index = new Map(lev.map((l, k) => [l, k]));
  const codes = new Int32Array(values.length);
  values.forEach((v, i) => {
    const k = index.get(v);
    if (k === undefined) {
      throw new NicheInputError(
        'bad-argument',
        messageText(
          'subset factor: sample %1 has level "%2", not among the given levels',
          i + 1,
          v
        ),
        {
          row: String(i + 1),
          expected: lev.join(', '),
          found: v
        }
      );
    }
    codes[i] = k;
  });
  return { codes, levels: lev };
}

/** WitOMI of every species in every subset of samples given by `factor` (site, period, season…). */
export function witomi(
  omi: OmiResult,
  factor: ArrayLike<string | number>,
  options: WitOmiOptions = {}
): WitOmiResult {
  const pr = omi.profiles;
  const n = pr.nSamples;
  const s = pr.nSpecies;
  const p = omi.variables.length;
  const nf = omi.nf;
  if (factor.length !== n) {
    throw new NicheInputError(
      'sample-count-mismatch',
      messageText('the subset factor has %1 values for %2 samples', factor.length, n),
      {
        table: 'factor',
        expected: messageText('%1 values', n),
        found: String(factor.length)
      }
    );
  }
  const { codes, levels } = codeFactor(factor, options.levels);
  const L = levels.length;
  const z = omi.zRows;
  const ls = rowMajor(omi.ls);
  const raw = rowMajor(omi.pca.raw);

  // subset sizes, origins G_k (axes and full space) and raw means
  const size = new Int32Array(L);
  const gk = new Float64Array(L * nf);
  const gkFull = new Float64Array(L * p);
  const meanRaw = new Float64Array((L + 1) * p);
  for (let i = 0; i < n; i++) {
    const l = codes[i];
    size[l]++;
    for (let a = 0; a < nf; a++) gk[l * nf + a] += ls[i * nf + a];
    for (let k = 0; k < p; k++) {
      gkFull[l * p + k] += z[i * p + k];
      meanRaw[k] += raw[i * p + k];
      meanRaw[(l + 1) * p + k] += raw[i * p + k];
    }
  }
  for (let l = 0; l < L; l++) {
    if (size[l] === 0) {
      throw new NicheInputError('empty', messageText('subset "%1" has no sample', levels[l]), {
        table: 'factor',
        expected: messageText('at least one sample per level'),
        found: '0'
      });
    }
    for (let a = 0; a < nf; a++) gk[l * nf + a] /= size[l];
    for (let k = 0; k < p; k++) {
      gkFull[l * p + k] /= size[l];
      meanRaw[(l + 1) * p + k] /= size[l];
    }
  }
  for (let k = 0; k < p; k++) meanRaw[k] /= n;

  // occurrences regrouped by (subset, species), subset-major, with frequencies within the subset
  const slots = L * s;
  const offset = new Int32Array(slots + 1);
  for (let j = 0; j < s; j++)
    for (let e = pr.offset[j]; e < pr.offset[j + 1]; e++) offset[codes[pr.sample[e]] * s + j + 1]++;
  for (let q = 0; q < slots; q++) offset[q + 1] += offset[q];
  const fill = offset.slice(0, slots);
  const sample = new Int32Array(pr.sample.length);
  const weight = new Float64Array(pr.sample.length);
  for (let j = 0; j < s; j++) {
    for (let e = pr.offset[j]; e < pr.offset[j + 1]; e++) {
      const q = codes[pr.sample[e]] * s + j;
      sample[fill[q]] = pr.sample[e];
      weight[fill[q]] = pr.weight[e];
      fill[q]++;
    }
  }
  const freq = new Float64Array(weight.length);
  const occurrences = new Int32Array(slots);
  for (let q = 0; q < slots; q++) {
    let t = 0;
    for (let e = offset[q]; e < offset[q + 1]; e++) t += weight[e];
    for (let e = offset[q]; e < offset[q + 1]; e++) freq[e] = weight[e] / t;
    occurrences[q] = offset[q + 1] - offset[q];
  }

  const sub = new Float64Array(slots * nf);
  const subRaw = new Float64Array(slots * p);
  const refor = paramColumns(slots);
  const subor = paramColumns(slots);
  const m = new Float64Array(p);
  for (let l = 0; l < L; l++) {
    const origin = gkFull.subarray(l * p, (l + 1) * p);
    for (let j = 0; j < s; j++) {
      const q = l * s + j;
      if (occurrences[q] === 0) {
        // species absent from the subset: its profile is 0/0 in subniche, so every statistic is NaN
        for (let a = 0; a < nf; a++) sub[a * slots + q] = NaN;
        for (let k = 0; k < p; k++) subRaw[k * slots + q] = NaN;
        for (const c of [refor, subor]) c.inertia[q] = c.omi[q] = c.tol[q] = c.rtol[q] = NaN;
        continue;
      }
      for (let e = offset[q]; e < offset[q + 1]; e++) {
        const f = freq[e];
        const i = sample[e];
        for (let a = 0; a < nf; a++) sub[a * slots + q] += f * ls[i * nf + a];
        for (let k = 0; k < p; k++) subRaw[k * slots + q] += f * raw[i * p + k];
      }
      paramsOfProfile(sample, freq, offset[q], offset[q + 1], z, p, null, m, refor, q);
      paramsOfProfile(sample, freq, offset[q], offset[q + 1], z, p, origin, m, subor, q);
    }
  }

  const speciesCol: string[] = [];
  const subsetCol: string[] = [];
  const rowNames: string[] = [];
  for (let l = 0; l < L; l++) {
    for (let j = 0; j < s; j++) {
      speciesCol.push(pr.species[j]);
      subsetCol.push(levels[l]);
      rowNames.push(`${pr.species[j]}${levels[l]}`);
    }
  }
  const variables = omi.variables;
  const toColMajor = (rm: Float64Array, rows: number, cols: number): Float64Array => {
    const out = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) out[c * rows + r] = rm[r * cols + c];
    return out;
  };
  const spMean = new Float64Array(s * p);
  for (let j = 0; j < s; j++) {
    for (let e = pr.offset[j]; e < pr.offset[j + 1]; e++) {
      const f = pr.freq[e];
      const i = pr.sample[e];
      for (let k = 0; k < p; k++) spMean[k * s + j] += f * raw[i * p + k];
    }
  }
  const params = (c: ParamColumns): WitOmiParameters => ({
    species: speciesCol,
    subset: subsetCol,
    occurrences,
    inertia: c.inertia,
    witomi: c.omi,
    tol: c.tol,
    rtol: c.rtol,
    witomiShare: c.omi.map((v, q) => v / c.inertia[q]),
    tolShare: c.tol.map((v, q) => v / c.inertia[q]),
    rtolShare: c.rtol.map((v, q) => v / c.inertia[q])
  });
  return {
    levels,
    subsetSizes: size,
    subsetOrigins: makeTable(toColMajor(gk, L, nf), L, nf, levels, omi.ls.colNames),
    subsetOriginsFullSpace: makeTable(toColMajor(gkFull, L, p), L, p, levels, variables),
    subnichePositions: makeTable(sub, slots, nf, rowNames, omi.ls.colNames),
    witomiG: params(refor),
    witomiGk: params(subor),
    meanEnvironment: makeTable(
      toColMajor(meanRaw, L + 1, p),
      L + 1,
      p,
      ['mean_E', ...levels.map(l => `mean_K${l}`)],
      variables
    ),
    speciesMeanEnvironment: makeTable(spMean, s, p, pr.species, variables),
    subnicheMeanEnvironment: makeTable(subRaw, slots, p, rowNames, variables)
  };
}

function paramColumns(n: number): ParamColumns {
  return {
    inertia: new Float64Array(n),
    omi: new Float64Array(n),
    tol: new Float64Array(n),
    rtol: new Float64Array(n)
  };
}
