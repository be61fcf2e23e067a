import { OmiResult } from './omi';

/**
 * ade4 `niche.param`: per species, the inertia around the origin split into marginality (OMI), tolerance
 * (Tol, along the marginality direction) and residual tolerance (Rtol). Shares are the unrounded ratios to
 * the inertia; ade4 prints `round(share, 3) * 100`.
 */
export interface NicheParameters {
  species: readonly string[];
  inertia: Float64Array;
  omi: Float64Array;
  tol: Float64Array;
  rtol: Float64Array;
  omiShare: Float64Array;
  tolShare: Float64Array;
  rtolShare: Float64Array;
}

/** Output arrays of {@link paramsOfProfile}, one slot per species (or species × subset). */
export interface ParamColumns {
  inertia: Float64Array;
  omi: Float64Array;
  tol: Float64Array;
  rtol: Float64Array;
}

/**
 * ade4's `calcul.param` for one profile: occurrences `from..to` of (`sample`, `freq`), environment `zRows`
 * (row-major, p columns) seen from `origin` (null = the origin of Z). `m` is scratch of length p.
 * When the centroid sits exactly on the origin (OMI = 0) the direction is undefined: Tol and Rtol are NaN,
 * as in ade4.
 */
export function paramsOfProfile(
  sample: Int32Array,
  freq: Float64Array,
  from: number,
  to: number,
  zRows: Float64Array,
  p: number,
  origin: Float64Array | null,
  m: Float64Array,
  out: ParamColumns,
  slot: number
): void {
  m.fill(0);
  let inertia = 0;
  for (let e = from; e < to; e++) {
    const f = freq[e];
    const base = sample[e] * p;
    for (let k = 0; k < p; k++) {
      const z = origin === null ? zRows[base + k] : zRows[base + k] - origin[k];
      m[k] += f * z;
      inertia += f * z * z;
    }
  }
  let omi = 0;
  for (let k = 0; k < p; k++) omi += m[k] * m[k];
  const norm = Math.sqrt(omi);
  let tolt = 0;
  let tol = 0;
  for (let e = from; e < to; e++) {
    const f = freq[e];
    const base = sample[e] * p;
    let proj = 0;
    for (let k = 0; k < p; k++) {
      const d = (origin === null ? zRows[base + k] : zRows[base + k] - origin[k]) - m[k];
      tolt += f * d * d;
      proj += d * (m[k] / norm);
    }
    tol += f * proj * proj;
  }
  out.inertia[slot] = inertia;
  out.omi[slot] = omi;
  out.tol[slot] = tol;
  out.rtol[slot] = tolt - tol;
}

/** Niche parameters of every species of an OMI analysis (ade4 `niche.param(nic)`). */
export function nicheParameters(omi: OmiResult): NicheParameters {
  const pr = omi.profiles;
  const s = pr.nSpecies;
  const p = omi.variables.length;
  const cols: ParamColumns = {
    inertia: new Float64Array(s),
    omi: new Float64Array(s),
    tol: new Float64Array(s),
    rtol: new Float64Array(s)
  };
  const m = new Float64Array(p);
  for (let j = 0; j < s; j++) {
    paramsOfProfile(
      pr.sample,
      pr.freq,
      pr.offset[j],
      pr.offset[j + 1],
      omi.zRows,
      p,
      null,
      m,
      cols,
      j
    );
  }
  return withShares(pr.species, cols);
}

export function withShares(species: readonly string[], c: ParamColumns): NicheParameters {
  const share = (x: Float64Array): Float64Array => x.map((v, i) => v / c.inertia[i]);
  return {
    species,
    ...c,
    omiShare: share(c.omi),
    tolShare: share(c.tol),
    rtolShare: share(c.rtol)
  };
}
