/**
 * Any CSV with one column per variable (SEANOE's ad-hoc files, a lab's spreadsheet export), read
 * through a mapping the user gives: which column is the time, the station, the depth, the position,
 * and which columns are values of which parameter and unit. The mapping is kept with the provenance
 * of every file read through it. A column the mapping does not mention is reported and its cells
 * rejected, unless the mapping lists it under `ignore`.
 */
import { parseDataFileName } from '@odatis-vre/harmonised';
import { IngestError, parseJsonFile } from '../errors';
import { ReadContext, type ReadOptions, type RecordReader, type SourceInfo } from '../report';
import {
  guessSeparator,
  lastRecordLine,
  parseRecords,
  type CsvRecord,
  type DecodedText
} from '../text';
import { canonicalUnit, lookupParameter, parameterTerm, unitFor } from '../vocabulary';
import { erddapHeader } from './erddap';
import { columnTable, type TableLayout, type TimeFormat } from './table';

/** How to read a CSV: the JSON of a mapping file, or what the CLI's --map-* flags build. */
export interface CsvMapping {
  /** Observation service or network of the data (the `sno` column). */
  sno: string;
  /** Dataset id (default: the file name without extension). */
  dataset?: string;
  title?: string;
  doi?: string;
  licence?: string;
  citation?: string;
  /** Field separator (default: guessed from the header line). */
  delimiter?: string;
  decimalComma?: boolean;
  /** Column of the sampling time. */
  time: string;
  /** "iso" (2020-03-01T10:30:00Z, or a date), "yyyy-mm-dd" or "dd/mm/yyyy"; default "iso". */
  timeFormat?: TimeFormat;
  /** Column of the time of day (hh:mm[:ss]), when the date column holds only dates. */
  timeOfDay?: string;
  /** Hours the written times are ahead of UTC (e.g. 1 for UTC+1); default 0. */
  utcOffsetHours?: number;
  /** Column naming the station, or… */
  station?: string;
  /** …the station of every record. */
  stationName?: string;
  depth?: string;
  latitude?: string;
  longitude?: string;
  sample?: string;
  /** Value columns: column name → parameter code (vocabulary or your own) and unit. */
  values: Record<string, { parameter: string; unit?: string; flag?: string }>;
  /** "l20": flag columns hold SeaDataNet L20 digits; "verbatim" (default): kept in source_flag only. */
  flagScheme?: 'l20' | 'verbatim';
  /** Cell texts meaning "no value" (e.g. "NA", "-999"): counted as missing, not rejected. */
  missing?: string[];
  /** Columns that hold no values and need not be read (comments, operator…). */
  ignore?: string[];
}

const TIME_FORMATS: readonly TimeFormat[] = ['iso', 'yyyy-mm-dd', 'dd/mm/yyyy'];

/** A mapping checked field by field; errors name the mapping (file or flags) and the field. */
export function checkCsvMapping(where: string, raw: unknown): CsvMapping {
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new IngestError({
      file: where,
      line: 0,
      column: field,
      expected,
      found: JSON.stringify(found) ?? 'nothing',
      reason: 'bad-mapping'
    });
  };
  const m = (raw ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) fail('(mapping)', 'a JSON object', raw);
  const text = (field: string, required = false): void => {
    const v = m[field];
    if (v === undefined && !required) return;
    if (typeof v !== 'string' || v.trim() === '') fail(field, 'a non-empty text', v);
  };
  text('sno', true);
  text('time', true);
  for (const f of [
    'dataset',
    'title',
    'doi',
    'licence',
    'citation',
    'delimiter',
    'timeOfDay',
    'station',
    'stationName',
    'depth',
    'latitude',
    'longitude',
    'sample'
  ])
    text(f);
  if (m.station === undefined && m.stationName === undefined)
    fail(
      'station',
      'a station column ("station") or one station for every record ("stationName")',
      undefined
    );
  if (m.timeFormat !== undefined && !TIME_FORMATS.includes(m.timeFormat as TimeFormat))
    fail('timeFormat', TIME_FORMATS.join(' or '), m.timeFormat);
  if (
    m.utcOffsetHours !== undefined &&
    (typeof m.utcOffsetHours !== 'number' || Math.abs(m.utcOffsetHours) > 14)
  )
    fail('utcOffsetHours', 'hours between −14 and 14', m.utcOffsetHours);
  if (m.flagScheme !== undefined && m.flagScheme !== 'l20' && m.flagScheme !== 'verbatim')
    fail('flagScheme', '"l20" or "verbatim"', m.flagScheme);
  for (const list of ['missing', 'ignore'])
    if (
      m[list] !== undefined &&
      (!Array.isArray(m[list]) || (m[list] as unknown[]).some(x => typeof x !== 'string'))
    )
      fail(list, 'a list of texts', m[list]);
  const values = m.values as Record<
    string,
    { parameter?: unknown; unit?: unknown; flag?: unknown }
  >;
  if (!values || typeof values !== 'object' || Object.keys(values).length === 0)
    fail(
      'values',
      'at least one value column: { "<column>": { "parameter": "TEMP", "unit": "degC" } }',
      values
    );
  for (const [column, v] of Object.entries(values)) {
    if (typeof v?.parameter !== 'string' || v.parameter.trim() === '')
      fail(
        `values.${column}.parameter`,
        'a parameter code (TEMP, PSAL, CHLA… or your own)',
        v?.parameter
      );
    for (const f of ['unit', 'flag'] as const)
      if (v[f] !== undefined && (typeof v[f] !== 'string' || (v[f] as string).trim() === ''))
        fail(`values.${column}.${f}`, 'a non-empty text', v[f]);
  }
  return m as unknown as CsvMapping;
}

