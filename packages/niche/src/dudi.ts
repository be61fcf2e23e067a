import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { messageText } from '@odatis-vre/harmonised';
import { NicheInputError } from './errors';
import { DataTable, makeTable } from './table';

/** ade4's relative tolerance for counting non-null eigenvalues (`as.dudi(tol = 1e-7)`). */
export const RANK_TOLERANCE = 1e-7;

/**
 * Result of a duality diagram (ade4 `as.dudi`): the common shape of the PCA and the OMI analysis.
 * Axes are named as in ade4 (`Axis1…` for li, `CS1…` for c1, `Comp1…` for co, `RS1…` for l1).
 */
export interface Dudi {
  /** Eigenvalues, decreasing, the `rank` non-null ones. */
  eig: Float64Array;
  rank: number;
  /** Number of kept axes. */
  nf: number;
  /** Row weights (ade4 `lw`) and column weights (`cw`). */
  lw: Float64Array;
  cw: Float64Array;
  /** Row coordinates (rows × nf). */
  li: DataTable;
  /** Row normed scores, li / sqrt(eig). */
  l1: DataTable;
  /** Column coordinates, c1 · sqrt(eig). */
  co: DataTable;
  /** Column normed scores (unit vectors in the column-weight metric). */
  c1: DataTable;
}

/** Symmetric eigen-decomposition of a q × q matrix (row-major), eigenvalues decreasing. */
export function symmetricEigen(
  s: Float64Array,
  q: number
): { values: Float64Array; vectors: Float64Array } {
  const m = new Matrix(q, q);
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) m.set(i, j, s[i * q + j]);
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const vals = e.realEigenvalues;
  const vecs = e.eigenvectorMatrix;
  const order = vals.map((_, i) => i).sort((a, b) => vals[b] - vals[a]);
  const values = new Float64Array(q);
  // vectors column-major: vector k is vectors[k*q .. k*q+q)
  const vectors = new Float64Array(q * q);
  order.forEach((src, k) => {
    values[k] = vals[src];
    // LAPACK's sign is arbitrary; fix ours so the largest-magnitude entry of every eigenvector is positive.
    let big = 0;
    for (let i = 0; i < q; i++)
      if (Math.abs(vecs.get(i, src)) > Math.abs(big)) big = vecs.get(i, src);
    const sgn = big < 0 ? -1 : 1;
    for (let i = 0; i < q; i++) vectors[k * q + i] = sgn * vecs.get(i, src);
  });
  return { values, vectors };
}

function axisNames(prefix: string, nf: number): string[] {
  return Array.from({ length: nf }, (_, k) => `${prefix}${k + 1}`);
}

/**
 * ade4 `as.dudi(df, col.w, row.w, nf)`: eigen-analysis of the weighted cross-product of `df`
 * (rows × cols, column-major), transposed when there are fewer rows than columns, exactly as ade4 does.
 */
