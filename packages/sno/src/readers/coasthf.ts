/**
 * COAST-HF high-frequency buoy CSV (Coriolis-style columns):
 * "PLATFORM,DATE (yyyy-mm-ddThh:mi:ssZ),LATITUDE (degree_north),LONGITUDE (degree_east),
 *  DEPH (meter),DEPH QC,TEMP (degree_Celsius),TEMP QC,PSAL (psu),PSAL QC,…"
 * Each parameter is followed by its QC column on the OceanSITES/SeaDataNet 0–9 scheme.
 */
import { IngestError, shown } from '../errors';
import {
  ReadContext,
  type ReadOptions,
  RecordShape,
  SHAPE_SAMPLE,
  type RecordReader,
  type SourceInfo
} from '../report';
import {
  guessSeparator,
  parseIsoInstant,
  lastRecordLine,
  parseRecords,
  repeatsHeader,
  REPEATED_HEADER,
  type CsvRecord,
  type DecodedText
} from '../text';
import { COASTHF_TO_L20, canonicalUnit, unitFor, lookupParameter } from '../vocabulary';

const COASTHF_SOURCE: SourceInfo = {
  sno: 'COAST-HF',
  dataset: 'COAST-HF',
  title: 'COAST-HF high-frequency coastal buoys',
  doi: null,
  licence: null,
  citation: 'COAST-HF national observation service (ILICO)'
};

/**
 * A COAST-HF column name as compared: trimmed, spaces single, upper case. Coriolis names differ by more
 * than case and a QC column is told by its name ("X QC" after "X (unit)"), so a header re-saved in lower
 * or mixed case ("temp (degree_celsius),temp qc") names the same columns; the unit in parentheses is
 * made canonical without regard to case.
 */
