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
  makeVector,
  type Data,
  type DataType,
  type Vector
} from 'apache-arrow';

/**
 * The columns, read once: the harmonised package's bundled exports are getters, too slow to call for every
 * column of every value.
 */
const NAMES: readonly ColumnName[] = [...COLUMNS];
const KINDS: readonly ColumnKind[] = NAMES.map(c => COLUMN_KINDS[c]);

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
 * Accumulates observations column by column, straight into typed arrays (text dictionary-encoded as it
 * comes, numbers unboxed): a file of a million values is neither a million objects nor 26 million boxed
 * array slots, then hands them over as one Arrow table in the harmonised schema without copying them again.
 */
export class ObservationColumns {
  private n = 0;
  private readonly builders: ColumnBuilder[] = KINDS.map(k => columnBuilder(k, 64));
  /** The record fields `pushParts` was last given (`base`), resolved column by column. */
  private lastBase: Partial<Observation> | undefined = undefined;
  private readonly baseValues: unknown[] = NAMES.map(() => null);
  /** Columns as plain arrays, made when asked for and kept while no row is added. */
  private readonly plain = new Map<ColumnName, { length: number; values: unknown[] }>();

  get length(): number {
    return this.n;
  }

  push(o: Observation): void {
    this.pushParts(o);
  }

  /**
   * Push one row given as the fields of this value over the fields shared by its record; absent fields
   * are null. No merged object per value (hot path). A `base` is read the first time it is given: the
   * same object given again must hold the same fields (readers make one per record).
   */
  pushParts(part: Partial<Observation>, base?: Partial<Observation>): void {
    if (base !== this.lastBase) {
      for (let c = 0; c < NAMES.length; c++) this.baseValues[c] = base?.[NAMES[c]] ?? null;
      this.lastBase = base;
    }
    const i = this.n++;
    for (let c = 0; c < NAMES.length; c++) {
      const v = part[NAMES[c]];
      this.builders[c].push(v === undefined ? this.baseValues[c] : v, i);
    }
  }

  /**
   * Column values as plain arrays (read-only; made on first use and kept until a row is added): numbers,
   * times as milliseconds, text as strings, nulls as null.
   */
  column<K extends ColumnName>(name: K): readonly Observation[K][] {
    let made = this.plain.get(name);
    if (!made || made.length !== this.n) {
      const b = this.builders[COLUMN_INDEX[name]];
      const values = new Array<unknown>(this.n);
      for (let i = 0; i < this.n; i++) values[i] = b.get(i);
      this.plain.set(name, (made = { length: this.n, values }));
    }
    return made.values as Observation[K][];
  }

  /** The distinct non-null values of a text column (its dictionary's words in use). */
  distinct(name: ColumnName): Set<string> {
    const b = this.builders[COLUMN_INDEX[name]];
    if (!(b instanceof TextColumn)) throw new Error(`column ${name}: not a text column`);
    return b.distinct(this.n);
  }

  /** Row i as an object (for tests and small look-ups). */
  row(i: number): Observation {
    return Object.fromEntries(
      NAMES.map((c, k) => [c, this.builders[k].get(i)])
    ) as unknown as Observation;
  }

  /** Append another accumulator's rows (those at `indices`, in that order, when given). */
  append(other: ObservationColumns, indices?: readonly number[]): void {
    const count = indices ? indices.length : other.n;
    for (let c = 0; c < NAMES.length; c++)
      this.builders[c].copyFrom(other.builders[c], other.n, indices ?? null, this.n);
    this.n += count;
    this.lastBase = undefined;
  }

  /** Rows selected by index, as a new accumulator (used to split into partitions). */
  select(indices: readonly number[]): ObservationColumns {
    const out = new ObservationColumns();
    out.append(this, indices);
    return out;
  }

