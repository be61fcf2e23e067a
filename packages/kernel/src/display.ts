/**
 * Rich outputs of the NEO kernel: what a value looks like in a notebook, as a Jupyter MIME bundle.
 *
 * - Arrow tables (query results): an HTML table of the first and last rows, with column types, the row
 *   count, and the same as aligned `text/plain`;
 * - numeric tables of the niche library (`DataTable`) and column records (`nicheParams` results): HTML tables;
 * - Vega-Lite specifications: `application/vnd.vegalite.v5+json`, drawn by JupyterLab's own renderer;
 * - a MIME bundle (`{'text/html': …}`) as it is;
 * - anything else: `text/plain`.
 */
import { englishMessages, type Messages } from '@odatis-vre/harmonised';
import { DataType, Table, Type } from 'apache-arrow';
import { inspect } from './inspect';

export type MimeBundle = Record<string, unknown>;

export interface DisplayData {
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';

/** Rows shown at the head and at the tail of a long table. */
const HEAD_ROWS = 10;
const TAIL_ROWS = 5;

/**
 * The MIME bundle of a value; null for `undefined` (a cell with no result shows nothing). A table's
 * `caption` (e.g. how a query ran: time, engine) is shown under its row count.
 */
export function mimeBundleOf(
  value: unknown,
  caption?: string,
  trans: Messages = englishMessages
): DisplayData | null {
  if (value === undefined) {
    return null;
  }
  if (isVegaLite(value)) {
    // SVG rather than vega-embed's default canvas: sharp at any zoom, and its text can be found and read.
    return {
      data: { [VEGALITE_MIME]: jsonSafe(value), 'text/plain': vegaLiteText(value) },
      metadata: { [VEGALITE_MIME]: { embed_options: { renderer: 'svg' } } }
    };
  }
  const data: MimeBundle = isArrowTable(value)
    ? gridBundle(arrowGrid(value), trans, caption)
    : isDataTable(value)
      ? gridBundle(dataTableGrid(value), trans)
      : isMimeBundle(value)
        ? mimeBundleValues(value)
        : isColumnRecords(value)
          ? gridBundle(columnRecordsGrid(value), trans)
          : isRowRecords(value)
            ? gridBundle(rowRecordsGrid(value), trans)
            : { 'text/plain': inspect(value) };
  return { data, metadata: {} };
}

// ---- detection ----

export function isArrowTable(value: unknown): value is Table {
  if (value instanceof Table) {
    return true;
  }
  // A table made by another copy of apache-arrow.
  const t = value as Table;
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof t.numRows === 'number' &&
    Array.isArray(t.schema?.fields) &&
    typeof t.getChildAt === 'function'
  );
}

/** The numeric table of @odatis-vre/niche. */
export interface DataTableLike {
  nRows: number;
  nCols: number;
  values: ArrayLike<number>;
  rowNames: readonly string[];
  colNames: readonly string[];
}

export function isDataTable(value: unknown): value is DataTableLike {
  const t = value as DataTableLike;
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof t.nRows === 'number' &&
    typeof t.nCols === 'number' &&
    ArrayBuffer.isView(t.values) &&
    Array.isArray(t.rowNames) &&
    Array.isArray(t.colNames)
  );
}

export function isVegaLite(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) {
    return false;
  }
  const schema = value.$schema;
  if (typeof schema === 'string') {
    return /vega-lite/.test(schema);
  }
  return (
    ('mark' in value && ('encoding' in value || 'data' in value)) ||
    ('layer' in value && 'data' in value)
  );
}

const MIME_TYPE = /^[a-z]+\/[\w.+-]+$/;

