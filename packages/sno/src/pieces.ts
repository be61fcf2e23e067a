/**
 * A file read in pieces (node only), for inputs too large to hold: a first pass learns what the whole
 * file is (digest, gzip, encoding, over-long lines, format from its head), a second decodes it piece by
 * piece at line ends and hands the values of each piece over as they are read. Delimited exports whose
 * header is understood from its first records and whose data records are then read one after the other
 * are read so: COAST-HF, Quadrige (REPHY…) and CSVs read through a mapping. The others are read whole:
 * SOMLIT and PHYTOBS Pelagos (a sample spans several records, headers span several lines) and ERDDAP
 * .csv (whether a column is text or numbers is judged over every record).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createGunzip } from 'node:zlib';
import { detectFormat } from './detect';
import { IngestError } from './errors';
import {
  SHAPE_SAMPLE,
  type FormatId,
  type ReadContext,
  type ReadOptions,
  type RecordReader
} from './report';
import { coastHfRecords } from './readers/coasthf';
import { mappedRecords, mappedSeparator } from './readers/mapped';
import { quadrigeRecords } from './readers/quadrige';
import type { ObservationColumns } from './schema';
import {
  LineGuard,
  composeAccents,
  decodeBytes,
  fromWindows1252,
  guessSeparator,
  hasLoneCr,
  isGzip,
  lastRecordLine,
  parseRecords,
  semicolonOrTab,
  firstFilledLine,
  type CsvRecord,
  type DecodedText,
  type TextEncoding
} from './text';

/** How a format is read in pieces: its records' separator, and its reader started on the first piece. */
interface PieceFormat {
  separator(firstLine: string, options: ReadOptions): string;
  start(
    file: string,
    decoded: Pick<DecodedText, 'encoding' | 'gzip' | 'bom'>,
    firstLine: string,
    records: readonly CsvRecord[],
    options: ReadOptions
  ): RecordReader;
}

const PIECE_FORMATS: Partial<Record<FormatId, PieceFormat>> = {
  'coast-hf': { separator: guessSeparator, start: coastHfRecords },
  quadrige: {
    separator: semicolonOrTab,
    start: (file, decoded, _firstLine, records, options) =>
      quadrigeRecords(file, decoded, records, options)
  },
  'mapped-csv': {
    separator: mappedSeparator,
    start: (file, decoded, _firstLine, records, options) =>
      mappedRecords(file, decoded, records, options)
  }
};

/** What the first pass learns of a file. */
export interface ScannedSource {
  bytes: number;
  sha256: string;
  gzip: boolean;
  /** Decoded as UTF-8 when every byte sequence of the file is valid UTF-8, else as ISO-8859-1. */
  encoding: TextEncoding;
  bom: boolean;
  /** The format its head says, when that format is read in pieces; null: the caller reads it whole. */
  pieces: FormatId | null;
}

const CHUNK = 1 << 20;
const HEAD = 1 << 16;

/** The file's text bytes, chunk by chunk (gzip undone). */
async function* textChunks(file: string, gzip: boolean, raw?: (b: Buffer) => void) {
  const source = fs.createReadStream(file, { highWaterMark: CHUNK });
  if (raw) source.on('data', chunk => raw(chunk as Buffer));
  const stream = gzip ? source.pipe(createGunzip({ chunkSize: CHUNK })) : source;
  if (gzip) source.on('error', e => stream.destroy(e));
  for await (const chunk of stream) yield chunk as Buffer;
}

/** First pass: digest, gzip, encoding, line lengths (a located error past the limit), format. */
export async function scanSource(
  file: string,
  name: string,
  options: ReadOptions = {}
): Promise<ScannedSource> {
  const first = Buffer.alloc(2);
  const fd = await fs.promises.open(file, 'r');
  try {
    await fd.read(first, 0, 2, 0);
  } finally {
    await fd.close();
  }
  const gzip = isGzip(first);
  const hash = createHash('sha256');
  let bytes = 0;
  const guard = new LineGuard(name);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let valid = true;
  const head: Buffer[] = [];
  let headLength = 0;
  try {
    for await (const chunk of textChunks(file, gzip, b => {
      hash.update(b);
      bytes += b.length;
    })) {
      guard.feed(chunk);
      if (headLength < HEAD) {
        head.push(chunk);
        headLength += chunk.length;
      }
      if (valid) {
        try {
          utf8.decode(chunk, { stream: true });
        } catch {
          valid = false;
        }
      }
    }
    if (valid) utf8.decode();
  } catch (e) {
    if (e instanceof IngestError) throw e;
    if (!valid) throw e;
    throw new IngestError({
      file: name,
      line: 0,
      expected: gzip ? 'a complete gzip stream' : 'a readable file',
      found: (e as Error).message,
      reason: gzip ? 'bad-gzip' : 'unreadable'
    });
  }
  // The head, cut at its last line end, says what the file is (and refuses binary or empty files).
  const headBytes = Buffer.concat(head).subarray(0, HEAD);
  const cut = headBytes.length < HEAD ? headBytes.length : headBytes.lastIndexOf(10) + 1;
  const decoded = decodeBytes(name, headBytes.subarray(0, cut || headBytes.length));
  const format = detectFormat(name, decoded, options);
  const encoding: TextEncoding = valid ? 'utf-8' : 'iso-8859-1';
  // Pieces are cut at LF: a file whose lines end with CR alone is read whole (decodeBytes makes them LF).
  const pieces =
    format in PIECE_FORMATS &&
    (decoded.encoding === 'utf-8' || decoded.encoding === 'iso-8859-1') &&
    !hasLoneCr(headBytes)
      ? format
      : null;
  return { bytes, sha256: hash.digest('hex'), gzip, encoding, bom: decoded.bom, pieces };
}

