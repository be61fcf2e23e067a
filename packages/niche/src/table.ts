import { messageText } from '@odatis-vre/harmonised';
import { NicheInputError } from './errors';

/**
 * A named numeric table (samples × species, samples × variables, species × axes…).
 * Values are column-major, as in R: the value of row `i`, column `j` is `values[j * nRows + i]`,
 * so one species profile or one variable is a contiguous slice.
 */
export interface DataTable {
  readonly nRows: number;
  readonly nCols: number;
  readonly values: Float64Array;
  readonly rowNames: readonly string[];
  readonly colNames: readonly string[];
}

/** Builds a table from named columns (all of the same length). */
export function tableFromColumns(
  columns: Record<string, ArrayLike<number>> | Array<[string, ArrayLike<number>]>,
  rowNames?: readonly string[]
): DataTable {
  const entries = Array.isArray(columns) ? columns : Object.entries(columns);
  if (entries.length === 0) {
    throw new NicheInputError('empty', messageText('a table needs at least one column'), {
      expected: messageText('≥ 1 column'),
      found: '0'
    });
  }
  const nRows = entries[0][1].length;
  const values = new Float64Array(nRows * entries.length);
  entries.forEach(([name, col], j) => {
    if (col.length !== nRows) {
      throw new NicheInputError(
        'shape',
        messageText(
          'column "%1" has %2 values but column "%3" has %4',
          name,
          col.length,
          entries[0][0],
          nRows
        ),
        { column: name, expected: messageText('%1 values', nRows), found: `${col.length}` }
      );
    }
    for (let i = 0; i < nRows; i++) values[j * nRows + i] = col[i];
  });
  return {
    nRows,
    nCols: entries.length,
    values,
    rowNames: rowNames ?? defaultNames(nRows, ''),
    colNames: entries.map(([n]) => n)
  };
}

/** Builds a table from row arrays (e.g. parsed CSV lines). */
export function tableFromRows(
  rows: ReadonlyArray<ArrayLike<number>>,
  colNames: readonly string[],
  rowNames?: readonly string[]
): DataTable {
  const nRows = rows.length;
  const nCols = colNames.length;
  const values = new Float64Array(nRows * nCols);
  rows.forEach((r, i) => {
    if (r.length !== nCols) {
      throw new NicheInputError(
        'shape',
        messageText('row %1 has %2 values, expected %3', i + 1, r.length, nCols),
        {
          row: rowNames?.[i] ?? String(i + 1),
          expected: messageText('%1 values', nCols),
          found: `${r.length}`
        }
      );
    }
    for (let j = 0; j < nCols; j++) values[j * nRows + i] = r[j];
  });
  return { nRows, nCols, values, rowNames: rowNames ?? defaultNames(nRows, ''), colNames };
}

/** Makes a table from a column-major buffer (no copy). */
export function makeTable(
  values: Float64Array,
  nRows: number,
  nCols: number,
  rowNames: readonly string[],
  colNames: readonly string[]
): DataTable {
  if (values.length !== nRows * nCols) {
    throw new NicheInputError(
      'shape',
      messageText('buffer of %1 values cannot hold %2 × %3', values.length, nRows, nCols),
      {
        expected: messageText('%1 values', nRows * nCols),
        found: `${values.length}`
      }
    );
  }
  return { nRows, nCols, values, rowNames, colNames };
}

/** Value at row `i`, column `j`. */
export function cell(t: DataTable, i: number, j: number): number {
  return t.values[j * t.nRows + i];
}

/** One column as a subarray view (no copy). */
export function column(t: DataTable, j: number | string): Float64Array {
  const k = typeof j === 'number' ? j : t.colNames.indexOf(j);
  if (k < 0 || k >= t.nCols) {
    throw new NicheInputError('bad-argument', messageText('no column %1', String(j)), {
      expected: t.colNames.join(', '),
      found: String(j)
    });
  }
  return t.values.subarray(k * t.nRows, (k + 1) * t.nRows);
}

/**
 * Rows as plain objects, e.g. `[{ species: 'Cogo', Axis1: 0.3, Axis2: -1.2 }]`, ready for a Vega-Lite
 * `data.values` or a table widget.
 */
export function tableToRecords(
  t: DataTable,
  idName = 'id'
): Array<Record<string, number | string>> {
  const out: Array<Record<string, number | string>> = [];
  for (let i = 0; i < t.nRows; i++) {
    const r: Record<string, number | string> = { [idName]: t.rowNames[i] };
    for (let j = 0; j < t.nCols; j++) r[t.colNames[j]] = t.values[j * t.nRows + i];
    out.push(r);
  }
  return out;
}

export function defaultNames(n: number, prefix: string): string[] {
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = `${prefix}${i + 1}`;
  return out;
}

/** Throws on NaN/±Infinity, naming the first offending cell (ade4 stops with "na entries in table"). */
export function assertFinite(t: DataTable, tableName: string): void {
  const { values, nRows } = t;
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) {
      const i = k % nRows;
      const j = (k - i) / nRows;
      throw new NicheInputError(
        'missing-value',
        messageText(
          '%1: row "%2" (%3), column "%4" is %5; ' +
            'remove or impute missing values before the analysis (ade4 stops with "na entries in table")',
          tableName,
          t.rowNames[i],
          i + 1,
          t.colNames[j],
          values[k]
        ),
        {
          table: tableName,
          row: t.rowNames[i],
          column: t.colNames[j],
          expected: messageText('a finite number'),
          found: String(values[k])
        }
      );
    }
  }
}
