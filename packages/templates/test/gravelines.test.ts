/**
 * The NEO workshop templates run headless in node, cell by cell as "Run All Cells" does, on the NEO kernel core
 * (DuckDB-WASM in a worker thread) over the Gravelines files of the shared data, with the parameters of the
 * committed notebooks; their numbers are compared with R (ade4 1.7-22, base R trend tests) run on the same
 * paired tables.
 *
 * The fixtures in `test/fixtures/gravelines/<template>/` hold the tables the template paired (`input_*.csv`, as
 * R reads them) and R's outputs (`make_reference.R`, see the README there). The tests check first that the
 * template still pairs exactly those tables, then its numbers against R's. R is not needed to run them; to
 * regenerate after a deliberate change of the pairing or of the defaults:
 *   TEMPLATES_WRITE_INPUTS=1 npx jest packages/templates/test/gravelines.test.ts
 *   (cd packages/templates/test/fixtures/gravelines && Rscript make_reference.R)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  DataTable,
  OmiPermutationTest,
  OmiResult,
  PcaResult,
  WitOmiResult
} from '@odatis-vre/niche';
import type { Pairing, SampleFactor, SubnicheTest, SubnicheTests } from '@odatis-vre/workshop';
import { NodeSession, downloadedCsv, saveFigures, type CellRun } from './session';
import { readCsv, writeTable, type Csv } from './csv';

const FIXTURES = path.join(__dirname, 'fixtures', 'gravelines');
const WRITE = process.env.TEMPLATES_WRITE_INPUTS === '1';

const session = new NodeSession();
// Timeouts per test: jest ignores a project's testTimeout when run from the root.
beforeAll(() => session.start(), 600_000);
afterAll(() => session.stop());

/** |a − b| within a relative tolerance (R and JavaScript sum in different orders). */
function close(got: number, want: number, rel = 1e-9, what = ''): void {
  if (Number.isNaN(want)) {
    expect(`${what} ${got}`).toBe(`${what} NaN`);
    return;
  }
  const tol = rel * Math.max(1, Math.abs(want));
  if (!(Math.abs(got - want) <= tol)) {
    throw new Error(
      `${what}: got ${got}, R gives ${want} (difference ${got - want}, tolerance ${tol})`
    );
  }
}

/** Up to a sign per axis (LAPACK's choice), as the ade4 references are compared. */
function closeUpToSign(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  let dot = 0;
  for (let i = 0; i < want.length; i++) dot += got[i] * want[i];
  const s = dot < 0 ? -1 : 1;
  for (let i = 0; i < want.length; i++) close(s * got[i], want[i], 1e-8, `${what}[${i}]`);
}

function column(t: DataTable, j: number): Float64Array {
  return t.values.subarray(j * t.nRows, (j + 1) * t.nRows);
}

/**
 * The paired tables as R reads them: one row per sample (site, date, year, month), the environment and the
 * abundance of each kept taxon (raw counts; R applies the template's transform itself). With
 * TEMPLATES_WRITE_INPUTS=1 they are written; otherwise the committed ones must be what the template paired.
 */
function pinInputs(
  name: string,
  paired: Pairing,
  extra: Record<string, readonly string[]> = {}
): void {
  const dir = path.join(FIXTURES, name);
  const s = paired.samples;
  const ids = s.date.map((d, i) => `${s.siteId[i]}_${d}`);
  const samples = {
    site: s.siteId,
    date: s.date,
    year: s.year.map(String),
    month: s.month.map(String),
    ...extra
  };
  const files: [string, DataTable][] = [
    ['input_environment.csv', paired.environment],
    ['input_abundance.csv', paired.abundance]
  ];
  if (WRITE) {
    fs.mkdirSync(dir, { recursive: true });
    writeTable(path.join(dir, 'input_samples.csv'), ids, samples);
    for (const [file, t] of files) writeTable(path.join(dir, file), ids, t);
    return;
  }
  const committed = readCsv(path.join(dir, 'input_samples.csv'));
  expect(committed.rows).toEqual(ids);
  for (const [k, v] of Object.entries(samples)) expect(committed.text(k)).toEqual([...v]);
  for (const [file, t] of files) {
    const c = readCsv(path.join(dir, file));
    expect(c.columns).toEqual([...t.colNames]);
    expect(c.rows).toEqual(ids);
    // exact: the CSV carries each double's shortest round-trip text
    t.colNames.forEach((name, j) => expect(Array.from(column(t, j))).toEqual(c.number(name)));
  }
}

