/**
 * The columns of the harmonised long format: one row per observed value. Defined once here; the Arrow
 * schema (`@odatis-vre/sno`), the query layer, the SQL workspace and the niche pivot take their names from it.
 * Column names are a contract: add columns, never rename these.
 */

/** Version of the harmonised schema, written into file metadata and the catalogue. */
export const SCHEMA_VERSION = '1.0.0';

/** Documentation of each column, in schema order (README table, Arrow field metadata, completion). */
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
  method: 'Analytical method as written in the source, when given.',
  time_flag:
    'Null when the time of day is as the source wrote it; "date-only" when the source gives no time (time is midnight UTC of the sampling day); "hour-uncertain-12h" when the file\'s hours look like a 12-hour clock that lost its AM/PM (the hour may be 12 h early). Never pair samples by the hour of a flagged time.'
} as const;

export type ColumnName = keyof typeof COLUMN_DOCS;

/** All columns in schema order. */
export const COLUMNS = Object.keys(COLUMN_DOCS) as ColumnName[];

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

/**
 * What a column holds, independent of any engine: `text` is a string (dictionary-encoded in the Arrow and
 * Parquet files), `timestamp` milliseconds since the Unix epoch, UTC.
 */
export type ColumnKind = 'text' | 'float64' | 'int32' | 'timestamp';

export const COLUMN_KINDS: Readonly<Record<ColumnName, ColumnKind>> = {
  sno: 'text',
  site_id: 'text',
  site_name: 'text',
  latitude: 'float64',
  longitude: 'float64',
  time: 'timestamp',
  depth: 'float64',
  parameter: 'text',
  p01: 'text',
  p02: 'text',
  taxon: 'text',
  aphia_id: 'int32',
  value: 'float64',
  unit: 'text',
  quality: 'int32',
  source_flag: 'text',
  source_file: 'text',
  source_row: 'int32',
  dataset: 'text',
  sample_id: 'text',
  source_column: 'text',
  source_column_index: 'int32',
  taxon_user: 'text',
  taxon_qualifier: 'text',
  method: 'text',
  time_flag: 'text'
};

/** Columns that always hold a value; every other column may be null. */
export const REQUIRED_COLUMNS: ReadonlySet<ColumnName> = new Set<ColumnName>([
  'sno',
  'site_id',
  'time',
  'parameter',
  'value',
  'quality',
  'source_file',
  'source_row'
]);

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
  time_flag: TimeFlag | null;
}

/** Values of `time_flag`: why the hour of a time cannot be trusted (see COLUMN_DOCS.time_flag). */
export const TIME_FLAGS = {
  /** The source gives no time of day: `time` is midnight UTC of the sampling day. */
  dateOnly: 'date-only',
  /** The file's hours look like a 12-hour clock without AM/PM: the hour may be 12 h early. */
  hourUncertain12h: 'hour-uncertain-12h'
} as const;

export type TimeFlag = (typeof TIME_FLAGS)[keyof typeof TIME_FLAGS];