export function isMimeBundle(value: unknown): value is MimeBundle {
  if (!isPlainObject(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every(k => MIME_TYPE.test(k));
}

/** `{ species: [...], omi: Float64Array, ... }`: columns of equal length. */
function isColumnRecords(value: unknown): value is Record<string, ArrayLike<unknown>> {
  if (!isPlainObject(value)) {
    return false;
  }
  const columns = Object.values(value);
  if (columns.length < 2) {
    return false;
  }
  const lengths = columns.map(c =>
    Array.isArray(c) || (ArrayBuffer.isView(c) && !(c instanceof DataView))
      ? (c as ArrayLike<unknown>).length
      : -1
  );
  return lengths[0] > 0 && lengths.every(n => n === lengths[0]);
}

/** `[{ site: 'a', n: 3 }, …]`: rows of plain objects. */
function isRowRecords(value: unknown): value is Record<string, unknown>[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      r =>
        isPlainObject(r) &&
        Object.values(r).every(v => typeof v !== 'object' || v === null || v instanceof Date)
    )
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// ---- grids ----

/** A table to draw: header, column types, the rows shown, and how many there are in all. */
interface Grid {
  columns: string[];
  types: string[] | null;
  /** Row label column (DataTable row names), if any. */
  rowLabels: string[] | null;
  /** Cells shown, as text; `null` marks the gap between head and tail. */
  rows: (string[] | null)[];
  numRows: number;
}

/** Indices of the rows shown: all of a short table, the head and the tail of a long one. */
function shownRows(n: number): (number | null)[] {
  if (n <= HEAD_ROWS + TAIL_ROWS + 5) {
    return Array.from({ length: n }, (_, i) => i);
  }
  const head = Array.from({ length: HEAD_ROWS }, (_, i) => i);
  const tail = Array.from({ length: TAIL_ROWS }, (_, i) => n - TAIL_ROWS + i);
  return [...head, null, ...tail];
}

function arrowGrid(table: Table): Grid {
  const fields = table.schema.fields;
  const vectors = fields.map((_, j) => table.getChildAt(j));
  const rows = shownRows(table.numRows).map(i =>
    i === null ? null : vectors.map((v, j) => formatArrowValue(v?.get(i), fields[j].type))
  );
  return {
    columns: fields.map(f => f.name),
    types: fields.map(f => arrowTypeName(f.type)),
    rowLabels: null,
    rows,
    numRows: table.numRows
  };
}

function dataTableGrid(t: DataTableLike): Grid {
  const shown = shownRows(t.nRows);
  return {
    columns: [...t.colNames],
    types: null,
    rowLabels: shown.map(i => (i === null ? '' : String(t.rowNames[i] ?? i + 1))),
    rows: shown.map(i =>
      i === null
        ? null
        : Array.from({ length: t.nCols }, (_, j) => formatNumber(t.values[j * t.nRows + i]))
    ),
    numRows: t.nRows
  };
}

function columnRecordsGrid(value: Record<string, ArrayLike<unknown>>): Grid {
  const columns = Object.keys(value);
  const n = value[columns[0]].length;
  return {
    columns,
    types: null,
    rowLabels: null,
    rows: shownRows(n).map(i => (i === null ? null : columns.map(c => formatPlain(value[c][i])))),
    numRows: n
  };
}

function rowRecordsGrid(rows: Record<string, unknown>[]): Grid {
  const columns = [...new Set(rows.flatMap(r => Object.keys(r)))];
  return {
    columns,
    types: null,
    rowLabels: null,
    rows: shownRows(rows.length).map(i =>
      i === null ? null : columns.map(c => formatPlain(rows[i][c]))
    ),
    numRows: rows.length
  };
}

function gridBundle(grid: Grid, trans: Messages, caption?: string): MimeBundle {
  const size = shape(grid, trans);
  return {
    'text/html': gridHtml(grid, size, caption),
    'text/plain': gridText(grid, size, caption)
  };
}

/** "10 rows × 2 columns", in the page's language (one msgid per number: `Messages` have no plurals). */
function shape(grid: Grid, trans: Messages): string {
  const n = grid.numRows;
  const c = grid.columns.length;
  return (
    trans.__(n === 1 ? '%1 row' : '%1 rows', n.toLocaleString('en-US')) +
    ' × ' +
    trans.__(c === 1 ? '%1 column' : '%1 columns', c)
  );
}

function gridHtml(grid: Grid, size: string, caption?: string): string {
  const label = grid.rowLabels ? '<th></th>' : '';
  const head =
    `<tr>${label}${grid.columns.map(c => `<th>${escapeHtml(c)}</th>`).join('')}</tr>` +
    (grid.types
      ? `<tr class="neo-types">${label}${grid.types.map(t => `<th><small>${escapeHtml(t)}</small></th>`).join('')}</tr>`
      : '');
  const body = grid.rows
    .map((row, r) => {
      const rowLabel = grid.rowLabels ? `<th>${escapeHtml(grid.rowLabels[r])}</th>` : '';
      if (row === null) {
        const span = grid.columns.length + (grid.rowLabels ? 1 : 0);
        return `<tr class="neo-gap"><td colspan="${span}">⋮</td></tr>`;
      }
      return `<tr>${rowLabel}${row.map(cell => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
    })
    .join('');
  return (
    `<div class="neo-table"><table><thead>${head}</thead><tbody>${body}</tbody></table>` +
    `<p class="neo-shape">${size}</p>` +
    (caption ? `<p class="neo-query">${escapeHtml(caption)}</p>` : '') +
    '</div>'
  );
}

function gridText(grid: Grid, size: string, caption?: string): string {
  const header = [...(grid.rowLabels ? [''] : []), ...grid.columns];
  const types = grid.types ? [...(grid.rowLabels ? [''] : []), ...grid.types] : null;
  const lines: (string[] | null)[] = grid.rows.map((row, r) =>
    row === null ? null : [...(grid.rowLabels ? [grid.rowLabels[r]] : []), ...row]
  );
  const widths = header.map((h, j) =>
    Math.min(
      40,
      Math.max(h.length, types?.[j].length ?? 0, ...lines.map(l => (l ? l[j].length : 1)))
    )
  );
  const fit = (cells: string[]) =>
    cells
      .map((c, j) => (c.length > widths[j] ? c.slice(0, widths[j] - 1) + '…' : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  const out = [fit(header)];
  if (types) out.push(fit(types));
  out.push(widths.map(w => '─'.repeat(w)).join('  '));
  for (const l of lines) out.push(l ? fit(l) : '⋮');
  out.push(size);
  if (caption) out.push(caption);
  return out.join('\n');
}

// ---- values ----

export function arrowTypeName(type: DataType): string {
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'text';
    case Type.Dictionary:
      return arrowTypeName((type as unknown as { valueType: DataType }).valueType);
    case Type.Float:
      return (type as unknown as { precision: number }).precision === 2 ? 'double' : 'float';
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: number; isSigned: boolean };
      const name = { 8: 'tinyint', 16: 'smallint', 32: 'integer', 64: 'bigint' }[bitWidth] ?? 'int';
      return isSigned ? name : `u${name}`;
    }
    case Type.Bool:
      return 'boolean';
    case Type.Timestamp:
      return 'timestamp';
    case Type.Date:
      return 'date';
    case Type.Decimal:
      return 'decimal';
    default:
      return String(type).toLowerCase();
  }
}

function formatArrowValue(value: unknown, type: DataType): string {
  if (value === null || value === undefined) {
    return 'null';
  }
  if (type.typeId === Type.Timestamp) {
    return new Date(Number(value))
      .toISOString()
      .replace('T', ' ')
      .replace(/\.000Z$|Z$/, '');
  }
  if (type.typeId === Type.Date) {
    return new Date(Number(value)).toISOString().slice(0, 10);
  }
  return formatPlain(value);
}

function formatPlain(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  const json = (value as { toJSON?: () => unknown }).toJSON;
  return inspect(typeof json === 'function' ? json.call(value) : value);
}

/** Numbers with at most 7 significant digits; integers in full. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x) || !Number.isFinite(x)) {
    return String(x);
  }
  return String(Number(x.toPrecision(7)));
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
  );
}

function vegaLiteText(spec: Record<string, unknown>): string {
  // a title with a subtitle is an object: its text is the title
  const text =
    spec.title && typeof spec.title === 'object'
      ? (spec.title as { text?: unknown }).text
      : spec.title;
  const title = typeof text === 'string' ? `: ${text}` : '';
  return `<Vega-Lite chart${title}>`;
}

function mimeBundleValues(bundle: MimeBundle): MimeBundle {
  return Object.fromEntries(
    Object.entries(bundle).map(([k, v]) => [k, typeof v === 'string' ? v : jsonSafe(v)])
  );
}

/**
 * A value that JSON (the notebook file) and the structured clone to the page can carry: bigints as
 * numbers, dates as ISO text, typed arrays as arrays, non-finite numbers as null.
 */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, jsonSafe);
  }
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}