function reference(name: string, file: string): Csv {
  return readCsv(path.join(FIXTURES, name, file));
}

/** The OMI steps every niche template shares, against R's dudi.pca, niche, niche.param and rtest. */
function checkOmi(name: string, runs: CellRun[], csvFile?: string): void {
  const pca = session.variable<PcaResult>('pca');
  const omi = session.variable<OmiResult>('omi');
  const test = session.variable<OmiPermutationTest>('test');

  const pcaEig = reference(name, 'pca_eig.csv').number('eig');
  expect(pca.eig.length).toBe(pcaEig.length);
  pcaEig.forEach((e, k) => close(pca.eig[k], e, 1e-10, `PCA eigenvalue ${k + 1}`));
  const c1 = reference(name, 'pca_c1.csv');
  c1.columns
    .slice(0, 2)
    .forEach((axis, k) =>
      closeUpToSign(column(pca.c1, k), c1.number(axis), `PCA loadings, axis ${k + 1}`)
    );

  const nicheEig = reference(name, 'niche_eig.csv').number('eig');
  nicheEig.forEach((e, k) => close(omi.eig[k], e, 1e-9, `OMI eigenvalue ${k + 1}`));
  const li = reference(name, 'niche_li.csv');
  expect([...omi.species]).toEqual(li.rows);
  li.columns.forEach((axis, k) =>
    closeUpToSign(column(omi.li, k), li.number(axis), `taxon positions, axis ${k + 1}`)
  );

  // rtest(nic, permutations) after set.seed(seed): same draws, same simulations, same p-values
  const rt = reference(name, 'rtest.csv');
  expect(test.names).toEqual(rt.rows);
  rt.number('obs').forEach((v, j) => close(test.observed[j], v, 1e-9, `${rt.rows[j]} observed`));
  rt.number('expectation').forEach((v, j) =>
    close(test.expectation[j], v, 1e-9, `${rt.rows[j]} expectation`)
  );
  rt.number('sd_sim').forEach((v, j) => close(test.sd[j], v, 1e-7, `${rt.rows[j]} sd`));
  expect(Array.from(test.pValue)).toEqual(rt.number('pvalue'));
  if (csvFile === undefined) return;
  // niche.param (the templates that show it), as the template's table gives it (its CSV download, sorted by marginality)
  const param = reference(name, 'niche_param.csv');
  const table = readCsv(downloadedCsv(runs, csvFile), 'taxon', true);
  expect([...table.rows].sort()).toEqual([...param.rows].sort());
  const order = param.number('OMI').map((o, i) => [o, param.rows[i]] as const);
  order.sort((a, b) => b[0] - a[0]);
  expect(table.rows).toEqual(order.map(o => o[1]));
  const at = new Map(table.rows.map((r, i) => [r, i]));
  for (const [ours, theirs] of [
    ['inertia', 'inertia'],
    ['OMI', 'OMI'],
    ['Tol', 'Tol'],
    ['Rtol', 'Rtol'],
    ['omi %', 'omi_ratio'],
    ['tol %', 'tol_ratio'],
    ['rtol %', 'rtol_ratio']
  ]) {
    const got = table.number(ours);
    const scale = ours.endsWith('%') ? 100 : 1;
    param
      .number(theirs)
      .forEach((want, i) =>
        close(got[at.get(param.rows[i])!], scale * want, 1e-9, `${param.rows[i]} ${ours}`)
      );
  }

  const pInTable = table.number('p-value');
  rt.rows.slice(0, -1).forEach((taxon, j) => expect(pInTable[at.get(taxon)!]).toBe(test.pValue[j]));
}

