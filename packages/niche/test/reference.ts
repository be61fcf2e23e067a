import { readFileSync } from 'fs';
import { join, resolve } from 'path';
import { DataTable, makeTable, WitOmiParameters } from '../src';

/** Shared reference numbers live beside the repository: <repoRoot>/../shared/reference/niche. */
export const REFERENCE_DIR = resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'reference',
  'niche'
);

export interface RefCsv {
  header: string[];
  /** First column (row ids). */
  ids: string[];
  /** Raw cells of every row. */
  rows: string[][];
  /** Numeric column by header name (NaN for R's NaN and NA). */
  col(name: string): Float64Array;
}

/**
 * Reads one reference CSV. make_reference.R stops if any cell or name contains a comma and writes no
 * quotes, so splitting on commas is exact for these files.
 */
export function readRef(...path: string[]): RefCsv {
  return readCsvAt(join(REFERENCE_DIR, ...path));
}

/** R outputs kept with this package's tests (test/fixtures/<case>, each with the R script that made it). */
export const FIXTURE_DIR = resolve(__dirname, 'fixtures');

export function readCsvAt(file: string): RefCsv {
  const path = [file];
  const text = readFileSync(file, 'utf8').trim();
  const lines = text.split('\n').map(l => l.split(','));
  const header = lines[0];
  const rows = lines.slice(1);
  return {
    header,
    ids: rows.map(r => r[0]),
    rows,
    col(name: string): Float64Array {
      const k = header.indexOf(name);
      if (k < 0) throw new Error(`no column ${name} in ${path.join('/')}: ${header.join(',')}`);
      return Float64Array.from(rows, r => (r[k] === 'NA' ? NaN : Number(r[k])));
    }
  };
}

/** A reference CSV (first column = ids) as a DataTable. */
export function refTable(...path: string[]): DataTable {
  return csvTable(readRef(...path));
}

export function fixtureTable(...path: string[]): DataTable {
  return csvTable(readCsvAt(join(FIXTURE_DIR, ...path)));
}

function csvTable(r: RefCsv): DataTable {
  const names = r.header.slice(1);
  const n = r.rows.length;
  const values = new Float64Array(n * names.length);
  names.forEach((nm, j) => values.set(r.col(nm), j * n));
  return makeTable(values, n, names.length, r.ids, names);
}

/**
 * |actual − expected| ≤ rel · max(|expected|, floor) elementwise, where floor = `floorShare` × the largest
 * |expected| of the array: values that are mathematically 0 (e.g. a centred mean of 1e-17) are compared on the
 * scale of their table instead of on their own rounding noise. NaN must match NaN.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rel = 1e-9,
  label = '',
  floorShare = 1e-6
): void {
  expect(actual.length).toBe(expected.length);
  let big = 0;
  for (let i = 0; i < expected.length; i++)
    if (Number.isFinite(expected[i])) big = Math.max(big, Math.abs(expected[i]));
  const floor = big * floorShare;
  let worst = 0;
  let where = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (Number.isNaN(e)) {
      if (!Number.isNaN(a)) throw new Error(`${label}[${i}]: expected NaN, found ${a}`);
      continue;
    }
    // identical values (an exact 0 in a table of zeros, where the floor is 0 too) are equal
    const err = a === e ? 0 : Math.abs(a - e) / Math.max(Math.abs(e), floor);
    if (!(err <= worst)) {
      worst = err;
      where = i;
    }
  }
  if (!(worst <= rel)) {
    throw new Error(
      `${label}: worst relative error ${worst} at ${where} (actual ${actual[where]}, expected ${expected[where]}) > ${rel}`
    );
  }
}

/** Axis-by-axis comparison up to a global sign per axis (LAPACK's signs are arbitrary). */
export function expectAxesClose(
  actual: DataTable,
  expected: DataTable,
  rel = 1e-9,
  label = ''
): void {
  expect(actual.nRows).toBe(expected.nRows);
  expect(actual.nCols).toBeGreaterThanOrEqual(expected.nCols);
  expect([...actual.rowNames]).toEqual([...expected.rowNames]);
  const n = expected.nRows;
  for (let k = 0; k < expected.nCols; k++) {
    const a = actual.values.subarray(k * n, (k + 1) * n);
    const e = expected.values.subarray(k * n, (k + 1) * n);
    let dot = 0;
    for (let i = 0; i < n; i++) dot += a[i] * e[i];
    const flipped = dot < 0 ? a.map(v => -v) : a;
    expectClose(flipped, e, rel, `${label} axis ${k + 1}`);
  }
}

