/** Inputs ade4 refuses or treats specially: clear errors, or ade4's documented handling, never a silent NaN. */
import {
  DataTable,
  environmentalPca,
  makeTable,
  nicheParameters,
  NicheInputError,
  omiAnalysis,
  omiPermutationTest,
  speciesResponses,
  tableFromColumns,
  witomi
} from '../src';
import { columnOf, expectAxesClose, expectClose, fixtureTable, refTable } from './reference';

const env = refTable('doubs', 'input_env.csv');
const Y = refTable('doubs', 'input_Y_used.csv');

function withColumn(
  t: DataTable,
  name: string,
  values: ArrayLike<number>,
  at = t.nCols
): DataTable {
  const cols: Array<[string, ArrayLike<number>]> = t.colNames.map((c, j) => [c, columnOf(t, j)]);
  cols.splice(at, 0, [name, values]);
  return tableFromColumns(cols, t.rowNames);
}

function withCell(t: DataTable, i: number, j: number, v: number): DataTable {
  const values = t.values.slice();
  values[j * t.nRows + i] = v;
  return makeTable(values, t.nRows, t.nCols, t.rowNames, t.colNames);
}

function thrown(f: () => unknown): NicheInputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NicheInputError);
    return e as NicheInputError;
  }
  throw new Error('expected a NicheInputError');
}

test('a species never observed stops the analysis (as ade4), naming it; dropAbsentSpecies removes it', () => {
  const Y0 = withColumn(Y, 'Ghost', new Float64Array(Y.nRows), 3);
  const pca = environmentalPca(env, { nf: 3 });
  const e = thrown(() => omiAnalysis(pca, Y0));
  expect(e.code).toBe('species-never-observed');
  expect(e.column).toBe('Ghost');
  expect(e.message).toMatch(/Ghost/);
  const dropped = omiAnalysis(pca, Y0, { dropAbsentSpecies: true });
  const plain = omiAnalysis(pca, Y);
  expect(dropped.droppedSpecies).toEqual(['Ghost']);
  expect([...dropped.species]).toEqual([...plain.species]);
  expectClose(dropped.li.values, plain.li.values, 1e-15, 'li');
  expect(() => speciesResponses(Y0, env)).toThrow(/Ghost/);
});

test('a constant variable is kept as a column of zeros with norm 1 (ade4), and changes nothing else', () => {
  const envC = withColumn(env, 'const', new Float64Array(env.nRows).fill(7.5), 2);
  const pca = environmentalPca(envC, { nf: 3 });
  expect(pca.constantVariables).toEqual(['const']);
  expect(pca.norm[2]).toBe(1);
  expect(pca.cent[2]).toBe(7.5);
  expect(Array.from(columnOf(pca.tab, 2)).every(v => v === 0)).toBe(true);
  expect(pca.rank).toBe(env.nCols);
  const ref = environmentalPca(env, { nf: 3 });
  expectClose(pca.eig, ref.eig, 1e-12, 'pca eig');
  const omiC = omiAnalysis(pca, Y);
  const omi = omiAnalysis(ref, Y);
  expectClose(omiC.eig, omi.eig, 1e-12, 'omi eig');
  expectClose(nicheParameters(omiC).omi, nicheParameters(omi).omi, 1e-12, 'OMI');
  for (const t of [omiC.li, omiC.ls, omiC.c1]) expect(t.values.every(Number.isFinite)).toBe(true);
  const resp = speciesResponses(Y, envC);
  expect(resp.meanStd.every(Number.isFinite)).toBe(true);
});

test('every variable constant is an error', () => {
  const flat = tableFromColumns({ a: [1, 1, 1], b: [2, 2, 2] });
  expect(thrown(() => environmentalPca(flat)).code).toBe('degenerate');
});

test('a variable too large for its variance to be represented is an error naming it (ade4: norm Inf)', () => {
  const e = thrown(() => environmentalPca(withCell(env, 3, 2, 1e200)));
  expect(e.code).toBe('out-of-range');
  expect(e.column).toBe(env.colNames[2]);
  expect(e.message).toMatch(/1e\+200/);
  // 1e150 still squares to a finite number: analysed
  expect(environmentalPca(withCell(env, 3, 2, 1e150)).norm[2]).toBeGreaterThan(0);
});

test('a species total that overflows is an error naming the species (ade4: "missing value where TRUE/FALSE needed")', () => {
  const pca = environmentalPca(env, { nf: 3 });
  const big = withCell(withCell(Y, 0, 1, 1e308), 1, 1, 1e308);
  const e = thrown(() => omiAnalysis(pca, big));
  expect(e.code).toBe('out-of-range');
  expect(e.column).toBe(Y.colNames[1]);
});

test('missing values are errors naming the cell (ade4: "na entries in table")', () => {
  const e = thrown(() => environmentalPca(withCell(env, 4, 2, NaN)));
  expect(e.code).toBe('missing-value');
  expect(e.row).toBe('5');
  expect(e.column).toBe(env.colNames[2]);
  const pca = environmentalPca(env, { nf: 3 });
  const e2 = thrown(() => omiAnalysis(pca, withCell(Y, 9, 1, NaN)));
  expect(e2.code).toBe('missing-value');
  expect(e2.column).toBe(Y.colNames[1]);
  expect(e2.row).toBe('10');
  expect(thrown(() => omiAnalysis(pca, withCell(Y, 0, 0, Infinity))).code).toBe('missing-value');
  expect(thrown(() => omiAnalysis(pca, withCell(Y, 0, 0, -1))).code).toBe('negative-abundance');
});

