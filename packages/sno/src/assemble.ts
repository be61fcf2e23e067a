/**
 * A harmonised dataset assembled from files the readers have read: the Parquet partitions
 * (sno=/site=/year=), the Arrow file and the catalogue, as paths and bytes, each with the provenance
 * of its sources (the column mapping of a mapped CSV included). The one writing path: the CLI's
 * convertFiles writes them to a staging folder on disk, the data browser's "Add to my data" through
 * the contents service. Browser-safe.
 */
import {
  ARROW_FILE,
  partitionPath,
  type Catalog,
  type CatalogDataFile,
  type CatalogSourceFile,
  type DatasetInput
} from '@odatis-vre/harmonised';
import { CatalogTally } from './catalog';
import type { FileReport, SourceInfo } from './report';
import { ObservationColumns } from './schema';
import { toArrowIPC, toParquet, type Provenance } from './writers';

/** One source file as read: its bytes' identity and the reader's report. */
export interface ReadSourceInfo {
  name: string;
  sha256: string;
  bytes: number;
  report: FileReport;
  source: SourceInfo;
}

/** One source file as read, with what it read. */
export interface ReadSource extends ReadSourceInfo {
  observations: ObservationColumns;
}

export interface AssembleOptions {
  /** Receives each file (path relative to the dataset folder, forward slashes) as it is made. */
  write: (path: string, bytes: Uint8Array) => void | Promise<void>;
  formats?: ('parquet' | 'arrow')[];
  now?: Date;
  onPartition?: (path: string, done: number, total: number) => void;
  /**
   * Stops the assembly between partitions (a signal, a cancel button): it rejects with the signal's
   * reason and writes nothing more; what was written is the caller's to remove.
   */
  signal?: AbortSignal;
}

/** How long work may run between two yields to the event loop (ms). */
const YIELD_EVERY_MS = 25;
let lastYield = 0;

/**
 * Stop if asked to, and let pending events run (a signal handler, a cancel click) when work has held the
 * event loop for YIELD_EVERY_MS: a timer costs a millisecond or more, so yielding at every one of 300
 * small partitions spent a third of a second waiting. Browser-safe: a timer, not setImmediate.
 */
export async function checkpoint(signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  if (performance.now() - lastYield < YIELD_EVERY_MS) return;
  await new Promise<void>(resolve => setTimeout(resolve, 0));
  lastYield = performance.now();
  signal?.throwIfAborted();
}

/**
 * Writes the partitions and the Arrow file of the files read through `options.write`, and returns
 * the catalogue (which the caller writes: it decides when the dataset is complete).
 */
export async function assembleHarmonised(
  read: ReadSource[],
  options: AssembleOptions
): Promise<Catalog> {
  const formats = options.formats ?? ['parquet', 'arrow'];
  const parquetFiles: CatalogDataFile[] = [];
  if (formats.includes('parquet')) {
    const parts = partitions(read.map(r => r.observations));
    let done = 0;
    for (const [key, pieces] of parts) {
      await checkpoint(options.signal);
      // Each partition's rows copied once, from the files they were read from, in reading order.
      const part = new ObservationColumns();
      for (const [source, rows] of pieces) part.append(source, rows);
      const file = partitionFile(key, part.length);
      await options.write(file.path, toParquet(part, provenanceOf(read, part)));
      parquetFiles.push(file);
      options.onPartition?.(file.path, ++done, parts.length);
    }
  }
  let arrowFile: string | null = null;
  if (formats.includes('arrow')) {
    await checkpoint(options.signal);
    const all = new ObservationColumns();
    for (const r of read) all.append(r.observations);
    arrowFile = ARROW_FILE;
    await options.write(arrowFile, toArrowIPC(all, provenanceOf(read)));
  }
  // Counted file by file, in reading order: the catalogue of all the rows at once.
  const tally = new CatalogTally();
  for (const r of read) tally.add(r.observations);
  return tally.catalog(datasetsOf(read), { parquetFiles, arrowFile }, options.now);
}

