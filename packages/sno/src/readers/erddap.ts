/**
 * ERDDAP tabledap responses, as the data browser downloads them:
 * - `.csv`: line 1 the variable names, line 2 their units (`UTC` for time, `degrees_north`…), then one
 *   row per record; ISO 8601 times; `NaN` for a missing number (ERDDAP's documented missing value);
 * - `.csvp`: one header line, `name (units)`;
 * - `.parquet` / `.parquetWMeta`: one column per variable; units from the field metadata when present.
 * Columns are understood by name: time, latitude, longitude, depth (or altitude), a station column, a
 * sample id; `<var>_qc` / `<var>_flag` columns are the flags of `<var>`, kept as written; every other
 * numeric column is a value whose parameter is its name through the vocabulary (CF standard names
 * included) and whose unit is its ERDDAP unit; text columns are descriptive and listed in a note.
 */
import { parseDataFileName } from '@odatis-vre/harmonised';
import { DataType, type Table } from 'apache-arrow';
import { IngestError } from '../errors';
import { ReadContext, type ReadOptions, type SourceInfo } from '../report';
import { parseRecords, type CsvRecord, type DecodedText } from '../text';
import { canonicalUnit, lookupParameter, unitFor } from '../vocabulary';
import { readParquet } from '../writers';
import { readColumnTable, type TableLayout, type TableValue } from './table';

const TIME = ['time'];
const LATITUDE = ['latitude', 'lat'];
const LONGITUDE = ['longitude', 'lon'];
const DEPTH = ['depth'];
const ALTITUDE = ['altitude'];
const STATION = [
  'station',
  'station_id',
  'station_name',
  'station_code',
  'site',
  'site_id',
  'site_name',
  'platform_code',
  'platform',
  'platform_name',
  'wmo_platform_code'
];
const SAMPLE = ['sample_id', 'sample', 'profile_id', 'cast_id'];
const FLAG = /^(.+?)(?:_qc|_flag|_quality|_qc_flag|_qartod_[a-z_]*)$/i;

/** Names and units of an ERDDAP .csv (units on line 2) or .csvp (`name (units)`); null otherwise. */
export function erddapHeader(
  lines: string[]
): { names: string[]; units: string[]; unitsRow: boolean } | null {
  const split = (l: string): string[] => l.split(',').map(c => c.trim().replace(/^"|"$/g, ''));
  const names = split(lines[0] ?? '');
  if (names.length < 2) return null;
  const units = split(lines[1] ?? '');
  const unitOf = (candidates: string[]): string | undefined => {
    const i = names.findIndex(n => candidates.includes(n.toLowerCase()));
    return i >= 0 ? units[i] : undefined;
  };
  if (
    units.length === names.length &&
    (unitOf(TIME) === 'UTC' ||
      unitOf(LATITUDE) === 'degrees_north' ||
      unitOf(LONGITUDE) === 'degrees_east')
  )
    return { names, units, unitsRow: true };
  const p = names.map(n => /^(.*?) \((.*)\)$/.exec(n));
  const csvp = p.map((m, i) => (m ? m[1] : names[i]));
  if (
    p.some(
      (m, i) =>
        m && ((TIME.includes(csvp[i].toLowerCase()) && m[2] === 'UTC') || m[2] === 'degrees_north')
    )
  )
    return { names: csvp, units: p.map(m => m?.[2] ?? ''), unitsRow: false };
  return null;
}

function erddapSource(file: string, options: ReadOptions): SourceInfo {
  const stem = parseDataFileName(file).stem;
  return {
    sno: 'ERDDAP',
    dataset: `ERDDAP-${stem}`,
    title: `ERDDAP tabledap response ${stem}`,
    doi: null,
    licence: null,
    citation: null,
    ...options.source
  };
}

export function readErddapCsv(
  file: string,
  decoded: DecodedText,
  options: ReadOptions = {}
): ReadContext {
  const records = parseRecords(file, decoded.text, ',');
  const head = erddapHeader(records.slice(0, 2).map(r => r.cells.join(',')));
  if (!head) {
    throw new IngestError({
      file,
      line: 1,
      expected:
        'an ERDDAP tabledap .csv header (names, then a units line with UTC / degrees_north)',
      found: records[0]?.cells.join(',').slice(0, 120) ?? 'nothing',
      reason: 'bad-header'
    });
  }
  const data = records.slice(head.unitsRow ? 2 : 1);
  const ctx = new ReadContext(file, 'erddap-csv', erddapSource(file, options), decoded, options);
  ctx.report.linesRead = records.length ? records[records.length - 1].line : 0;
  const text = (i: number): boolean => {
    let numbers = 0;
    let words = 0;
    for (const r of data) {
      const c = (r.cells[i] ?? '').trim();
      if (c === '' || c === 'NaN') continue;
      if (Number.isFinite(Number(c))) numbers++;
      else words++;
      if (numbers) return false;
    }
    return words > 0;
  };
  const layout = erddapLayout(ctx, head.names, head.units, text);
  readColumnTable(
    ctx,
    { header: head.names, records: data },
    layout,
    records.slice(0, head.unitsRow ? 2 : 1).map(r => r.cells)
  );
  return ctx;
}

