/** The contract: its parts agree with each other, and the layout and format guesses are the ones written. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  COLUMNS,
  COLUMN_DOCS,
  COLUMN_KINDS,
  CORE_COLUMNS,
  REQUIRED_COLUMNS,
  FILE_EXTENSIONS,
  DATABASE_FILE,
  DATABASE_ORDER,
  HARMONISED_RELATION,
  harmonisedLocations,
  type Catalog,
  guessFormat,
  harmonisedPartitionOf,
  parseDataFileName,
  partitionPath,
  partitionSegment,
  catalogueMessages,
  englishMessages,
  messageCatalogue,
  messageText,
  textMsgids,
  translateText
} from '../src';

describe('columns', () => {
  it('the frozen core columns open the schema, in order, and every column has a kind and a text', () => {
    expect(COLUMNS.slice(0, CORE_COLUMNS.length)).toEqual([...CORE_COLUMNS]);
    expect(Object.keys(COLUMN_KINDS)).toEqual(COLUMNS);
    for (const c of COLUMNS) expect(COLUMN_DOCS[c].length).toBeGreaterThan(10);
    for (const c of REQUIRED_COLUMNS) expect(COLUMNS).toContain(c);
    expect(COLUMN_KINDS.time).toBe('timestamp');
    expect(COLUMN_KINDS.value).toBe('float64');
  });
});

describe('relation', () => {
  it('shows every column in schema order, then site and year, time as a UTC TIMESTAMP', () => {
    expect(HARMONISED_RELATION.map(c => c.name)).toEqual([...COLUMNS, 'site', 'year']);
    const types = Object.fromEntries(HARMONISED_RELATION.map(c => [c.name, c.type]));
    expect(types).toMatchObject({
      sno: 'VARCHAR',
      time: 'TIMESTAMP',
      value: 'DOUBLE',
      quality: 'INTEGER',
      site: 'VARCHAR',
      year: 'INTEGER'
    });
    for (const c of DATABASE_ORDER) expect(COLUMNS).toContain(c);
  });

  it('locates the Parquet partitions and the database file of a catalogue, under a URL or a path', () => {
    const catalog = {
      parquetFiles: [{ path: partitionPath({ sno: 'IGA', site: 'gravelines', year: 2020 }) }],
      databaseFile: DATABASE_FILE
    } as unknown as Catalog;
    expect(harmonisedLocations(catalog, 'http://h/files/shared/harmonised')).toEqual({
      files: [
        'http://h/files/shared/harmonised/parquet/sno=IGA/site=gravelines/year=2020/part-0.parquet'
      ],
      database: 'http://h/files/shared/harmonised/harmonised.duckdb'
    });
    const older = { ...catalog, databaseFile: undefined };
    expect(harmonisedLocations(older, '/data/h/').database).toBeNull();
  });
});

describe('layout', () => {
  it('a partition path reads back as the partition it was written for', () => {
    const rel = partitionPath({ sno: 'COAST-HF', site: 'wimereux-point-c', year: 2021 });
    expect(rel).toBe('parquet/sno=COAST-HF/site=wimereux-point-c/year=2021/part-0.parquet');
    expect(harmonisedPartitionOf(`https://host/files/shared/harmonised/${rel}?x=1`)).toEqual({
      sno: 'COAST-HF',
      site: 'wimereux-point-c',
      year: 2021
    });
  });

  it('partition values become single safe segments', () => {
    expect(partitionSegment('a/b=c d%e')).toBe('a_b_c_d_e');
    expect(partitionSegment('')).toBe('_');
    const rel = partitionPath({ sno: 'X', site: 'odd/site name', year: 1999 });
    expect(rel.split('/')).toHaveLength(5);
    expect(harmonisedPartitionOf(rel)).toEqual({ sno: 'X', site: 'odd_site_name', year: 1999 });
  });

  it('a path without the partitions is an error naming the file and what is missing', () => {
    expect(harmonisedPartitionOf('data/sno=X/part-0.parquet')).toEqual({
      error:
        'data/sno=X/part-0.parquet: expected a path with sno=<SNO>/site=<SITE>/year=<YYYY>/, found no site, year='
    });
    expect(harmonisedPartitionOf('sno=X/site=y/year=20x1/p.parquet')).toEqual({
      error: 'sno=X/site=y/year=20x1/p.parquet: expected year=<integer>, found year=20x1'
    });
  });
});

describe('guessFormat', () => {
  it('knows every listed extension, in any case, gzip or not, behind a query string', () => {
    for (const [format, exts] of Object.entries(FILE_EXTENSIONS))
      for (const ext of exts) {
        expect(guessFormat(`dir/file${ext}`)).toBe(format);
        expect(guessFormat(`dir/FILE${ext.toUpperCase()}.gz`)).toBe(format);
        expect(guessFormat(`https://h/x/file${ext}?v=2#top`)).toBe(format);
      }
  });

  it('settles the cases on which the two former guesses disagreed', () => {
    // One said Parquet for a gzipped TSV, the other Parquet for Feather and Arrow streams.
    expect(guessFormat('a.tsv.gz')).toBe('csv');
    expect(guessFormat('a.feather')).toBe('arrow');
    expect(guessFormat('a.arrows')).toBe('arrow');
    expect(guessFormat('a.ipc')).toBe('arrow');
    // A name that says nothing is taken for Parquet, the dataset's own format.
    expect(guessFormat('part-0')).toBe('parquet');
    expect(guessFormat('a.csv/part-0')).toBe('parquet');
  });

  it('parses a name into stem, format and compression', () => {
    expect(parseDataFileName('shared/g/SEANOE Hydro.csv.gz')).toEqual({
      stem: 'SEANOE Hydro',
      format: 'csv',
      gzip: true
    });
    expect(parseDataFileName('notes.json')).toEqual({
      stem: 'notes.json',
      format: null,
      gzip: false
    });
    expect(parseDataFileName('x.gz')).toEqual({ stem: 'x', format: null, gzip: true });
    // In a path, "#" and "?" are characters of the name; in a URL they end it.
    expect(parseDataFileName('runs/a#1.csv').stem).toBe('a#1');
    expect(parseDataFileName('https://h/a.csv#1')).toEqual({
      stem: 'a',
      format: 'csv',
      gzip: false
    });
  });
});

test('browser-safe: the package imports nothing', () => {
  const src = path.resolve(__dirname, '../src');
  for (const f of fs.readdirSync(src)) {
    const text = fs.readFileSync(path.join(src, f), 'utf8');
    const imports = [...text.matchAll(/from '([^']+)'/g)].map(m => m[1]);
    expect(imports.filter(i => !i.startsWith('./'))).toEqual([]);
  }
});

describe('messages across a worker boundary', () => {
  it("messageCatalogue keeps the placeholders of the page's translations for catalogueMessages to fill", () => {
    const page = catalogueMessages({ '%1 by %2': '%1 par %2', 'OMI axis 1': 'axe 1 de l’OMI' });
    const catalogue = messageCatalogue(page, ['%1 by %2', 'OMI axis 1', 'mean %1']);
    expect(catalogue).toEqual({
      '%1 by %2': '%1 par %2',
      'OMI axis 1': 'axe 1 de l’OMI',
      'mean %1': 'mean %1'
    });
    expect(catalogueMessages(catalogue).__('%1 by %2', 'n', 'site_id')).toBe('n par site_id');
    expect(messageCatalogue(englishMessages, ['%1 against %2'])).toEqual({
      '%1 against %2': '%1 against %2'
    });
  });

  it("reads a msgid's %% as % as JupyterLab's gettext does; an argument's %% stays", () => {
    expect(englishMessages.__('100%% of %1', 'x')).toBe('100% of x');
    expect(englishMessages.__('A %1 cell', '%%sql')).toBe('A %%sql cell');
    expect(catalogueMessages({ 'A %1 cell': 'Une cellule %1' }).__('A %1 cell', '%%sql')).toBe(
      'Une cellule %%sql'
    );
  });

  it('translates a list argument item by item, shown separated by commas', () => {
    const holds = {
      msgid: 'the rows hold %1',
      args: [[{ msgid: '%1 [%2] (%3 rows)', args: ['TEMP', 'degC', 3] }, 'PSAL']]
    };
    const french = catalogueMessages({
      'the rows hold %1': 'les lignes contiennent %1',
      '%1 [%2] (%3 rows)': '%1 [%2] (%3 lignes)'
    });
    expect(translateText(holds)).toBe('the rows hold TEMP [degC] (3 rows), PSAL');
    expect(translateText(holds, french)).toBe(
      'les lignes contiennent TEMP [degC] (3 lignes), PSAL'
    );
    expect(textMsgids(holds)).toEqual(['the rows hold %1', '%1 [%2] (%3 rows)']);
  });

  it('messageText writes the same message as a sentence: its msgid, then its arguments', () => {
    const holds = messageText('the rows hold %1', [
      messageText('%1 [%2] (%3 rows)', 'TEMP', 'degC', 3),
      'PSAL'
    ]);
    expect(holds).toEqual({
      msgid: 'the rows hold %1',
      args: [[{ msgid: '%1 [%2] (%3 rows)', args: ['TEMP', 'degC', 3] }, 'PSAL']]
    });
    expect(messageText('no date in common')).toEqual({ msgid: 'no date in common', args: [] });
    expect(translateText(holds)).toBe('the rows hold TEMP [degC] (3 rows), PSAL');
  });
});