export function asDudi(
  df: DataTable,
  colW: Float64Array,
  rowW: Float64Array,
  nfWanted: number
): Dudi {
  const lig = df.nRows;
  const col = df.nCols;
  const x = df.values;
  const transpose = lig < col;
  const q = transpose ? lig : col;
  const s = new Float64Array(q * q);
  if (!transpose) {
    // (D_r^½ X D_c^½)ᵀ(D_r^½ X D_c^½) without materialising the weighted table: one pass per column pair
    for (let a = 0; a < col; a++) {
      const xa = x.subarray(a * lig, (a + 1) * lig);
      for (let b = a; b < col; b++) {
        const xb = x.subarray(b * lig, (b + 1) * lig);
        let acc = 0;
        for (let i = 0; i < lig; i++) acc += xa[i] * xb[i] * rowW[i];
        acc *= Math.sqrt(colW[a]) * Math.sqrt(colW[b]);
        s[a * q + b] = acc;
        s[b * q + a] = acc;
      }
    }
  } else {
    for (let a = 0; a < lig; a++) {
      for (let b = a; b < lig; b++) {
        let acc = 0;
        for (let j = 0; j < col; j++) acc += x[j * lig + a] * x[j * lig + b] * colW[j];
        acc *= Math.sqrt(rowW[a]) * Math.sqrt(rowW[b]);
        s[a * q + b] = acc;
        s[b * q + a] = acc;
      }
    }
  }
  // an overflowed cross-product would reach the eigen-solver as NaN/Infinity (R: "infinite or missing values")
  if (!s.every(Number.isFinite)) {
    throw new NicheInputError(
      'out-of-range',
      messageText(
        'the table is too large to analyse: its cross-products overflow double precision'
      ),
      {
        expected: messageText('finite cross-products'),
        found: messageText('Infinity or NaN')
      }
    );
  }
  const { values, vectors } = symmetricEigen(s, q);
  if (!(values[0] > 0)) {
    throw new NicheInputError(
      'degenerate',
      messageText('the table has no variance: every eigenvalue is 0'),
      {
        expected: messageText('at least one non-constant column'),
        found: messageText('a constant table')
      }
    );
  }
  let rank = 0;
  for (let k = 0; k < q; k++) if (values[k] / values[0] > RANK_TOLERANCE) rank++;
  let nf = nfWanted <= 0 ? 2 : nfWanted;
  if (nf > rank) nf = rank;
  const eig = values.slice(0, rank);
  const dval = Float64Array.from(eig.subarray(0, nf), Math.sqrt);
  // ade4 replaces null weights by 1 when it unscales the eigenvectors
  const cwU = colW.map(v => (v === 0 ? 1 : v));
  const lwU = transpose ? rowW.map(v => (v === 0 ? 1 : v)) : rowW;
  const c1 = new Float64Array(col * nf);
  const co = new Float64Array(col * nf);
  const li = new Float64Array(lig * nf);
  const l1 = new Float64Array(lig * nf);
  if (!transpose) {
    for (let k = 0; k < nf; k++) {
      for (let j = 0; j < col; j++) c1[k * col + j] = vectors[k * q + j] / Math.sqrt(cwU[j]);
      // li = (X D_c) c1, accumulated column by column (contiguous reads, same summation order over j)
      const lik = li.subarray(k * lig, (k + 1) * lig);
      for (let j = 0; j < col; j++) {
        const coef = colW[j] * c1[k * col + j];
        const xj = x.subarray(j * lig, (j + 1) * lig);
        for (let i = 0; i < lig; i++) lik[i] += xj[i] * coef;
      }
      for (let i = 0; i < lig; i++) l1[k * lig + i] = lik[i] / dval[k];
      for (let j = 0; j < col; j++) co[k * col + j] = c1[k * col + j] * dval[k];
    }
  } else {
    for (let k = 0; k < nf; k++) {
      for (let i = 0; i < lig; i++) l1[k * lig + i] = vectors[k * q + i] / Math.sqrt(lwU[i]);
      for (let j = 0; j < col; j++) {
        let acc = 0;
        for (let i = 0; i < lig; i++) acc += x[j * lig + i] * rowW[i] * l1[k * lig + i];
        co[k * col + j] = acc;
        c1[k * col + j] = acc / dval[k];
      }
      for (let i = 0; i < lig; i++) li[k * lig + i] = l1[k * lig + i] * dval[k];
    }
  }
  return {
    eig,
    rank,
    nf,
    lw: rowW.slice(),
    cw: colW.slice(),
    li: makeTable(li, lig, nf, df.rowNames, axisNames('Axis', nf)),
    l1: makeTable(l1, lig, nf, df.rowNames, axisNames('RS', nf)),
    co: makeTable(co, col, nf, df.colNames, axisNames('Comp', nf)),
    c1: makeTable(c1, col, nf, df.colNames, axisNames('CS', nf))
  };
}
