/** Recognise a native export from its content (never its name) and read it. */
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
import { readPelagosWideExport } from './readers/pelagos';
import { isQuadrigeHeader, readQuadrigeExport } from './readers/quadrige';
import { readSomlitExport } from './readers/somlit';
import { decodeBytes, type DecodedText } from './text';
import type { ObservationColumns } from './schema';

export interface ReadResult {
  report: FileReport;
  source: SourceInfo;
  observations: ObservationColumns;
}

/** Which format a decoded text is, judged from its first lines. */
export function detectFormat(file: string, decoded: DecodedText): FormatId {
  const lines = decoded.text.split(/\r?\n/, 12);
  const first = lines[0] ?? '';
  const anySep = (l: string): string[] =>
    l.split(/[;,\t|]/).map(c => c.trim().replace(/^"|"$/g, ''));
  if (first.startsWith('//') || lines.some(l => /^ID_SITE[;,\t]/.test(l))) return 'somlit';
  const firstCells = anySep(first);
  if (
    firstCells[0] === 'station*' ||
    firstCells.includes('taxon_pelagos') ||
    /(^|;)taxon_user\s*$/.test(lines[1] ?? '')
  ) {
    return 'pelagos-wide';
  }
  const firstNonBlank = lines.find(l => l.replace(/[;,\s]/g, '') !== '') ?? '';
  if (isQuadrigeHeader(anySep(firstNonBlank))) return 'quadrige';
  if (isCoastHfHeader(anySep(first))) return 'coast-hf';
  throw new IngestError({
    file,
    line: 1,
    expected: `one of: ${Object.values(FORMAT_LABELS).join('; ')}`,
    found: shown(first, 120),
    reason: 'unknown-format'
  });
}

const READERS: Record<FormatId, (file: string, d: DecodedText, o: ReadOptions) => ReadContext> = {
  'pelagos-wide': readPelagosWideExport,
  quadrige: readQuadrigeExport,
  somlit: readSomlitExport,
  'coast-hf': readCoastHfCsv
};

/**
 * Read one native export (bytes as published, gzip or not) into harmonised observations.
 * Throws IngestError (file, line, column, expected, found) when the file cannot be read at all;
 * values that cannot be kept are listed in report.rejected.
 */
export function readSnoFile(
  file: string,
  bytes: Uint8Array,
  options: ReadOptions = {}
): ReadResult {
  const decoded = decodeBytes(file, bytes);
  const format = detectFormat(file, decoded);
  let ctx;
  try {
    ctx = READERS[format](file, decoded, options);
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