test('Community niche (OMI) on Gravelines: pairing report, PCA, OMI, niche.param and rtest equal R ade4', async () => {
  const runs = await session.run('omi', {});
  const paired = session.variable<Pairing>('paired');
  pinInputs('omi', paired);
  if (WRITE) return;

  // the pairing report is an output: what was read, paired and dropped, and why
  const report = runs
    .flatMap(r => r.outputs)
    .find(o => String(o['text/plain']).startsWith('Pairing report'));
  expect(report).toBeDefined();
  expect(String(report!['text/html'])).toContain('<h4>Pairing report</h4>');
  expect(String(report!['text/plain'])).toContain(`${paired.report.paired}`);
  expect(paired.report.paired).toBe(
    readCsv(path.join(FIXTURES, 'omi', 'input_samples.csv')).rows.length
  );

  checkOmi('omi', runs, 'omi-niche-parameters.csv');
  expect(saveFigures('omi', runs)).toEqual([
    'Environmental PCA: correlation circle',
    'OMI: niche positions of the taxa',
    'OMI eigenvalues (the marginality each axis carries)',
    expect.stringMatching(/^Permutation test \(999 permutations\)/)
  ]);
  const citations = String(runs[runs.length - 1].outputs[0]['text/html']);
  expect(citations).toContain('10.17882/102656');
}, 900_000);

/** R's subtest rows (per subset: each species, then OMI.mean) against one of the template's subniche tests. */
function checkSubnicheTest(ours: SubnicheTest, file: string): void {
  const ref = readCsv(path.join(FIXTURES, 'witomi', file), 'species');
  const subset = ref.text('subset');
  const [observed, expectation, speciesP, gkP, p] = [
    'observed',
    'expectation',
    'species_p',
    'gk_p',
    'p'
  ].map(c => ref.number(c));
  const s = ours.species.length / ours.levels.length;
  expect(ref.rows.length).toBe(ours.levels.length * (s + 1));
  ref.rows.forEach((species, r) => {
    const k = ours.levels.indexOf(subset[r]);
    const what = `${ours.origin} ${subset[r]} ${species}`;
    close(ours.subsetPValue[k], gkP[r], 1e-12, `${what} G_K p`);
    if (species === 'OMI.mean') {
      close(ours.meanObserved[k], observed[r], 1e-9, `${what} observed`);
      close(ours.meanPValue[k], p[r], 1e-12, `${what} p`);
      return;
    }
    const at = k * s + ours.species.slice(k * s, (k + 1) * s).indexOf(species);
    expect(ours.species[at]).toBe(species);
    close(ours.observed[at], observed[r], 1e-9, `${what} observed`);
    close(ours.expectation[at], expectation[r], 1e-9, `${what} expectation`);
    if (Number.isNaN(speciesP[r])) expect(ours.speciesPValue[at]).toBeNaN();
    else expect(ours.speciesPValue[at]).toBe(speciesP[r]);
    close(ours.pValue[at], p[r], 1e-12, `${what} p`);
  });
}

test('Subniches by decade (WitOMI) on Gravelines: G_K, WitOMIG, WitOMIG_K and their tests equal R', async () => {
  const runs = await session.run('witomi', {});
  const paired = session.variable<Pairing>('paired');
  const factor = session.variable<SampleFactor>('factor');
  expect(factor.levels).toEqual([...new Set(factor.labels)].sort());
  pinInputs('witomi', paired, { subset: factor.labels });
  if (WRITE) return;

  checkOmi('witomi', runs);
  const wit = session.variable<WitOmiResult>('wit');
  const gk = reference('witomi', 'witomi_G_k.csv');
  expect(gk.rows).toEqual(wit.levels.map(l => `G_k${l}`));
  // the axes of G_K take the sign of the OMI axes, compared with R's up to a sign above
  const li = reference('witomi', 'niche_li.csv');
  const omi = session.variable<OmiResult>('omi');
  li.columns.forEach((axis, k) => {
    const want = li.number(axis);
    const sign =
      want.reduce((a, w, j) => a + w * omi.li.values[k * omi.li.nRows + j], 0) < 0 ? -1 : 1;
    gk.number(gk.columns[k]).forEach((v, l) =>
      close(sign * column(wit.subsetOrigins, k)[l], v, 1e-9, `G_K ${wit.levels[l]} axis ${k + 1}`)
    );
  });
  for (const [ours, file, col] of [
    [wit.witomiG, 'witomi_witomig.csv', 'WitOMIG'],
    [wit.witomiGk, 'witomi_witomig_k.csv', 'WitOMIG_k']
  ] as const) {
    const ref = reference('witomi', file);
    expect(ref.rows).toEqual(ours.species.map((sp, r) => `${sp}${ours.subset[r]}`));
    for (const [got, name] of [
      [ours.inertia, 'inertia'],
      [ours.witomi, col],
      [ours.tol, 'Tol'],
      [ours.rtol, 'Rtol']
    ] as const) {
      ref.number(name).forEach((v, r) => close(got[r], v, 1e-9, `${ref.rows[r]} ${name}`));
    }
  }
  const tests = session.variable<SubnicheTests>('tests');
  checkSubnicheTest(tests.refor, 'subniche_refor.csv');
  checkSubnicheTest(tests.subor, 'subniche_subor.csv');
  expect(saveFigures('witomi', runs)).toEqual(
    expect.arrayContaining([
      'Environmental PCA: correlation circle',
      'OMI: niche positions of the taxa'
    ])
  );
  expect(saveFigures('witomi', runs).length).toBeGreaterThanOrEqual(4);
}, 900_000);

