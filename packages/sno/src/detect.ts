/** Recognise a file's format from its content (never its name) and read it. */
import { IngestError, shown } from './errors';
import {
  FORMAT_LABELS,
  type FileReport,
  type FormatId,
  type ReadContext,
  type ReadOptions,
  type SourceInfo
} from './report';
import { readCoastHfCsv, isCoastHfHeader } from './readers/coasthf';
import { foldPelagosName, readPelagosWideExport } from './readers/pelagos';
import { isQuadrigeHeader, readQuadrigeExport } from './readers/quadrige';
import { readSomlitExport } from './readers/somlit';
import { describeText, isParquet } from './content';
import { erddapHeader, readErddapCsv, readErddapParquet } from './readers/erddap';
import { readMappedCsv } from './readers/mapped';
import { decodeBytes, firstFilledLine, type DecodedText } from './text';
import type { ObservationColumns } from './schema';

export interface ReadResult {
  report: FileReport;
  source: SourceInfo;
  observations: ObservationColumns;
}

/** Which format a decoded text is, judged from its first lines (and the options: a mapping). */
export function detectFormat(
  file: string,
  decoded: DecodedText,
  options: ReadOptions = {}
): TextFormatId {
  const lines = decoded.text.split(/\r?\n/, 12);
  const first = lines[0] ?? '';
  const anySep = (l: string): string[] =>
    l.split(/[;,\t|]/).map(c => c.trim().replace(/^"|"$/g, ''));
  // Header names in any case, with spaces around them (a re-saved export): the readers fold them alike.
  // Folded, "id_site" alone could be a user's own table: a SOMLIT header also has HEURE and PROF_NUM.
  const somlitHeader = (l: string): boolean => {
    if (/^ID_SITE[;,\t]/.test(l)) return true;
    const keys = anySep(l).map(c => c.toUpperCase());
    return keys[0] === 'ID_SITE' && keys.includes('HEURE') && keys.includes('PROF_NUM');
  };
  if (first.startsWith('//') || lines.some(somlitHeader)) return 'somlit';
  const firstCells = anySep(first);
  if (
    /^station\s*\*$/i.test(firstCells[0] ?? '') ||
    firstCells.some(c => foldPelagosName(c) === 'taxon_pelagos') ||
    anySep(lines[1] ?? '').some(c => foldPelagosName(c) === 'taxon_user')
  ) {
    return 'pelagos-wide';
  }
  // A Quadrige extraction may start with any number of blank lines.
  const firstNonBlank = firstFilledLine(decoded.text);
  if (isQuadrigeHeader(anySep(firstNonBlank))) return 'quadrige';
  if (isCoastHfHeader(anySep(first))) return 'coast-hf';
  // Not a native export: it may be no table at all; else the user's mapping says how to read it,
  // or an ERDDAP response says it itself.
  const notData = describeText(decoded.text);
  if (!notData && options.mapping) return 'mapped-csv';
  if (!notData && erddapHeader(lines)) return 'erddap-csv';
  throw new IngestError({
    file,
    line: 1,
    expected: `a data table, one of: ${Object.values(FORMAT_LABELS).join('; ')}`,
    found: notData ?? shown(first, 120),
    reason: notData ? 'not-data' : 'unknown-format'
  });
}

/** Formats read from text (every one but Parquet). */
type TextFormatId = Exclude<FormatId, 'erddap-parquet'>;

const READERS: Record<TextFormatId, (file: string, d: DecodedText, o: ReadOptions) => ReadContext> =
  {
    'pelagos-wide': readPelagosWideExport,
    quadrige: readQuadrigeExport,
    somlit: readSomlitExport,
    'coast-hf': readCoastHfCsv,
    'erddap-csv': readErddapCsv,
    'mapped-csv': readMappedCsv
  };

/**
 * Read one file (bytes as published, gzip or not) into harmonised observations: a native SNO
 * export, an ERDDAP tabledap response (.csv, .csvp, .parquet), or, with a mapping, any CSV.
 * Throws IngestError (file, line, column, expected, found) when the file cannot be read at all;
 * values that cannot be kept are listed in report.rejected.
 */
export function readSnoFile(
  file: string,
  bytes: Uint8Array,
  options: ReadOptions = {}
): ReadResult {
  let ctx: ReadContext;
  let format: FormatId = 'erddap-parquet';
  try {
    if (isParquet(bytes)) ctx = readErddapParquet(file, bytes, options);
    else {
      const decoded = decodeBytes(file, bytes);
      const textFormat = detectFormat(file, decoded, options);
      format = textFormat;
      ctx = READERS[textFormat](file, decoded, options);
    }
    ctx.finish();
  } catch (e) {
    if (e instanceof IngestError) throw e;
    // Never a crash without context: wrap anything unexpected with the file and format.
    throw new IngestError({
      file,
      line: 0,
      expected: `a readable ${FORMAT_LABELS[format]}`,
      found: `an internal error: ${(e as Error).message}`,
      reason: 'internal-error'
    });
  }
  return { report: ctx.report, source: ctx.source, observations: ctx.out };
}