export function columnOf(t: DataTable, j: number): Float64Array {
  return t.values.subarray(j * t.nRows, (j + 1) * t.nRows);
}

/** Sign (+1/−1) of each of our axes relative to the reference's. */
export function axisSigns(ours: DataTable, expected: DataTable): number[] {
  return Array.from({ length: expected.nCols }, (_, k) => {
    const a = columnOf(ours, k);
    const e = columnOf(expected, k);
    let dot = 0;
    for (let i = 0; i < e.length; i++) dot += a[i] * e[i];
    return dot < 0 ? -1 : 1;
  });
}

/** ade4 `dudi.pca`'s centre, norm, standardised table, eigenvalues and axes against R's files. */
export function expectPcaAsR(
  pca: {
    cent: Float64Array;
    norm: Float64Array;
    tab: DataTable;
    eig: Float64Array;
    c1: DataTable;
    li: DataTable;
  },
  table: (file: string) => DataTable,
  ref: (file: string) => RefCsv
): void {
  const cnc = ref('pca_center_norm_cw.csv');
  expectClose(pca.cent, cnc.col('cent'), 1e-12, 'cent');
  expectClose(pca.norm, cnc.col('norm'), 1e-12, 'norm');
  expectClose(pca.tab.values, table('pca_tab.csv').values, 1e-12, 'tab');
  expectClose(pca.eig, ref('pca_eig.csv').col('eig'), 1e-9, 'eig');
  expectAxesClose(pca.c1, table('pca_c1.csv'), 1e-9, 'pca c1');
  expectAxesClose(pca.li, table('pca_li.csv'), 1e-9, 'pca li');
}

/**
 * ade4 `niche`'s li, l1, c1, co, ls and as against R's files (read by `table(file)`), up to axis sign: `as`
 * flips with both the PCA axis (its rows) and the OMI axis (its columns).
 */
export function expectNicheAxesAsR(
  pca: { c1: DataTable },
  omi: { li: DataTable; l1: DataTable; c1: DataTable; co: DataTable; ls: DataTable; as: DataTable },
  table: (file: string) => DataTable
): void {
  for (const key of ['li', 'l1', 'c1', 'co', 'ls'] as const) {
    expectAxesClose(omi[key], table(`niche_${key}.csv`), 1e-9, key);
  }
  const rowSign = axisSigns(pca.c1, table('pca_c1.csv'));
  const colSign = axisSigns(omi.c1, table('niche_c1.csv'));
  const aligned = omi.as.values.map(
    (v, q) => v * rowSign[q % omi.as.nRows] * colSign[Math.floor(q / omi.as.nRows)]
  );
  expectClose(aligned, table('niche_as.csv').values, 1e-9, 'as');
}

/** A WitOMI index table (WitOMIG or WitOMIG_k) against R's file: `column` is its index, `ratio` its share. */
export function expectWitomiTableAsR(
  t: WitOmiParameters,
  ref: RefCsv,
  column: string,
  ratio: string
): void {
  expect(t.species.map((sp, q) => `${sp}${t.subset[q]}`)).toEqual(ref.ids);
  expectClose(t.inertia, ref.col('inertia'), 1e-12, 'inertia');
  expectClose(t.witomi, ref.col(column), 1e-12, column);
  expectClose(t.tol, ref.col('Tol'), 1e-9, 'Tol');
  expectClose(t.rtol, ref.col('Rtol'), 1e-9, 'Rtol');
  expectClose(t.witomiShare, ref.col(ratio), 1e-9, ratio);
  expectClose(t.tolShare, ref.col('tol_ratio'), 1e-9, 'tol ratio');
  expectClose(t.rtolShare, ref.col('rtol_ratio'), 1e-9, 'rtol ratio');
}