const coastHfKey = (h: string): string =>
  h.normalize('NFC').trim().replace(/\s*\(/g, ' (').replace(/\s+/g, ' ').toUpperCase();

/**
 * A COAST-HF header: "DATE (…)" and "X QC" columns as Coriolis writes them; in another case, only with its
 * PLATFORM column too ("date (utc)" and "x qc" alone could be a user's own table, read through a mapping).
 */
export const isCoastHfHeader = (cells: readonly string[]): boolean => {
  const asWritten = (re: RegExp): boolean => cells.some(c => re.test(c.trim()));
  if (asWritten(/^DATE \(/) && asWritten(/ QC$/)) return true;
  const keys = cells.map(coastHfKey);
  return (
    keys.includes('PLATFORM') &&
    keys.some(k => /^DATE \(/.test(k)) &&
    keys.some(k => / QC$/.test(k))
  );
};

export function readCoastHfCsv(
  file: string,
  decoded: DecodedText,
  options: ReadOptions = {}
): ReadContext {
  const firstLine = decoded.text.slice(0, decoded.text.search(/\r?\n|$/));
  const records = parseRecords(file, decoded.text, guessSeparator(firstLine));
  const reader = coastHfRecords(file, decoded, firstLine, records, options);
  reader.ctx.report.linesRead = lastRecordLine(records);
  return reader.ctx;
}

/**
 * Understand a COAST-HF header (the first record), decode the data records after it, and return the
 * reader of the records that follow (a file read in pieces).
 */
export function coastHfRecords(
  file: string,
  decoded: Pick<DecodedText, 'encoding' | 'gzip' | 'bom'>,
  firstLine: string,
  records: readonly CsvRecord[],
  options: ReadOptions = {}
): RecordReader {
  const headerRecord = records[0] ?? { cells: [], line: 1 };
  const sep = guessSeparator(firstLine);
  // Unless the fields are comma-separated, a comma in a number is its decimal mark (a file saved by a
  // French spreadsheet: "12,5" between semicolons or tabs).
  const decimalComma = sep !== ',';
  const header = headerRecord.cells.map(c => c.trim());
  const keys = header.map(coastHfKey);
  if (!isCoastHfHeader(header)) {
    throw new IngestError({
      file,
      line: 1,
      expected:
        'a COAST-HF header (PLATFORM,DATE (yyyy-mm-ddThh:mi:ssZ),…,TEMP (degree_Celsius),TEMP QC,…)',
      found: shown(firstLine),
      reason: 'bad-header'
    });
  }
  const find = (re: RegExp): number => keys.findIndex(h => re.test(h));
  const cPlatform = find(/^PLATFORM/);
  const cDate = find(/^DATE \(/);
  const cLat = find(/^LATITUDE/);
  const cLon = find(/^LONGITUDE/);
  const cDepth = find(/^(DEPH|DEPTH) \(/);
  const fields = [cPlatform, cDate, cLat, cLon, cDepth];
  const params: { index: number; flag: number; name: string; unit: string | null }[] = [];
  const qcOf = new Map<number, number>(); // QC column → the column it qualifies
  const unknownIndex: number[] = [];
  for (let i = 0; i < header.length; i++) {
    if (fields.includes(i)) continue;
    if (/ QC$/.test(keys[i])) {
      if (!qcOf.has(i)) unknownIndex.push(i); // a QC column after no parameter or depth
      continue;
    }
    if (header[i] === '') {
      unknownIndex.push(i);
      continue;
    }
    const m = /^([A-Z0-9_]+)(?: ?\((.*)\))?$/i.exec(header[i].replace(/\s+/g, ' '));
    const name = m ? m[1] : header[i];
    const flag = keys[i + 1] === `${coastHfKey(name)} QC` ? i + 1 : -1;
    if (flag >= 0) qcOf.set(flag, i);
    params.push({ index: i, flag, name, unit: canonicalUnit(m?.[2] ?? null) });
  }
  const depthName = cDepth >= 0 ? /^(\S+)/.exec(keys[cDepth])![1] : null;
  if (depthName && keys[cDepth + 1] === `${depthName} QC`) {
    const k = unknownIndex.indexOf(cDepth + 1);
    if (k >= 0) unknownIndex.splice(k, 1);
  }
  const ctx = new ReadContext(file, 'coast-hf', COASTHF_SOURCE, decoded, options);
  const valueColumns = new Set([...params.map(p => p.index), ...unknownIndex]);
  ctx.setFieldColumns(header, i => !valueColumns.has(i));
  const unknown = unknownIndex.map(i =>
    ctx.unknownColumn(
      header,
      i,
      'a COAST-HF column: PLATFORM, DATE, position, depth, X (unit) or X QC'
    )
  );
  for (const p of params)
    if (p.flag < 0) ctx.warn(`parameter without QC column (quality 0): ${p.name}`);

  const shape = new RecordShape(
    header,
    `${header.length} fields separated by "${sep}"`,
    records.slice(1, 1 + SHAPE_SAMPLE)
  );
  const rows = (records: readonly CsvRecord[], from = 0): void => {
    for (let r = from; r < records.length; r++) {
      const { cells, line } = records[r];
      if (ctx.blankRecord(cells)) continue;
      if (repeatsHeader(cells, [header])) {
        ctx.warn(REPEATED_HEADER);
        continue;
      }
      ctx.record(cells, line);
      for (const u of unknown) u.cell(cells, line);
      let rowProblem = shape.problem(cells, header[Math.min(cells.length, header.length - 1)]);
      const time = parseIsoInstant(cells[cDate] ?? '');
      if (!rowProblem && time === null) {
        rowProblem = {
          column: header[cDate],
          expected: 'a UTC instant yyyy-mm-ddThh:mi:ssZ',
          found: shown(cells[cDate] ?? ''),
          reason: 'bad-date'
        };
      }
      const platform = (cells[cPlatform] ?? '').trim();
      const lat = ctx.coordinate((cells[cLat] ?? '').trim(), 'latitude', { decimalComma });
      const lon = ctx.coordinate((cells[cLon] ?? '').trim(), 'longitude', { decimalComma });
      const { site, siteId } = ctx.locate({
        line,
        names: [platform],
        fallback: platform || 'unknown-platform',
        fileHasCoordinates: lat !== null && lon !== null
      });
      const depth =
        cDepth >= 0 ? ctx.depth((cells[cDepth] ?? '').trim(), header[cDepth], decimalComma) : null;
      for (const p of params) {
        const raw = (cells[p.index] ?? '').trim();
        if (raw === '') continue;
        const flagRaw = p.flag >= 0 ? (cells[p.flag] ?? '').trim() : '';
        // QC 9 is "missing value": a NaN flagged so is the scheme's own missing-value code.
        if (flagRaw === '9' && /^nan$/i.test(raw)) {
          ctx.missing();
          continue;
        }
        const v = ctx.number(
          raw,
          { line, column: header[p.index], expected: 'a number' },
          { rowProblem, decimalComma }
        );
        if (v === null) continue;
        const quality =
          p.flag >= 0
            ? ctx.quality(COASTHF_TO_L20, flagRaw, {
                line,
                column: header[p.flag],
                expected: 'a QC code 0,1,2,3,4,5,7,8,9'
              })
            : 0;
        if (quality === null) continue;
        const term = lookupParameter(p.name);
        ctx.value({
          sno: 'COAST-HF',
          site_id: siteId,
          site_name: site?.name ?? (platform || null),
          latitude: lat ?? site?.latitude ?? null,
          longitude: lon ?? site?.longitude ?? null,
          time: time!,
          depth,
          parameter: term?.code ?? p.name,
          p01: term?.p01 ?? null,
          p02: term?.p02 ?? null,
          value: v,
          unit: term ? unitFor(term, p.unit) : p.unit,
          quality,
          source_flag: p.flag >= 0 ? flagRaw : null,
          source_file: file,
          source_row: line,
          dataset: 'COAST-HF',
          sample_id: platform || null,
          source_column: header[p.index],
          source_column_index: p.index + 1
        });
      }
    }
  };
  rows(records, 1);
  return { ctx, rows };
}
