/** Bytes → text → records, shared by every reader. Browser-safe (TextDecoder, fflate). */
import Papa from 'papaparse';
import { Gunzip } from 'fflate';
import { describeBinary } from './content';
import { IngestError, shown } from './errors';

/** How a text file is encoded: the encodings met in the sources (Excel saves "Unicode text" as UTF-16). */
export type TextEncoding = 'utf-8' | 'iso-8859-1' | 'utf-16le' | 'utf-16be';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
  gzip: boolean;
  bom: boolean;
}

export const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Longest line a reader accepts: ample for the widest export (a few kB), small enough for memory. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/**
 * Watches line lengths over the bytes of a file, chunk by chunk, and stops at the first line longer
 * than the limit with a located error: a file of one 200 MB line is refused after 4 MB, never parsed.
 */
export class LineGuard {
  private line = 1;
  private length = 0;
  private offset = 0;
  private lineStart = 0;

  constructor(
    readonly file: string,
    readonly limit = MAX_LINE_BYTES
  ) {}

  feed(chunk: Uint8Array): void {
    // Without a CR alone, lines end at LF: found by the native search (a byte-by-byte loop in JavaScript
    // cost 40 ms on 20 MB).
    const end = hasLoneCr(chunk) ? lineEnd : nextLf;
    for (let start = 0; ;) {
      const nl = end(chunk, start);
      this.length += (nl < 0 ? chunk.length : nl) - start;
      if (this.length > this.limit) {
        throw new IngestError({
          file: this.file,
          line: this.line,
          expected: `lines of at most ${this.limit} bytes (a data record)`,
          found: `a longer line, from byte ${this.lineStart} of the file`,
          reason: 'line-too-long'
        });
      }
      if (nl < 0) break;
      this.line++;
      this.length = 0;
      start = nl + 1;
      this.lineStart = this.offset + start;
    }
    this.offset += chunk.length;
  }
}

/**
 * Index of the next line end in the bytes from `start`: LF, or a CR not followed by LF (the
 * "CSV (Macintosh)" files of old Excel end lines with CR alone); -1 when there is none. A CR that is
 * the chunk's last byte counts as a line end: at worst the line count of an error is one too high.
 */
function lineEnd(b: Uint8Array, start: number): number {
  for (let i = start; i < b.length; i++) {
    if (b[i] === 10) return i;
    if (b[i] === 13 && b[i + 1] !== 10) return i;
  }
  return -1;
}

const nextLf = (b: Uint8Array, start: number): number => b.indexOf(10, start);

/** True when the bytes end a line with CR alone somewhere (old Mac line ends). */
export const hasLoneCr = (b: Uint8Array): boolean => {
  for (let i = b.indexOf(13); i >= 0 && i < b.length - 1; i = b.indexOf(13, i + 1))
    if (b[i + 1] !== 10) return true;
  return false;
};

/**
 * Accents written decomposed (NFD: "e" + U+0301, as macOS tools may save them) composed (NFC), so that
 * a station or taxon name is the same text whichever way its file spelt it. Canonically equivalent
 * text: no character changes meaning, no line moves; a text without combining marks is left as it is.
 */
export const composeAccents = (text: string): string =>
  /[\u0300-\u036f]/.test(text) ? text.normalize('NFC') : text;

/** Lines ended by CR alone made to end with LF (CRLF is left as it is: the parser reads it). */
export function normalizeLoneCr(text: string): string {
  // Looked for first, one CR at a time (a file of CRLF lines has none: no copy, no regular expression).
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1))
    if (text.charCodeAt(i + 1) !== 10) return text.replace(/\r(?!\n)/g, '\n');
  return text;
}

/**
 * A whole-buffer gunzip faster than fflate's (node's zlib), tried first when set: it gives the bytes, or
 * null when they would exceed `maxOutput` or it cannot read them (the chunked reading then runs and says
 * why, as it would without it). Set by the node entry point; browsers keep fflate.
 */
export type FastGunzip = (bytes: Uint8Array, maxOutput: number) => Uint8Array | null;
let fastGunzip: FastGunzip | null = null;

export function useFastGunzip(gunzip: FastGunzip | null): void {
  fastGunzip = gunzip;
}

/**
 * The most a fast gunzip may give at once (bytes): beyond, the chunked reading watches every line as it
 * comes. A single-line bomb costs at most this much memory before it is refused.
 */
export const FAST_GUNZIP_LIMIT = 64 << 20;

