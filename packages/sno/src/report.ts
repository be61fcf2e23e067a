/** Per-file conversion report and the bookkeeping every reader shares. */
import { shown, type IngestIssue } from './errors';
import type { Observation, TimeFlag } from '@odatis-vre/harmonised';
import type { CsvMapping } from './readers/mapped';
import { ObservationColumns } from './schema';
import { DEFAULT_SITE_REGISTER, slugSiteId, type SiteEntry, type SiteRegister } from './sites';
import { isBlank, outOfFloat64, parseNumber, type CsvRecord, type TextEncoding } from './text';

export type FormatId =
  | 'pelagos-wide'
  | 'quadrige'
  | 'somlit'
  | 'coast-hf'
  | 'erddap-csv'
  | 'erddap-parquet'
  | 'mapped-csv';

export const FORMAT_LABELS: Record<FormatId, string> = {
  'pelagos-wide': 'PHYTOBS Pelagos wide export',
  quadrige: 'Quadrige extraction (REPHY web export or SEANOE make.names long file)',
  somlit: 'SOMLIT export (hydro, piconano or ctd)',
  'coast-hf': 'COAST-HF CSV with per-parameter QC columns',
  'erddap-csv': 'ERDDAP tabledap .csv response (names, then a units line) or .csvp',
  'erddap-parquet': 'ERDDAP tabledap .parquet response',
  'mapped-csv': 'CSV read through a column mapping (--mapping or --map-*)'
};

/** Where a dataset comes from, written into file metadata and the catalogue. */
export interface SourceInfo {
  sno: string;
  dataset: string;
  title: string;
  doi: string | null;
  licence: string | null;
  citation: string | null;
  /** The column mapping a mapped CSV was read with (kept with the provenance). */
  mapping?: CsvMapping;
}

/** Data made by generateSynthetic(): its own service code so it never mixes with real series. */
export const SYNTH_SOURCE: Omit<SourceInfo, 'dataset' | 'title'> = {
  sno: 'SYNTH',
  doi: null,
  licence: 'CC0-1.0',
  citation: 'odatis-vre synthetic ground-truth generator (@odatis-vre/sno generateSynthetic)'
};

export interface FileReport {
  file: string;
  format: FormatId;
  dataset: string;
  encoding: TextEncoding;
  gzip: boolean;
  bom: boolean;
  /** Physical lines in the decompressed file. */
  linesRead: number;
  /** Data records (not header, preamble, units or blank lines). */
  rowsRead: number;
  blankLines: number;
  /** Non-empty value cells met in the data records. */
  valuesRead: number;
  valuesWritten: number;
  /** Cells holding the source's missing-value code (e.g. SOMLIT 999999): not values, not errors. */
  valuesMissing: number;
  valuesRejected: number;
  rejectedByReason: Record<string, number>;
  /**
   * Rejected values (file, line, column, expected, found, reason): every one when `rejectedFile` is null,
   * else the first REJECTED_IN_REPORT, every one being in that file.
   */
  rejected: IngestIssue[];
  /**
   * The file beside report.json holding every rejected value of the conversion, one JSON object per line
   * (REJECTED_FILE), or null when `rejected` lists them all.
   */
  rejectedFile: string | null;
  /** Things changed on the way that a person should know about, with counts. */
  warnings: Record<string, number>;
  /**
   * Non-empty cells of the data records outside the columns the format documents as record fields
   * (site, date, depth, quality flags, labels…), counted apart from the reader's own bookkeeping.
   * The invariant: cellsSeen = valuesWritten + valuesRejected + valuesMissing (see `invariantHolds`).
   */
  cellsSeen: number;
  /** Records on which that count does not add up (a reader defect; the first 20, with the total). */
  unaccounted: { records: number; first: { line: number; seen: number; accounted: number }[] };
  /** Columns the reader does not understand: every non-empty cell of theirs is rejected, never skipped. */
  unknownColumns: { column: string; index: number; cells: number }[];
  /**
   * Station names the site register does not know (or knows twice): their rows are written under
   * an id made from the name, with the file's coordinates if it gives some, else none.
   */
  unknownStations: UnknownStation[];
  /** Values written with each `time_flag` (a time whose hour is not to be trusted). */
  timeFlags: Partial<Record<TimeFlag, number>>;
}