/**
 * Second pass: read a scanned file piece by piece (about `pieceChars` characters each, cut after a line end
 * with every quote closed; the first at least HEAD characters and FIRST_PIECE_LINES lines after the header, so
 * that it holds the records a reader learns from), handing each piece's values to `take` in file order. Returns the reader's context (report,
 * source) once the file is read.
 */
export async function readInPieces(
  file: string,
  name: string,
  scanned: ScannedSource,
  take: (values: ObservationColumns) => void,
  options: ReadOptions = {},
  pieceChars = 4 << 20,
  /** Bytes of the file read so far (as on disk), after each piece. */
  onBytes?: (bytes: number) => void,
  /** Stops the reading between chunks (rejects with the signal's reason). */
  signal?: AbortSignal
): Promise<ReadContext> {
  const format = scanned.pieces && PIECE_FORMATS[scanned.pieces];
  if (!format) throw new Error(`${name}: not a format read in pieces`);
  let bytesRead = 0;
  const decoder = new TextDecoder(scanned.encoding === 'utf-8' ? 'utf-8' : 'latin1');
  // As decodeBytes reads it: a file that is not UTF-8 is Windows-1252.
  const decode = (chunk?: Uint8Array): string => {
    const text = chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    return scanned.encoding === 'utf-8' ? text : fromWindows1252(text);
  };
  let reader: RecordReader | null = null;
  let separator = ',';
  let nextLine = 1;
  let lastLine = 0;
  let pending = '';
  const read = (piece: string): void => {
    signal?.throwIfAborted();
    // The BOM is no character of the header (decodeBytes drops it too), whichever way the file is
    // decoded (its three bytes read as Latin-1 in a file that is not all UTF-8); accents as decodeBytes
    // gives them.
    const text = composeAccents(
      reader || !scanned.bom ? piece : piece.replace(/^(\uFEFF|\u00EF\u00BB\u00BF)/, '')
    );
    if (reader) {
      const records = parseRecords(name, text, separator, nextLine);
      reader.rows(records);
      lastLine = lastRecordLine(records) || lastLine;
    } else {
      // The header: the first line, or the first holding something after blank lines (a Quadrige export).
      const firstLine = firstFilledLine(text);
      separator = format.separator(firstLine, options);
      const records = parseRecords(name, text, separator);
      reader = format.start(name, scanned, firstLine, records, options);
      lastLine = lastRecordLine(records) || lastLine;
    }
    for (let at = piece.indexOf('\n'); at >= 0; at = piece.indexOf('\n', at + 1)) nextLine++;
    take(reader.ctx.drain());
    onBytes?.(bytesRead);
  };
  // The first piece holds the header and the first records (what some formats learn from).
  const size = (): number => (reader ? pieceChars : Math.max(pieceChars, HEAD));
  const end = (): number =>
    reader ? pieceEnd(pending, pieceChars) : firstPieceEnd(pending, size());
  for await (const chunk of textChunks(file, scanned.gzip, b => (bytesRead += b.length))) {
    signal?.throwIfAborted();
    pending += decode(chunk);
    for (let cut; pending.length >= size() && (cut = end()) > 0;) {
      read(pending.slice(0, cut));
      pending = pending.slice(cut);
    }
  }
  pending += decode();
  if (pending || !reader) read(pending);
  const ctx = (reader as RecordReader | null)!.ctx;
  ctx.report.linesRead = lastLine;
  ctx.finish();
  return ctx;
}

/**
 * Line ends the first piece holds after its first filled line (the header): the SHAPE_SAMPLE records a
 * reader learns its lines' shape from (RecordShape), with room for quoted line ends and blank lines, so that
 * a file read in pieces learns what it would learn read whole — up to FIRST_PIECE_MAX characters.
 */
const FIRST_PIECE_LINES = 2 * SHAPE_SAMPLE;
const FIRST_PIECE_MAX = 64 << 20;

/** Where the first piece may end: as any piece, once it holds FIRST_PIECE_LINES (or FIRST_PIECE_MAX); else 0. */
function firstPieceEnd(text: string, size: number): number {
  let at = text.search(/[^\s;,]/);
  if (at < 0) return text.length >= FIRST_PIECE_MAX ? pieceEnd(text, size) : 0;
  let lines = 0;
  for (let nl; lines < FIRST_PIECE_LINES && (nl = text.indexOf('\n', at)) >= 0; lines++)
    at = nl + 1;
  if (lines < FIRST_PIECE_LINES && text.length < FIRST_PIECE_MAX) return 0;
  return pieceEnd(text, Math.max(size, at));
}

/**
 * Where a piece of about `size` characters may end: after the last line end before `size` (else the
 * first after it) with every quote before it closed; 0 when there is none yet.
 */
function pieceEnd(text: string, size: number): number {
  let end = text.lastIndexOf('\n', size - 1) + 1 || text.indexOf('\n', size) + 1;
  while (end > 0) {
    let quotes = 0;
    for (let at = text.indexOf('"'); at >= 0 && at < end; at = text.indexOf('"', at + 1)) quotes++;
    if (quotes % 2 === 0) return end;
    end = text.indexOf('\n', end) + 1;
  }
  return 0;
}