/** Gunzip in chunks, each watched by the guard, so a compressed single-line bomb stops early. */
function gunzipGuarded(file: string, bytes: Uint8Array, guard: LineGuard): Uint8Array {
  const whole = fastGunzip?.(bytes, FAST_GUNZIP_LIMIT);
  if (whole) {
    guard.feed(whole);
    return whole;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const gunzip = new Gunzip(chunk => {
    guard.feed(chunk);
    chunks.push(chunk);
    total += chunk.length;
  });
  try {
    // Small slices of compressed input: even at deflate's best ratio (~1000:1) each gives at most a
    // few MB of text before the guard sees it.
    const SLICE = 4096;
    for (let at = 0; at < bytes.length; at += SLICE)
      gunzip.push(bytes.subarray(at, at + SLICE), at + SLICE >= bytes.length);
  } catch (e) {
    if (e instanceof IngestError) throw e;
    throw new IngestError({
      file,
      line: 0,
      expected: 'a complete gzip stream',
      found: `a corrupt or truncated gzip file (${(e as Error).message})`,
      reason: 'bad-gzip'
    });
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * UTF-16 text, by its byte-order mark, or without one by its pattern: in text of Latin letters and
 * digits every other byte is 0.
 */
function utf16Of(data: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) return 'utf-16le';
  if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) return 'utf-16be';
  const n = Math.min(data.length, 1024) & ~1;
  if (n < 8) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (data[i] === 0 && data[i + 1] !== 0) evenZeros++;
    if (data[i + 1] === 0 && data[i] !== 0) oddZeros++;
  }
  if (oddZeros > 0.9 * (n / 2)) return 'utf-16le';
  if (evenZeros > 0.9 * (n / 2)) return 'utf-16be';
  return null;
}

/**
 * Decompress if gzip, refuse over-long lines and binary content (saying what it looks like), decode
 * UTF-16 (with or without byte-order mark), UTF-8 or else ISO-8859-1.
 */
export function decodeBytes(
  file: string,
  bytes: Uint8Array,
  guard = new LineGuard(file)
): DecodedText {
  const gz = isGzip(bytes);
  let data = bytes;
  if (gz) data = gunzipGuarded(file, bytes, guard);
  else guard.feed(bytes);
  const utf16 = utf16Of(data);
  if (!utf16) refuseBinary(file, data);
  const utf16Bom = (data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff);
  const utf8Bom = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf;
  const bomLength = utf16 ? (utf16Bom ? 2 : 0) : utf8Bom ? 3 : 0;
  const body = data.subarray(bomLength);
  let decoded: DecodedText;
  if (utf16)
    decoded = {
      text: new TextDecoder(utf16).decode(body),
      encoding: utf16,
      gzip: gz,
      bom: bomLength > 0
    };
  else {
    try {
      decoded = {
        text: new TextDecoder('utf-8', { fatal: true }).decode(body),
        encoding: 'utf-8',
        gzip: gz,
        bom: bomLength > 0
      };
    } catch {
      // Quadrige web exports are ISO-8859-1; every byte sequence is valid there.
      decoded = {
        text: fromWindows1252(new TextDecoder('latin1').decode(body)),
        encoding: 'iso-8859-1',
        gzip: gz,
        bom: bomLength > 0
      };
    }
  }
  // Every reader finds lines by LF: a file whose lines end with CR alone is read as the same lines.
  decoded.text = composeAccents(normalizeLoneCr(decoded.text));
  if (!/[^\s;,]/.test(decoded.text)) {
    throw new IngestError({
      file,
      line: 1,
      expected: 'a header line and data',
      found: data.length === 0 ? 'an empty file' : 'only blank lines and separators',
      reason: 'empty-file'
    });
  }
  return decoded;
}

/** Binary content is no table: say what it is when its signature is known, else where it shows. */
function refuseBinary(file: string, data: Uint8Array): void {
  const known = describeBinary(data);
  if (known) {
    throw new IngestError({
      file,
      line: 1,
      expected: 'a text (CSV) file',
      found: known,
      reason: 'binary-file'
    });
  }
  // NUL bytes or many control characters near the start.
  const head = data.subarray(0, Math.min(data.length, 8192));
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c === 0) {
      const line = 1 + countNewlines(head, i);
      throw new IngestError({
        file,
        line,
        expected: 'a text (CSV) file',
        found: `binary content (NUL byte at offset ${i})`,
        reason: 'binary-file'
      });
    }
    if (c < 9 || (c > 13 && c < 32)) control++;
  }
  if (control > head.length * 0.05) {
    throw new IngestError({
      file,
      line: 1,
      expected: 'a text (CSV) file',
      found: `binary content (${control} control bytes in the first ${head.length})`,
      reason: 'binary-file'
    });
  }
}

function countNewlines(b: Uint8Array, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (b[i] === 10) n++;
  return n;
}

/**
 * Windows-1252's characters at bytes 0x80–0x9F, where ISO-8859-1 has control characters: the typographic
 * apostrophe, œ, €, dashes… of French text saved by Windows ("Latin-1" files are almost always this).
 * The five bytes it leaves undefined stay as they are.
 */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const WINDOWS_1252_BYTE = new Map([...WINDOWS_1252_HIGH].map((c, i) => [c, 0x80 + i]));