/** A mapping file (JSON), checked. */
export function parseCsvMapping(file: string, text: string): CsvMapping {
  return checkCsvMapping(file, parseJsonFile(file, text, 'a JSON mapping', 'bad-mapping'));
}

export function readMappedCsv(
  file: string,
  decoded: DecodedText,
  options: ReadOptions
): ReadContext {
  const firstLine = decoded.text.slice(0, Math.max(0, decoded.text.search(/\r?\n|$/)));
  const records = parseRecords(file, decoded.text, mappedSeparator(firstLine, options));
  const reader = mappedRecords(file, decoded, records, options);
  reader.ctx.report.linesRead = lastRecordLine(records);
  return reader.ctx;
}

/** The separator of a CSV read through a mapping: the mapping's, else the header line's. */
export function mappedSeparator(firstLine: string, options: ReadOptions): string {
  return options.mapping?.delimiter ?? guessSeparator(firstLine);
}

/**
 * Understand a mapped CSV's header (and an ERDDAP units line under it), decode the data records after
 * it, and return the reader of the records that follow (a file read in pieces).
 */
export function mappedRecords(
  file: string,
  decoded: Pick<DecodedText, 'encoding' | 'gzip' | 'bom'>,
  records: readonly CsvRecord[],
  options: ReadOptions
): RecordReader {
  const mapping = options.mapping;
  if (!mapping) throw new Error('readMappedCsv: no mapping given');
  // An ERDDAP table read through a mapping: its units line is no data, and gives default units.
  const erddap = erddapHeader(records.slice(0, 2).map(r => r.cells.join(',')));
  const header = records[0]?.cells.map(c => c.trim()) ?? [];
  const units = erddap?.unitsRow ? erddap.units : [];
  const stem = parseDataFileName(file).stem;
  const source: SourceInfo = {
    sno: mapping.sno,
    dataset: mapping.dataset ?? stem,
    title: mapping.title ?? `${stem} (read with a column mapping)`,
    doi: mapping.doi ?? null,
    licence: mapping.licence ?? null,
    citation: mapping.citation ?? null,
    mapping
  };
  const ctx = new ReadContext(file, 'mapped-csv', source, decoded, options);
  const layout = mappedLayout(file, header, units, mapping);
  const table = columnTable(ctx, header, layout);
  table.rows(records.slice(erddap?.unitsRow ? 2 : 1));
  return table;
}

function mappedLayout(file: string, header: string[], units: string[], m: CsvMapping): TableLayout {
  const folded = header.map(h => h.toLowerCase());
  const column = (name: string | undefined, field: string): number => {
    if (name === undefined) return -1;
    let i = header.indexOf(name);
    if (i < 0) i = folded.indexOf(name.trim().toLowerCase());
    if (i < 0) {
      throw new IngestError({
        file,
        line: 1,
        column: name,
        expected: `the column "${name}" of the mapping (${field})`,
        found: `no such column; the header has ${header.map(h => `"${h}"`).join(', ')}`,
        reason: 'bad-mapping'
      });
    }
    return i;
  };
  const values = Object.entries(m.values).map(([name, v]) => {
    const i = column(name, `values.${name}`);
    const term = lookupParameter(v.parameter) ?? parameterTerm(v.parameter);
    return {
      column: i,
      parameter: term?.code ?? v.parameter,
      term,
      unit: term ? unitFor(term, v.unit ?? units[i]) : canonicalUnit(v.unit ?? units[i]),
      flag: column(v.flag, `values.${name}.flag`)
    };
  });
  const layout: TableLayout = {
    time: column(m.time, 'time'),
    timeFormat: m.timeFormat ?? 'iso',
    timeOfDay: column(m.timeOfDay, 'timeOfDay'),
    utcOffsetHours: m.utcOffsetHours ?? 0,
    station: column(m.station, 'station'),
    stationName: m.stationName ?? null,
    depth: column(m.depth, 'depth'),
    depthIsAltitude: false,
    latitude: column(m.latitude, 'latitude'),
    longitude: column(m.longitude, 'longitude'),
    sample: column(m.sample, 'sample'),
    values,
    unknown: [],
    missing: new Set(m.missing ?? []),
    decimalComma: m.decimalComma ?? false,
    flagScheme: m.flagScheme ?? 'verbatim',
    expectedColumn:
      'a column of the mapping (values, time, station…) or one it lists under "ignore"'
  };
  const known = new Set([
    layout.time,
    layout.timeOfDay,
    layout.station,
    layout.depth,
    layout.latitude,
    layout.longitude,
    layout.sample,
    ...values.flatMap(v => [v.column, v.flag]),
    ...(m.ignore ?? []).map(name => column(name, 'ignore'))
  ]);
  layout.unknown = header.map((_, i) => i).filter(i => !known.has(i));
  return layout;
}