export interface UnknownStation {
  name: string;
  /** Line of the first record naming it, and how many records do. */
  line: number;
  records: number;
  /** The id its rows are written under. */
  siteId: string;
  coordinates: 'from-file' | 'none';
  /** Sites the name matched equally well, when it matched several. */
  ambiguous?: string[];
}

export interface SiteQuery {
  line: number;
  /** Names of the record's site, tried in order. */
  names: (string | null | undefined)[];
  /** Name the id of an unknown site is made from (default: the first name). */
  fallback?: string;
  /** The record carries its own coordinates. */
  fileHasCoordinates?: boolean;
}

export interface Located {
  site: SiteEntry | undefined;
  siteId: string;
}

/** The file beside report.json that holds every rejected value, one JSON object (IngestIssue) per line. */
export const REJECTED_FILE = 'rejected.jsonl';

/** How many rejected values a report lists when every one goes to REJECTED_FILE. */
export const REJECTED_IN_REPORT = 1000;

/** Where rejected values go as they are met (a conversion writing REJECTED_FILE). */
export interface RejectionSink {
  /** The file every rejected value is written to, as the report names it (relative to report.json). */
  readonly file: string;
  add(issue: IngestIssue): void;
}

/** A rejected value as its line of REJECTED_FILE (no line end): one key order, a column absent is null. */
export function rejectionLine(issue: IngestIssue): string {
  return JSON.stringify({
    file: issue.file,
    line: issue.line,
    column: issue.column ?? null,
    expected: issue.expected,
    found: issue.found,
    reason: issue.reason
  });
}

/** Where kept values go instead of the reader's own columns (ObservationColumns is one). */
export interface ValueTarget {
  pushParts(part: Partial<Observation>, base?: Partial<Observation>): void;
}

/** What a reader is given besides the bytes. */
export interface ReadOptions {
  /**
   * Send each kept value here as it is read instead of keeping it (`ReadContext.out` stays empty): a
   * conversion within bounded memory sends values straight to their partitions.
   */
  values?: ValueTarget;
  /**
   * Send every rejected value here as it is met; the report then lists only the first REJECTED_IN_REPORT
   * (memory bounded for any input). Without it, the report lists every one.
   */
  rejections?: RejectionSink;
  /** Stations to recognise (default: the built-in register). */
  sites?: SiteRegister;
  /** Read files that are no native SNO export through this column mapping. */
  mapping?: CsvMapping;
  /** What the data are, for tables that do not say it (ERDDAP responses): sno, dataset, DOI… */
  source?: Partial<Omit<SourceInfo, 'mapping'>>;
}

/** True when every non-empty cell met is written, rejected or a documented missing-value code. */
export function invariantHolds(r: FileReport): boolean {
  return (
    r.cellsSeen === r.valuesWritten + r.valuesRejected + r.valuesMissing &&
    r.unaccounted.records === 0
  );
}

/**
 * Shared bookkeeping: readers call value()/missing()/reject() (valuesRead is their sum by
 * construction), and record() at the start of each data record, which counts the record's value
 * cells independently (cellsSeen): a cell no reader call accounts for breaks the invariant.
 */
export class ReadContext {
  /** The values kept so far (since the last `drain`). */
  get out(): ObservationColumns {
    return this.kept;
  }
  private kept = new ObservationColumns();

  /** Hand over the values kept so far (a file read in pieces); later ones are kept anew. */
  drain(): ObservationColumns {
    const kept = this.kept;
    this.kept = new ObservationColumns();
    return kept;
  }
  readonly report: FileReport;

  constructor(
    file: string,
    format: FormatId,
    readonly source: SourceInfo,
    decoded: { encoding: TextEncoding; gzip: boolean; bom: boolean },
    options: ReadOptions = {}
  ) {
    this.sites = options.sites ?? DEFAULT_SITE_REGISTER;
    this.rejections = options.rejections ?? null;
    this.target = options.values ?? null;
    this.report = {
      file,
      format,
      dataset: source.dataset,
      encoding: decoded.encoding,
      gzip: decoded.gzip,
      bom: decoded.bom,
      linesRead: 0,
      rowsRead: 0,
      blankLines: 0,
      valuesRead: 0,
      valuesWritten: 0,
      valuesMissing: 0,
      valuesRejected: 0,
      rejectedByReason: {},
      rejected: [],
      rejectedFile: this.rejections?.file ?? null,
      warnings: {},
      cellsSeen: 0,
      unaccounted: { records: 0, first: [] },
      unknownColumns: [],
      unknownStations: [],
      timeFlags: {}
    };
  }