/**
 * Text decoded byte for byte as ISO-8859-1 read as Windows-1252: "l\u0092Aiguillon" is "l’Aiguillon".
 * Browsers' TextDecoder('latin1') already does so, node's does not: the same text either way.
 */
export const fromWindows1252 = (text: string): string =>
  /[\u0080-\u009f]/.test(text)
    ? text.replace(/[\u0080-\u009f]/g, c => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80])
    : text;

/**
 * UTF-8 text that was once decoded as Latin-1 or Windows-1252 ("CytomÃ©trie", "lâ€™Aiguillon"): repair
 * it, else return as is.
 */
export function repairMojibake(s: string): string {
  if (
    !/[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]/.test(
      s
    )
  )
    return s;
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const b = c > 255 ? WINDOWS_1252_BYTE.get(s[i]) : c;
    if (b === undefined) return s;
    bytes[i] = b;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return s;
  }
}

export interface CsvRecord {
  cells: string[];
  /** 1-based physical line where the record starts. */
  line: number;
}

/** Line on which the last record starts, 0 when there is none: what readers report as linesRead. */
export const lastRecordLine = (records: readonly CsvRecord[]): number =>
  records.length ? records[records.length - 1].line : 0;

/** True when the text has lines ended by CRLF and others by LF alone (stops at the first such LF). */
function hasMixedLineEnds(text: string): boolean {
  if (!text.includes('\r\n')) return false;
  // One look per line end: 20 times faster than a regular expression over a file of CRLF lines.
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1))
    if (i === 0 || text.charCodeAt(i - 1) !== 13) return true;
  return false;
}

/**
 * Parse delimited text into records with their line numbers (papaparse: browser- and
 * worker-native, no Buffer). A quote left open is a located error, never a silently merged row.
 */
export function parseRecords(
  file: string,
  text: string,
  delimiter: string,
  /** Line number of the text's first line (a piece of a larger file). */
  firstLine = 1
): CsvRecord[] {
  // papaparse takes the first line's end for every line's: in a file whose lines end with CRLF and LF
  // mixed (parts saved on different systems), a line ended otherwise would run into the next one.
  if (hasMixedLineEnds(text)) text = text.replace(/\r\n/g, '\n');
  const result = Papa.parse<string[]>(text, {
    delimiter,
    skipEmptyLines: false,
    header: false,
    dynamicTyping: false
  });
  const rows = result.data;
  // A final line terminator yields one empty record: it is not a line of the file.
  if (
    rows.length &&
    rows[rows.length - 1].length === 1 &&
    rows[rows.length - 1][0] === '' &&
    /\r?\n$/.test(text)
  )
    rows.pop();
  const out: CsvRecord[] = new Array(rows.length);
  let line = firstLine;
  for (let i = 0; i < rows.length; i++) {
    out[i] = { cells: rows[i], line };
    let extra = 0;
    for (const [k, c] of rows[i].entries()) {
      if (!c.includes('\n')) continue;
      const inner = c.split('\n');
      extra += inner.length - 1;
      // A quoted text may hold line ends; lines holding as many separators as a record does are records
      // swallowed by a stray quote, whose values would vanish into one cell.
      const fields = Math.max(3, rows[i].length / 2);
      const swallowed = inner.findIndex((l, j) => j > 0 && l.split(delimiter).length >= fields);
      if (swallowed > 0)
        throw new IngestError({
          file,
          line,
          column: `#${k + 1}`,
          expected: 'a quote closed on its line, or a quoted text over several lines',
          found: `a quote opened here running on over lines that hold records (line ${line + swallowed}: ${shown(inner[swallowed].slice(0, 60))}…; a stray quote?)`,
          reason: 'bad-csv'
        });
    }
    line += 1 + extra;
  }
  const quoteError = result.errors.find(e => e.type === 'Quotes');
  if (quoteError) {
    const rec = out[quoteError.row ?? 0];
    throw new IngestError({
      file,
      line: rec?.line ?? 0,
      expected: `well-formed "${delimiter}"-separated text (every opening quote closed)`,
      found: `${quoteError.code}: ${quoteError.message}`,
      reason: 'bad-csv'
    });
  }
  return out;
}

/**
 * True when a record repeats one of the file's header lines, as exports concatenated into one file
 * do: the same cells, trimmed, fields left empty at the end aside.
 */
export function repeatsHeader(
  cells: readonly string[],
  headers: readonly (readonly string[])[]
): boolean {
  const used = (c: readonly string[]): number => {
    let n = c.length;
    while (n > 0 && c[n - 1].trim() === '') n--;
    return n;
  };
  return headers.some(h => {
    const n = used(h);
    if (n === 0 || (cells[0] ?? '').trim() !== h[0].trim() || used(cells) !== n) return false;
    for (let i = 1; i < n; i++) if (cells[i].trim() !== h[i].trim()) return false;
    return true;
  });
}

