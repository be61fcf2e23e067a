/**
 * The data services on a real engine (DuckDB-WASM in node) and real data: one PHYTOBS export of the shared
 * sample data converted by @odatis-vre/sno into the harmonised layout.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { convertFiles } from '@odatis-vre/sno/node';
import { DATABASE_FILE, type Catalog } from '@odatis-vre/harmonised';
import type { QueryEngine } from '@odatis-vre/query';
import { addHarmonisedDatabase, createWasmEngine } from '@odatis-vre/query/lib/node';
import {
  HarmonisedDataset,
  QueryableFiles,
  joinPath,
  parseCatalog,
  type HarmonisedStatus
} from '../src';

const SHARED = path.resolve(__dirname, '../../../../shared/data');
const SOURCE = path.join(SHARED, 'phytobs', 'PELAGOS_Arcachon_Bouee13.csv');

let root: string;
let engine: QueryEngine;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-services-'));
  await convertFiles([SOURCE], path.join(root, 'shared', 'harmonised'));
  fs.copyFileSync(SOURCE, path.join(root, 'arcachon.csv'));
  engine = createWasmEngine();
});

afterAll(async () => {
  await engine.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const readText = (p: string) => fs.promises.readFile(path.join(root, p), 'utf8');
const locate = (p: string) => path.join(root, p);

async function count(sql: string): Promise<number> {
  const { table } = await engine.query(sql);
  return Number(table.getChildAt(0)!.get(0));
}

test('reads the catalogue once for everyone, without starting the engine', async () => {
  let reads = 0;
  const counted = (p: string) => {
    reads++;
    return readText(p);
  };
  const dataset = new HarmonisedDataset({
    engine,
    path: 'shared/harmonised',
    readText: counted,
    locate
  });
  const [a, b] = await Promise.all([dataset.readCatalog(), dataset.readCatalog()]);
  expect(a).toBe(b);
  expect(a.datasets.map(d => d.queryPlace)).toEqual(a.datasets.map(() => 'both'));
  await dataset.attach();
  expect(dataset.catalog).toBe(a);
  expect(reads).toBe(1);
  // A folder without a catalogue fails with what to do, and is read again on the next call.
  const missing = new HarmonisedDataset({ engine, path: 'nowhere', readText: counted, locate });
  await expect(missing.readCatalog()).rejects.toThrow(/nowhere\/catalog\.json could not be read/);
  await expect(missing.readCatalog()).rejects.toThrow(/Harmonised dataset folder/);
  expect(reads).toBe(3);
});

test('attaches the harmonised dataset once, with its catalogue, and reports each step', async () => {
  const dataset = new HarmonisedDataset({ engine, path: 'shared/harmonised/', readText, locate });
  const seen: HarmonisedStatus['state'][] = [];
  dataset.statusChanged.connect((_, status) => seen.push(status.state));
  expect(dataset.status).toEqual({ state: 'idle' });

  const [a, b] = await Promise.all([dataset.attach(), dataset.attach()]);
  expect(a).toBe(b);
  expect(seen).toEqual(['attaching', 'attached']);

  const catalog = JSON.parse(await readText('shared/harmonised/catalog.json')) as Catalog;
  expect(dataset.catalog?.rowCount).toBe(catalog.rowCount);
  expect(a).toEqual({
    name: 'harmonised',
    files: catalog.parquetFiles.length,
    rows: catalog.rowCount,
    source: 'parquet'
  });
  expect(await count('SELECT count(*) FROM harmonised')).toBe(catalog.rowCount);
  expect(await dataset.attach()).toBe(a);
  expect(seen).toEqual(['attaching', 'attached']);
});

test('a dataset that cannot be attached says which file and why, and can be tried again', async () => {
  const dataset = new HarmonisedDataset({
    engine,
    path: 'elsewhere',
    name: 'other',
    readText,
    locate
  });
  await expect(dataset.attach()).rejects.toThrow(
    /^The harmonised dataset \(elsewhere\) is not available: elsewhere\/catalog\.json could not be read \(ENOENT/
  );
  expect(dataset.status.state).toBe('failed');

  fs.mkdirSync(path.join(root, 'elsewhere'));
  fs.writeFileSync(path.join(root, 'elsewhere', 'catalog.json'), '{"parquetFiles": []}');
  await expect(dataset.attach()).rejects.toThrow(
    'elsewhere/catalog.json lists no Parquet file ("parquetFiles" is empty)'
  );
  // A dataset kept only as its database file (bench/.cache/scale-100000000) is one.
  expect(
    parseCatalog('{"parquetFiles": [], "databaseFile": "harmonised.duckdb"}', 'x.json').databaseFile
  ).toBe('harmonised.duckdb');

  const catalog = await readText('shared/harmonised/catalog.json');
  fs.writeFileSync(path.join(root, 'elsewhere', 'catalog.json'), catalog);
  fs.cpSync(
    path.join(root, 'shared', 'harmonised', 'parquet'),
    path.join(root, 'elsewhere', 'parquet'),
    {
      recursive: true
    }
  );
  const attached = await dataset.attach();
  expect(dataset.status.state).toBe('attached');
  expect(attached.rows).toBe((JSON.parse(catalog) as Catalog).rowCount);
  expect(await count('SELECT count(*) FROM other')).toBe(attached.rows);
});

test('attaches the database file read in place when the converter wrote one, with the same rows', async () => {
  fs.cpSync(path.join(root, 'shared', 'harmonised'), path.join(root, 'withdb'), {
    recursive: true
  });
  const written = await addHarmonisedDatabase(path.join(root, 'withdb'));
  const dataset = new HarmonisedDataset({
    engine,
    path: 'withdb',
    name: 'fromdb',
    readText,
    locate
  });
  const attached = await dataset.attach();
  const catalog = JSON.parse(await readText('withdb/catalog.json')) as Catalog;
  expect(catalog.databaseFile).toBe(DATABASE_FILE);
  expect(attached).toEqual({
    name: 'fromdb',
    files: 0,
    rows: catalog.rowCount,
    source: 'database'
  });
  expect(written.rows).toBe(catalog.rowCount);
  // The same values as the Parquet partitions give, column by column.
  await new HarmonisedDataset({
    engine,
    path: 'shared/harmonised',
    name: 'fromparquet',
    readText,
    locate
  }).attach();
  expect(
    await count(`SELECT count(*) FROM (SELECT * FROM fromdb EXCEPT ALL SELECT * FROM fromparquet)`)
  ).toBe(0);
  expect(await count('SELECT count(*) FROM fromdb')).toBe(catalog.rowCount);

  // A catalogue naming a database file that is not there: the error names the file.
  fs.mkdirSync(path.join(root, 'nodb'));
  fs.writeFileSync(path.join(root, 'nodb', 'catalog.json'), JSON.stringify(catalog));
  const missing = new HarmonisedDataset({ engine, path: 'nodb', name: 'gone', readText, locate });
  await expect(missing.attach()).rejects.toThrow(
    `The harmonised dataset (nodb) is not available: the query engine could not load the database file nodb/${DATABASE_FILE} listed in nodb/catalog.json`
  );
});

test('files become queryable by path, and are loaded again only when they change', async () => {
  let reads = 0;
  const files = new QueryableFiles({
    engine,
    read: async p => {
      reads++;
      const full = path.join(root, p);
      return {
        bytes: new Uint8Array(fs.readFileSync(full)),
        lastModified: fs.statSync(full).mtime.toISOString()
      };
    },
    lastModified: async p => {
      const full = path.join(root, p);
      return fs.existsSync(full) ? fs.statSync(full).mtime.toISOString() : null;
    }
  });
  const parquet = (await readText('shared/harmonised/catalog.json')).match(
    /"path":\s*"([^"]+\.parquet)"/
  )![1];
  const parquetPath = joinPath('shared/harmonised', parquet);
  expect(await files.register(parquetPath)).toBe(parquetPath);
  const inFile = await count(`SELECT count(*) FROM "${parquetPath}"`);
  expect(inFile).toBeGreaterThan(0);

  expect(await files.register('arcachon.csv')).toBe('arcachon.csv');
  const lines = fs.readFileSync(path.join(root, 'arcachon.csv'), 'utf8').trim().split('\n');
  expect(await count('SELECT count(*) > 0 FROM "arcachon.csv"')).toBe(1);
  expect(reads).toBe(2);

  await files.register('arcachon.csv');
  expect(reads).toBe(2);
  fs.writeFileSync(path.join(root, 'arcachon.csv'), 'a,b\n1,2\n3,4\n');
  fs.utimesSync(path.join(root, 'arcachon.csv'), new Date(), new Date(Date.now() + 5000));
  await files.register('arcachon.csv');
  expect(reads).toBe(3);
  expect(await count('SELECT sum(b) FROM "arcachon.csv"')).toBe(6);
  expect(lines.length).toBeGreaterThan(2);

  await expect(files.register('nothing/here.parquet')).rejects.toThrow(
    'There is no file nothing/here.parquet'
  );
  await expect(files.register('notes.txt')).rejects.toThrow(
    'notes.txt: expected a .parquet, .arrow or .csv file, found "notes.txt"'
  );
});
