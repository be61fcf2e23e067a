/**
 * Permutation tests of the WitOMI subniches (subniche 1.5 `rtestrefor` and `rtestsubor`; Karasiewicz et al.
 * 2017), which `@odatis-vre/niche` does not have. For each subset K of the samples:
 *
 * - the subset origin G_K is tested against random subsets: each column of the standardised environment Z is
 *   permuted over all samples and the mean of the rows of K taken; one p-value per variable (greater), whose
 *   product is the p-value of G_K (ties within 1e-9 count as ties: see `pGreater`);
 * - each species' subniche marginality (from G, `refor`; from G_K, `subor`: Z of K centred on its mean) is
 *   tested by permuting the species' profile over all samples, keeping the rows of K and renormalising them;
 * - as in subniche, the p-value reported for a subniche is the product of the G_K p-value and the species'
 *   own p-value. A species absent from K has no subniche: NaN, as in R (0/0); permutations that leave a
 *   species absent from K are left out of its null distribution, as ade4's `as.krandtest` omits NA.
 *
 * `generator: 'R'` draws exactly what R draws (`set.seed(seed); rtestrefor(x, N); rtestsubor(x, N)`), for
 * checks against R; the default `fast` generator draws the same distributions with fewer random numbers.
 */
import { codeFactor, krandtest, RRandom, SeededRandom, type OmiResult } from '@odatis-vre/niche';
import { messageText } from '@odatis-vre/harmonised';
import { WorkshopError } from './errors';

export interface SubnicheTestOptions {
  permutations?: number;
  seed?: number;
  generator?: 'fast' | 'R';
  /** Order of the subsets (as for `witomi`). */
  levels?: readonly string[];
}

/** One of the two tests: subniche marginality from G (`refor`) or from G_K (`subor`). */
export interface SubnicheTest {
  origin: 'G' | 'G_K';
  levels: string[];
  /** p-value of each subset origin G_K (product of the per-variable p-values). */
  subsetPValue: Float64Array;
  /** Rows subset-major, as the WitOMI tables: row k·s + j is species j in subset k. */
  species: string[];
  subset: string[];
  observed: Float64Array;
  /** Mean and SD of the simulated values (ade4's Expectation and "Variance", which holds the SD). */
  expectation: Float64Array;
  sd: Float64Array;
  /** The species' own p-value, and the p-value subniche reports (× the G_K p-value). */
  speciesPValue: Float64Array;
  pValue: Float64Array;
  /** The mean subniche marginality of each subset (`OMI.mean`): observed and reported p-value. */
  meanObserved: Float64Array;
  meanPValue: Float64Array;
  permutations: number;
}

export interface SubnicheTests {
  refor: SubnicheTest;
  subor: SubnicheTest;
}

/** Random permutations of 0..n-1, from R's stream or from the fast generator. */
interface Shuffler {
  /** A uniform permutation of 0..n-1 into `out`. */
  permutation(out: Int32Array): void;
}

function shuffler(generator: 'fast' | 'R', seed: number, n: number): Shuffler {
  if (generator === 'R') {
    const r = new RRandom(seed);
    const work = new Int32Array(n);
    return { permutation: out => r.permutation(n, out, work) };
  }
  const r = new SeededRandom(seed);
  return {
    permutation: out => {
      for (let i = 0; i < n; i++) out[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = r.nextBelow(i + 1);
        const t = out[i];
        out[i] = out[j];
        out[j] = t;
      }
    }
  };
}

/**
 * Permutation p-value (greater): simulations at least as large as the observed value, a tie within 1e-9 of the
 * larger of |observed| and the simulations' SD counting as at least as large. Means of discrete variables tie
 * exactly in exact arithmetic, and rounding would otherwise decide at random which side a tie falls on.
 */
function pGreater(observed: number, sim: ArrayLike<number>, sd: number): number {
  const tie = 1e-9 * Math.max(Math.abs(observed), Number.isFinite(sd) ? sd : 0);
  let count = 0;
  for (let r = 0; r < sim.length; r++) if (sim[r] >= observed - tie) count++;
  return (count + 1) / (sim.length + 1);
}

