import { messageText } from '@odatis-vre/harmonised';
import { NicheInputError } from './errors';
import type { OmiResult } from './omi';
import { SpeciesProfiles, speciesProfiles } from './profiles';
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
  if (abundance.nRows !== n) {
    throw new NicheInputError(
      'sample-count-mismatch',
      messageText(
        'the abundance table has %1 samples but the environmental table has %2',
        abundance.nRows,
        n
      ),
      {
        table: 'abundance',
        expected: messageText('%1 samples', n),
        found: String(abundance.nRows)
      }
    );
  }
  assertFinite(environment, 'environment');
  return responsesOfProfiles(speciesProfiles(abundance, options).profiles, environment);
}

/**
 * {@link speciesResponses} for the species and raw environment of an OMI analysis, reusing its profiles
 * (no second pass over the abundance table).
 */
export function omiSpeciesResponses(omi: OmiResult): SpeciesResponses {
  return responsesOfProfiles(omi.profiles, omi.pca.raw);
}

function responsesOfProfiles(pr: SpeciesProfiles, environment: DataTable): SpeciesResponses {
  const n = environment.nRows;
  const p = environment.nCols;
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
  // raw environment row-major: an occurrence reads its p values contiguously
  const xr = new Float64Array(n * p);
  for (let k = 0; k < p; k++) for (let i = 0; i < n; i++) xr[i * p + k] = x[k * n + i];
  const shift = new Float64Array(p);
  const m = new Float64Array(p);
  const vv = new Float64Array(p);
  for (let j = 0; j < pr.nSpecies; j++) {
    const from = pr.offset[j];
    const to = pr.offset[j + 1];
    // One pass, shifted at the species' heaviest occurrence c: Σf(x−c)² − (m−c)² is then stable, since
    // the variance is at least f_c(m−c)², so the relative error stays below (2 + 1/f_c)·ε ≤ (2 + k)·ε;
    // a species seen once gets exactly 0.
    let heaviest = from;
    let sp2 = 0;
    for (let e = from; e < to; e++) {
      const f = pr.freq[e];
      sp2 += f * f;
      if (f > pr.freq[heaviest]) heaviest = e;
    }
    const cb = pr.sample[heaviest] * p;
    for (let k = 0; k < p; k++) shift[k] = xr[cb + k];
    m.fill(0);
    vv.fill(0);
    for (let e = from; e < to; e++) {
      const f = pr.freq[e];
      const b = pr.sample[e] * p;
      for (let k = 0; k < p; k++) {
        const d = xr[b + k] - shift[k];
        m[k] += f * d;
        vv[k] += f * d * d;
      }
    }
    for (let k = 0; k < p; k++) {
      vv[k] = Math.max(0, vv[k] - m[k] * m[k]);
      m[k] += shift[k];
    }
    const n2 = 1 / sp2;
    for (let k = 0; k < p; k++) {
      const r = j * p + k;
      out.species.push(pr.species[j]);
      out.variable.push(environment.colNames[k]);
      out.nNonzero[r] = to - from;
      out.totalWeight[r] = pr.total[j];
      out.hillN2[r] = n2;
      out.mean[r] = m[k];
      out.sd[r] = Math.sqrt(vv[k]);
      out.sdN2Corrected[r] = Math.sqrt(vv[k]) / Math.sqrt(1 - 1 / n2);
      // standardisation is affine: mean and variance follow exactly
      out.meanStd[r] = (m[k] - cent[k]) / norm[k];
      out.varStd[r] = vv[k] / (norm[k] * norm[k]);
    }
  }
  return out;
}
