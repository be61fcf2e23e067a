import { messageText } from '@odatis-vre/harmonised';
import { asDudi, Dudi } from './dudi';
import { NicheInputError } from './errors';
import { assertFinite, DataTable, makeTable } from './table';

export interface PcaOptions {
  /** Number of axes kept (ade4 `nf`, default 2). The OMI analysis can keep at most this many. */
  nf?: number;
}

/** ade4 `dudi.pca(env, scale = TRUE)`: the environmental PCA that the OMI analysis starts from. */
export interface PcaResult extends Dudi {
  /** Column means (`cent`). */
  cent: Float64Array;
  /** Population standard deviations (`norm`, divisor n); 1 for a constant variable, as in ade4. */
  norm: Float64Array;
  /** Z, the centred and normed environment (samples × variables) (`tab`). */
  tab: DataTable;
  /** The raw environmental table as given (kept for the raw-unit outputs of WitOMI). */
  raw: DataTable;
  /** Variables that ade4 keeps as a column of zeros because their SD is below 1e-8. */
  constantVariables: string[];
}

/**
 * Centred, normed PCA of the environment with uniform sample weights 1/n and unit variable weights,
 * as ade4 `dudi.pca(scale = TRUE)`. A constant variable (SD < 1e-8) is kept as a column of zeros, as ade4
 * does, and listed in `constantVariables`; a missing value is an error.
 */
export function environmentalPca(env: DataTable, options: PcaOptions = {}): PcaResult {
  const n = env.nRows;
  const p = env.nCols;
  if (n < 2 || p < 1) {
    throw new NicheInputError(
      'empty',
      messageText('the environmental table has %1 samples and %2 variables', n, p),
      {
        table: 'environment',
        expected: messageText('≥ 2 samples and ≥ 1 variable'),
        found: `${n} × ${p}`
      }
    );
  }
  assertFinite(env, 'environment');
  const x = env.values;
  const cent = new Float64Array(p);
  const norm = new Float64Array(p);
  const z = new Float64Array(n * p);
  const constantVariables: string[] = [];
  const rw = 1 / n;
  // R divides by sum(row.w), which need not be exactly 1
  const sumW = compensatedSum(Float64Array.of(rw), 0, 1, n); // n·(1/n) in extended precision
  for (let j = 0; j < p; j++) {
    // compensated sums: R accumulates sum() in extended precision, and a mean of large raw values
    // (pressure ≈ 1000 hPa) would otherwise lose digits in every centred value
    const s = compensatedSum(x, j * n, (j + 1) * n, rw) / sumW;
    cent[j] = s;
    for (let i = 0; i < n; i++) {
      const d = x[j * n + i] - s;
      z[j * n + i] = d;
    }
    const v = compensatedSquares(z, j * n, (j + 1) * n, rw) / sumW;
    // beyond ~1e154 the squares overflow: ade4 goes on with norm Inf (a column of zeros and NaN)
    if (!Number.isFinite(v)) tooLarge(env, j);
    let sd = Math.sqrt(v);
    if (sd < 1e-8) {
      sd = 1;
      constantVariables.push(env.colNames[j]);
    }
    norm[j] = sd;
    for (let i = 0; i < n; i++) z[j * n + i] /= sd;
  }
  if (constantVariables.length === p) {
    throw new NicheInputError(
      'degenerate',
      messageText('every environmental variable is constant: there is no gradient to analyse'),
      {
        table: 'environment',
        expected: messageText('at least one variable that varies'),
        found: constantVariables.join(', ')
      }
    );
  }
  const tab = makeTable(z, n, p, env.rowNames, env.colNames);
  const dudi = asDudi(
    tab,
    new Float64Array(p).fill(1),
    new Float64Array(n).fill(rw),
    options.nf ?? 2
  );
  return { ...dudi, cent, norm, tab, raw: env, constantVariables };
}

function tooLarge(env: DataTable, j: number): never {
  const col = env.values.subarray(j * env.nRows, (j + 1) * env.nRows);
  let big = 0;
  for (const v of col) big = Math.max(big, Math.abs(v));
  throw new NicheInputError(
    'out-of-range',
    messageText(
      'environment: variable "%1" is too large to analyse (largest |value| %2): ' +
        'its variance overflows double precision; express it in a larger unit',
      env.colNames[j],
      big
    ),
    {
      table: 'environment',
      column: env.colNames[j],
      expected: messageText('values below 1e150 in magnitude'),
      found: String(big)
    }
  );
}

/** Neumaier-compensated Σ x[i]·w over from..to. */
export function compensatedSum(x: Float64Array, from: number, to: number, w: number): number {
  let sum = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const v = x[i] * w;
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + c;
}

/** Neumaier-compensated Σ x[i]²·w over from..to. */
function compensatedSquares(x: Float64Array, from: number, to: number, w: number): number {
  let sum = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const v = x[i] * x[i] * w;
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + c;
}
