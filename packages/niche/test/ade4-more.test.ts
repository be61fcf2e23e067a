/**
 * The OMI pipeline against R 4.2.2 + ade4 1.7-22 on further cases (test/fixtures/ade4-more/make_reference.R):
 * ade4's aravo, rpjdl and meaudret data, and awkward synthetic tables (a species at one site, empty sites,
 * abundances from 1e-3 to 1e6, biomass, a constant variable, p = 1 and 2, more variables than sites, …).
 * Where R stops (or accepts a meaningless input) the kernel must refuse with a NicheInputError.
 * Tolerances as in ade4-reference.test.ts: 1e-12 relative for sums, 1e-9 for eigen-decompositions;
 * axes compared up to a sign per axis.
 */
import { existsSync } from 'fs';
import { join } from 'path';
import {
  DataTable,
  environmentalPca,
  nicheParameters,
  NicheInputError,
  omiAnalysis,
  omiPermutationTest,
  witomi
} from '../src';
import {
  axisSigns,
  expectClose,
  expectNicheAxesAsR,
  expectPcaAsR,
  expectWitomiTableAsR,
  fixtureTable,
  FIXTURE_DIR,
  readCsvAt,
  RefCsv
} from './reference';

const DIR = 'ade4-more';
const cases = readCsvAt(join(FIXTURE_DIR, DIR, 'cases.csv'));
const col = (name: string): string[] => cases.rows.map(r => r[cases.header.indexOf(name)]);
const ALL = cases.rows.map((r, q) => ({
  name: r[0],
  pcaNf: Number(col('pca_nf')[q]),
  nicheNf: Number(col('niche_nf')[q]),
  witomi: col('witomi')[q] === 'TRUE',
  rtestSeed: Number(col('rtest_seed')[q]),
  rError: col('r_error')[q]
}));

/** Inputs the kernel refuses, with the NicheInputError code; R's behaviour in cases.csv / the comment. */
const REFUSED: Record<string, string> = {
  absent_species: 'species-never-observed', // R: "Column sum <=0 in Y"
  all_constant: 'degenerate', // R: "missing value where TRUE/FALSE needed" (as.dudi on a zero table)
  negative_abundance: 'negative-abundance' // R runs (its only check is column sums > 0): a meaningless result
};

const table = (c: string, f: string): DataTable => fixtureTable(DIR, c, f);
const ref = (c: string, f: string): RefCsv => readCsvAt(join(FIXTURE_DIR, DIR, c, f));

test('every case of cases.csv is either compared or refused', () => {
  for (const c of ALL) {
    if (c.rError !== '') expect(REFUSED[c.name]).toBeDefined();
  }
  expect(Object.keys(REFUSED).every(k => ALL.some(c => c.name === k))).toBe(true);
});

describe.each(ALL.filter(c => REFUSED[c.name] !== undefined))('$name: refused', ({ name }) => {
  test(`NicheInputError ${REFUSED[name]}`, () => {
    const env = table(name, 'input_env.csv');
    const Y = table(name, 'input_Y_used.csv');
    let error: unknown;
    try {
      omiAnalysis(environmentalPca(env), Y);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NicheInputError);
    expect((error as NicheInputError).code).toBe(REFUSED[name]);
    expect((error as NicheInputError).message.length).toBeGreaterThan(20);
  });
});

