/**
 * The harmonised long-format observation schema: one row per observed value.
 *
 * Defined once here; readers, writers, the catalogue and downstream packages import it.
 * Column names are a contract with other packages: add columns, never rename these.
 */
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
  vectorFromArray,
  type Data,
  type DataType
} from 'apache-arrow';

/** Version of the harmonised schema, written into file metadata and the catalogue. */
export const SCHEMA_VERSION = '1.0.0';

/** Dictionary-encoded string: most string columns repeat a handful of values. */
const dictString = (): Dictionary<Utf8, Int32> => new Dictionary(new Utf8(), new Int32());

/** Documentation of each column, in schema order (used for the README table and field metadata). */
export const COLUMN_DOCS = {
  sno: 'Observation service or network that produced the value (SOMLIT, PHYTOBS, REPHY, COAST-HF, IGA, SYNTH).',
  site_id:
    'Stable site identifier (shared across services when the site is the same place, e.g. wimereux-point-c).',
  site_name: 'Human-readable site name.',
  latitude: 'Latitude of the site or sample, decimal degrees north (WGS84); null when unknown.',
  longitude: 'Longitude of the site or sample, decimal degrees east (WGS84); null when unknown.',
  time: 'Sampling time, UTC, milliseconds since the Unix epoch (midnight when the source gives no time).',
  depth: 'Sampling depth in metres below the surface; null when the source does not say.',
  parameter:
    'Stable vocabulary code of the measured property (e.g. TEMP, PSAL, CHLA, cell_abundance); see vocabulary.ts.',
  p01: 'SeaDataNet/BODC P01 code when a mapping is known, else null.',
  p02: 'SeaDataNet/BODC P02 code when a mapping is known, else null.',
  taxon:
    'Taxon name (Pelagos/Quadrige referent name) for counts; null for physico-chemical parameters.',
  aphia_id: 'WoRMS AphiaID of the taxon when the source gives it; null otherwise.',
  value: 'The value, float64, exactly as written in the source (decimal comma read as a point).',
  unit: 'Canonical unit symbol (degC, PSU, umol/L, ug/L, mg/L, cells/L, cells/mL, NTU, FNU, m, 1).',
  quality:
    'Quality flag on the SeaDataNet L20 scale, 0-9 (0 no QC, 1 good, 2 probably good, 3 probably bad, 4 bad, 5 changed, 6 below detection, 7 in excess, 8 interpolated, 9 missing).',
  source_flag: 'The quality flag exactly as written in the source (null when the source has none).',
  source_file: 'Name of the native file the value was read from.',
  source_row:
    'Physical line number (1-based) of the value in the source file, after decompression.',
  // Added columns (not part of the frozen contract, but stable):
  dataset:
    'Dataset the source file belongs to (e.g. PHYTOBS-Pelagos, SOMLIT-hydro, IGA-Gravelines-hydro).',
  sample_id: 'Sample identifier as written in the source, when it has one.',
  source_column:
    'Header of the source column the value came from (wide layouts) or the source parameter code (long layouts).',
  source_column_index:
    '1-based position of the source column holding the value (with source_row: the exact cell).',
  taxon_user:
    'Taxon name as written by the producer (Pelagos taxon_user row; the Val_* column name for cytometry).',
  taxon_qualifier:
    'Stage, form, sex or size class distinguishing columns of the same taxon (e.g. "form: <=20µm").',
  method: 'Analytical method as written in the source, when given.'
} as const;

export type ColumnName = keyof typeof COLUMN_DOCS;

/** The frozen column names other packages code against, in order. */
export const CORE_COLUMNS = [
  'sno',
  'site_id',
  'site_name',
  'latitude',
  'longitude',
  'time',
  'depth',
  'parameter',
  'p01',
  'p02',
  'taxon',
  'aphia_id',
  'value',
  'unit',
  'quality',
  'source_flag',
  'source_file',
  'source_row'
] as const satisfies readonly ColumnName[];

const TYPES: Record<ColumnName, () => DataType> = {
  sno: dictString,
  site_id: dictString,
  site_name: dictString,
  latitude: () => new Float64(),
  longitude: () => new Float64(),
  time: () => new Timestamp(TimeUnit.MILLISECOND, 'UTC'),
  depth: () => new Float64(),
  parameter: dictString,
  p01: dictString,
  p02: dictString,
  taxon: dictString,
  aphia_id: () => new Int32(),
  value: () => new Float64(),
  unit: dictString,
  quality: () => new Int32(),
  source_flag: dictString,
  source_file: dictString,
  source_row: () => new Int32(),
  dataset: dictString,
  sample_id: dictString,
  source_column: dictString,
  source_column_index: () => new Int32(),
  taxon_user: dictString,
  taxon_qualifier: dictString,
  method: dictString
};

const NOT_NULL: ReadonlySet<ColumnName> = new Set<ColumnName>([
  'sno',
  'site_id',
  'time',
  'parameter',
  'value',
  'quality',
  'source_file',
  'source_row'
]);

/** All columns in schema order. */
export const COLUMNS = Object.keys(COLUMN_DOCS) as ColumnName[];

/** The harmonised Arrow schema. Every field carries its description in field metadata. */
export const observationSchema = new Schema(
  COLUMNS.map(
    name =>
      new Field(
        name,
        TYPES[name](),
        !NOT_NULL.has(name),
        new Map([['description', COLUMN_DOCS[name]]])
      )
  ),
  new Map([['odatis.schema_version', SCHEMA_VERSION]])
);

/** One harmonised observation as plain values (time in ms since epoch, UTC). */
export interface Observation {
  sno: string;
  site_id: string;
  site_name: string | null;
  latitude: number | null;
  longitude: number | null;
  time: number;
  depth: number | null;
  parameter: string;
  p01: string | null;
  p02: string | null;
  taxon: string | null;
  aphia_id: number | null;
  value: number;
  unit: string | null;
  quality: number;
  source_flag: string | null;
  source_file: string;
  source_row: number;
  dataset: string | null;
  sample_id: string | null;
  source_column: string | null;
  source_column_index: number | null;
  taxon_user: string | null;
  taxon_qualifier: string | null;
  method: string | null;
}

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

  append(other: ObservationColumns): void {
    for (const c of COLUMNS) {
      const src = other.cols[c] as unknown[];
      const dst = this.cols[c] as unknown[];
      for (let i = 0; i < src.length; i++) dst.push(src[i]);
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

  toTable(): Table {
    const n = this.length;
    const children: Data[] = observationSchema.fields.map(f => {
      const values = this.cols[f.name as ColumnName] as unknown[];
      if (f.type instanceof Dictionary) return dictionaryData(f.type, values as (string | null)[]);
      const v =
        f.name === 'value'
          ? makeVector(Float64Array.from(values as number[]))
          : vectorFromArray(values, f.type as DataType);
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
