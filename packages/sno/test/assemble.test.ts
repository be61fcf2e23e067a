/**
 * assembleHarmonised is the one writing path: the CLI's convertFiles writes its files to disk, the
 * data browser's "Add to my data" keeps them in memory and writes them through the contents
 * service. Here it is driven as the browser drives it (no file system): the provenance carries a
 * mapped CSV's mapping, and an aborted signal stops it between partitions.
 */
import { createHash } from 'node:crypto';
import { readParquet, readSnoFile, type ReadOptions, type ReadSource } from '../src';
import { assembleHarmonised } from '../src/assemble';
import { mappedCsvFixture, somlitFixture } from '../src/testing';
import type { NativeFile } from '../src/native';

function readSource(file: NativeFile, options: ReadOptions = {}): ReadSource {
  const r = readSnoFile(file.name, file.bytes, options);
  return {
    name: file.name,
    sha256: createHash('sha256').update(file.bytes).digest('hex'),
    bytes: file.bytes.length,
    report: r.report,
    source: r.source,
    observations: r.observations
  };
}

test('in memory, as the data browser writes: every partition, the Arrow file and the mapping in the provenance', async () => {
  const { file, mapping } = mappedCsvFixture(4, 6);
  const somlit = somlitFixture('hydro', 1, 2);
  const read = [readSource(file, { mapping }), readSource(somlit)];
  const written = new Map<string, Uint8Array>();
  const progress: string[] = [];
  const catalog = await assembleHarmonised(read, {
    write: (path, bytes) => {
      written.set(path, bytes);
    },
    onPartition: (path, done, total) => progress.push(`${done}/${total} ${path}`)
  });
  expect([...written.keys()].sort()).toEqual(
    [...catalog.parquetFiles.map(p => p.path), catalog.arrowFile!].sort()
  );
  expect(progress).toEqual(
    catalog.parquetFiles.map((p, i) => `${i + 1}/${catalog.parquetFiles.length} ${p.path}`)
  );
  const rows = catalog.parquetFiles.reduce((n, p) => n + p.rowCount, 0);
  expect(rows).toBe(read.reduce((n, r) => n + r.observations.length, 0));

  const sources = catalog.datasets.flatMap(d => d.sourceFiles);
  expect(sources.find(s => s.name === file.name)!.mapping).toEqual(mapping);
  expect(sources.find(s => s.name === somlit.name)!.mapping).toBeUndefined();
  const seanoe = catalog.parquetFiles.find(p => p.sno === 'SEANOE')!;
  const meta = readParquet(written.get(seanoe.path)!).schema.metadata;
  expect(JSON.parse(meta.get('odatis.source_files')!)).toEqual([
    {
      name: file.name,
      sha256: read[0].sha256,
      doi: null,
      licence: null,
      dataset: read[0].report.dataset,
      mapping
    }
  ]);
});

test('an aborted signal stops it between partitions: it rejects with the reason, nothing more is written', async () => {
  const { file, mapping } = mappedCsvFixture(5, 12);
  const read = [readSource(file, { mapping })];
  const controller = new AbortController();
  const written: string[] = [];
  const run = assembleHarmonised(read, {
    signal: controller.signal,
    write: path => {
      written.push(path);
      // Cancelled while the first partition is written (a cancel click, a SIGINT).
      controller.abort(new Error('cancelled by the user'));
    }
  });
  await expect(run).rejects.toThrow('cancelled by the user');
  expect(written).toHaveLength(1);
  expect(written[0]).toMatch(/^parquet\/sno=SEANOE\//);
});