/** An ERDDAP .parquet response (or any Parquet table laid out the same way). */
export function readErddapParquet(
  file: string,
  bytes: Uint8Array,
  options: ReadOptions = {}
): ReadContext {
  let table: Table;
  try {
    table = readParquet(bytes);
  } catch (e) {
    throw new IngestError({
      file,
      line: 0,
      expected: 'a readable Parquet file',
      found: `a damaged or unsupported Parquet file (${(e as Error).message})`,
      reason: 'bad-parquet'
    });
  }
  const names = table.schema.fields.map(f => f.name);
  if (
    names.includes('source_file') &&
    names.includes('source_row') &&
    names.includes('parameter')
  ) {
    throw new IngestError({
      file,
      line: 0,
      expected: 'a table to harmonise (an ERDDAP tabledap response)',
      found:
        'a Parquet file of the harmonised dataset itself (it has source_file, source_row, parameter)',
      reason: 'already-harmonised'
    });
  }
  const ctx = new ReadContext(
    file,
    'erddap-parquet',
    erddapSource(file, options),
    { encoding: 'utf-8', gzip: false, bom: false },
    options
  );
  ctx.report.linesRead = table.numRows;
  const units = table.schema.fields.map(f => f.metadata.get('units') ?? '');
  const missingUnits = table.schema.fields
    .filter((f, i) => !units[i] && !isTextType(f.type) && !TIME.includes(f.name.toLowerCase()))
    .map(f => f.name);
  if (missingUnits.length)
    ctx.warn(
      `no units in the Parquet file for: ${missingUnits.join(', ')} (ERDDAP's .csv gives them on line 2)`
    );
  const layout = erddapLayout(ctx, names, units, i => isTextType(table.schema.fields[i].type));
  readColumnTable(
    ctx,
    { header: names, records: parquetRecords(table, layout.time, units[layout.time]) },
    layout
  );
  return ctx;
}

const isTextType = (type: DataType): boolean =>
  DataType.isUtf8(type) ||
  DataType.isLargeUtf8(type) ||
  (DataType.isDictionary(type) && isTextType(type.dictionary));

/** The rows of an Arrow table as text cells, as a CSV would give them (row numbers as lines). */
function* parquetRecords(table: Table, time: number, timeUnits: string): Generator<CsvRecord> {
  const columns = table.schema.fields.map((f, i) => ({
    vector: table.getChildAt(i)!,
    type: f.type
  }));
  const epochSeconds = /^seconds since 1970-01-01/.test(timeUnits);
  for (let r = 0; r < table.numRows; r++) {
    yield {
      line: r + 1,
      cells: columns.map(({ vector, type }, i) => {
        const v = vector.get(r) as unknown;
        if (v === null || v === undefined) return '';
        if (DataType.isTimestamp(type) || DataType.isDate(type))
          return new Date(Number(v)).toISOString();
        if (i === time && epochSeconds && typeof v === 'number')
          return new Date(v * 1000).toISOString();
        return typeof v === 'number' && Number.isNaN(v) ? 'NaN' : String(v);
      })
    };
  }
}

/** Understand the columns by their names, units and content. */
function erddapLayout(
  ctx: ReadContext,
  names: string[],
  units: string[],
  isText: (column: number) => boolean
): TableLayout {
  const lower = names.map(n => n.toLowerCase());
  const find = (candidates: string[]): number => {
    for (const c of candidates) {
      const i = lower.indexOf(c);
      if (i >= 0) return i;
    }
    return -1;
  };
  const time = find(TIME);
  if (time < 0) {
    throw new IngestError({
      file: ctx.file,
      line: 1,
      expected: 'a "time" column (ask ERDDAP for time with the other variables)',
      found: `columns ${names.join(', ')}`,
      reason: 'bad-header'
    });
  }
  const depth = find(DEPTH);
  const altitude = depth < 0 ? find(ALTITUDE) : -1;
  const fields = new Set([
    time,
    find(LATITUDE),
    find(LONGITUDE),
    depth,
    altitude,
    find(STATION),
    find(SAMPLE)
  ]);
  const flagOf = new Map<number, number>();
  lower.forEach((n, i) => {
    const base = FLAG.exec(n)?.[1];
    const target = base === undefined ? -1 : lower.indexOf(base);
    if (target >= 0 && !fields.has(target)) flagOf.set(target, i);
  });
  const flags = new Set(flagOf.values());
  const values: TableValue[] = [];
  const descriptive: string[] = [];
  names.forEach((name, i) => {
    if (fields.has(i) || flags.has(i)) return;
    // A flag of no variable of the table, or a text column: descriptive, listed.
    if (FLAG.test(name) || isText(i)) {
      descriptive.push(name);
      return;
    }
    const term = lookupParameter(name);
    values.push({
      column: i,
      parameter: term?.code ?? name,
      term,
      unit: term ? unitFor(term, units[i]) : canonicalUnit(units[i]),
      flag: flagOf.get(i) ?? -1
    });
    if (!term) ctx.warn(`parameter not in vocabulary, kept as the column name: ${name}`);
  });
  if (descriptive.length)
    ctx.warn(`text columns, descriptive, not read as values: ${descriptive.join(', ')}`);
  if (flagOf.size)
    ctx.warn(
      'quality flags kept as written in source_flag (quality 0: the response does not name its flag scheme)'
    );
  const station = find(STATION);
  return {
    time,
    timeFormat: 'iso',
    timeOfDay: -1,
    utcOffsetHours: 0,
    station,
    stationName: station < 0 ? (ctx.source.dataset ?? null) : null,
    depth: depth >= 0 ? depth : altitude,
    depthIsAltitude: depth < 0 && altitude >= 0,
    latitude: find(LATITUDE),
    longitude: find(LONGITUDE),
    sample: find(SAMPLE),
    values,
    unknown: [],
    missing: new Set(['NaN']),
    decimalComma: false,
    flagScheme: 'verbatim',
    expectedColumn: ''
  };
}
