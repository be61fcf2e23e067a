/**
 * A harmonised dataset assembled in memory from files the readers have read: the Parquet
 * partitions (sno=/site=/year=), the Arrow file and the catalogue, as paths and bytes. Browser-safe:
 * the data browser writes them through the contents service, as the CLI writes them to disk.
 */
import {
  ARROW_FILE,
  partitionPath,
  type Catalog,
  type CatalogDataFile,
  type DatasetInput
} from '@odatis-vre/harmonised';
import { buildCatalog } from './catalog';
import type { FileReport, SourceInfo } from './report';
import { ObservationColumns } from './schema';
import { toArrowIPC, toParquet, type Provenance } from './writers';

/** One source file as read: its bytes' identity, the reader's report and what it read. */
export interface ReadSource {
  name: string;
  sha256: string;
  bytes: number;
  report: FileReport;
  source: SourceInfo;
  observations: ObservationColumns;
}

export interface AssembleOptions {
  /** Receives each file (path relative to the dataset folder, forward slashes) as it is made. */
  write: (path: string, bytes: Uint8Array) => void;
  formats?: ('parquet' | 'arrow')[];
  now?: Date;
  onPartition?: (path: string, done: number, total: number) => void;
}

/**
 * Writes the partitions and the Arrow file of the files read through `options.write`, and returns
 * the catalogue (which the caller writes: it decides when the dataset is complete).
 */
export function assembleHarmonised(read: ReadSource[], options: AssembleOptions): Catalog {
  const formats = options.formats ?? ['parquet', 'arrow'];
  const all = new ObservationColumns();
  for (const r of read) all.append(r.observations);
  const provenanceOf = (names: Set<string>): Provenance => ({
    sourceFiles: read
      .filter(r => names.has(r.name))
      .map(r => ({
        name: r.name,
        sha256: r.sha256,
        doi: r.source.doi,
        licence: r.source.licence,
        dataset: r.report.dataset
      }))
  });
  const parquetFiles: CatalogDataFile[] = [];
  if (formats.includes('parquet')) {
    const parts = new Map<string, number[]>();
    const sno = all.column('sno');
    const site = all.column('site_id');
    const time = all.column('time');
    for (let i = 0; i < all.length; i++) {
      const key = `${sno[i]}\u0000${site[i]}\u0000${new Date(time[i]).getUTCFullYear()}`;
      let a = parts.get(key);
      if (!a) parts.set(key, (a = []));
      a.push(i);
    }
    let done = 0;
    for (const [key, idx] of [...parts].sort((a, b) => a[0].localeCompare(b[0]))) {
      const [s, siteId, year] = key.split('\u0000');
      const path = partitionPath({ sno: s, site: siteId, year: Number(year) });
      const part = all.select(idx);
      options.write(path, toParquet(part, provenanceOf(new Set(part.column('source_file')))));
      parquetFiles.push({ path, sno: s, siteId, year: Number(year), rowCount: idx.length });
      options.onPartition?.(path, ++done, parts.size);
    }
  }
  let arrowFile: string | null = null;
  if (formats.includes('arrow')) {
    arrowFile = ARROW_FILE;
    options.write(arrowFile, toArrowIPC(all, provenanceOf(new Set(read.map(r => r.name)))));
  }
  const datasets = new Map<string, DatasetInput>();
  for (const r of read) {
    const id = r.report.dataset;
    let d = datasets.get(id);
    if (!d) {
      const s = r.source;
      datasets.set(
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
    d.sourceFiles.push({
      name: r.name,
      sha256: r.sha256,
      bytes: r.bytes,
      format: r.report.format,
      rowsRead: r.report.rowsRead,
      valuesWritten: r.report.valuesWritten,
      valuesRejected: r.report.valuesRejected
    });
  }
  return buildCatalog(all, [...datasets.values()], { parquetFiles, arrowFile }, options.now);
}