  readonly sites: SiteRegister;
  private readonly rejections: RejectionSink | null;
  private readonly target: ValueTarget | null;
  private readonly located = new Map<string, Located & { unknown?: UnknownStation }>();

  /**
   * The site a record's names designate (the first that matches one site of the register). When
   * none does, the record is counted under report.unknownStations with the line where the name was
   * first met, and its rows get an id made from `fallback` (default: the first name).
   */
  locate({ line, names, fallback, fileHasCoordinates = false }: SiteQuery): Located {
    const key = `${names.join('\u0000')}\u0001${fallback ?? ''}`;
    let found = this.located.get(key);
    if (!found) {
      let ambiguous: SiteEntry[] | undefined;
      for (const n of names) {
        const m = n ? this.sites.match(n) : {};
        if (m.site) {
          found = { site: m.site, siteId: m.site.siteId };
          break;
        }
        ambiguous ??= m.ambiguous;
      }
      if (!found) {
        const name = fallback ?? names.find(n => n) ?? 'unknown';
        const unknown: UnknownStation = {
          name: names.find(n => n) ?? name,
          line,
          records: 0,
          siteId: slugSiteId(name),
          coordinates: 'none',
          ...(ambiguous ? { ambiguous: ambiguous.map(s => s.siteId) } : {})
        };
        this.report.unknownStations.push(unknown);
        found = { site: undefined, siteId: unknown.siteId, unknown };
      }
      this.located.set(key, found);
    }
    if (found.unknown) {
      found.unknown.records++;
      if (fileHasCoordinates) found.unknown.coordinates = 'from-file';
    }
    return found;
  }

  // --- the cell count, kept apart from value()/missing()/reject() ---
  private fieldColumn: Uint8Array = new Uint8Array(0);
  private headerLength = 0;
  private open: { line: number; seen: number; accountedBefore: number } | null = null;

  /**
   * Say which columns of the header hold record fields (not values). Every other non-empty cell of a
   * data record must become a value, a rejection or a missing-value code.
   */
  setFieldColumns(header: readonly string[], isField: (index: number) => boolean): void {
    this.headerLength = header.length;
    this.fieldColumn = Uint8Array.from(header, (_, i) => (isField(i) ? 1 : 0));
  }

  /**
   * A data record begins (counted in rowsRead): count its non-empty value cells. Cells beyond the
   * header are values no column can own: each non-empty one is rejected here, with its position.
   */
  record(cells: readonly string[], line: number): void {
    this.closeRecord();
    this.report.rowsRead++;
    let seen = 0;
    for (let i = 0; i < cells.length; i++) {
      if (i < this.headerLength && this.fieldColumn[i]) continue;
      if (cells[i].trim() !== '') seen++;
    }
    this.report.cellsSeen += seen;
    this.open = { line, seen, accountedBefore: this.accounted() };
    for (let i = this.headerLength; i < cells.length; i++) {
      if (cells[i].trim() === '') continue;
      this.reject({
        line,
        column: `#${i + 1}`,
        expected: `${this.headerLength} fields, as in the header`,
        found: `${shown(cells[i])} beyond the last column`,
        reason: 'extra-fields'
      });
    }
  }

  /** Close the last record; called once the reader is done. */
  finish(): void {
    this.closeRecord();
    // A nameless column with nothing in it (a trailing separator) is no column worth a word.
    this.report.unknownColumns = this.report.unknownColumns.filter(
      u => u.cells > 0 || !u.column.startsWith('#')
    );
  }

  private accounted(): number {
    const r = this.report;
    return r.valuesWritten + r.valuesRejected + r.valuesMissing;
  }

  private closeRecord(): void {
    const o = this.open;
    if (!o) return;
    this.open = null;
    const accounted = this.accounted() - o.accountedBefore;
    if (accounted === o.seen) return;
    const u = this.report.unaccounted;
    u.records++;
    if (u.first.length < 20) u.first.push({ line: o.line, seen: o.seen, accounted });
  }

