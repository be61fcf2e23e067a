/**
 * A conversion within bounded memory (large inputs: delimited exports read in pieces, partitions spilled to
 * disk as deflated Arrow and streamed into their Parquet files) writes what a conversion in memory writes: the same partitions holding the
 * same rows in the same order, the same provenance, catalogue and report. Forced here on small files
 * with tiny pieces and a tiny budget of rows, so that every path (pieces, gzip, rejections across
 * pieces, spills, whole reads beside pieces) runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { tableFromIPC } from 'apache-arrow';
import type { Catalog, Observation } from '@odatis-vre/harmonised';
import { ObservationColumns, observation, readParquet, tableToObservations } from '../src';
import { PartitionSpool } from '../src/spool';
import { convertFiles, type ConvertOptions } from '../src/node';
import { coastHfFixture, mappedCsvFixture, somlitFixture } from '../src/testing';
import { scratch, sharedFiles } from './helpers';

const now = new Date(Date.UTC(2026, 10, 30));

interface Written {
  catalog: Catalog;
  report: Record<string, unknown>;
  partitions: Map<string, { rows: Observation[]; metadata: Record<string, string> }>;
}

/** Everything a conversion wrote, read back: the catalogue, the report and every partition's rows. */
function writtenIn(dir: string): Written {
  const catalog = JSON.parse(fs.readFileSync(path.join(dir, 'catalog.json'), 'utf8')) as Catalog;
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
  delete report.bounded;
  const partitions = new Map<
    string,
    Written['partitions'] extends Map<string, infer V> ? V : never
  >();
  for (const f of catalog.parquetFiles) {
    const table = readParquet(fs.readFileSync(path.join(dir, f.path)));
    partitions.set(f.path, {
      rows: tableToObservations(table),
      metadata: Object.fromEntries(table.schema.metadata)
    });
  }
  return { catalog, report, partitions };
}

/** Both ways on the same files (read with the same `read` options); what each wrote, the bounded run's report. */
async function bothWays(files: string[], bounded: ConvertOptions) {
  const dir = scratch('bounded');
  const inMemory = await convertFiles(files, path.join(dir, 'memory'), {
    formats: ['parquet'],
    now,
    read: bounded.read
  });
  const report = await convertFiles(files, path.join(dir, 'bounded'), {
    now,
    boundedAbove: 0,
    ...bounded
  });
  expect(inMemory.bounded).toBeUndefined();
  return {
    memory: writtenIn(path.join(dir, 'memory')),
    bounded: writtenIn(path.join(dir, 'bounded')),
    report,
    dir
  };
}

/** Same partitions, rows (every field, -0 and null told apart), order and metadata. */
function expectSameContent(a: Written, b: Written): void {
  expect(b.catalog).toEqual(a.catalog);
  expect(b.report).toEqual(a.report);
  expect([...b.partitions.keys()]).toEqual([...a.partitions.keys()]);
  for (const [p, x] of a.partitions) {
    const y = b.partitions.get(p)!;
    expect(y.metadata).toEqual(x.metadata);
    expect(y.rows.length).toBe(x.rows.length);
    for (let i = 0; i < x.rows.length; i++) {
      for (const k of Object.keys(x.rows[i]) as (keyof Observation)[]) {
        if (!Object.is(x.rows[i][k], y.rows[i][k]))
          throw new Error(`${p} row ${i} ${k}: ${x.rows[i][k]} in memory, ${y.rows[i][k]} bounded`);
      }
    }
  }
}

test('COAST-HF read in pieces (plain and gzip, with rejected cells) and spilled partitions: the same dataset as in memory', async () => {
  const dir = scratch('bounded-in');
  // Over two years (hourly from July 2021), so partitions change within the file.
  const a = coastHfFixture(1, 24 * 200);
  fs.writeFileSync(path.join(dir, 'buoy-a.csv'), a.bytes);
  // A damaged copy of another series: a word for a number, an unknown QC flag, a truncated record.
  const lines = Buffer.from(coastHfFixture(7, 24 * 30).bytes)
    .toString('utf8')
    .split('\n');
  const cells = (k: number): string[] => lines[k].split(',');
  const at = (from: number): number => {
    for (let k = from; ; k++) if (cells(k)[6] !== '') return k;
  };
  const word = at(40);
  lines[word] = cells(word)
    .map((c, i) => (i === 6 ? 'n/a' : c))
    .join(',');
  const flag = at(400);
  lines[flag] = cells(flag)
    .map((c, i) => (i === 7 ? 'Q' : c))
    .join(',');
  lines[600] = lines[600].split(',').slice(0, 9).join(',');
  fs.writeFileSync(path.join(dir, 'buoy-b.csv.gz'), gzipSync(lines.join('\n')));
  // A SOMLIT file beside them: read whole.
  const somlit = somlitFixture('hydro', 2, 3);
  fs.writeFileSync(path.join(dir, somlit.name), somlit.bytes);
  const files = ['buoy-a.csv', 'buoy-b.csv.gz', somlit.name].map(f => path.join(dir, f));

  const { memory, bounded, report } = await bothWays(files, { pieceChars: 3000, memoryRows: 700 });
  expect(report.bounded!.filesInPieces).toEqual(['buoy-a.csv', 'buoy-b.csv.gz']);
  expect(report.bounded!.spills).toBeGreaterThan(5);
  expect(report.bounded!.rowsSpilled).toBeGreaterThan(report.totals.valuesWritten / 2);
  // The rejections were made in later pieces: their lines are the file's.
  const b = report.files[1].report!;
  expect(b.rejected.map(r => [r.line, r.reason])).toEqual([
    [word + 1, 'not-a-number'],
    [flag + 1, 'unknown-flag'],
    ...b.rejected.filter(r => r.line === 601).map(r => [601, r.reason])
  ]);
  expect(b.rejected.filter(r => r.line === 601).length).toBeGreaterThan(0);
  expect(b.linesRead).toBe(lines.filter(l => l !== '').length);
  expect(memory.partitions.size).toBeGreaterThan(2);
  expectSameContent(memory, bounded);
});

