/**
 * Node-only entry: convert files on disk into a harmonised directory
 *   <out>/catalog.json, <out>/report.json, <out>/observations.arrow,
 *   <out>/parquet/sno=<sno>/site=<site_id>/year=<yyyy>/part-0.parquet
 * Writes are atomic (see output.ts): a failed or interrupted conversion leaves no partial output and
 * the previous dataset intact. Sources are only ever read, in bounded chunks.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ARROW_FILE, CATALOG_FILE, REPORT_FILE, type Catalog } from '@odatis-vre/harmonised';
import {
  assembleHarmonised,
  checkpoint,
  datasetsOf,
  partitionFile,
  provenanceOf,
  type ReadSourceInfo
} from './assemble';
import { CatalogTally } from './catalog';
import { readSnoFile } from './detect';
import { IngestError, formatIssue, type IngestIssue } from './errors';
import { makeFolder } from './folders';
import { checkOutput, siblingPath, swapInto, sweepStale } from './output';
import { readInPieces, scanSource } from './pieces';
import { RejectionLog } from './rejections';
import {
  REJECTED_FILE,
  invariantHolds,
  type FileReport,
  type ReadOptions,
  type SourceInfo
} from './report';
import type { ObservationColumns } from './schema';
import { PartitionSpool } from './spool';
import { LineGuard, isGzip, useFastGunzip } from './text';
import { parquetStream } from './writers';

/**
 * Gzip exports inflated by node's zlib (three times fflate's speed): null when zlib cannot read them or
 * they would exceed `maxOutput` (the chunked reader then reads them and says why).
 */
export function nodeGunzip(bytes: Uint8Array, maxOutput: number): Uint8Array | null {
  try {
    const out = gunzipSync(bytes, { maxOutputLength: maxOutput });
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  } catch {
    return null;
  }
}
useFastGunzip(nodeGunzip);

export interface ConvertProgress {
  phase: 'read' | 'write' | 'done';
  file: string | null;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface ConvertOptions {
  /** Which outputs to write; default both. */
  formats?: ('parquet' | 'arrow')[];
  /** Abort the whole conversion (no output) if any file fails; default false: failed files are
   * reported and the others written. */
  strict?: boolean;
  onProgress?: (p: ConvertProgress) => void;
  /** Fixed generation time for reproducible catalogues (tests). */
  now?: Date;
  /** What readers are given: the site register, a column mapping. */
  read?: ReadOptions;
  /**
   * Stop the conversion (a signal, a cancel button): it stops between files and between written
   * partitions, removes its staging folder and rejects with the signal's reason. Nothing is written.
   */
  signal?: AbortSignal;
  /**
   * Inputs larger than this (bytes on disk, every file) are converted within bounded memory (default
   * BOUNDED_INPUT_BYTES): delimited exports read in pieces (COAST-HF, Quadrige, mapped CSVs), partitions
   * spilled to disk past `memoryRows`,
   * Parquet only (observations.arrow holds every row in one file).
   */
  boundedAbove?: number;
  /** Rows held in memory in a bounded conversion before partitions are spilled (default 1 000 000). */
  memoryRows?: number;
  /** Characters per piece of a file read in pieces (default 4 Mi). */
  pieceChars?: number;
}

/** Inputs above this size are converted within bounded memory (see ConvertOptions.boundedAbove). */
export const BOUNDED_INPUT_BYTES = 32 * 1024 * 1024;

/** In a bounded conversion, files from this size on are read in pieces when their format allows. */
const PIECES_ABOVE = 4 * 1024 * 1024;

/** How a bounded conversion kept its memory bounded (in the report; absent otherwise). */
export interface BoundedConversion {
  inputBytes: number;
  memoryRows: number;
  /** Files read in pieces (the others were read whole). */
  filesInPieces: string[];
  rowsSpilled: number;
  spills: number;
  /** Bytes the spilled rows took on disk (deflated Arrow IPC). */
  spillBytes: number;
}

export interface FileResult {
  path: string;
  name: string;
  bytes: number;
  sha256: string;
  ok: boolean;
  /** Present when the file was read (even with rejected values). */
  report?: FileReport;
  source?: SourceInfo;
  /** Present when the file could not be read at all. */
  error?: IngestIssue;
}

export interface ConvertReport {
  outDir: string;
  written: boolean;
  files: FileResult[];
  totals: {
    rowsRead: number;
    valuesRead: number;
    valuesWritten: number;
    valuesMissing: number;
    valuesRejected: number;
    filesFailed: number;
  };
  catalog: Catalog | null;
  /** Folders of earlier interrupted runs this run swept (what was done with each). */
  sweptStaging: string[];
  /** Present when the conversion ran within bounded memory. */
  bounded?: BoundedConversion;
}

const loaded = new WeakMap<FileResult, ObservationColumns>();

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const CHUNK = 1 << 20;

/**
 * A file's bytes, read 1 MiB at a time: a line longer than MAX_LINE_BYTES stops the reading there
 * (a located IngestError), so a file of one 200 MB line is never taken in whole.
 */
async function readSource(file: string, name: string): Promise<Uint8Array> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const guard = new LineGuard(name);
    const chunks: Buffer[] = [];
    let gzip: boolean | null = null;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const data = chunk.subarray(0, bytesRead);
      // A gzip stream is watched once decompressed, by the reader.
      gzip ??= isGzip(data);
      if (!gzip) guard.feed(data);
      chunks.push(data);
    }
    return Buffer.concat(chunks);
  } finally {
    await handle.close();
  }
}

