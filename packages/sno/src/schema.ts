/**
 * The harmonised long format as an Arrow schema: one row per observed value. Column names, kinds,
 * nullability and documentation come from the contract (`@odatis-vre/harmonised`); this module only says
 * which Arrow type holds each kind.
 */
import {
  COLUMNS,
  COLUMN_DOCS,
  COLUMN_KINDS,
  REQUIRED_COLUMNS,
  SCHEMA_VERSION,
  type ColumnKind,
  type ColumnName,
  type Observation
} from '@odatis-vre/harmonised';
import {
  Dictionary,
  Field,
  Float64,
  Int32,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimeUnit,
  Timestamp,
  Utf8,
  makeData,
  vectorFromArray,
  type Data,
  type DataType
} from 'apache-arrow';

/** Arrow type of each column kind. Text is dictionary-encoded: most string columns repeat a handful of values. */
const ARROW_TYPES: Record<ColumnKind, () => DataType> = {
  text: () => new Dictionary(new Utf8(), new Int32()),
  float64: () => new Float64(),
  int32: () => new Int32(),
  timestamp: () => new Timestamp(TimeUnit.MILLISECOND, 'UTC')
};

/** The harmonised Arrow schema. Every field carries its description in field metadata. */
export const observationSchema = new Schema(
  COLUMNS.map(
    name =>
      new Field(
        name,
        ARROW_TYPES[COLUMN_KINDS[name]](),
        !REQUIRED_COLUMNS.has(name),
        new Map([['description', COLUMN_DOCS[name]]])
      )
  ),
  new Map([['odatis.schema_version', SCHEMA_VERSION]])
);

/**
 * Accumulates observations column by column, so a file of a million values never becomes a
 * million objects, then hands them over as one Arrow table in the harmonised schema.
 */
export class ObservationColumns {
  private readonly cols: { [K in ColumnName]: Observation[K][] };

  constructor() {
    this.cols = Object.fromEntries(COLUMNS.map(c => [c, []])) as unknown as {
      [K in ColumnName]: Observation[K][];
    };
  }

  get length(): number {
    return this.cols.value.length;
  }

  push(o: Observation): void {
    for (const c of COLUMNS) {
      (this.cols[c] as unknown[]).push(o[c]);
    }
  }

  /** Push one row given as the fields of this value over the fields shared by its record;
   * absent fields are null. Avoids building a merged object per value (hot path). */
  pushParts(part: Partial<Observation>, base?: Partial<Observation>): void {
    for (const c of COLUMNS) {
      let v = part[c];
      if (v === undefined && base) v = base[c];
      (this.cols[c] as unknown[]).push(v === undefined ? null : v);
    }
  }

  /** Column values as plain arrays (read-only view). */
  column<K extends ColumnName>(name: K): readonly Observation[K][] {
    return this.cols[name];
  }

  /** Row i as an object (for tests and small look-ups). */
  row(i: number): Observation {
    return Object.fromEntries(COLUMNS.map(c => [c, this.cols[c][i]])) as unknown as Observation;
  }

  /** Append another accumulator's rows (those at `indices`, in that order, when given). */
  append(other: ObservationColumns, indices?: readonly number[]): void {
    for (const c of COLUMNS) {
      const src = other.cols[c] as unknown[];
      const dst = this.cols[c] as unknown[];
      if (indices) for (const i of indices) dst.push(src[i]);
      else for (let i = 0; i < src.length; i++) dst.push(src[i]);
    }
  }

  /** Rows selected by index, as a new accumulator (used to split into partitions). */
  select(indices: readonly number[]): ObservationColumns {
    const out = new ObservationColumns();
    for (const c of COLUMNS) {
      const src = this.cols[c] as unknown[];
      const dst = out.cols[c] as unknown[];
      for (const i of indices) dst.push(src[i]);
    }
    return out;
  }

  /**
   * The rows of an Arrow table in the harmonised schema, back as columns (a spilled partition read back):
   * every value as it was pushed, nulls as null, times as milliseconds.
   */
  static fromTable(table: Table): ObservationColumns {
    const out = new ObservationColumns();
    for (const c of COLUMNS) {
      const vector = table.getChild(c);
      if (!vector) throw new Error(`column ${c}: not in the table`);
      const dst = out.cols[c] as unknown[];
      const time = COLUMN_KINDS[c] === 'timestamp';
      for (let i = 0; i < table.numRows; i++) {
        const x: unknown = vector.get(i);
        dst.push(x === null || x === undefined ? null : time ? Number(x) : x);
      }
    }
    return out;
  }

  toTable(): Table {
    const n = this.length;
    const children: Data[] = observationSchema.fields.map(f => {
      const values = this.cols[f.name as ColumnName] as unknown[];
      if (f.type instanceof Dictionary) return dictionaryData(f.type, values as (string | null)[]);
      if (f.type instanceof Float64 || f.type instanceof Int32)
        return numericData(f.type, values as (number | null)[]);
      const v = vectorFromArray(values, f.type as DataType);
      if (v.data.length !== 1)
        throw new Error(`column ${f.name}: expected one Arrow chunk, got ${v.data.length}`);
      return v.data[0];
    });
    const struct = makeData({
      type: new Struct(observationSchema.fields),
      length: n,
      nullCount: 0,
      children
    });
    return new Table([new RecordBatch(observationSchema, struct)]);
  }
}

/**
 * A float64 or int32 column written straight into its typed array and validity bitmap (Arrow's generic
 * builder costs more than the Parquet encoding of a small partition). Int32 stores as Arrow's would.
 */
function numericData(type: Float64 | Int32, values: readonly (number | null)[]): Data {
  const n = values.length;
  const data = type instanceof Float64 ? new Float64Array(n) : new Int32Array(n);
  const valid = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      nulls++;
      continue;
    }
    data[i] = v;
    valid[i >> 3] |= 1 << (i & 7);
  }
  const props = { length: n, nullCount: nulls, nullBitmap: nulls ? valid : null };
  return type instanceof Float64
    ? makeData({ type, ...props, data: data as Float64Array })
    : makeData({ type, ...props, data: data as Int32Array });
}

/**
 * Dictionary-encode a string column by hand: one Map look-up per value instead of Arrow's generic
 * builder (which hashes through several layers and dominated conversion time).
 */
function dictionaryData(type: Dictionary<Utf8, Int32>, values: readonly (string | null)[]): Data {
  const index = new Map<string, number>();
  const words: string[] = [];
  const keys = new Int32Array(values.length);
  const valid = new Uint8Array((values.length + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      nulls++;
      continue;
    }
    let k = index.get(v);
    if (k === undefined) {
      k = words.length;
      index.set(v, k);
      words.push(v);
    }
    keys[i] = k;
    valid[i >> 3] |= 1 << (i & 7);
  }
  const dictionary = vectorFromArray(words, new Utf8());
  return makeData({
    type,
    length: values.length,
    nullCount: nulls,
    nullBitmap: nulls ? valid : null,
    data: keys,
    dictionary
  });
}

/** Read an Arrow table in the harmonised schema back into plain observations (tests, small tables). */
export function tableToObservations(table: Table): Observation[] {
  const out: Observation[] = [];
  const vectors = COLUMNS.map(c => [c, table.getChild(c)] as const);
  for (let i = 0; i < table.numRows; i++) {
    const o: Record<string, unknown> = {};
    for (const [c, v] of vectors) {
      let x = v ? v.get(i) : null;
      if (c === 'time' && x !== null && x !== undefined) x = Number(x);
      o[c] = x ?? null;
    }
    out.push(o as unknown as Observation);
  }
  return out;
}