test('Trends and centroid shifts on Gravelines: Mann–Kendall and Sen slopes equal R', async () => {
  const runs = await session.run('trends', {});
  const paired = session.variable<Pairing>('paired');
  pinInputs('trends', paired);
  if (WRITE) return;

  type Line = {
    name: string;
    n: number;
    slope: number;
    lower: number;
    upper: number;
    pValue: number;
    tau: number;
  };
  const compareLines = (ours: readonly Line[], file: string, name: (series: string) => string) => {
    const ref = readCsv(path.join(FIXTURES, 'trends', file), 'series');
    expect(ours.map(l => l.name)).toEqual(ref.rows.map(name));
    const cols = ['n', 'tau_b', 'p_cc', 'slope', 'lower', 'upper'].map(c => ref.number(c));
    ours.forEach((l, r) => {
      const what = `${file} ${l.name}`;
      expect(l.n).toBe(cols[0][r]);
      close(l.tau, cols[1][r], 1e-10, `${what} tau`);
      close(l.pValue, cols[2][r], 1e-10, `${what} p`);
      close(l.slope, cols[3][r], 1e-10, `${what} Sen slope`);
      close(l.lower, cols[4][r], 1e-10, `${what} lower`);
      close(l.upper, cols[5][r], 1e-10, `${what} upper`);
    });
  };
  const units = paired.units.environment;
  compareLines(session.variable<Line[]>('environmentTrends'), 'environment_trends.csv', v => {
    const j = paired.environment.colNames.indexOf(v);
    return units[j] ? `${v} (${units[j]})` : v;
  });
  compareLines(session.variable<Line[]>('shifts'), 'centroid_trends.csv', t => t);

  // Seasonal Kendall of the monthly means, as the template's table gives it (its CSV download): S, Var S and
  // n_slopes exactly R's (R counts exact ties between monthly means: the means must be R's mean(), see rMean)
  const seasonal = readCsv(
    downloadedCsv(runs, 'environment-seasonal-kendall.csv'),
    'variable',
    true
  );
  const sk = readCsv(path.join(FIXTURES, 'trends', 'seasonal_kendall.csv'), 'variable');
  expect(seasonal.rows).toEqual(sk.rows);
  expect(seasonal.number('months')).toEqual(sk.number('months'));
  expect(seasonal.number('S')).toEqual(sk.number('S'));
  sk.rows.forEach((v, r) => {
    close(seasonal.number('Var S')[r], sk.number('varS')[r], 1e-12, `${v} seasonal Kendall Var S`);
    close(seasonal.number('p-value')[r], sk.number('p_cc')[r], 1e-10, `${v} seasonal Kendall p`);
    close(
      seasonal.number('seasonal Sen slope per decade')[r],
      10 * sk.number('seasonal_sen_slope')[r],
      1e-10,
      `${v} seasonal Sen slope`
    );
  });

  expect(saveFigures('trends', runs).length).toBe(2);
}, 900_000);