  /**
   * The rows of an Arrow table in the harmonised schema, back as columns (a spilled partition read back):
   * every value as it was pushed, nulls as null, times as milliseconds.
   */
  static fromTable(table: Table): ObservationColumns {
    const out = new ObservationColumns();
    for (const [k, c] of COLUMNS.entries()) {
      const vector = table.getChild(c);
      if (!vector) throw new Error(`column ${c}: not in the table`);
      const b = out.builders[k];
      const time = COLUMN_KINDS[c] === 'timestamp';
      for (let i = 0; i < table.numRows; i++) {
        const x: unknown = vector.get(i);
        b.push(x === null || x === undefined ? null : time ? Number(x) : x, i);
      }
    }
    out.n = table.numRows;
    return out;
  }

  /** The rows as an Arrow table (its memory is these columns': rows added later do not change it). */
  toTable(): Table {
    return tableOf(this.builders, this.n);
  }
}

const COLUMN_INDEX = Object.fromEntries(NAMES.map((c, k) => [c, k])) as Record<ColumnName, number>;

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

/**
 * One column being built: `push` the value of row i (rows in order), `get` it back, `copyFrom` another
 * column of the same kind (rows at `indices`, or all of its first `count`) from row `at` on, then `data` of
 * the first n rows.
 */
interface ColumnBuilder {
  push(v: unknown, i: number): void;
  get(i: number): unknown;
  copyFrom(src: ColumnBuilder, count: number, indices: readonly number[] | null, at: number): void;
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
  isValid(i: number): boolean {
    return i >> 3 < this.bits.length && (this.bits[i >> 3] & (1 << (i & 7))) !== 0;
  }
  bitmap(n: number): Uint8Array | null {
    if (!this.nulls) return null;
    // Rows from the last valid one on may all be null: the bitmap still covers every row.
    if (this.bits.length < (n + 7) >> 3) this.bits = grown(this.bits, (n + 7) >> 3);
    return this.bits.subarray(0, (n + 7) >> 3);
  }
}

/** A copy of `a`, zero-filled, twice as long at least and holding `needed` elements. */
function grown<A extends Uint8Array | Int32Array | Float64Array>(a: A, needed: number): A {
  const b = new (a.constructor as new (n: number) => A)(Math.max(needed, a.length * 2, 64));
  b.set(a as never);
  return b;
}

/**
 * A float64, int32 or timestamp column written straight into its typed array and validity bitmap (Arrow's
 * generic builder costs more than the Parquet encoding of a small partition). Times are kept as
 * milliseconds in a Float64Array and become Arrow's int64 when the table is made.
 */
class NumberColumn implements ColumnBuilder {
  private values: Float64Array | Int32Array;
  private readonly validity: Validity;

  constructor(
    private readonly kind: Exclude<ColumnKind, 'text'>,
    capacity: number
  ) {
    this.values = kind === 'int32' ? new Int32Array(capacity) : new Float64Array(capacity);
    this.validity = new Validity(capacity);
  }

  push(v: unknown, i: number): void {
    if (v === null || v === undefined) {
      this.validity.nulls++;
      return;
    }
    if (i >= this.values.length) this.values = grown(this.values, i + 1);
    this.values[i] = v as number;
    this.validity.valid(i);
  }

  get(i: number): number | null {
    return this.validity.isValid(i) ? this.values[i] : null;
  }

  copyFrom(src: ColumnBuilder, count: number, indices: readonly number[] | null, at: number): void {
    const from = src as NumberColumn;
    const n = indices ? indices.length : count;
    if (at + n > this.values.length) this.values = grown(this.values, at + n);
    const values = this.values;
    const source = from.values;
    const validity = from.validity;
    for (let k = 0; k < n; k++) {
      const i = indices ? indices[k] : k;
      if (validity.isValid(i)) {
        values[at + k] = source[i];
        this.validity.valid(at + k);
      } else this.validity.nulls++;
    }
  }

  data(type: DataType, n: number): Data {
    if (n > this.values.length) this.values = grown(this.values, n);
    const values =
      this.kind === 'timestamp'
        ? int64Of(this.values as Float64Array, n)
        : this.values.subarray(0, n);
    return makeData({
      type: type as Float64,
      length: n,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(n),
      data: values as Float64Array
    });
  }
}

