/**
 * Tables of named columns, one record per sampling event, values in columns: ERDDAP tabledap
 * responses and the CSVs a user maps column by column. A layout says which column is time, station,
 * depth, position and sample, and which columns are values of which parameter and unit; this module
 * decodes the records with the same bookkeeping as the native readers.
 */
import { TIME_FLAGS, type TimeFlag } from '@odatis-vre/harmonised';
import { shown } from '../errors';
import {
  RecordShape,
  SHAPE_SAMPLE,
  type ReadContext,
  type RecordReader,
  type RowProblem
} from '../report';
import {
  parseDate,
  parseIsoInstant,
  parseTimeOfDay,
  repeatsHeader,
  REPEATED_HEADER,
  utcMillis,
  type CsvRecord
} from '../text';
import type { ParameterTerm } from '../vocabulary';

/** A table as a reader met it. */
export interface ColumnTable {
  header: string[];
  /** Data records in order, with their 1-based line (CSV) or row number (Parquet). */
  records: Iterable<CsvRecord>;
}

/** How the time column is written: ISO 8601 instants (or dates), or dates with a time-of-day column. */
export type TimeFormat = 'iso' | 'yyyy-mm-dd' | 'dd/mm/yyyy';

export interface TableValue {
  column: number;
  parameter: string;
  term: ParameterTerm | undefined;
  unit: string | null;
  /** Column of this value's quality flag, or -1. */
  flag: number;
}

/** Which column holds what (indices into the header; -1 for none). */
export interface TableLayout {
  time: number;
  timeFormat: TimeFormat;
  timeOfDay: number;
  /** Hours the written times are ahead of UTC. */
  utcOffsetHours: number;
  station: number;
  /** The station of every record, when no column names it. */
  stationName: string | null;
  depth: number;
  /** The depth column is an altitude (metres up, negative below the surface): depth = −altitude. */
  depthIsAltitude: boolean;
  latitude: number;
  longitude: number;
  sample: number;
  values: TableValue[];
  /** Columns of no known meaning: reported, their non-empty cells rejected. */
  unknown: number[];
  /** Cell texts meaning "no value" (ERDDAP's NaN): counted as missing, neither values nor errors. */
  missing: ReadonlySet<string>;
  decimalComma: boolean;
  /** 'l20': flags are SeaDataNet L20 digits; 'verbatim': kept in source_flag only, quality 0. */
  flagScheme: 'l20' | 'verbatim';
  /** What the unknown columns' cells are rejected against. */
  expectedColumn: string;
}

const L20_DIGITS: Record<string, number> = Object.fromEntries(
  Array.from({ length: 10 }, (_, d) => [String(d), d])
);

/** Decode every record of the table into the context's observations. */
export function readColumnTable(
  ctx: ReadContext,
  table: ColumnTable,
  layout: TableLayout,
  /** The file's header lines as written (names, units…): a record repeating one is skipped. */
  headerLines: readonly (readonly string[])[] = [table.header]
): void {
  columnTable(ctx, table.header, layout, headerLines).rows(table.records);
}

