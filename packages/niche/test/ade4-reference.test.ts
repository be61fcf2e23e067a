/**
 * Every output of the OMI pipeline against R 4.2.2 + ade4 1.7-22 (reference/niche/<case>/, make_reference.R).
 * Tolerance 1e-9 relative; axes compared up to a sign per axis.
 */
import {
  DataTable,
  environmentalPca,
  nicheParameters,
  omiAnalysis,
  omiPermutationTest,
  speciesResponses,
  omiSpeciesResponses,
  witomi
} from '../src';
import {
  axisSigns,
  expectAxesClose,
  expectClose,
  expectNicheAxesAsR,
  expectPcaAsR,
  expectWitomiTableAsR,
  readRef,
  refTable
} from './reference';

interface Case {
  name: string;
  pcaNf: number;
  nicheNf: number;
}
const CASES: Case[] = [
  { name: 'doubs', pcaNf: 3, nicheNf: 2 },
  { name: 'trichometeo', pcaNf: 2, nicheNf: 2 }
];

describe.each(CASES)('$name: R ade4 reference', ({ name, pcaNf, nicheNf }) => {
  const env = refTable(name, 'input_env.csv');
  const Y = refTable(name, 'input_Y_used.csv');
  const factor = readRef(name, 'input_factor.csv').rows.map(r => r[1]);
  const pca = environmentalPca(env, { nf: pcaNf });
  const omi = omiAnalysis(pca, Y, { nf: nicheNf });

  test('dudi.pca: centre, population SD, weights, Z, eigenvalues, axes', () => {
    const ref = readRef(name, 'pca_center_norm_cw.csv');
    expect(ref.ids).toEqual([...env.colNames]);
    expectClose(pca.cw, ref.col('cw'), 0, 'cw');
    expectPcaAsR(
      pca,
      file => refTable(name, file),
      file => readRef(name, file)
    );
  });

  test('niche: rank, nf, eigenvalues, centroid table, weights', () => {
    const summary = readRef(name, 'niche_summary.csv');
    expect(omi.rank).toBe(summary.col('rank')[0]);
    expect(omi.nf).toBe(summary.col('nf')[0]);
    expectClose(omi.eig, readRef(name, 'niche_eig.csv').col('eig'), 1e-9, 'niche eig');
    expectClose([omi.eig.reduce((a, b) => a + b, 0)], summary.col('sum_eig'), 1e-12, 'sum eig');
    const tab = refTable(name, 'niche_tab.csv');
    expect([...omi.tab.rowNames]).toEqual([...tab.rowNames]);
    expectClose(omi.tab.values, tab.values, 1e-9, 'niche tab');
    expectClose(omi.lw, readRef(name, 'niche_lw.csv').col('lw'), 1e-12, 'lw');
    expectClose(omi.cw, readRef(name, 'niche_cw.csv').col('cw'), 0, 'cw');
  });

  test('niche: li, l1, c1, co, ls, as (up to axis sign)', () => {
    expectNicheAxesAsR(pca, omi, file => refTable(name, file));
  });

  test('niche with all axes (nf = p, capped at the rank)', () => {
    const pcaAll = environmentalPca(env, { nf: env.nCols });
    const all = omiAnalysis(pcaAll, Y, { nf: env.nCols });
    const li = refTable(name, 'niche_allaxes_li.csv');
    expect(all.nf).toBe(li.nCols);
    expectAxesClose(all.li, li, 1e-9, 'all li');
    expectAxesClose(all.c1, refTable(name, 'niche_allaxes_c1.csv'), 1e-9, 'all c1');
    expectAxesClose(all.ls, refTable(name, 'niche_allaxes_ls.csv'), 1e-9, 'all ls');
  });

  test('niche.param: inertia, OMI, Tol, Rtol and unrounded shares', () => {
    const np = nicheParameters(omi);
    const ref = readRef(name, 'niche_param.csv');
    expect([...np.species]).toEqual(ref.ids);
    expectClose(np.inertia, ref.col('inertia'), 1e-12, 'inertia');
    expectClose(np.omi, ref.col('OMI'), 1e-12, 'OMI');
    expectClose(np.tol, ref.col('Tol'), 1e-9, 'Tol');
    expectClose(np.rtol, ref.col('Rtol'), 1e-9, 'Rtol');
    expectClose(np.omiShare, ref.col('omi_ratio'), 1e-12, 'omi ratio');
    expectClose(np.tolShare, ref.col('tol_ratio'), 1e-9, 'tol ratio');
    expectClose(np.rtolShare, ref.col('rtol_ratio'), 1e-9, 'rtol ratio');
    // ade4's identity: Σ eig = Σ lw · OMI
    const weighted = np.omi.reduce((acc, v, j) => acc + omi.lw[j] * v, 0);
    expectClose([weighted], [omi.eig.reduce((a, b) => a + b, 0)], 1e-12, 'Σ eig');
  });

  test("rtest.niche: replaying R's permutations gives R's simulations and test table", () => {
    const perms = readRef(name, 'rtest_perms_nrepet99_seed1.csv');
    const n = Y.nRows;
    const indices = new Int32Array(perms.rows.length * n);
    perms.rows.forEach((r, q) => {
      for (let i = 0; i < n; i++) indices[q * n + i] = Number(r[2 + i]) - 1;
    });
    const test = omiPermutationTest(omi, { replay: { repetitions: 99, indices } });
    const sim = refTable(name, 'rtest_sim_nrepet99_seed1.csv');
    expect(test.names).toEqual([...sim.colNames]);
    expectClose(test.simulated.values, sim.values, 1e-9, 'sim');
    const ref = readRef(name, 'rtest_nrepet99_seed1.csv');
    expect(test.names).toEqual(ref.ids);
    expectClose(test.observed, ref.col('obs'), 1e-12, 'obs');
    expectClose(test.expectation, ref.col('expectation'), 1e-12, 'expectation');
    expectClose(test.sd, ref.col('sd_sim'), 1e-12, 'sd');
    expectClose(test.stdObs, ref.col('std_obs'), 1e-12, 'std obs');
    expect(Array.from(test.pValue)).toEqual(Array.from(ref.col('pvalue')));
  });

  test("rtest.niche: R's own generator (seed 1) reproduces set.seed(1); rtest(nic, 99)", () => {
    const test = omiPermutationTest(omi, { permutations: 99, seed: 1, generator: 'R' });
    expectClose(
      test.simulated.values,
      refTable(name, 'rtest_sim_nrepet99_seed1.csv').values,
      1e-9,
      'sim'
    );
    const ref = readRef(name, 'rtest_nrepet99_seed1.csv');
    expectClose(test.expectation, ref.col('expectation'), 1e-12, 'expectation');
    expectClose(test.sd, ref.col('sd_sim'), 1e-12, 'sd');
    expect(Array.from(test.pValue)).toEqual(Array.from(ref.col('pvalue')));
  });

  test('species response summaries along the raw variables', () => {
    const r = speciesResponses(Y, env);
    // the same from the OMI analysis' own profiles
    expect(omiSpeciesResponses(omi)).toEqual(r);
    const ref = readRef(name, 'species_response.csv');
    expect(r.species).toEqual(ref.rows.map(x => x[0]));
    expect(r.variable).toEqual(ref.rows.map(x => x[1]));
    expect(Array.from(r.nNonzero)).toEqual(Array.from(ref.col('n_nonzero')));
    expectClose(r.totalWeight, ref.col('total_weight'), 1e-12, 'Σw');
    expectClose(r.hillN2, ref.col('hill_N2'), 1e-12, 'N2');
    expectClose(r.mean, ref.col('wmean'), 1e-12, 'wmean');
    expectClose(r.sd, ref.col('wsd'), 1e-9, 'wsd');
    expectClose(r.sdN2Corrected, ref.col('wsd_N2corr'), 1e-9, 'wsd N2');
    expectClose(r.meanStd, ref.col('wmean_std'), 1e-9, 'wmean std');
    expectClose(r.varStd, ref.col('wvar_std'), 1e-9, 'wvar std');
  });

  describe('WitOMI (subniche 1.5)', () => {
    const w = witomi(omi, factor);
    const signs = axisSigns(omi.c1, refTable(name, 'niche_c1.csv'));
    const flip = (t: DataTable): Float64Array =>
      t.values.map((v, q) => v * signs[Math.floor(q / t.nRows)]);

    test('subset origins G_k and subniche positions', () => {
      const gk = refTable(name, 'witomi_G_k.csv');
      expect(w.levels.map(l => `G_k${l}`)).toEqual([...gk.rowNames]);
      expectClose(flip(w.subsetOrigins), gk.values, 1e-9, 'G_k');
      expectClose(
        w.subsetOriginsFullSpace.values,
        refTable(name, 'witomi_G_k_fullspace.csv').values,
        1e-9,
        'G_k full'
      );
      const sub = refTable(name, 'witomi_sub.csv');
      expect([...w.subnichePositions.rowNames]).toEqual([...sub.rowNames]);
      expectClose(flip(w.subnichePositions), sub.values, 1e-9, 'sub');
    });

    test('raw-unit means', () => {
      expectClose(
        w.meanEnvironment.values,
        refTable(name, 'witomi_mean_env.csv').values,
        1e-12,
        'mean env'
      );
      expectClose(
        w.speciesMeanEnvironment.values,
        refTable(name, 'witomi_mean_env_by_sp.csv').values,
        1e-12,
        'by sp'
      );
      expectClose(
        w.subnicheMeanEnvironment.values,
        refTable(name, 'witomi_mean_env_by_sub.csv').values,
        1e-12,
        'by sub'
      );
    });

    test.each([
      ['witomiG', 'witomi_witomig.csv', 'WitOMIG', 'witomig_ratio'],
      ['witomiGk', 'witomi_witomig_k.csv', 'WitOMIG_k', 'witomig_k_ratio']
    ] as const)('%s table', (key, file, col, ratio) => {
      const t = w[key];
      expectWitomiTableAsR(t, readRef(name, file), col, ratio);
      // NaN rows are exactly the species absent from a subset
      t.occurrences.forEach((c, q) => expect(Number.isNaN(t.inertia[q])).toBe(c === 0));
    });
  });
});