/** Rows of each sno × site × year partition, file by file (row indices in each file), in key order. */
function partitions(sources: ObservationColumns[]): [string, Map<ObservationColumns, number[]>][] {
  const parts = new Map<string, Map<ObservationColumns, number[]>>();
  for (const obs of sources) {
    const sno = obs.column('sno');
    const site = obs.column('site_id');
    const time = obs.column('time');
    // Rows come in runs of the same station and year: the key is made when the run changes.
    let rows: number[] = [];
    let from = Infinity;
    let to = -Infinity;
    for (let i = 0; i < obs.length; i++) {
      const t = time[i];
      // (A time with no year, NaN, is never in the span: no shortcut for it or the row after.)
      if (i === 0 || !(t >= from && t < to) || sno[i] !== sno[i - 1] || site[i] !== site[i - 1]) {
        const key = partitionKey(sno[i], site[i], t);
        let pieces = parts.get(key);
        if (!pieces) parts.set(key, (pieces = new Map()));
        let found = pieces.get(obs);
        if (!found) pieces.set(obs, (found = []));
        rows = found;
        [from, to] = yearOf(t);
      }
      rows.push(i);
    }
  }
  return [...parts].sort((a, b) => comparePartitionKeys(a[0], b[0]));
}

/** The UTC year holding time t, as [its first millisecond, the next year's first). Years 0–99 too. */
export function yearOf(t: number): [number, number] {
  const d = new Date(t);
  d.setUTCMonth(0, 1);
  d.setUTCHours(0, 0, 0, 0);
  const from = d.getTime();
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return [from, d.getTime()];
}

/** The key of a row's sno × site × year partition (what `partitionFile` takes). */
export const partitionKey = (sno: string, siteId: string, time: number): string =>
  `${sno}\u0000${siteId}\u0000${new Date(time).getUTCFullYear()}`;

/** The order partitions are written and listed in. */
export const comparePartitionKeys = (a: string, b: string): number => a.localeCompare(b);

/** The catalogue entry of a partition: its Parquet file's path and keys. */
export function partitionFile(key: string, rowCount: number): CatalogDataFile {
  const [sno, siteId, year] = key.split('\u0000');
  const path = partitionPath({ sno, site: siteId, year: Number(year) });
  return { path, sno, siteId, year: Number(year), rowCount };
}

/**
 * The provenance of rows: the source files they come from, given as the rows or as their `source_file`
 * names (every file read when neither is given).
 */
export function provenanceOf(
  read: ReadSourceInfo[],
  rows?: ObservationColumns | ReadonlySet<string>
): Provenance {
  const names = rows instanceof ObservationColumns ? rows.distinct('source_file') : rows;
  return {
    sourceFiles: read
      .filter(r => !names || names.has(r.name))
      .map(r => ({
        name: r.name,
        sha256: r.sha256,
        doi: r.source.doi,
        licence: r.source.licence,
        dataset: r.report.dataset,
        mapping: r.source.mapping
      }))
  };
}

/** The catalogue's datasets: what the readers say of each, with its source files. */
export function datasetsOf(read: ReadSourceInfo[]): DatasetInput[] {
  const byDataset = new Map<string, DatasetInput>();
  for (const r of read) {
    const id = r.report.dataset;
    let d = byDataset.get(id);
    if (!d) {
      const s = r.source;
      byDataset.set(
        id,
        (d = {
          id,
          sno: s.sno,
          title: s.title,
          doi: s.doi,
          licence: s.licence,
          citation: s.citation,
          sourceFiles: []
        })
      );
    }
    const sf: CatalogSourceFile = {
      name: r.name,
      sha256: r.sha256,
      bytes: r.bytes,
      format: r.report.format,
      rowsRead: r.report.rowsRead,
      valuesWritten: r.report.valuesWritten,
      valuesRejected: r.report.valuesRejected,
      ...(r.source.mapping ? { mapping: { ...r.source.mapping } } : {})
    };
    d.sourceFiles.push(sf);
  }
  return [...byDataset.values()];
}