/** The reader of a table's data records, as they come (whole, or piece by piece). */
export function columnTable(
  ctx: ReadContext,
  header: string[],
  layout: TableLayout,
  headerLines: readonly (readonly string[])[] = [header]
): RecordReader & { rows(records: Iterable<CsvRecord>): void } {
  const valueColumns = new Set([...layout.values.map(v => v.column), ...layout.unknown]);
  ctx.setFieldColumns(header, i => !valueColumns.has(i));
  const unknown = layout.unknown.map(i => ctx.unknownColumn(header, i, layout.expectedColumn));
  // Learnt from the first records given (the first piece of a file read in pieces holds them).
  let shape: RecordShape | null = null;
  const rows = (given: Iterable<CsvRecord>): void => {
    const records = Array.isArray(given) ? (given as readonly CsvRecord[]) : [...given];
    shape ??= new RecordShape(
      header,
      `${header.length} fields`,
      records.slice(0, SHAPE_SAMPLE + 1).filter(r => !repeatsHeader(r.cells, headerLines))
    );
    for (const { cells, line } of records) {
      if (ctx.blankRecord(cells)) continue;
      if (repeatsHeader(cells, headerLines)) {
        ctx.warn(REPEATED_HEADER);
        continue;
      }
      ctx.record(cells, line);
      for (const u of unknown) u.cell(cells, line);
      let rowProblem: RowProblem | null = shape.problem(cells);
      const when = timeOf(cells, layout);
      if (!rowProblem && 'problem' in when)
        rowProblem = { ...when.problem, column: header[layout.time] };
      const cell = (i: number): string => (i >= 0 ? (cells[i] ?? '').trim() : '');
      const latitude = ctx.coordinate(cell(layout.latitude), 'latitude', layout);
      const longitude = ctx.coordinate(cell(layout.longitude), 'longitude', layout);
      const name = layout.stationName ?? cell(layout.station);
      const { site, siteId } = ctx.locate({
        line,
        names: [name],
        fallback: name || 'unknown',
        fileHasCoordinates: latitude !== null && longitude !== null
      });
      const depthValue = layout.missing.has(cell(layout.depth))
        ? null
        : ctx.depth(cell(layout.depth), header[layout.depth], layout.decimalComma);
      const base = {
        sno: ctx.source.sno,
        site_id: siteId,
        site_name: site?.name ?? (name || null),
        latitude: latitude ?? site?.latitude ?? null,
        longitude: longitude ?? site?.longitude ?? null,
        time: 'time' in when ? when.time : 0,
        time_flag: 'time' in when ? when.flag : null,
        depth: depthValue === null ? null : layout.depthIsAltitude ? -depthValue : depthValue,
        source_file: ctx.file,
        source_row: line,
        dataset: ctx.source.dataset,
        sample_id: cell(layout.sample) || null
      };
      for (const v of layout.values) {
        const raw = cell(v.column);
        if (raw === '') continue;
        if (layout.missing.has(raw)) {
          ctx.missing();
          continue;
        }
        const where = { line, column: header[v.column], expected: 'a number' };
        const value = ctx.number(raw, where, { rowProblem, decimalComma: layout.decimalComma });
        if (value === null) continue;
        const flag = cell(v.flag);
        const quality =
          layout.flagScheme === 'l20' && flag !== ''
            ? ctx.quality(L20_DIGITS, flag, {
                line,
                column: header[v.flag],
                expected: 'a SeaDataNet L20 flag 0–9'
              })
            : 0;
        if (quality === null) continue;
        ctx.value(
          {
            parameter: v.parameter,
            p01: v.term?.p01 ?? null,
            p02: v.term?.p02 ?? null,
            value,
            unit: v.unit,
            quality,
            source_flag: flag || null,
            source_column: header[v.column],
            source_column_index: v.column + 1
          },
          base
        );
      }
    }
  };
  return { ctx, rows };
}

type When = { time: number; flag: TimeFlag | null } | { problem: Omit<RowProblem, 'column'> };

function timeOf(cells: string[], layout: TableLayout): When {
  const raw = (cells[layout.time] ?? '').trim();
  const offset = layout.utcOffsetHours * 3600_000;
  if (layout.timeFormat === 'iso') {
    const instant = parseIsoInstant(raw);
    if (instant !== null)
      return { time: instant - (/[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? 0 : offset), flag: null };
    const date = parseDate(raw);
    if (date) return { time: utcMillis(date, 0), flag: TIME_FLAGS.dateOnly };
    return {
      problem: {
        expected: 'an ISO 8601 time (2020-03-01T10:30:00Z) or date',
        found: shown(raw),
        reason: 'bad-date'
      }
    };
  }
  const date = parseDate(raw);
  if (!date)
    return {
      problem: {
        expected: `a calendar date ${layout.timeFormat}`,
        found: shown(raw),
        reason: 'bad-date'
      }
    };
  const todRaw = layout.timeOfDay >= 0 ? (cells[layout.timeOfDay] ?? '').trim() : '';
  const tod = parseTimeOfDay(todRaw);
  if (tod === null)
    return {
      problem: { expected: 'a time of day hh:mm[:ss]', found: shown(todRaw), reason: 'bad-time' }
    };
  return tod === 0 && todRaw.replace(/[0:]/g, '') === ''
    ? { time: utcMillis(date, 0), flag: TIME_FLAGS.dateOnly }
    : { time: utcMillis(date, tod) - offset, flag: null };
}
