/**
 * Known-truth checks: a seeded generator with Gaussian responses (optima and tolerances known) and the
 * seeded permutation test (reproducible; its null distribution agrees with R's 999-permutation run).
 */
import {
  environmentalPca,
  omiAnalysis,
  omiPermutationTest,
  simulateGaussianCommunity,
  speciesResponses
} from '../src';
import { expectClose, readRef, refTable } from './reference';

test('weighted means and SDs recover the known Gaussian optima and tolerances within 5 standard errors', () => {
  const sim = simulateGaussianCommunity({
    nSamples: 20000,
    nVariables: 3,
    nSpecies: 30,
    seed: 20241129
  });
  const r = speciesResponses(sim.abundance, sim.environment);
  const s = sim.optima.nRows;
  const p = sim.optima.nCols;
  let worstZ = 0;
  for (let j = 0; j < s; j++) {
    for (let k = 0; k < p; k++) {
      const row = j * p + k;
      const trueOpt = sim.optima.values[k * s + j];
      const trueTol = sim.tolerances.values[k * s + j];
      // SE of a weighted mean with effective sample size N2
      const se = r.sd[row] / Math.sqrt(r.hillN2[row]);
      const z = Math.abs(r.mean[row] - trueOpt) / se;
      worstZ = Math.max(worstZ, z);
      expect(z).toBeLessThan(5);
      // breadth: the weighted SD estimates the Gaussian tolerance (within 10 %)
      expect(Math.abs(r.sd[row] / trueTol - 1)).toBeLessThan(0.1);
    }
  }
  expect(worstZ).toBeGreaterThan(0); // the check saw sampling noise, it is not comparing a value with itself
});

test('the OMI centroid of each simulated species lies at its known optimum (standardised units)', () => {
  const sim = simulateGaussianCommunity({ nSamples: 20000, nVariables: 3, nSpecies: 30, seed: 7 });
  const pca = environmentalPca(sim.environment, { nf: 3 });
  const omi = omiAnalysis(pca, sim.abundance, { nf: 3 });
  const s = omi.tab.nRows;
  for (let j = 0; j < s; j++) {
    for (let k = 0; k < 3; k++) {
      const trueStd = (sim.optima.values[k * s + j] - pca.cent[k]) / pca.norm[k];
      expect(Math.abs(omi.tab.values[k * s + j] - trueStd)).toBeLessThan(0.05);
    }
  }
});

describe('seeded permutation test', () => {
  const env = refTable('doubs', 'input_env.csv');
  const Y = refTable('doubs', 'input_Y_used.csv');
  const omi = omiAnalysis(environmentalPca(env, { nf: 3 }), Y);

  test('is reproducible from its seed and changes with it', () => {
    const a = omiPermutationTest(omi, { permutations: 49, seed: 42 });
    const b = omiPermutationTest(omi, { permutations: 49, seed: 42 });
    const c = omiPermutationTest(omi, { permutations: 49, seed: 43 });
    expect(Array.from(a.simulated.values)).toEqual(Array.from(b.simulated.values));
    expect(Array.from(a.simulated.values)).not.toEqual(Array.from(c.simulated.values));
  });

  test("its null distribution matches R's 999-permutation run (expectation within 4 standard errors)", () => {
    const ours = omiPermutationTest(omi, { permutations: 999, seed: 12345 });
    const ref = readRef('doubs', 'rtest_nrepet999_seed12345.csv');
    expect(ours.names).toEqual(ref.ids);
    const exp = ref.col('expectation');
    const sd = ref.col('sd_sim');
    const obs = ref.col('obs');
    ours.names.forEach((_, j) => {
      // difference of two independent means of 999 draws
      const se = Math.sqrt((sd[j] * sd[j] + ours.sd[j] * ours.sd[j]) / 999);
      expect(Math.abs(ours.expectation[j] - exp[j])).toBeLessThan(4 * se);
      expect(ours.observed[j]).toBeCloseTo(obs[j], 12);
    });
  });

  test("R's generator with seed 12345 reproduces R's 999-permutation table exactly", () => {
    const ours = omiPermutationTest(omi, { permutations: 999, seed: 12345, generator: 'R' });
    const ref = readRef('doubs', 'rtest_nrepet999_seed12345.csv');
    expectClose(ours.expectation, ref.col('expectation'), 1e-12, 'expectation');
    expectClose(ours.sd, ref.col('sd_sim'), 1e-12, 'sd');
    expectClose(ours.stdObs, ref.col('std_obs'), 1e-12, 'std obs');
    expect(Array.from(ours.pValue)).toEqual(Array.from(ref.col('pvalue')));
  });

  test('replaying indices that are all the identity reproduces the observed OMI', () => {
    const n = Y.nRows;
    const s = omi.species.length;
    const indices = new Int32Array(2 * s * n);
    for (let q = 0; q < 2 * s; q++) for (let i = 0; i < n; i++) indices[q * n + i] = i;
    const t = omiPermutationTest(omi, { replay: { repetitions: 2, indices } });
    for (let j = 0; j <= s; j++) {
      expect(t.simulated.values[j * 2]).toBeCloseTo(t.observed[j], 13);
      expect(t.pValue[j]).toBe(1); // ties count as "at least as extreme"
    }
  });
});
