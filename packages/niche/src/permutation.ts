import { messageText } from '@odatis-vre/harmonised';
import { NicheInputError } from './errors';
import { OmiResult } from './omi';
import { RRandom } from './r-random';
import { SeededRandom } from './random';
import { DataTable, makeTable } from './table';

export type Alternative = 'greater' | 'less' | 'two-sided';

export interface PermutationTestOptions {
  /** Number of permutations (ade4 `nrepet`, default 99). Ignored when `replay` is given. */
  permutations?: number;
  /** Seed of the generator (default 1). Same seed, same result, in node and in a worker. */
  seed?: number;
  /**
   * 'fast' (default): xoshiro128** with the sparse draw (O(occurrences) per species).
   * 'R': R's own stream, so `{ seed: s, generator: 'R' }` gives exactly `set.seed(s); rtest(nic, N)` of
   * R ≥ 3.6 (Mersenne-Twister, sample.kind "Rejection"); it permutes whole profiles, O(samples) per species.
   */
  generator?: 'fast' | 'R';
  alternative?: Alternative;
  /**
   * Permutation indices to replay instead of drawing (e.g. those R drew): for repetition r and species j,
   * `indices[(r * nSpecies + j) * nSamples + i]` is the 0-based sample whose frequency goes to sample i
   * (f*_i = f[idx_i], the convention of R's `apply(Y, 2, sample)`).
   */
  replay?: { repetitions: number; indices: Int32Array };
}

/** ade4 `rtest.niche` as a `krandtest`: one test per species, then one for the mean OMI (`OMI.mean`). */
export interface OmiPermutationTest {
  /** Species names followed by `OMI.mean`. */
  names: string[];
  observed: Float64Array;
  /** (observed − expectation) / sd (ade4 `Std.Obs`). */
  stdObs: Float64Array;
  /** Mean of the simulated values. */
  expectation: Float64Array;
  /** SD of the simulated values (divisor N − 1; ade4 labels this column "Variance" but stores the SD). */
  sd: Float64Array;
  /** (number of simulated values at least as extreme + 1) / (N + 1). */
  pValue: Float64Array;
  permutations: number;
  alternative: Alternative;
  /** Simulated values: permutations × (species + 1), last column OMI.mean. */
  simulated: DataTable;
}

/**
 * Monte-Carlo test of the marginality of each species (ade4 `rtest.niche`): each species profile is permuted
 * over the samples and its OMI recomputed. Random draws use the sparse form: a uniform permutation puts a
 * species' k occurrences on k distinct uniform samples, drawn by a partial Fisher–Yates shuffle (O(k·p) per
 * species and repetition, no allocation in the loop).
 */