  /**
   * Reject every non-empty cell of a column this reader does not understand, and list the column:
   * nothing is skipped in silence.
   */
  unknownColumn(header: readonly string[], index: number, expected: string): UnknownColumn {
    const entry = { column: header[index].trim() || `#${index + 1}`, index: index + 1, cells: 0 };
    this.report.unknownColumns.push(entry);
    return {
      cell: (cells, line) => {
        const raw = (cells[index] ?? '').trim();
        if (raw === '') return;
        entry.cells++;
        this.reject({
          line,
          column: entry.column,
          expected,
          found: shown(raw),
          reason: 'unknown-column'
        });
      }
    };
  }

  get file(): string {
    return this.report.file;
  }

  /** Keep a value: `part` holds this value's fields, `base` those shared by its record. */
  value(part: Partial<Observation>, base?: Partial<Observation>): void {
    this.report.valuesRead++;
    this.report.valuesWritten++;
    (this.target ?? this.kept).pushParts(part, base);
    const flag = part.time_flag ?? base?.time_flag;
    if (flag) this.report.timeFlags[flag] = (this.report.timeFlags[flag] ?? 0) + 1;
  }

  missing(): void {
    this.report.valuesRead++;
    this.report.valuesMissing++;
  }

  reject(issue: Omit<IngestIssue, 'file'>): void {
    this.report.valuesRead++;
    this.report.valuesRejected++;
    this.report.rejectedByReason[issue.reason] =
      (this.report.rejectedByReason[issue.reason] ?? 0) + 1;
    const rejected: IngestIssue = { file: this.file, ...issue };
    if (!this.rejections || this.report.rejected.length < REJECTED_IN_REPORT)
      this.report.rejected.push(rejected);
    this.rejections?.add(rejected);
  }

  /**
   * Reject a record whose value is not where its header says (its fields shifted by a separator inside an
   * unquoted text, the value cell left empty): the record counts as one value read, so that the value it
   * holds somewhere is rejected, never dropped for an empty cell.
   */
  rejectShifted(issue: Omit<IngestIssue, 'file'>): void {
    this.report.cellsSeen++;
    if (this.open) this.open.seen++;
    this.reject(issue);
  }

  /** True for a blank record, counted in blankLines, which the caller then skips. */
  blankRecord(cells: readonly string[]): boolean {
    if (!isBlank(cells)) return false;
    this.report.blankLines++;
    return true;
  }

  warn(what: string, n = 1): void {
    this.report.warnings[what] = (this.report.warnings[what] ?? 0) + n;
  }

  /**
   * The number a value cell holds, or null once the cell is rejected: with its record's problem
   * when the record has one (none of its fields can be trusted), else when it is not a number.
   */
  number(
    raw: string,
    where: CellPlace,
    { rowProblem = null, decimalComma = false }: NumberOptions = {}
  ): number | null {
    if (rowProblem) {
      this.reject({ line: where.line, ...rowProblem });
      return null;
    }
    const v = parseNumber(raw, decimalComma);
    if (v === null)
      this.reject(
        outOfFloat64(raw, decimalComma)
          ? {
              ...where,
              expected: `${where.expected} a float64 can hold (|x| between 1e-308 and 1.8e308, or 0)`,
              found: shown(raw),
              reason: 'out-of-range'
            }
          : { ...where, found: shown(raw), reason: 'not-a-number' }
      );
    return v;
  }

  /**
   * A latitude or longitude cell: its number, or null when empty. A cell that holds no coordinate
   * ("NaN", text, out of range, a missing-value code) is noted, never read as 0 or dropped in silence;
   * the caller then takes the site register's position.
   */
  coordinate(
    raw: string,
    axis: 'latitude' | 'longitude',
    {
      decimalComma = false,
      missing
    }: { decimalComma?: boolean; missing?: ReadonlySet<string> } = {}
  ): number | null {
    if (raw === '') return null;
    const limit = axis === 'latitude' ? 90 : 180;
    const v = parseNumber(raw, decimalComma);
    if (v !== null && Math.abs(v) <= limit) return v;
    this.warn(
      missing?.has(raw) || v === null
        ? `${axis} not given (${shown(raw)}): the site register's position is used, if any`
        : `${axis} out of ±${limit}° (${raw}): the site register's position is used, if any`
    );
    return null;
  }

