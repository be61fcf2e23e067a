/**
 * Tables of the templates as rich notebook outputs: an HTML table of every row (numbers rounded for reading)
 * with a link that downloads the same rows as CSV at full precision, and the same table as `text/plain`.
 * The outputs are MIME bundles, which the NEO kernel shows as they are.
 */
import Papa from 'papaparse';

export type MimeBundle = Record<string, string>;
export type Row = Record<string, string | number | boolean | null | undefined>;

export interface TableOptions {
  /** Heading above the table. */
  title?: string;
  /** File name of the CSV download (`.csv` added when missing). */
  filename: string;
  /** Columns in order; default: the keys of the rows, in order of appearance. */
  columns?: readonly string[];
  /** Significant digits shown in the HTML table (the CSV keeps every digit). Default 4. */
  digits?: number;
  /** A sentence under the table (what the columns mean, where the numbers come from). */
  note?: string;
  /** Rows shown in the HTML table; the CSV has all. Default: all. */
  maxRows?: number;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
  );
}

function columnsOf(rows: readonly Row[], columns?: readonly string[]): string[] {
  return columns ? [...columns] : [...new Set(rows.flatMap(r => Object.keys(r)))];
}

/** CSV of the rows (RFC 4180, `,`, header line), numbers with every digit, missing values empty. */
export function toCsv(rows: readonly Row[], columns?: readonly string[]): string {
  const fields = columnsOf(rows, columns);
  const data = rows.map(r =>
    fields.map(f => {
      const v = r[f];
      if (v === null || v === undefined) return '';
      if (typeof v === 'number')
        return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : String(v);
      return v;
    })
  );
  return Papa.unparse({ fields, data }, { newline: '\n' });
}

function shown(v: Row[string], digits: number): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
    if (v !== 0 && Math.abs(v) < 10 ** -(digits - 1)) return v.toExponential(digits - 1);
    return String(Number(v.toPrecision(digits)));
  }
  return String(v);
}

/** A `data:` URL of a CSV text, for a download link that works without a server. */
export function csvDataUrl(csv: string): string {
  return `data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`;
}

function csvName(filename: string): string {
  return /\.csv$/i.test(filename) ? filename : `${filename}.csv`;
}

/** An HTML table and a CSV download of the rows, plus the same as text. */
export function tableOutput(rows: readonly Row[], options: TableOptions): MimeBundle {
  const columns = columnsOf(rows, options.columns);
  const digits = options.digits ?? 4;
  const limit = Math.min(rows.length, options.maxRows ?? rows.length);
  const csv = toCsv(rows, columns);
  const file = csvName(options.filename);
  const head = `<tr>${columns.map(c => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = rows
    .slice(0, limit)
    .map(
      r =>
        `<tr>${columns
          .map(c => {
            const v = r[c];
            const cls = typeof v === 'number' ? ' class="neo-workshop-number"' : '';
            return `<td${cls}>${escapeHtml(shown(v, digits))}</td>`;
          })
          .join('')}</tr>`
    )
    .join('');
  const more =
    limit < rows.length ? ` (the first ${limit} shown; the CSV has all ${rows.length})` : '';
  const html =
    `<div class="neo-workshop-table" data-csv-file="${escapeHtml(file)}">` +
    (options.title ? `<h4>${escapeHtml(options.title)}</h4>` : '') +
    `<table><thead>${head}</thead><tbody>${body}</tbody></table>` +
    `<p>${rows.length} row${rows.length === 1 ? '' : 's'}${more}. ` +
    `<a download="${escapeHtml(file)}" href="${csvDataUrl(csv)}">Download ${escapeHtml(file)}</a>` +
    (options.note ? ` — ${escapeHtml(options.note)}` : '') +
    `</p></div>`;
  const text = [
    ...(options.title ? [options.title] : []),
    textTable(rows.slice(0, limit), columns, digits),
    `${rows.length} rows${more}; CSV: ${file}`
  ].join('\n');
  return { 'text/html': html, 'text/plain': text };
}

function textTable(rows: readonly Row[], columns: string[], digits: number): string {
  const cells = rows.map(r => columns.map(c => shown(r[c], digits)));
  const widths = columns.map((c, j) =>
    Math.min(40, Math.max(c.length, ...cells.map(l => l[j].length)))
  );
  const fit = (line: string[]) =>
    line
      .map((c, j) => (c.length > widths[j] ? c.slice(0, widths[j] - 1) + '…' : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  return [fit(columns), widths.map(w => '─'.repeat(w)).join('  '), ...cells.map(fit)].join('\n');
}

/** A few paragraphs of HTML (already escaped by the caller) with their text. */
export function htmlOutput(html: string, text: string): MimeBundle {
  return { 'text/html': html, 'text/plain': text };
}
