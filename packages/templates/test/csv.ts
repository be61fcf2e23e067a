/**
 * The fixture CSVs shared with R: first column the row id, doubles written as their shortest round-trip text
 * (JavaScript's `String(x)`, R's `%.15g`–`%.17g` choice), so both sides read back the identical doubles.
 * `NaN` and `NA` read as NaN.
 */
import * as fs from 'node:fs';
import Papa from 'papaparse';
import type { DataTable } from '@odatis-vre/niche';

export interface Csv {
  /** Ids of the rows (first column). */
  rows: string[];
  /** Names of the other columns. */
  columns: string[];
  number(column: string): number[];
  text(column: string): string[];
}

/** A fixture file by path, or CSV text (`isText`); `id` names the id column when it is not the first. */
export function readCsv(source: string, id?: string, isText = false): Csv {
  const text = isText ? source : fs.readFileSync(source, 'utf8');
  const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true });
  const [header, ...data] = parsed.data;
  const idIndex = id === undefined ? 0 : header.indexOf(id);
  if (idIndex < 0) throw new Error(`${isText ? 'the CSV' : source} has no column ${id}`);
  const at = (column: string): number => {
    const k = header.indexOf(column);
    if (k < 0 || k === idIndex) {
      throw new Error(
        `${isText ? 'the CSV' : source} has no column ${column} (it has ${header.join(', ')})`
      );
    }
    return k;
  };
  return {
    rows: data.map(r => r[idIndex]),
    columns: header.filter((_, k) => k !== idIndex),
    text: column => data.map(r => r[at(column)]),
    number: column =>
      data.map(r => {
        const v = r[at(column)];
        return v === 'NA' || v === 'NaN' || v === '' ? NaN : Number(v);
      })
  };
}

/** Writes a table (or text columns) with its row ids as the first column `id`. */
export function writeTable(
  file: string,
  ids: readonly string[],
  table: DataTable | Record<string, readonly string[]>
): void {
  let fields: string[];
  let cell: (i: number, k: number) => string;
  if ('values' in table && 'nRows' in table) {
    const t = table as DataTable;
    fields = [...t.colNames];
    cell = (i, k) => String(t.values[k * t.nRows + i]);
  } else {
    const cols = table as Record<string, readonly string[]>;
    fields = Object.keys(cols);
    cell = (i, k) => cols[fields[k]][i];
  }
  const data = ids.map((id, i) => [id, ...fields.map((_, k) => cell(i, k))]);
  fs.writeFileSync(
    file,
    Papa.unparse({ fields: ['id', ...fields], data }, { newline: '\n' }) + '\n'
  );
}
