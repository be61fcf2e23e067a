import { Table, tableToIPC } from 'apache-arrow';
import { formatArrowValue } from './arrowmodel';

/** Formats a result can be exported to. */
export type ExportFormat = 'csv' | 'parquet' | 'arrow';

/** RFC 4180 CSV of a result: header row, `,` separator, fields quoted when they need it. */
export function tableToCsv(table: Table): string {
  const fields = table.schema.fields;
  const vectors = fields.map((_, i) => table.getChildAt(i)!);
  const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [fields.map(f => quote(f.name)).join(',')];
  for (let row = 0; row < table.numRows; row++) {
    lines.push(
      vectors.map((v, i) => quote(formatArrowValue(v.get(row), fields[i].type))).join(',')
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** Arrow IPC file bytes of a result. */
export function tableToArrowFile(table: Table): Uint8Array {
  return tableToIPC(table, 'file');
}
