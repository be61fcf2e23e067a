import { NicheInputError } from './errors';
import { speciesProfiles } from './profiles';
import { assertFinite, DataTable } from './table';

/**
 * Species response summaries along each raw variable, one row per species × variable (species-major):
 * abundance-weighted mean (niche position), weighted SD (breadth, divisor Σw), Hill's N2 = 1/Σp² (effective
 * number of samples) and the N2-corrected SD, SD/√(1 − 1/N2) (analogue of `w.tol(useN2 = TRUE)`), plus the
 * weighted mean and variance in standardised units (centred, population-SD-scaled, as in the PCA).
 */
export interface SpeciesResponses {
  species: string[];
  variable: string[];
  /** Samples where the species occurs. */
  nNonzero: Int32Array;
  totalWeight: Float64Array;
  hillN2: Float64Array;
  mean: Float64Array;
  sd: Float64Array;
  /** NaN when the species occurs in one sample only (N2 = 1: 0/0, as in R). */
  sdN2Corrected: Float64Array;
  meanStd: Float64Array;
  varStd: Float64Array;
}

export function speciesResponses(
  abundance: DataTable,
  environment: DataTable,
  options: { dropAbsentSpecies?: boolean } = {}
): SpeciesResponses {
  const n = environment.nRows;
  const p = environment.nCols;
  if (abundance.nRows !== n) {
    throw new NicheInputError(
      'sample-count-mismatch',
      `the abundance table has ${abundance.nRows} samples but the environmental table has ${n}`,
      { table: 'abundance', expected: `${n} samples`, found: String(abundance.nRows) }
    );
  }
  assertFinite(environment, 'environment');
  const { profiles: pr } = speciesProfiles(abundance, options);
  const x = environment.values;
  const cent = new Float64Array(p);
  const norm = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[k * n + i] / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += ((x[k * n + i] - s) * (x[k * n + i] - s)) / n;
    cent[k] = s;
    const sd = Math.sqrt(v);
    norm[k] = sd < 1e-8 ? 1 : sd;
  }
  const rows = pr.nSpecies * p;
  const out: SpeciesResponses = {
    species: [],
    variable: [],
    nNonzero: new Int32Array(rows),
    totalWeight: new Float64Array(rows),
    hillN2: new Float64Array(rows),
    mean: new Float64Array(rows),
    sd: new Float64Array(rows),
    sdN2Corrected: new Float64Array(rows),
    meanStd: new Float64Array(rows),
    varStd: new Float64Array(rows)
  };
  for (let j = 0; j < pr.nSpecies; j++) {
    const from = pr.offset[j];
    const to = pr.offset[j + 1];
    let sp2 = 0;
    for (let e = from; e < to; e++) sp2 += pr.freq[e] * pr.freq[e];
    const n2 = 1 / sp2;
    for (let k = 0; k < p; k++) {
      const r = j * p + k;
      let m = 0;
      let mz = 0;
      for (let e = from; e < to; e++) {
        const v = x[k * n + pr.sample[e]];
        m += pr.freq[e] * v;
        mz += pr.freq[e] * ((v - cent[k]) / norm[k]);
      }
      let vv = 0;
      let vz = 0;
      for (let e = from; e < to; e++) {
        const v = x[k * n + pr.sample[e]];
        const zv = (v - cent[k]) / norm[k];
        vv += pr.freq[e] * (v - m) * (v - m);
        vz += pr.freq[e] * (zv - mz) * (zv - mz);
      }
      out.species.push(pr.species[j]);
      out.variable.push(environment.colNames[k]);
      out.nNonzero[r] = to - from;
      out.totalWeight[r] = pr.total[j];
      out.hillN2[r] = n2;
      out.mean[r] = m;
      out.sd[r] = Math.sqrt(vv);
      out.sdN2Corrected[r] = Math.sqrt(vv) / Math.sqrt(1 - 1 / n2);
      out.meanStd[r] = mz;
      out.varStd[r] = vz;
    }
  }
  return out;
}