test('Quadrige (the shared Gravelines exports, gzip) and a mapped CSV (CRLF, decimal comma, a rejected cell) read in pieces: the same dataset as in memory', async () => {
  const dir = scratch('bounded-pieces');
  const { file, mapping } = mappedCsvFixture(5, 4000);
  const lines = Buffer.from(file.bytes).toString('utf8').split('\r\n');
  // A word for a temperature far from the first piece: rejected with its line, as in memory.
  lines[3000] = lines[3000]
    .split(';')
    .map((c, i) => (i === 4 ? 'chaud' : c))
    .join(';');
  fs.writeFileSync(path.join(dir, file.name), lines.join('\r\n'));
  const files = [...sharedFiles('gravelines'), path.join(dir, file.name)];
  const { memory, bounded, report } = await bothWays(files, {
    pieceChars: 20_000,
    memoryRows: 30_000,
    read: { mapping }
  });
  expect(report.bounded!.filesInPieces).toEqual([...files.map(f => path.basename(f))]);
  expect(report.files.map(f => f.report!.format)).toEqual(['quadrige', 'quadrige', 'mapped-csv']);
  expect(report.files[2].report!.rejected.map(r => [r.line, r.reason])).toEqual([
    [3001, 'not-a-number']
  ]);
  expect(report.bounded!.spills).toBeGreaterThan(0);
  expectSameContent(memory, bounded);
}, 300_000);

test('the shared data within bounded memory (files read whole, partitions spilled): the same dataset as in memory', async () => {
  const files = [...sharedFiles('phytobs'), ...sharedFiles('gravelines')];
  const { memory, bounded, report } = await bothWays(files, { memoryRows: 20_000 });
  // Every file under the size read in pieces (PHYTOBS Pelagos is always read whole).
  expect(report.bounded!.filesInPieces).toEqual([]);
  expect(report.bounded!.spills).toBeGreaterThan(0);
  expectSameContent(memory, bounded);
}, 300_000);

test('the Arrow file is refused within bounded memory, saying why and what to do; nothing is written', async () => {
  const dir = scratch('bounded-arrow');
  const f = coastHfFixture(2, 48);
  fs.writeFileSync(path.join(dir, f.name), f.bytes);
  await expect(
    convertFiles([path.join(dir, f.name)], path.join(dir, 'out'), {
      boundedAbove: 0,
      formats: ['parquet', 'arrow']
    })
  ).rejects.toThrow(/observations\.arrow .*bounded memory.*--format parquet/);
  expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
});

test('a file read in pieces that turns out broken stops the conversion with its line; nothing is written', async () => {
  const dir = scratch('bounded-broken');
  const lines = Buffer.from(coastHfFixture(3, 24 * 20).bytes)
    .toString('utf8')
    .split('\n');
  lines[300] = lines[300].replace('SMILE', '"SMILE');
  const file = path.join(dir, 'broken.csv');
  fs.writeFileSync(file, lines.join('\n'));
  await expect(
    convertFiles([file], path.join(dir, 'out'), { boundedAbove: 0, pieceChars: 2000 })
  ).rejects.toThrow(/broken\.csv.*line 301.*read in pieces/s);
  expect(fs.readdirSync(dir)).toEqual(['broken.csv']);
});