  /** A depth cell: its number, or null when empty; one that holds no number is noted, not dropped in silence. */
  depth(raw: string, column: string, decimalComma = false): number | null {
    if (raw === '') return null;
    const v = parseNumber(raw, decimalComma);
    if (v === null) this.warn(`depth not a number, left empty (${column})`);
    return v;
  }

  /**
   * The L20 quality a source flag stands for in `scheme` (looked up by `key`, the flag itself
   * unless the scheme folds case), or null once the value is rejected for an unknown flag.
   */
  quality(
    scheme: Readonly<Record<string, number>>,
    flag: string,
    where: CellPlace,
    key = flag
  ): number | null {
    const q = scheme[key];
    if (q !== undefined) return q;
    this.reject({ ...where, found: shown(flag), reason: 'unknown-flag' });
    return null;
  }
}

/**
 * A delimited export whose header is understood, decoding its data records as they come: the whole file
 * at once, or piece by piece for a file too large to hold (records in file order, each piece after the
 * previous one).
 */
export interface RecordReader {
  ctx: ReadContext;
  rows(records: readonly CsvRecord[]): void;
}

/** A column of unknown meaning: call `cell` for each data record. */
export interface UnknownColumn {
  cell(cells: readonly string[], line: number): void;
}

/** Where a rejected cell is and what it should have held; what was found is added on rejection. */
export type CellPlace = Pick<IngestIssue, 'line' | 'column' | 'expected'>;

export interface NumberOptions {
  /** What is wrong with the cell's record, if anything. */
  rowProblem?: RowProblem | null;
  decimalComma?: boolean;
}

/** Why a whole record gives no values: each of its non-empty value cells is rejected with it. */
export interface RowProblem {
  column: string;
  expected: string;
  found: string;
  reason: string;
}

/**
 * A record with more or fewer fields than its header, told the same way by every reader. The
 * column named is by default the first one missing, or "#n" for the first field too many.
 */
export function fieldCountProblem(
  fields: number,
  header: readonly string[],
  expected: string,
  // A blank name (a names row padded with empty cells) is no column to point at: use its number.
  column = fields < header.length
    ? header[fields].trim() || `#${fields + 1}`
    : `#${header.length + 1}`
): RowProblem {
  const truncated = fields < header.length;
  return {
    column,
    expected,
    found: `${fields} fields${truncated ? ' (truncated line?)' : ''}`,
    reason: truncated ? 'truncated-row' : 'extra-fields'
  };
}

/**
 * Data records a file's line shape is first learned from: the first piece of a file read in pieces holds at
 * least that many (see pieces.ts), so both ways learn the same.
 */
export const SHAPE_SAMPLE = 100;

/**
 * Recent records whose trailing empty fields make the file's current habit. A file concatenated from two
 * exports, or partly re-saved, changes habit on the way: the habit follows the file, not its first lines.
 */
export const SHAPE_WINDOW = 10;

/** What a non-empty cell looks like: a number (decimal point or comma) or anything else. */
const NUMBER_LIKE = /^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$/;
const NUMBER_KIND = 1;
const TEXT_KIND = 2;
/** Non-empty cells of one kind a column must show in the sample before a cell of the other kind is out of place. */
const TYPED_AFTER = 3;

/**
 * The shape a file's records must have against its header, decided record by record in reading order
 * (`problem` once per data record). Fewer fields than the header names is a cut line; a field holding
 * something beyond the header's last column is one too many. Empty fields after the last column are a
 * trailing separator when the records before have them too; a record with more of them than the recent
 * records have is no trailing separator but a field split in two (a separator inside an unquoted text),
 * its values shifted onto the wrong columns, so it has a problem; a record with more of them than the
 * fewest of the recent records, while the habit changes, is read only if its cells stand where their kind
 * (number or text) says, as learnt from the first records. Header columns with no name at the end (a
 * trailing separator on the header line) may be left out of the records.
 */
export class RecordShape {
  private readonly named: number;
  /** Fields of the last SHAPE_WINDOW records (at first, of the first SHAPE_WINDOW ones). */
  private readonly recent: number[];
  private next = 0;
  /** Per column: NUMBER_KIND or TEXT_KIND when the sample's non-empty cells all were of that kind, else 0. */
  private readonly kinds: Uint8Array;