export function omiPermutationTest(
  omi: OmiResult,
  options: PermutationTestOptions = {}
): OmiPermutationTest {
  const pr = omi.profiles;
  const s = pr.nSpecies;
  const n = pr.nSamples;
  const p = omi.variables.length;
  const z = omi.zRows;
  const alternative = options.alternative ?? 'greater';
  const nrep = options.replay ? options.replay.repetitions : (options.permutations ?? 99);
  if (!Number.isInteger(nrep) || nrep < 1) {
    throw new NicheInputError(
      'bad-argument',
      messageText('the number of permutations must be a positive integer, found %1', nrep),
      {
        expected: messageText('an integer ≥ 1'),
        found: String(nrep)
      }
    );
  }
  const sim = new Float64Array(nrep * (s + 1)); // column-major: species j, repetition r at [j*nrep + r]
  const m = new Float64Array(p);
  const dense = new Float64Array(n);
  // OMI of species j with its profile permuted by idx[base .. base + n): f*_i = f[idx_i]
  const permutedOmi = (j: number, idx: Int32Array, base: number): number => {
    for (let e = pr.offset[j]; e < pr.offset[j + 1]; e++) dense[pr.sample[e]] = pr.freq[e];
    m.fill(0);
    for (let i = 0; i < n; i++) {
      const f = dense[idx[base + i]];
      if (f !== 0) for (let k = 0; k < p; k++) m[k] += f * z[i * p + k];
    }
    let o = 0;
    for (let k = 0; k < p; k++) o += m[k] * m[k];
    for (let e = pr.offset[j]; e < pr.offset[j + 1]; e++) dense[pr.sample[e]] = 0;
    return o;
  };
  if (options.replay) {
    const idx = options.replay.indices;
    if (idx.length !== nrep * s * n) {
      throw new NicheInputError(
        'shape',
        messageText(
          'replayed permutations hold %1 indices; %2 repetitions × %3 species × %4 samples need %5',
          idx.length,
          nrep,
          s,
          n,
          nrep * s * n
        ),
        { expected: String(nrep * s * n), found: String(idx.length) }
      );
    }
    for (let r = 0; r < nrep; r++) {
      for (let j = 0; j < s; j++) sim[j * nrep + r] = permutedOmi(j, idx, (r * s + j) * n);
    }
  } else if (options.generator === 'R') {
    const rng = new RRandom(options.seed ?? 1);
    const idx = new Int32Array(n);
    const work = new Int32Array(n);
    for (let r = 0; r < nrep; r++) {
      for (let j = 0; j < s; j++) {
        rng.permutation(n, idx, work);
        sim[j * nrep + r] = permutedOmi(j, idx, 0);
      }
    }
  } else {
    const rng = new SeededRandom(options.seed ?? 1);
    const pool = new Int32Array(n);
    for (let i = 0; i < n; i++) pool[i] = i;
    for (let r = 0; r < nrep; r++) {
      for (let j = 0; j < s; j++) {
        m.fill(0);
        const from = pr.offset[j];
        const kcount = pr.offset[j + 1] - from;
        for (let t = 0; t < kcount; t++) {
          // partial Fisher–Yates; the pool stays a permutation, so reusing it keeps every draw uniform
          const pick = t + rng.nextBelow(n - t);
          const site = pool[pick];
          pool[pick] = pool[t];
          pool[t] = site;
          const f = pr.freq[from + t];
          const b = site * p;
          for (let k = 0; k < p; k++) m[k] += f * z[b + k];
        }
        let o = 0;
        for (let k = 0; k < p; k++) o += m[k] * m[k];
        sim[j * nrep + r] = o;
      }
    }
  }
  for (let r = 0; r < nrep; r++) {
    let acc = 0;
    for (let j = 0; j < s; j++) acc += sim[j * nrep + r];
    sim[s * nrep + r] = acc / s;
  }
  // observed OMI: squared norm of each species centroid
  const observed = new Float64Array(s + 1);
  let sumObs = 0;
  for (let j = 0; j < s; j++) {
    let o = 0;
    for (let k = 0; k < p; k++) {
      const v = omi.tab.values[k * s + j];
      o += v * v;
    }
    observed[j] = o;
    sumObs += o;
  }
  observed[s] = sumObs / s;
  const names = [...pr.species, 'OMI.mean'];
  const stats = krandtest(observed, sim, nrep, alternative);
  return {
    names,
    observed,
    ...stats,
    permutations: nrep,
    alternative,
    simulated: makeTable(
      sim,
      nrep,
      s + 1,
      Array.from({ length: nrep }, (_, r) => String(r + 1)),
      names
    )
  };
}

/** ade4 `as.krandtest` statistics for columns of simulated values (column-major, nrep rows). */
export function krandtest(
  observed: Float64Array,
  sim: Float64Array,
  nrep: number,
  alternative: Alternative
): { stdObs: Float64Array; expectation: Float64Array; sd: Float64Array; pValue: Float64Array } {
  const t = observed.length;
  const stdObs = new Float64Array(t);
  const expectation = new Float64Array(t);
  const sd = new Float64Array(t);
  const pValue = new Float64Array(t);
  for (let j = 0; j < t; j++) {
    const col = sim.subarray(j * nrep, (j + 1) * nrep);
    const mean = accurateMean(col);
    let v = 0;
    for (let r = 0; r < nrep; r++) v += (col[r] - mean) * (col[r] - mean);
    const sdj = Math.sqrt(v / (nrep - 1));
    expectation[j] = mean;
    sd[j] = sdj;
    stdObs[j] = (observed[j] - mean) / sdj;
    let count = 0;
    if (alternative === 'greater') {
      for (let r = 0; r < nrep; r++) if (col[r] >= observed[j]) count++;
    } else if (alternative === 'less') {
      for (let r = 0; r < nrep; r++) if (col[r] <= observed[j]) count++;
    } else {
      const o0 = Math.abs(observed[j] - mean);
      for (let r = 0; r < nrep; r++) if (Math.abs(col[r] - mean) >= o0) count++;
    }
    pValue[j] = (count + 1) / (nrep + 1);
  }
  return { stdObs, expectation, sd, pValue };
}

/** Mean with R's refinement pass (mean of residuals added back). */
function accurateMean(x: Float64Array): number {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  s /= n;
  let t = 0;
  for (let i = 0; i < n; i++) t += x[i] - s;
  return s + t / n;
}