/** The warning of a skipped repeated header line. */
export const REPEATED_HEADER =
  'header line repeated inside the data (concatenated exports), skipped';

export const isBlank = (cells: readonly string[]): boolean => cells.every(c => c.trim() === '');

/** First physical line of the text (without line terminator). */
export function firstLine(text: string): string {
  const i = text.search(/\r?\n/);
  return i < 0 ? text : text.slice(0, i);
}

/**
 * The separator of an export published ";"-separated, from its header line: ";", or a tab when the line has
 * tabs and no ";" (saved again by a spreadsheet as "Text (tab-delimited)" or "Unicode text"). Never a comma:
 * between commas a number's comma could be a decimal or a thousands mark, so such a re-save is refused.
 */
export const semicolonOrTab = (line: string): ';' | '\t' =>
  line.includes('\t') && !line.includes(';') ? '\t' : ';';

/** The first line of the text holding more than separators and spaces (a header after blank lines). */
export function firstFilledLine(text: string, within = Infinity): string {
  for (let at = 0, n = 0; at < text.length && n < within; n++) {
    const end = text.indexOf('\n', at);
    const line = text.slice(at, end < 0 ? text.length : end).replace(/\r$/, '');
    if (/[^\s;,]/.test(line)) return line;
    if (end < 0) break;
    at = end + 1;
  }
  return '';
}

/** Guess the separator of a header line, to explain a wrong-separator error. */
export function guessSeparator(line: string): string {
  const counts: [string, number][] = [';', ',', '\t', '|'].map(s => [s, line.split(s).length - 1]);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ';';
}

export function describeSeparator(s: string): string {
  return s === '\t' ? 'tab' : `"${s}"`;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Number as written: "12.5", "12,5" (decimal comma), "-0.3", "1e-3". Null when not a number, and
 * when a float64 cannot hold it: "1e400" is no Infinity, "1e-400" (a non-zero number) no 0.
 */
export function parseNumber(raw: string, decimalComma = false): number | null {
  let s = raw.trim();
  if (decimalComma) s = s.replace(',', '.');
  if (!NUMBER.test(s)) return null;
  const v = Number(s);
  if (!Number.isFinite(v)) return null;
  if (v === 0 && /[1-9]/.test(s.split(/[eE]/)[0])) return null;
  return v;
}

/** True for a number written correctly that a float64 cannot hold (overflow, or underflow to 0). */
export function outOfFloat64(raw: string, decimalComma = false): boolean {
  let s = raw.trim();
  if (decimalComma) s = s.replace(',', '.');
  return NUMBER.test(s) && parseNumber(raw, decimalComma) === null;
}

const daysIn = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Date from "dd/mm/yyyy" or "yyyy-mm-dd"; null unless it is a real calendar date. */
export function parseDate(raw: string): { y: number; m: number; d: number } | null {
  const s = raw.trim();
  let m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  let y: number, mo: number, d: number;
  if (m) {
    d = +m[1];
    mo = +m[2];
    y = +m[3];
  } else {
    m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00:00)?$/.exec(s);
    if (!m) return null;
    y = +m[1];
    mo = +m[2];
    d = +m[3];
  }
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || y < 1800 || y > 2200) return null;
  return { y, m: mo, d };
}

/** Time of day "h:m", "hh:mm", "hh:mm:ss" (not zero-padded allowed); empty = midnight. */
export function parseTimeOfDay(raw: string): number | null {
  const s = raw.trim().replace(/^"|"$/g, '');
  if (s === '') return 0;
  const m = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const h = +m[1],
    mi = +m[2],
    se = m[3] ? +m[3] : 0;
  if (h > 24 || mi > 59 || se > 59 || (h === 24 && (mi > 0 || se > 0))) return null;
  return ((h * 60 + mi) * 60 + se) * 1000;
}

export function utcMillis(date: { y: number; m: number; d: number }, timeOfDayMs: number): number {
  return Date.UTC(date.y, date.m - 1, date.d) + timeOfDayMs;
}

/** ISO 8601 date-time with Z or offset; null when not a valid instant. */
export function parseIsoInstant(raw: string): number | null {
  const s = raw.trim();
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      s
    );
  if (!m) return null;
  const date = parseDate(`${m[1]}-${m[2]}-${m[3]}`);
  const tod = parseTimeOfDay(`${m[4]}:${m[5]}:${m[6] ?? '0'}`);
  if (!date || tod === null) return null;
  let ms = utcMillis(date, tod) + (m[7] ? Math.round(Number('0.' + m[7]) * 1000) : 0);
  if (m[8] && m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const digits = m[8].slice(1).replace(':', '');
    ms -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60000;
  }
  return ms;
}

export { shown };