test('the spool gives back every row as it was added: -0, nulls, extremes, text, in order', () => {
  const rows: Observation[] = [];
  for (let i = 0; i < 50; i++) {
    rows.push({
      sno: i % 3 ? 'COAST-HF' : 'SOMLIT',
      site_id: `site-${i % 2}`,
      site_name: i % 5 ? 'Île d’Aix « bouée »' : null,
      latitude: i % 4 ? 46.01 : null,
      longitude: i % 4 ? -1.17 : null,
      time: Date.UTC(2020 + (i % 3), 0, 1) + i * 61_001,
      depth: i % 7 ? -0 : null,
      parameter: 'TEMP',
      p01: null,
      p02: i % 2 ? 'TEMP' : null,
      taxon: null,
      aphia_id: i % 6 ? 2147483647 - i : null,
      value: [0, -0, 1e-300, -1.7976931348623157e308, 5e-324, 0.1 + 0.2][i % 6],
      unit: 'degC',
      quality: i % 10,
      source_flag: String(i % 10),
      source_file: `f${i % 2}.csv`,
      source_row: i + 2,
      dataset: null,
      sample_id: i % 3 ? `s${i}` : null,
      source_column: 'TEMP (degree_Celsius)',
      source_column_index: 7,
      taxon_user: null,
      taxon_qualifier: null,
      method: null,
      time_flag: i % 9 ? null : 'date-only'
    });
  }
  const spool = new PartitionSpool(scratch('spool'), 4);
  for (let at = 0; at < rows.length; at += 7) {
    const chunk = new ObservationColumns();
    for (const r of rows.slice(at, at + 7)) chunk.push(r);
    spool.add(chunk);
  }
  expect(spool.spills).toBeGreaterThan(3);
  const back: Observation[] = [];
  // Partition by partition in key order, each partition's rows in the order added.
  const byKey = (r: Observation): string =>
    `${r.sno}\u0000${r.site_id}\u0000${new Date(r.time).getUTCFullYear()}`;
  let sources = 0;
  for (const key of spool.keys()) {
    const count = spool.rowCount(key);
    sources += spool.sources(key).size;
    const before = back.length;
    for (const ipc of spool.take(key)) {
      const part = ObservationColumns.fromTable(tableFromIPC(ipc));
      for (let i = 0; i < part.length; i++) back.push(part.row(i));
    }
    expect(back.length - before).toBe(count);
  }
  // Each partition's source files, as its rows name them.
  expect(sources).toBe(new Set(rows.map(r => `${byKey(r)}\u0000${r.source_file}`)).size);
  expect(fs.readdirSync(spool.dir)).toEqual([]);
  const order = [...new Set(rows.map(byKey))].sort((a, b) => a.localeCompare(b));
  const inOrder = order.flatMap(k => rows.filter(r => byKey(r) === k));
  expect(back.length).toBe(rows.length);
  back.forEach((r, i) => {
    for (const k of Object.keys(r) as (keyof Observation)[])
      if (!Object.is(r[k], inOrder[i][k]))
        throw new Error(`row ${i} ${k}: ${r[k]} ≠ ${inOrder[i][k]}`);
  });
});

test('a stop asked while a file is read in pieces ends the reading there; nothing is written', async () => {
  const dir = scratch('bounded-stop');
  const f = coastHfFixture(4, 24 * 60);
  fs.writeFileSync(path.join(dir, f.name), f.bytes);
  const controller = new AbortController();
  const reason = new Error('stopped by the test');
  let piecesRead = 0;
  await expect(
    convertFiles([path.join(dir, f.name)], path.join(dir, 'out'), {
      boundedAbove: 0,
      pieceChars: 2000,
      signal: controller.signal,
      onProgress: p => {
        if (p.phase === 'read' && p.bytesDone > 0 && ++piecesRead === 2) controller.abort(reason);
      }
    })
  ).rejects.toBe(reason);
  expect(fs.readdirSync(dir)).toEqual([f.name]);
});

test('a partition built straight into typed columns gives back every value pushed (nulls, trailing nulls, growth)', () => {
  const pushed: Observation[] = [];
  const built = new ObservationColumns();
  const n = 5000; // past several doublings of the columns' first 64 rows
  for (let i = 0; i < n; i++) {
    const o = observation({
      sno: i % 3 ? 'COAST-HF' : 'SOMLIT',
      site_id: `site-${i % 7}`,
      time: Date.UTC(2020, 0, 1) + i * 600_000,
      parameter: ['TEMP', 'PSAL', 'CHLA'][i % 3],
      value: i % 11 ? i / 7 : -0,
      quality: i % 5,
      source_file: 'a.csv',
      source_row: i + 2,
      // Optional columns: some null throughout the end (the validity bitmap must cover every row).
      latitude: i < 3000 ? 50 + i / 1e4 : null,
      depth: i % 2 ? null : i / 10,
      unit: i > 4990 ? null : 'degC',
      taxon: i % 13 ? null : `Taxon ${i % 4}`,
      aphia_id: i % 13 ? null : 1000 + (i % 4)
    });
    pushed.push(o);
    built.push(o);
  }
  expect(built.length).toBe(n);
  const a = pushed;
  const b = tableToObservations(built.toTable());
  expect(b.length).toBe(n);
  for (let i = 0; i < n; i++)
    for (const k of Object.keys(a[i]) as (keyof Observation)[])
      if (!Object.is(a[i][k], b[i][k])) throw new Error(`row ${i} ${k}: ${a[i][k]} vs ${b[i][k]}`);
  expect(b[4999].latitude).toBeNull();
  expect(b[4999].unit).toBeNull();
  expect(Object.is(b[0].value, -0)).toBe(true);
});
