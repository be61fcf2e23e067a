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
    const builders = COLUMNS.map(c => {
      const b = columnBuilder(COLUMN_KINDS[c], n);
      const values = this.cols[c] as unknown[];
      for (let i = 0; i < n; i++) b.push(values[i], i);
      return b;
    });
    return tableOf(builders, n);
  }
}

/**
 * Rows built straight into Arrow's memory (a partition of a conversion within bounded memory): each value
 * stored once, into its column's typed array (grown by doubling; text dictionary-encoded as it comes, times
 * as Arrow's int64 milliseconds), never into a JavaScript array first. `toTable` gives the table
 * ObservationColumns gives for the same rows, without copying them again.
 */
export class ObservationBuilder {
  private n = 0;
  private readonly builders = COLUMNS.map(c => columnBuilder(COLUMN_KINDS[c], 1024));

  get length(): number {
    return this.n;
  }

  /** One row, every column of the harmonised schema (null or undefined: null). */
  push(row: Readonly<Record<ColumnName, unknown>>): void {
    const i = this.n++;
    for (let c = 0; c < COLUMNS.length; c++) this.builders[c].push(row[COLUMNS[c]], i);
  }

  toTable(): Table {
    return tableOf(this.builders, this.n);
  }
}

/** The harmonised table of `n` rows whose columns (in COLUMNS order) the builders hold. */
function tableOf(builders: ColumnBuilder[], n: number): Table {
  const struct = makeData({
    type: new Struct(observationSchema.fields),
    length: n,
    nullCount: 0,
    children: observationSchema.fields.map((f, c) => builders[c].data(f.type as DataType, n))
  });
  return new Table([new RecordBatch(observationSchema, struct)]);
}

/** One column being built: `push` the value of row i (rows in order), then `data` of the first n rows. */
interface ColumnBuilder {
  push(v: unknown, i: number): void;
  data(type: DataType, n: number): Data;
}

function columnBuilder(kind: ColumnKind, capacity: number): ColumnBuilder {
  return kind === 'text' ? new TextColumn(capacity) : new NumberColumn(kind, capacity);
}

/** A validity bitmap that grows with its column; `nulls` counts the rows left unset. */
class Validity {
  bits: Uint8Array;
  nulls = 0;
  constructor(capacity: number) {
    this.bits = new Uint8Array((capacity + 7) >> 3);
  }
  valid(i: number): void {
    if (i >> 3 >= this.bits.length) this.bits = grown(this.bits, (i >> 3) + 1);
    this.bits[i >> 3] |= 1 << (i & 7);
  }
  bitmap(n: number): Uint8Array | null {
    if (!this.nulls) return null;
    // Rows from the last valid one on may all be null: the bitmap still covers every row.
    if (this.bits.length < (n + 7) >> 3) this.bits = grown(this.bits, (n + 7) >> 3);
    return this.bits.subarray(0, (n + 7) >> 3);
  }
}

/** A copy of `a`, zero-filled, twice as long at least and holding `needed` elements. */
function grown<A extends Uint8Array | Int32Array | Float64Array | BigInt64Array>(
  a: A,
  needed: number
): A {
  const b = new (a.constructor as new (n: number) => A)(Math.max(needed, a.length * 2, 64));
  b.set(a as never);
  return b;
}

/**
 * A float64, int32 or timestamp column written straight into its typed array and validity bitmap (Arrow's
 * generic builder costs more than the Parquet encoding of a small partition). Stores as Arrow's would.
 */
class NumberColumn implements ColumnBuilder {
  private values: Float64Array | Int32Array | BigInt64Array;
  private readonly validity: Validity;

  constructor(
    private readonly kind: Exclude<ColumnKind, 'text'>,
    capacity: number
  ) {
    this.values =
      kind === 'float64'
        ? new Float64Array(capacity)
        : kind === 'int32'
          ? new Int32Array(capacity)
          : new BigInt64Array(capacity);
    this.validity = new Validity(capacity);
  }

  push(v: unknown, i: number): void {
    if (v === null || v === undefined) {
      this.validity.nulls++;
      return;
    }
    if (i >= this.values.length) this.values = grown(this.values, i + 1);
    if (this.kind === 'timestamp') (this.values as BigInt64Array)[i] = BigInt(v as number);
    else (this.values as Float64Array | Int32Array)[i] = v as number;
    this.validity.valid(i);
  }

  data(type: DataType, n: number): Data {
    if (n > this.values.length) this.values = grown(this.values, n);
    return makeData({
      type: type as Float64,
      length: n,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(n),
      data: this.values.subarray(0, n) as Float64Array
    });
  }
}

/**
 * A string column dictionary-encoded by hand as it comes: one Map look-up per value (none when it repeats
 * the previous one) instead of Arrow's generic builder, which hashes through several layers.
 */
class TextColumn implements ColumnBuilder {
  private readonly index = new Map<string, number>();
  private readonly words: string[] = [];
  private keys: Int32Array;
  private readonly validity: Validity;
  private last: string | null = null;
  private lastKey = 0;

  constructor(capacity: number) {
    this.keys = new Int32Array(capacity);
    this.validity = new Validity(capacity);
  }

  push(v: unknown, i: number): void {
    if (v === null || v === undefined) {
      this.validity.nulls++;
      return;
    }
    if (i >= this.keys.length) this.keys = grown(this.keys, i + 1);
    let k = this.lastKey;
    if (v !== this.last) {
      const known = this.index.get(v as string);
      if (known === undefined) {
        k = this.words.length;
        this.index.set(v as string, k);
        this.words.push(v as string);
      } else k = known;
      this.last = v as string;
      this.lastKey = k;
    }
    this.keys[i] = k;
    this.validity.valid(i);
  }

  data(type: DataType, n: number): Data {
    if (n > this.keys.length) this.keys = grown(this.keys, n);
    return makeData({
      type: type as Dictionary<Utf8, Int32>,
      length: n,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(n),
      data: this.keys.subarray(0, n),
      dictionary: vectorFromArray(this.words, new Utf8())
    });
  }
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
