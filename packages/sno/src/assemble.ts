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
import { buildCatalog } from './catalog';
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

/**
 * Let pending events run (a signal handler, a cancel click), then stop if asked to. Browser-safe:
 * a timer, not setImmediate.
 */
export async function checkpoint(signal: AbortSignal | undefined): Promise<void> {
  await new Promise<void>(resolve => setTimeout(resolve, 0));
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
  const all = new ObservationColumns();
  for (const r of read) all.append(r.observations);
  const parquetFiles: CatalogDataFile[] = [];
  if (formats.includes('parquet')) {
    const parts = partitions(all);
    let done = 0;
    for (const [key, idx] of parts) {
      await checkpoint(options.signal);
      const file = partitionFile(key, idx.length);
      const part = all.select(idx);
      await options.write(file.path, toParquet(part, provenanceOf(read, part)));
      parquetFiles.push(file);
      options.onPartition?.(file.path, ++done, parts.length);
    }
  }
  let arrowFile: string | null = null;
  if (formats.includes('arrow')) {
    await checkpoint(options.signal);
    arrowFile = ARROW_FILE;
    await options.write(arrowFile, toArrowIPC(all, provenanceOf(read)));
  }
  return buildCatalog(all, datasetsOf(read), { parquetFiles, arrowFile }, options.now);
}

/** Row indices of each sno × site × year partition, in key order. */
function partitions(all: ObservationColumns): [string, number[]][] {
  const parts = new Map<string, number[]>();
  const sno = all.column('sno');
  const site = all.column('site_id');
  const time = all.column('time');
  for (let i = 0; i < all.length; i++) {
    const key = partitionKey(sno[i], site[i], time[i]);
    let a = parts.get(key);
    if (!a) parts.set(key, (a = []));
    a.push(i);
  }
  return [...parts].sort((a, b) => comparePartitionKeys(a[0], b[0]));
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
  const names = rows instanceof ObservationColumns ? new Set(rows.column('source_file')) : rows;
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