/**
 * One statistic's test, its simulations possibly holding NaN (left out, as `na.omit` in ade4). An observed NaN
 * (a species absent from the subset) has an expectation but no p-value, as in R.
 */
function testOne(
  observed: number,
  sim: Float64Array
): { expectation: number; sd: number; pValue: number } {
  const kept = sim.filter(v => !Number.isNaN(v));
  if (kept.length === 0) return { expectation: NaN, sd: NaN, pValue: NaN };
  const t = krandtest(Float64Array.of(observed), kept, kept.length, 'greater');
  return {
    expectation: t.expectation[0],
    sd: t.sd[0],
    pValue: Number.isNaN(observed) ? NaN : pGreater(observed, kept, t.sd[0])
  };
}

/**
 * Sums whose value does not depend on the order of the terms (Neumaier's compensated sum): a permutation that
 * draws the same values as the observed subset must give exactly the observed statistic, as R's long-double
 * sums do, or ties with the observed value would be broken by rounding.
 */
class Sum {
  private s = 0;
  private c = 0;

  add(x: number): void {
    const t = this.s + x;
    this.c += Math.abs(this.s) >= Math.abs(x) ? this.s - t + x : x - t + this.s;
    this.s = t;
  }

  get value(): number {
    return this.s + this.c;
  }
}

function meanSkippingNaN(values: ArrayLike<number>): number {
  const sum = new Sum();
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) {
      sum.add(values[i]);
      n++;
    }
  }
  return n ? sum.value / n : NaN;
}

/**
 * Marginality ‖Σ_{i∈K} (y_i / Σ_{i∈K} y_i) z_i‖² of one species restricted to the samples of K, computed as
 * R does (each profile value divided first); `at(i)` is the species' abundance at sample i, `z` row-major Z
 * (centred on G_K for `subor`). NaN when the species is absent from K (0/0, as in R).
 */
function marginality(
  members: Int32Array,
  at: (i: number) => number,
  z: Float64Array,
  p: number
): number {
  const total = new Sum();
  for (const i of members) total.add(at(i));
  const t = total.value;
  if (t === 0) return NaN;
  const m = Array.from({ length: p }, () => new Sum());
  for (const i of members) {
    const y = at(i);
    if (y === 0) continue;
    const f = y / t;
    for (let k = 0; k < p; k++) m[k].add(f * z[i * p + k]);
  }
  const squares = new Sum();
  for (const mk of m) squares.add(mk.value * mk.value);
  return squares.value;
}