describe.each(ALL.filter(c => REFUSED[c.name] === undefined))(
  '$name: R ade4 reference',
  ({ name, pcaNf, nicheNf, witomi: hasFactor, rtestSeed }) => {
    const env = table(name, 'input_env.csv');
    const Y = table(name, 'input_Y_used.csv');
    const pca = environmentalPca(env, { nf: pcaNf });
    const omi = omiAnalysis(pca, Y, { nf: nicheNf });

    test('dudi.pca: centre, norm, Z, eigenvalues, axes', () => {
      expectPcaAsR(
        pca,
        file => table(name, file),
        file => ref(name, file)
      );
    });

    test('niche: rank, nf, eigenvalues, centroids, weights', () => {
      const summary = ref(name, 'niche_summary.csv');
      expect(omi.rank).toBe(summary.col('rank')[0]);
      expect(omi.nf).toBe(summary.col('nf')[0]);
      expectClose(omi.eig, ref(name, 'niche_eig.csv').col('eig'), 1e-9, 'niche eig');
      const tab = table(name, 'niche_tab.csv');
      expect([...omi.tab.rowNames]).toEqual([...tab.rowNames]);
      expectClose(omi.tab.values, tab.values, 1e-9, 'niche tab');
      expectClose(omi.lw, ref(name, 'niche_lw.csv').col('lw'), 1e-12, 'lw');
    });

    test('niche: li, l1, c1, co, ls, as (up to axis sign)', () => {
      expectNicheAxesAsR(pca, omi, file => table(name, file));
    });

    test('niche.param: inertia, OMI, Tol, Rtol and unrounded shares', () => {
      const np = nicheParameters(omi);
      const r = ref(name, 'niche_param.csv');
      expect([...np.species]).toEqual(r.ids);
      expectClose(np.inertia, r.col('inertia'), 1e-12, 'inertia');
      expectClose(np.omi, r.col('OMI'), 1e-12, 'OMI');
      if (name === 'uniform_species') {
        // a species at the origin (OMI ≈ 1e-31, rounding noise): the direction of its marginality, hence
        // the Tol/Rtol split, is the direction of that noise in R as here; only their sum is defined
        const j = np.species.indexOf('everywhere');
        const keep = (x: ArrayLike<number>): number[] => Array.from(x).filter((_, q) => q !== j);
        expectClose(keep(np.tol), keep(r.col('Tol')), 1e-9, 'Tol');
        expectClose(keep(np.rtol), keep(r.col('Rtol')), 1e-9, 'Rtol');
        expect(np.omi[j]).toBeLessThan(1e-28);
        expectClose(
          [np.tol[j] + np.rtol[j]],
          [r.col('Tol')[j] + r.col('Rtol')[j]],
          1e-12,
          'Tol+Rtol'
        );
        return;
      }
      expectClose(np.tol, r.col('Tol'), 1e-9, 'Tol');
      expectClose(np.rtol, r.col('Rtol'), 1e-9, 'Rtol');
      expectClose(np.omiShare, r.col('omi_ratio'), 1e-12, 'omi ratio');
      expectClose(np.tolShare, r.col('tol_ratio'), 1e-9, 'tol ratio');
      expectClose(np.rtolShare, r.col('rtol_ratio'), 1e-9, 'rtol ratio');
    });

    const rtestFile = `rtest_nrepet99_seed${rtestSeed}.csv`;
    // rtest is written for the cases with an rtest_seed in cases.csv
    if (existsSync(join(FIXTURE_DIR, DIR, name, rtestFile))) {
      test(`rtest.niche: R's generator reproduces set.seed(${rtestSeed}); rtest(nic, 99)`, () => {
        const t = omiPermutationTest(omi, { permutations: 99, seed: rtestSeed, generator: 'R' });
        const r = ref(name, rtestFile);
        expect(t.names).toEqual(r.ids);
        expectClose(t.observed, r.col('obs'), 1e-12, 'obs');
        expectClose(t.expectation, r.col('expectation'), 1e-12, 'expectation');
        expectClose(t.sd, r.col('sd_sim'), 1e-9, 'sd');
        expect(Array.from(t.pValue)).toEqual(Array.from(r.col('pvalue')));
      });
    }

    if (!hasFactor) return;
    describe('WitOMI (subniche 1.5)', () => {
      const gk = table(name, 'witomi_G_k.csv');
      // R's level order (aravo's ZoogD is no < some < high, not alphabetical)
      const levels = gk.rowNames.map(l => l.replace(/^G_k/, ''));
      const factor = ref(name, 'input_factor.csv').rows.map(r => r[1]);
      const w = witomi(omi, factor, { levels });

      test('subset origins G_k and subniche positions', () => {
        const signs = axisSigns(omi.c1, table(name, 'niche_c1.csv'));
        const flip = (t: DataTable): Float64Array =>
          t.values.map((v, q) => v * signs[Math.floor(q / t.nRows)]);
        expectClose(flip(w.subsetOrigins), gk.values, 1e-9, 'G_k');
        const sub = table(name, 'witomi_sub.csv');
        expect([...w.subnichePositions.rowNames]).toEqual([...sub.rowNames]);
        expectClose(flip(w.subnichePositions), sub.values, 1e-9, 'sub');
      });

      test.each([
        ['witomiG', 'witomi_witomig.csv', 'WitOMIG', 'witomig_ratio'],
        ['witomiGk', 'witomi_witomig_k.csv', 'WitOMIG_k', 'witomig_k_ratio']
      ] as const)('%s table', (key, file, column, ratio) => {
        expectWitomiTableAsR(w[key], ref(name, file), column, ratio);
      });
    });
  }
);