/**
 * Read and check files, without writing anything. With `rejections`, every rejected value goes to that
 * file as it is met (those of a file that then fails are taken back), and the reports list the first ones.
 */
export async function readFiles(
  paths: string[],
  options: Pick<ConvertOptions, 'onProgress' | 'read' | 'signal'> = {},
  rejections?: RejectionLog
): Promise<FileResult[]> {
  const sizes = sizesOf(paths);
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  let bytesDone = 0;
  const results: FileResult[] = [];
  for (const [k, p] of paths.entries()) {
    await checkpoint(options.signal);
    const name = path.basename(p);
    options.onProgress?.({
      phase: 'read',
      file: name,
      filesDone: k,
      filesTotal: paths.length,
      bytesDone,
      bytesTotal
    });
    results.push(await readOne(p, name, sizes[k], results, options.read, rejections));
    bytesDone += sizes[k];
  }
  options.onProgress?.({
    phase: 'read',
    file: null,
    filesDone: paths.length,
    filesTotal: paths.length,
    bytesDone: bytesTotal,
    bytesTotal
  });
  return results;
}

async function readOne(
  p: string,
  name: string,
  size: number,
  earlier: FileResult[],
  read: ReadOptions | undefined,
  rejections?: RejectionLog
): Promise<FileResult> {
  // A file that fails has no rejected values: it is reported whole as failed.
  const mark = rejections?.mark();
  const failed = (issue: IngestIssue, bytes = size, sha = ''): FileResult => {
    if (mark) rejections!.rollback(mark);
    return { path: p, name, bytes, sha256: sha, ok: false, error: issue };
  };
  let bytes: Uint8Array;
  try {
    bytes = await readSource(p, name);
  } catch (e) {
    if (e instanceof IngestError) return failed(e.issue);
    return failed({
      file: name,
      line: 0,
      expected: 'a readable file',
      found: (e as Error).message,
      reason: 'unreadable'
    });
  }
  const digest = sha256(bytes);
  const twin = twinOf(name, digest, earlier);
  if (twin) return failed(twin, bytes.length, digest);
  try {
    const r = readSnoFile(name, bytes, rejections ? { ...read, rejections } : read);
    const result: FileResult = {
      path: p,
      name,
      bytes: bytes.length,
      sha256: digest,
      ok: true,
      report: r.report,
      source: r.source
    };
    loaded.set(result, r.observations);
    return result;
  } catch (e) {
    return failed(
      e instanceof IngestError
        ? e.issue
        : {
            file: name,
            line: 0,
            expected: 'a convertible file',
            found: String((e as Error)?.message ?? e),
            reason: 'internal-error'
          },
      bytes.length,
      digest
    );
  }
}