function runTest(
  omi: OmiResult,
  codes: Int32Array,
  levels: string[],
  origin: 'G' | 'G_K',
  permutations: number,
  random: Shuffler
): SubnicheTest {
  const { profiles, zRows } = omi;
  const n = profiles.nSamples;
  const p = omi.variables.length;
  const s = profiles.nSpecies;
  const L = levels.length;
  // Dense abundance columns: the permutations move whole columns, as R does.
  const dense = new Float64Array(s * n);
  for (let j = 0; j < s; j++) {
    for (let e = profiles.offset[j]; e < profiles.offset[j + 1]; e++) {
      dense[j * n + profiles.sample[e]] = profiles.weight[e];
    }
  }
  const perm = new Int32Array(n);
  const out: SubnicheTest = {
    origin,
    levels,
    subsetPValue: new Float64Array(L),
    species: [],
    subset: [],
    observed: new Float64Array(L * s),
    expectation: new Float64Array(L * s),
    sd: new Float64Array(L * s),
    speciesPValue: new Float64Array(L * s),
    pValue: new Float64Array(L * s),
    meanObserved: new Float64Array(L),
    meanPValue: new Float64Array(L),
    permutations
  };
  for (let k = 0; k < L; k++) {
    const members = Int32Array.from(
      Array.from(codes, (c, i) => (c === k ? i : -1)).filter(i => i >= 0)
    );
    const nk = members.length;
    // G_K against random subsets of the same size, variable by variable.
    const meanOver = (row: (i: number) => number, v: number): number => {
      const sum = new Sum();
      for (const i of members) sum.add(zRows[row(i) * p + v]);
      return sum.value / nk;
    };
    const gk = Float64Array.from({ length: p }, (_, v) => meanOver(i => i, v));
    const gkSim = new Float64Array(p * permutations);
    for (let r = 0; r < permutations; r++) {
      for (let v = 0; v < p; v++) {
        random.permutation(perm);
        gkSim[v * permutations + r] = meanOver(i => perm[i], v);
      }
    }
    let gkP = 1;
    for (let v = 0; v < p; v++) {
      gkP *= testOne(gk[v], gkSim.subarray(v * permutations, (v + 1) * permutations)).pValue;
    }
    out.subsetPValue[k] = gkP;

    // Z of the subset's rows, centred on G_K for the marginality from G_K.
    const z = new Float64Array(zRows);
    if (origin === 'G_K') {
      for (const i of members) for (let v = 0; v < p; v++) z[i * p + v] -= gk[v];
    }
    const observed = new Float64Array(s);
    for (let j = 0; j < s; j++) {
      observed[j] = marginality(members, i => dense[j * n + i], z, p);
    }
    const sim = new Float64Array((s + 1) * permutations);
    const row = new Float64Array(s);
    for (let r = 0; r < permutations; r++) {
      for (let j = 0; j < s; j++) {
        random.permutation(perm);
        row[j] = marginality(members, i => dense[j * n + perm[i]], z, p);
        sim[j * permutations + r] = row[j];
      }
      sim[s * permutations + r] = meanSkippingNaN(row);
    }
    for (let j = 0; j < s; j++) {
      const t = testOne(observed[j], sim.subarray(j * permutations, (j + 1) * permutations));
      const at = k * s + j;
      out.species.push(profiles.species[j]);
      out.subset.push(levels[k]);
      out.observed[at] = observed[j];
      out.expectation[at] = t.expectation;
      out.sd[at] = t.sd;
      out.speciesPValue[at] = t.pValue;
      out.pValue[at] = gkP * t.pValue;
    }
    const meanObserved = meanSkippingNaN(observed);
    out.meanObserved[k] = meanObserved;
    out.meanPValue[k] =
      gkP * testOne(meanObserved, sim.subarray(s * permutations, (s + 1) * permutations)).pValue;
  }
  return out;
}

/**
 * subniche's `rtestrefor` then `rtestsubor` on the subsets of a factor (one value per sample of the OMI).
 * With `generator: 'R'` the two tests draw from one stream in that order, as two successive calls in R do.
 */
export function subnicheTests(
  omi: OmiResult,
  factor: ArrayLike<string | number>,
  options: SubnicheTestOptions = {}
): SubnicheTests {
  const { codes, levels, permutations, random } = prepare(omi, factor, options);
  const refor = runTest(omi, codes, levels, 'G', permutations, random);
  const subor = runTest(omi, codes, levels, 'G_K', permutations, random);
  return { refor, subor };
}

/**
 * subniche's `rtestrefor` alone (the subniches' marginality from G and the subsets' G_K), for a notebook that
 * shows only that table: half the draws of `subnicheTests`, and the same numbers as its `refor`.
 */
export function reforTest(
  omi: OmiResult,
  factor: ArrayLike<string | number>,
  options: SubnicheTestOptions = {}
): SubnicheTest {
  const { codes, levels, permutations, random } = prepare(omi, factor, options);
  return runTest(omi, codes, levels, 'G', permutations, random);
}

function prepare(omi: OmiResult, factor: ArrayLike<string | number>, options: SubnicheTestOptions) {
  const permutations = options.permutations ?? 99;
  if (!Number.isInteger(permutations) || permutations < 2) {
    throw new WorkshopError(
      'bad-option',
      messageText('subnicheTests: permutations is a count ≥ 2'),
      {
        column: 'permutations',
        expected: messageText('an integer ≥ 2, e.g. 999'),
        found: String(permutations)
      }
    );
  }
  const n = omi.profiles.nSamples;
  if (factor.length !== n) {
    throw new WorkshopError(
      'bad-option',
      messageText('subnicheTests: the factor needs one value per sample'),
      {
        column: 'factor',
        expected: messageText('%1 values', n),
        found: `${factor.length}`
      }
    );
  }
  const { codes, levels } = codeFactor(factor, options.levels);
  const random = shuffler(options.generator ?? 'fast', options.seed ?? 1, n);
  return { codes, levels, permutations, random };
}