test('mismatched sample counts are errors (ade4: "Non equal row numbers")', () => {
  const pca = environmentalPca(env, { nf: 3 });
  const cols: Array<[string, ArrayLike<number>]> = Y.colNames.map((c, j) => [
    c,
    columnOf(Y, j).slice(0, 29)
  ]);
  const Y29 = tableFromColumns(cols);
  const e = thrown(() => omiAnalysis(pca, Y29));
  expect(e.code).toBe('sample-count-mismatch');
  expect(e.expected).toBe('30 samples');
  expect(e.found).toBe('29');
  expect(thrown(() => speciesResponses(Y29, env)).code).toBe('sample-count-mismatch');
  const omi = omiAnalysis(pca, Y);
  expect(thrown(() => witomi(omi, new Array(29).fill('a'))).code).toBe('sample-count-mismatch');
  expect(() => tableFromColumns({ a: [1, 2, 3], b: [1, 2] })).toThrow(/column "b" has 2 values/);
});

test('fewer samples than variables: ade4 transposes the eigen-problem; the analysis stays exact', () => {
  // 8 samples × 11 variables, 5 species
  const rows = [0, 3, 6, 9, 12, 15, 18, 21];
  const sub = (t: DataTable, cols?: number[]): DataTable =>
    tableFromColumns(
      (cols ?? t.colNames.map((_, j) => j)).map((j): [string, Float64Array] => [
        t.colNames[j],
        Float64Array.from(rows, i => t.values[j * t.nRows + i])
      ]),
      rows.map(i => t.rowNames[i])
    );
  const e8 = sub(env);
  const y8 = sub(Y, [0, 1, 2, 3, 5]);
  const pca = environmentalPca(e8, { nf: 11 });
  expect(pca.rank).toBeLessThanOrEqual(7); // centred: at most n − 1 non-null eigenvalues
  expectClose([pca.eig.reduce((a, b) => a + b, 0)], [11], 1e-12, 'total inertia = p');
  // li = Z · c1 and c1 orthonormal
  for (let k = 0; k < pca.nf; k++) {
    const c = columnOf(pca.c1, k);
    expectClose([c.reduce((a, v) => a + v * v, 0)], [1], 1e-12, 'unit c1');
    const li = Float64Array.from({ length: 8 }, (_, i) =>
      c.reduce((a, v, j) => a + pca.tab.values[j * 8 + i] * v, 0)
    );
    expectClose(li, columnOf(pca.li, k), 1e-10, 'li = Z c1');
  }
  const omi = omiAnalysis(pca, y8, { nf: 11 }); // 5 species < 11 variables: transposed as.dudi too
  const np = nicheParameters(omi);
  expectClose(
    [omi.eig.reduce((a, b) => a + b, 0)],
    [np.omi.reduce((a, v, j) => a + omi.lw[j] * v, 0)],
    1e-12,
    'Σ eig = Σ lw OMI'
  );
  for (let k = 0; k < omi.nf; k++) {
    const c = columnOf(omi.c1, k);
    const li = Float64Array.from({ length: 5 }, (_, j) =>
      c.reduce((a, v, q) => a + omi.tab.values[q * 5 + j] * v, 0)
    );
    expectClose(li, columnOf(omi.li, k), 1e-10, 'li = tab c1');
  }
  expect(omi.ls.values.every(Number.isFinite)).toBe(true);
  // and it is ade4's result (test/fixtures/transposed/make_transposed.R, R 4.2.2 + ade4 1.7-22)
  expectClose(pca.eig, columnOf(fixtureTable('transposed', 'pca_eig.csv'), 0), 1e-9, 'pca eig');
  expectAxesClose(pca.c1, fixtureTable('transposed', 'pca_c1.csv'), 1e-9, 'pca c1');
  expectAxesClose(pca.li, fixtureTable('transposed', 'pca_li.csv'), 1e-9, 'pca li');
  expectClose(omi.eig, columnOf(fixtureTable('transposed', 'niche_eig.csv'), 0), 1e-9, 'niche eig');
  expectAxesClose(omi.li, fixtureTable('transposed', 'niche_li.csv'), 1e-9, 'niche li');
  expectAxesClose(omi.c1, fixtureTable('transposed', 'niche_c1.csv'), 1e-9, 'niche c1');
  expectAxesClose(omi.ls, fixtureTable('transposed', 'niche_ls.csv'), 1e-9, 'niche ls');
});

test('bad permutation-test arguments are errors', () => {
  const omi = omiAnalysis(environmentalPca(env, { nf: 3 }), Y);
  expect(thrown(() => omiPermutationTest(omi, { permutations: 0 })).code).toBe('bad-argument');
  expect(
    thrown(() =>
      omiPermutationTest(omi, { replay: { repetitions: 2, indices: new Int32Array(10) } })
    ).code
  ).toBe('shape');
  expect(thrown(() => witomi(omi, new Array(30).fill('a'), { levels: ['b'] })).code).toBe(
    'bad-argument'
  );
});