const TWO_32 = 2 ** 32;

/**
 * Whole milliseconds as Arrow's int64, written as two 32-bit words (a BigInt per value cost more than the
 * rest of the table). A time that is no whole number is refused, as BigInt would.
 */
function int64Of(ms: Float64Array, n: number): BigInt64Array {
  const out = new BigInt64Array(n);
  const words = new Int32Array(out.buffer);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (let i = 0; i < n; i++) {
    const x = ms[i];
    if (x !== Math.floor(x) || Math.abs(x) > Number.MAX_SAFE_INTEGER)
      throw new RangeError(`time ${x}: not a whole number of milliseconds`);
    const high = Math.floor(x / TWO_32);
    const low = x - high * TWO_32;
    words[2 * i + (little ? 0 : 1)] = low | 0;
    words[2 * i + (little ? 1 : 0)] = high;
  }
  return out;
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

  private keyOf(v: string): number {
    if (v === this.last) return this.lastKey;
    let k = this.index.get(v);
    if (k === undefined) {
      k = this.words.length;
      this.index.set(v, k);
      this.words.push(v);
    }
    this.last = v;
    this.lastKey = k;
    return k;
  }

  push(v: unknown, i: number): void {
    if (v === null || v === undefined) {
      this.validity.nulls++;
      return;
    }
    if (i >= this.keys.length) this.keys = grown(this.keys, i + 1);
    this.keys[i] = this.keyOf(v as string);
    this.validity.valid(i);
  }

  get(i: number): string | null {
    return this.validity.isValid(i) ? this.words[this.keys[i]] : null;
  }

  /** The words rows below n use. */
  distinct(n: number): Set<string> {
    const used = new Uint8Array(this.words.length);
    for (let i = 0; i < n; i++) if (this.validity.isValid(i)) used[this.keys[i]] = 1;
    return new Set(this.words.filter((_, k) => used[k]));
  }

  copyFrom(src: ColumnBuilder, count: number, indices: readonly number[] | null, at: number): void {
    const from = src as TextColumn;
    const n = indices ? indices.length : count;
    if (at + n > this.keys.length) this.keys = grown(this.keys, at + n);
    // The source's words as this column's keys, each looked up once.
    const remap = new Int32Array(from.words.length).fill(-1);
    const keys = this.keys;
    const source = from.keys;
    const validity = from.validity;
    for (let k = 0; k < n; k++) {
      const i = indices ? indices[k] : k;
      if (!validity.isValid(i)) {
        this.validity.nulls++;
        continue;
      }
      const w = source[i];
      let key = remap[w];
      if (key < 0) key = remap[w] = this.keyOf(from.words[w]);
      keys[at + k] = key;
      this.validity.valid(at + k);
    }
  }

  data(type: DataType, n: number): Data {
    if (n > this.keys.length) this.keys = grown(this.keys, n);
    return makeData({
      type: type as Dictionary<Utf8, Int32>,
      length: n,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(n),
      data: this.keys.subarray(0, n),
      dictionary: utf8Vector(this.words)
    });
  }
}

const encoder = new TextEncoder();

/** Strings as an Arrow Utf8 vector, encoded once into one buffer (Arrow's builder costs far more). */
function utf8Vector(words: readonly string[]): Vector<Utf8> {
  const offsets = new Int32Array(words.length + 1);
  let bytes = new Uint8Array(Math.max(64, words.length * 16));
  let end = 0;
  for (let k = 0; k < words.length; k++) {
    const w = words[k];
    // At most 3 bytes per UTF-16 unit.
    if (end + w.length * 3 > bytes.length) bytes = grown(bytes, end + w.length * 3);
    end += encoder.encodeInto(w, bytes.subarray(end)).written;
    offsets[k + 1] = end;
  }
  return makeVector(
    makeData({
      type: new Utf8(),
      length: words.length,
      valueOffsets: offsets,
      data: bytes.subarray(0, end)
    })
  );
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