  constructor(
    private readonly header: readonly string[],
    private readonly expected: string,
    /** The first data records (SHAPE_SAMPLE of them are read): what the file's lines look like. */
    sample: Iterable<CsvRecord>
  ) {
    let named = header.length;
    while (named > 0 && header[named - 1].trim() === '') named--;
    this.named = named;
    const first: number[] = [];
    const numbers = new Uint32Array(header.length);
    const texts = new Uint32Array(header.length);
    let seen = 0;
    for (const { cells } of sample) {
      if (isBlank(cells)) continue;
      if (first.length < SHAPE_WINDOW) first.push(cells.length);
      for (let i = 0; i < Math.min(cells.length, header.length); i++) {
        const c = cells[i].trim();
        if (c === '') continue;
        if (NUMBER_LIKE.test(c)) numbers[i]++;
        else texts[i]++;
      }
      if (++seen === SHAPE_SAMPLE) break;
    }
    // The first record's recent lines are the first records themselves (a file that does not start with
    // what most of its sample has is read as it starts).
    this.recent = first.length ? first : [header.length];
    while (this.recent.length < SHAPE_WINDOW) this.recent.push(this.habit());
    this.kinds = Uint8Array.from(header, (_, i) =>
      numbers[i] >= TYPED_AFTER && !texts[i]
        ? NUMBER_KIND
        : texts[i] >= TYPED_AFTER && !numbers[i]
          ? TEXT_KIND
          : 0
    );
  }

  /**
   * What is wrong with this record's shape, if anything (`column`: where to say it is). Called once per data
   * record, in reading order: the record's trailing fields join the recent ones.
   */
  problem(cells: readonly string[], column?: string): RowProblem | null {
    const { header } = this;
    const wrong = (): RowProblem => fieldCountProblem(cells.length, header, this.expected, column);
    if (cells.length < this.named) return wrong();
    for (let i = header.length; i < cells.length; i++) if (cells[i].trim() !== '') return wrong();
    const n = cells.length;
    const fewest = Math.min(...this.recent);
    const habit = this.habit();
    this.recent[this.next] = n;
    this.next = (this.next + 1) % this.recent.length;
    if (n <= fewest) return null;
    if (n > habit)
      return {
        ...wrong(),
        found:
          `${n} fields where the lines before have ${habit}: ${n - habit} more, empty ` +
          '(a separator inside an unquoted text shifts the fields after it)'
      };
    const misplaced = this.misplaced(cells);
    return misplaced < 0
      ? null
      : {
          ...wrong(),
          column: header[misplaced].trim() || `#${misplaced + 1}`,
          found:
            `${n} fields where some lines before have ${fewest}, and ${shown(cells[misplaced].trim())} ` +
            `where this column holds ${this.kinds[misplaced] === NUMBER_KIND ? 'numbers' : 'text'} (fields shifted?)`
        };
  }

  /** The habit: the most common number of fields among the recent records (the fewer on a tie). */
  private habit(): number {
    let habit = 0;
    let most = 0;
    for (const n of this.recent) {
      let c = 0;
      for (const m of this.recent) if (m === n) c++;
      if (c > most || (c === most && n < habit)) [habit, most] = [n, c];
    }
    return habit;
  }

  /** The first column whose cell is not of the kind the sample showed there, or -1. */
  private misplaced(cells: readonly string[]): number {
    for (let i = 0; i < this.header.length && i < cells.length; i++) {
      const kind = this.kinds[i];
      const c = cells[i].trim();
      if (!kind || c === '') continue;
      if ((NUMBER_LIKE.test(c) ? NUMBER_KIND : TEXT_KIND) !== kind) return i;
    }
    return -1;
  }
}

/** Base observation with the optional columns empty, so readers only name what they know. */
export function observation(
  o: Pick<
    Observation,
    'sno' | 'site_id' | 'time' | 'parameter' | 'value' | 'quality' | 'source_file' | 'source_row'
  > &
    Partial<Observation>
): Observation {
  return {
    site_name: null,
    latitude: null,
    longitude: null,
    depth: null,
    p01: null,
    p02: null,
    taxon: null,
    aphia_id: null,
    unit: null,
    source_flag: null,
    dataset: null,
    sample_id: null,
    source_column: null,
    source_column_index: null,
    taxon_user: null,
    taxon_qualifier: null,
    method: null,
    time_flag: null,
    ...o
  };
}