/**
 * The file name is the provenance key (source_file): the same name twice would be ambiguous, the same
 * content twice would double every value. The issue when an earlier file is such a twin.
 */
function twinOf(name: string, digest: string, earlier: FileResult[]): IngestIssue | null {
  const twin = earlier.find(r => r.name === name || (r.sha256 === digest && r.ok));
  if (!twin) return null;
  const same = twin.sha256 === digest;
  return {
    file: name,
    line: 0,
    expected: same ? 'each file once' : 'distinct file names',
    found: same ? `the same content as ${twin.path}` : `another file named ${name} (${twin.path})`,
    reason: same ? 'duplicate-file' : 'duplicate-name'
  };
}

/** The observations read from a file by readFiles (kept beside the JSON-able result). */
export function observationsOf(r: FileResult): ObservationColumns {
  const obs = loaded.get(r);
  if (!obs) throw new Error(`${r.name}: no observations (the file was not read successfully)`);
  return obs;
}

/**
 * Convert files into one harmonised dataset in outDir (replaced atomically, see output.ts).
 * Returns a per-file report: rows read, values written, values rejected with reason and line.
 */
export async function convertFiles(
  paths: string[],
  outDir: string,
  options: ConvertOptions = {}
): Promise<ConvertReport> {
  const out = path.resolve(outDir);
  for (const p of paths) {
    const abs = path.resolve(p);
    if (abs === out || abs.startsWith(out + path.sep)) {
      throw new Error(`${p}: source files must not lie inside the output directory ${outDir}`);
    }
  }
  const inputBytes = sizesOf(paths).reduce((a, b) => a + b, 0);
  const bounded = inputBytes > (options.boundedAbove ?? BOUNDED_INPUT_BYTES);
  if (bounded && options.formats?.includes('arrow')) {
    throw new Error(
      `${ARROW_FILE} holds every row in one Arrow file: it cannot be written within bounded memory for ` +
        `${(inputBytes / 1e6).toFixed(0)} MB of inputs; convert them to Parquet only (--format parquet)`
    );
  }
  // Sweep first: a dataset an interrupted run had set aside is put back, then checked like any other.
  const sweptStaging = sweepStale(out);
  checkOutput(out, outDir);
  if (bounded) return convertBounded(paths, out, inputBytes, sweptStaging, options);

  const staging = siblingPath(out, 'staging');
  makeFolder(staging, `the output folder ${outDir}`);
  let rejections: RejectionLog | null = null;
  try {
    rejections = new RejectionLog(path.join(staging, REJECTED_FILE));
    const files = await readFiles(paths, options, rejections);
    rejections.close();
    rejections = null;
    const ok = files.filter(f => f.ok);
    const totals = totalsOf(files);
    // The last progress event, whether or not anything is written.
    const done = (): void =>
      options.onProgress?.({
        phase: 'done',
        file: null,
        filesDone: files.length,
        filesTotal: files.length,
        bytesDone: 0,
        bytesTotal: 0
      });
    if (!ok.length || (options.strict && totals.filesFailed)) {
      fs.rmSync(staging, { recursive: true, force: true });
      done();
      return notWritten({
        outDir: out,
        written: false,
        files,
        totals,
        catalog: null,
        sweptStaging
      });
    }
    const catalog = await writeDataset(staging, files, options);
    const report: ConvertReport = {
      outDir: out,
      written: true,
      files,
      totals,
      catalog: null,
      sweptStaging
    };
    putInPlace(staging, out, report, options);
    done();
    return { ...report, catalog };
  } catch (e) {
    rejections?.close();
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

/**
 * The report of a conversion that wrote nothing: no file of rejected values either, so each report says
 * its list is not all there is when it holds fewer than the file's rejected values.
 */
function notWritten(report: ConvertReport): ConvertReport {
  for (const f of report.files) if (f.report) f.report.rejectedFile = null;
  return report;
}

/** Write report.json beside the staged dataset, then put the dataset in place. */
function putInPlace(
  staging: string,
  out: string,
  report: ConvertReport,
  options: ConvertOptions
): void {
  // report.json is served with the data: no path of the converting machine in it. Sources are
  // named relative to the folder the inputs share (what the user gave), the output is ".".
  const root = commonFolder(report.files.map(f => path.resolve(f.path)));
  const shared = {
    ...report,
    outDir: '.',
    files: report.files.map(f => ({
      ...f,
      path: path.relative(root, path.resolve(f.path)).split(path.sep).join('/')
    }))
  };
  fs.writeFileSync(path.join(staging, REPORT_FILE), JSON.stringify(shared, null, 1));
  options.signal?.throwIfAborted();
  swapInto(staging, out);
}

/** Sizes of files on disk (0 for a file that cannot be read: its reading reports why). */
function sizesOf(paths: string[]): number[] {
  return paths.map(p => {
    try {
      return fs.statSync(p).size;
    } catch {
      return 0;
    }
  });
}

/**
 * A conversion within bounded memory: files are read one at a time (in pieces when their format allows), their values
 * go to a spool of partitions that spills to disk past `memoryRows`, and to the catalogue's tally; the
 * partitions are then written one at a time, in key order. Same partitions, rows, order, provenance and
 * catalogue as a conversion in memory; Parquet only.
 */
async function convertBounded(
  paths: string[],
  out: string,
  inputBytes: number,
  sweptStaging: string[],
  options: ConvertOptions
): Promise<ConvertReport> {
  const staging = siblingPath(out, 'staging');
  const memoryRows = options.memoryRows ?? 1_000_000;
  const tally = new CatalogTally();
  // Every value goes through the spool, in reading order, and is tallied there.
  const spool = new PartitionSpool(path.join(staging, '.spool'), memoryRows, row =>
    tally.addRow(row)
  );
  let rejections: RejectionLog | null = null;
  const keep = (values: ObservationColumns): void => spool.add(values);
  const sizes = sizesOf(paths);
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  const progress = (p: Omit<ConvertProgress, 'filesTotal'>): void =>
    options.onProgress?.({ ...p, filesTotal: paths.length });
  const files: FileResult[] = [];
  const filesInPieces: string[] = [];
  try {
    makeFolder(staging, `the output folder ${out}`);
    rejections = new RejectionLog(path.join(staging, REJECTED_FILE));
    const read = { ...options.read, rejections };
    let bytesDone = 0;
    for (const [k, p] of paths.entries()) {
      await checkpoint(options.signal);
      const name = path.basename(p);
      progress({ phase: 'read', file: name, filesDone: k, bytesDone, bytesTotal });
      // A file read in pieces sends its values straight to their partitions (values: spool).
      const inPieces = await readLarge(
        p,
        name,
        sizes[k],
        files,
        keep,
        { ...read, values: spool },
        options,
        done =>
          progress({
            phase: 'read',
            file: name,
            filesDone: k,
            bytesDone: bytesDone + done,
            bytesTotal
          })
      );
      if (inPieces) filesInPieces.push(name);
      const result =
        inPieces ?? (await readOne(p, name, sizes[k], files, options.read, rejections));
      if (result.ok && !inPieces) {
        keep(observationsOf(result));
        loaded.delete(result);
      }
      files.push(result);
      bytesDone += sizes[k];
    }
    progress({ phase: 'read', file: null, filesDone: paths.length, bytesDone, bytesTotal });
    rejections.close();
    rejections = null;
    const totals = totalsOf(files);
    const bounded: BoundedConversion = {
      inputBytes,
      memoryRows,
      filesInPieces,
      rowsSpilled: 0,
      spills: 0,
      spillBytes: 0
    };
    const report: ConvertReport = {
      outDir: out,
      written: false,
      files,
      totals,
      catalog: null,
      sweptStaging,
      bounded
    };
    if (!files.some(f => f.ok) || (options.strict && totals.filesFailed)) {
      fs.rmSync(staging, { recursive: true, force: true });
      progress({ phase: 'done', file: null, filesDone: files.length, bytesDone: 0, bytesTotal: 0 });
      return notWritten(report);
    }
    const sources = files.filter(f => f.ok).map(sourceInfo);
    const keys = spool.keys();
    const parquetFiles = [];
    for (const [k, key] of keys.entries()) {
      await checkpoint(options.signal);
      const file = partitionFile(key, spool.rowCount(key));
      const target = path.join(staging, file.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const provenance = provenanceOf(sources, spool.sources(key));
      await writeStream(target, await parquetStream(spool.take(key), provenance));
      parquetFiles.push(file);
      progress({ phase: 'write', file: file.path, filesDone: k + 1, bytesDone: 0, bytesTotal: 0 });
    }
    fs.rmSync(spool.dir, { recursive: true, force: true });
    bounded.rowsSpilled = spool.spilledRows;
    bounded.spills = spool.spills;
    bounded.spillBytes = spool.spilledBytes;
    const catalog = tally.catalog(
      datasetsOf(sources),
      { parquetFiles, arrowFile: null },
      options.now
    );
    fs.writeFileSync(path.join(staging, CATALOG_FILE), JSON.stringify(catalog, null, 1));
    report.written = true;
    putInPlace(staging, out, report, options);
    progress({ phase: 'done', file: null, filesDone: files.length, bytesDone: 0, bytesTotal: 0 });
    return { ...report, catalog };
  } catch (e) {
    rejections?.close();
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

/**
 * A file read in pieces, its values handed to `keep` as they are read; null when it is to be read whole
 * (a format not read in pieces: see pieces.ts). A failure after values were handed over stops the
 * whole conversion (they cannot be taken back): an Error naming the file and where.
 */
async function readLarge(
  p: string,
  name: string,
  size: number,
  earlier: FileResult[],
  keep: (values: ObservationColumns) => void,
  read: ReadOptions,
  options: ConvertOptions,
  onBytes?: (bytes: number) => void
): Promise<FileResult | null> {
  if (size < Math.min(PIECES_ABOVE, options.pieceChars ?? Infinity)) return null;
  let scanned;
  try {
    scanned = await scanSource(p, name, options.read);
  } catch {
    return null; // read whole, which says what is wrong with the file
  }
  if (!scanned.pieces) return null;
  const twin = twinOf(name, scanned.sha256, earlier);
  if (twin)
    return { path: p, name, bytes: scanned.bytes, sha256: scanned.sha256, ok: false, error: twin };
  try {
    const ctx = await readInPieces(
      p,
      name,
      scanned,
      keep,
      read,
      options.pieceChars,
      onBytes,
      options.signal
    );
    return {
      path: p,
      name,
      bytes: scanned.bytes,
      sha256: scanned.sha256,
      ok: true,
      report: ctx.report,
      source: ctx.source
    };
  } catch (e) {
    if (options.signal?.aborted && e === options.signal.reason) throw e;
    const where =
      e instanceof IngestError ? formatIssue(e.issue) : `${name}: ${(e as Error).message}`;
    throw new Error(
      `${where} — this file was being read in pieces and its first values were already staged, so the ` +
        'conversion stops: fix the file, or convert it alone'
    );
  }
}

/** What a file read successfully says of itself (for provenance and the catalogue). */
function sourceInfo(f: FileResult): ReadSourceInfo {
  return { name: f.name, sha256: f.sha256, bytes: f.bytes, report: f.report!, source: f.source! };
}

/** Write a stream of bytes to a new file, chunk by chunk. */
async function writeStream(file: string, bytes: ReadableStream<Uint8Array>): Promise<void> {
  const handle = await fs.promises.open(file, 'wx');
  try {
    const reader = bytes.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read())
      await handle.write(next.value);
  } finally {
    await handle.close();
  }
}

/** The deepest folder holding every one of these files. */
function commonFolder(files: string[]): string {
  let root = path.dirname(files[0] ?? '.');
  while (!files.every(f => f.startsWith(root + path.sep)) && path.dirname(root) !== root)
    root = path.dirname(root);
  return root;
}

function totalsOf(files: FileResult[]): ConvertReport['totals'] {
  const totals = {
    rowsRead: 0,
    valuesRead: 0,
    valuesWritten: 0,
    valuesMissing: 0,
    valuesRejected: 0,
    filesFailed: files.filter(f => !f.ok).length
  };
  for (const f of files) {
    if (!f.ok) continue;
    totals.rowsRead += f.report!.rowsRead;
    totals.valuesRead += f.report!.valuesRead;
    totals.valuesWritten += f.report!.valuesWritten;
    totals.valuesMissing += f.report!.valuesMissing;
    totals.valuesRejected += f.report!.valuesRejected;
  }
  return totals;
}

/** Write the partitions, the Arrow file and the catalogue of the files read into `staging`. */
async function writeDataset(
  staging: string,
  files: FileResult[],
  options: ConvertOptions
): Promise<Catalog> {
  const made = new Set<string>();
  const catalog = await assembleHarmonised(
    files.filter(f => f.ok).map(f => ({ ...sourceInfo(f), observations: observationsOf(f) })),
    {
      formats: options.formats,
      now: options.now,
      signal: options.signal,
      write: (rel, bytes) => {
        const dir = path.join(staging, path.dirname(rel));
        if (!made.has(dir)) fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
        fs.writeFileSync(path.join(staging, rel), bytes);
      },
      onPartition: (rel, done, total) =>
        options.onProgress?.({
          phase: 'write',
          file: rel,
          filesDone: done,
          filesTotal: total,
          bytesDone: 0,
          bytesTotal: 0
        })
    }
  );
  fs.writeFileSync(path.join(staging, CATALOG_FILE), JSON.stringify(catalog, null, 1));
  return catalog;
}

/** One line per problem, for terminals and logs. */
export function formatFileResult(f: FileResult, maxRejected = 20): string {
  if (!f.ok) return `✗ ${formatIssue(f.error!)}`;
  const r = f.report!;
  const lines = [
    `✓ ${f.name} [${r.format}, ${r.dataset}${r.gzip ? ', gzip' : ''}${r.bom ? ', BOM' : ''}, ${r.encoding}]: ` +
      `${r.rowsRead} rows read, ${r.valuesRead} values read, ${r.valuesWritten} written, ` +
      `${r.valuesMissing} missing-coded, ${r.valuesRejected} rejected`
  ];
  for (const [reason, n] of Object.entries(r.rejectedByReason))
    lines.push(`    rejected ${n} × ${reason}`);
  for (const issue of r.rejected.slice(0, maxRejected)) lines.push(`    - ${formatIssue(issue)}`);
  const listed = Math.min(r.rejected.length, maxRejected);
  if (r.valuesRejected > listed)
    lines.push(
      `    … ${r.valuesRejected - listed} more in ` +
        (r.rejectedFile
          ? `${r.rejectedFile} (every rejected value, one JSON object per line)`
          : r.rejected.length < r.valuesRejected
            ? `no file (nothing was written; the first ${r.rejected.length} are in the report)`
            : 'report.json')
    );
  for (const u of r.unknownColumns)
    lines.push(
      `    unknown column "${u.column}" (column ${u.index}): not read, its ${u.cells} non-empty cell(s) rejected`
    );
  for (const u of r.unknownStations)
    lines.push(
      `    unknown station "${u.name}" (line ${u.line}, ${u.records} record(s))` +
        (u.ambiguous
          ? `, matching ${u.ambiguous.join(' and ')} equally`
          : ', not in the site register') +
        `: written as site "${u.siteId}" ${u.coordinates === 'from-file' ? "with the file's coordinates" : 'WITHOUT coordinates'}` +
        ' — add it to a site register (--site-register)'
    );
  for (const [w, n] of Object.entries(r.warnings)) lines.push(`    note (${n}×): ${w}`);
  if (!invariantHolds(r))
    lines.push(
      `    ✗ cells unaccounted for: ${r.cellsSeen} non-empty value cells seen, ` +
        `${r.valuesWritten + r.valuesRejected + r.valuesMissing} written, rejected or missing-coded` +
        (r.unaccounted.first.length
          ? ` (first at line ${r.unaccounted.first[0].line}; please report this file)`
          : '')
    );
  return lines.join('\n');
}

export { readSnoFile, makeFolder };
export { RejectionLog, readRejections, type RejectionMark } from './rejections';
