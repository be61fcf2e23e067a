/**
 * "Add to my data" on a folder: real files (the shared data's, as a catalogue would serve them)
 * through the ingestion readers into a harmonised dataset, with provenance; a failure at any step
 * leaves the previous dataset as it was.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { catalogueMessages } from '@odatis-vre/harmonised';
import { REJECTED_FILE, REJECTED_IN_REPORT, readParquet } from '@odatis-vre/sno';
import {
  addToMyData,
  blankRecord,
  emptyQuery,
  erddapSubset,
  reportLine,
  safeFileName,
  SourceError,
  sqlFor,
  unappliedFilters,
  Transport,
  type DataStore,
  type Retrieved
} from '../src';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startTestServer } = require('../testing/server.js');

const SHARED = path.resolve(__dirname, '../../../../shared/data');

/** A folder on disk as the user's files; `failAt` makes the n-th write fail (a full disk, a lost tab). */
function folderStore(root: string, failAt = Infinity): DataStore & { writes: number } {
  const full = (p: string) => path.join(root, p);
  const store = {
    writes: 0,
    async read(p: string) {
      return fs.existsSync(full(p)) ? new Uint8Array(fs.readFileSync(full(p))) : null;
    },
    async write(p: string, bytes: Uint8Array) {
      if (++store.writes >= failAt) throw new Error('disk full');
      fs.writeFileSync(full(p), bytes);
    },
    async mkdir(p: string) {
      fs.mkdirSync(full(p), { recursive: true });
    },
    async exists(p: string) {
      return fs.existsSync(full(p));
    },
    async remove(p: string) {
      fs.rmSync(full(p), { recursive: true, force: true });
    }
  };
  return store;
}

function retrieved(file: string, bytes: Uint8Array, doi: string): Retrieved {
  return {
    name: file,
    url: `https://www.seanoe.org/data/x/${file}`,
    bytes,
    retrieved: '2026-11-30T10:00:00.000Z',
    doi,
    licence: null,
    citation: null,
    record: { source: 'seanoe', id: doi, title: 'test', landingPage: null }
  };
}

const listing = (dir: string): string[] =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: false }).map(String).sort();

describe('add to my data', () => {
  let root: string;
  const hydro = () =>
    new Uint8Array(
      gunzipSync(
        fs.readFileSync(path.join(SHARED, 'gravelines', 'SEANOE_Gravelines_Process_Hydro.csv.gz'))
      )
    );
  const wimereux = () =>
    new Uint8Array(
      fs.readFileSync(path.join(SHARED, 'phytobs', 'PELAGOS_Wimereux_SOMLIT_phyto_pointC.csv'))
    );

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-mydata-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads a downloaded file into a harmonised dataset with its provenance', async () => {
    const seen: string[] = [];
    const report = await addToMyData(
      folderStore(root),
      'my-data',
      [retrieved('SEANOE_Gravelines_Process_Hydro.csv', hydro(), '10.17882/102656')],
      (_, text) => seen.push(text)
    );
    expect(report.files.map(f => [f.file, f.format, f.valuesWritten, f.valuesRejected])).toEqual([
      ['SEANOE_Gravelines_Process_Hydro.csv', 'quadrige', 12635, 0]
    ]);
    const catalog = JSON.parse(fs.readFileSync(path.join(root, 'my-data', 'catalog.json'), 'utf8'));
    expect(catalog.rowCount).toBe(12635);
    expect(catalog.datasets.map((d: { id: string; doi: string }) => [d.id, d.doi])).toEqual([
      ['IGA-Gravelines-hydro', '10.17882/102656']
    ]);
    const version = catalog.parquetFiles[0].path.split('/')[0];
    expect(version).toMatch(/^v[0-9a-z]+$/);
    // Every partition the catalogue names is there, and together they hold every value.
    let rows = 0;
    for (const f of catalog.parquetFiles) {
      rows += readParquet(
        new Uint8Array(fs.readFileSync(path.join(root, 'my-data', f.path)))
      ).numRows;
    }
    expect(rows).toBe(12635);
    const provenance = JSON.parse(
      fs.readFileSync(path.join(root, 'my-data', version, 'provenance.json'), 'utf8')
    );
    expect(provenance).toEqual([
      {
        file: 'SEANOE_Gravelines_Process_Hydro.csv',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        bytes: hydro().length,
        url: 'https://www.seanoe.org/data/x/SEANOE_Gravelines_Process_Hydro.csv',
        retrieved: '2026-11-30T10:00:00.000Z',
        doi: '10.17882/102656',
        licence: null,
        citation: null,
        record: { source: 'seanoe', id: '10.17882/102656', title: 'test', landingPage: null }
      }
    ]);
    expect(
      fs.readFileSync(
        path.join(root, 'my-data', version, 'sources', 'SEANOE_Gravelines_Process_Hydro.csv')
      )
    ).toEqual(Buffer.from(hydro()));
    expect(seen[seen.length - 1]).toBe('Done');
  });

  it('adds a second file to the same dataset, and removes the previous version', async () => {
    const store = folderStore(root);
    await addToMyData(store, 'my-data', [retrieved('hydro.csv', hydro(), '10.17882/102656')]);
    const report = await addToMyData(store, 'my-data', [
      retrieved('PELAGOS_Wimereux_SOMLIT_phyto_pointC.csv', wimereux(), '10.17882/85178')
    ]);
    expect(report.catalog.datasets.map(d => d.id)).toEqual([
      'IGA-Gravelines-hydro',
      'PHYTOBS-Pelagos'
    ]);
    // Every value the readers wrote is in the dataset: only ERDDAP subsets are deduplicated.
    expect(report.notes).toEqual([]);
    expect(report.catalog.rowCount).toBe(report.files.reduce((n, f) => n + f.valuesWritten, 0));
    expect(fs.readdirSync(path.join(root, 'my-data')).filter(n => n.startsWith('v'))).toHaveLength(
      1
    );
    await expect(
      addToMyData(store, 'my-data', [retrieved('hydro.csv', hydro(), 'x')])
    ).rejects.toThrow('Already in my-data: hydro.csv');
    await expect(
      addToMyData(store, 'my-data', [retrieved('hydro.csv', wimereux(), 'x')])
    ).rejects.toThrow('my-data already holds another file named hydro.csv');
  });

  it('writes every rejected value beside report.json, which lists the first ones, and says where', async () => {
    // The shared Gravelines hydro export with a word in place of numbers on 1 200 records.
    const lines = new TextDecoder().decode(hydro()).split('\n');
    const header = lines[0].split(';');
    const damaged = lines.map((l, k) => {
      if (k === 0 || k > 1200 || !l) return l;
      const cells = l.split(';');
      const at = cells.findIndex((c, i) => i > 0 && /^-?\d+([.,]\d+)?$/.test(c.trim()));
      if (at >= 0) cells[at] = 'n/a';
      return cells.join(';');
    });
    expect(header.length).toBeGreaterThan(3);
    const report = await addToMyData(folderStore(root), 'my-data', [
      retrieved('hydro.csv', new TextEncoder().encode(damaged.join('\n')), '10.17882/102656')
    ]);
    const r = report.files[0];
    expect(r.valuesRejected).toBeGreaterThan(REJECTED_IN_REPORT);
    expect(r.rejectedFile).toBe(REJECTED_FILE);
    const version = report.catalog.parquetFiles[0].path.split('/')[0];
    const inFile = fs
      .readFileSync(path.join(root, 'my-data', version, REJECTED_FILE), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(l => JSON.parse(l));
    expect(inFile).toHaveLength(r.valuesRejected);
    const byReason: Record<string, number> = {};
    for (const i of inFile) byReason[i.reason] = (byReason[i.reason] ?? 0) + 1;
    expect(byReason).toEqual(r.rejectedByReason);
    const saved = JSON.parse(
      fs.readFileSync(path.join(root, 'my-data', version, 'report.json'), 'utf8')
    );
    expect(saved.files[0].rejected).toHaveLength(REJECTED_IN_REPORT);
    expect(saved.files[0].rejected).toEqual(
      inFile
        .slice(0, REJECTED_IN_REPORT)
        .map(({ column, ...i }) => (column === null ? i : { ...i, column }))
    );
    expect(r.valuesWritten + r.valuesRejected + r.valuesMissing).toBe(r.valuesRead);
    expect(report.notes).toEqual([
      `Every rejected value (${r.valuesRejected.toLocaleString('en')}), with its file, line, column, what was expected and found: my-data/${version}/${REJECTED_FILE}`
    ]);
  });

  it('writes nothing when a file cannot be read, and keeps the dataset whole when a write fails', async () => {
    const store = folderStore(root);
    await addToMyData(store, 'my-data', [retrieved('hydro.csv', hydro(), '10.17882/102656')]);
    const before = listing(path.join(root, 'my-data'));
    const catalogBefore = fs.readFileSync(path.join(root, 'my-data', 'catalog.json'));

    const filter = new TextEncoder().encode(
      '{"parameters": ["TEMP"], "station": "Canal Amenee"}\n'
    );
    await expect(
      addToMyData(store, 'my-data', [retrieved('filter.json', filter, 'x')])
    ).rejects.toThrow(
      /^The ingestion readers cannot read filter\.json: filter\.json, line 1: expected a data table, one of: .*, found a JSON document: an object with key\(s\) "parameters", "station"/
    );
    expect(listing(path.join(root, 'my-data'))).toEqual(before);

    const failing = folderStore(root, 5);
    await expect(
      addToMyData(failing, 'my-data', [retrieved('wimereux.csv', wimereux(), '10.17882/85178')])
    ).rejects.toThrow('Nothing was added to my-data: disk full');
    expect(listing(path.join(root, 'my-data'))).toEqual(before);
    expect(fs.readFileSync(path.join(root, 'my-data', 'catalog.json'))).toEqual(catalogBefore);
  });

  it("says what it does and why it refuses in the bundle's language", async () => {
    const french = catalogueMessages({
      'Reading %1': 'Lecture de %1',
      'Writing Parquet partitions': 'Écriture des partitions Parquet',
      Done: 'Terminé',
      'Already in %1: %2': 'Déjà dans %1 : %2',
      '%1 [%2, %3]: %4 rows read, %5 values written, %6 missing-coded, %7 rejected':
        '%1 [%2, %3] : %4 lignes lues, %5 valeurs écrites, %6 codées manquantes, %7 rejetées'
    });
    const store = folderStore(root);
    const seen: string[] = [];
    const file = retrieved('hydro.csv', hydro(), '10.17882/102656');
    const report = await addToMyData(
      store,
      'my-data',
      [file],
      (_f, text) => seen.push(text),
      french
    );
    expect(seen).toEqual(
      expect.arrayContaining(['Lecture de hydro.csv', 'Écriture des partitions Parquet', 'Terminé'])
    );
    expect(reportLine(report.files[0], french)).toMatch(
      /^hydro\.csv \[.+\] : \d+ lignes lues, \d+ valeurs écrites, \d+ codées manquantes, \d+ rejetées/
    );
    await expect(addToMyData(store, 'my-data', [file], undefined, french)).rejects.toThrow(
      'Déjà dans my-data : hydro.csv'
    );
  });

  it('keeps file names to one plain path segment', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('a b/ç.csv')).toBe('_.csv');
    expect(safeFileName('..')).toBe('download');
  });
});

describe('add an ERDDAP subset to my data', () => {
  let server: { url: string; close(): Promise<void> };
  let root: string;
  const transport = new Transport({ timeoutMs: 10_000 });
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-mydata-erddap-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A search hit: no variables yet, as the advanced search lists it. */
  const hit = () => ({
    ...blankRecord('erddap', 'coast_hf_marel_carnot', 'MAREL Carnot'),
    erddap: {
      server: `${server.url}/erddap`,
      datasetId: 'coast_hf_marel_carnot',
      protocol: 'tabledap' as const
    }
  });

  it('downloads the subset of the search’s years and area, and adds it with its provenance', async () => {
    const query = {
      ...emptyQuery(),
      years: { from: 2019, to: 2019 },
      bbox: [1.5, 50.7, 1.6, 50.8] as [number, number, number, number]
    };
    const subset = await erddapSubset(transport, hit(), query);
    expect(subset.url).toBe(
      `${server.url}/erddap/tabledap/coast_hf_marel_carnot.csv?time,latitude,longitude,station,TEMP,TEMP_QC,PSAL` +
        '&time%3E%3D2019-01-01T00%3A00%3A00Z&time%3C%3D2019-12-31T23%3A59%3A59Z' +
        '&latitude%3E%3D50.7&latitude%3C%3D50.8&longitude%3E%3D1.5&longitude%3C%3D1.6'
    );
    // What ERDDAP answered: names, units, then one line per day of 2019.
    const lines = new TextDecoder().decode(subset.bytes).trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'time,latitude,longitude,station,TEMP,TEMP_QC,PSAL',
      'UTC,degrees_north,degrees_east,,degree_C,,1e-3'
    ]);
    const rows = lines.slice(2).map(l => l.split(','));
    expect(rows).toHaveLength(365);
    const values = rows.reduce(
      (n, r) => n + (r[4] !== 'NaN' ? 1 : 0) + (r[6] !== 'NaN' ? 1 : 0),
      0
    );

    const report = await addToMyData(folderStore(root), 'my-data', [subset]);
    expect(report.files).toHaveLength(1);
    expect(report.files[0]).toMatchObject({ format: 'erddap-csv', rowsRead: 365 });
    expect(report.files[0].valuesWritten).toBe(values);
    expect(report.catalog.rowCount).toBe(values);
    let written = 0;
    for (const f of report.catalog.parquetFiles) {
      written += readParquet(
        new Uint8Array(fs.readFileSync(path.join(root, 'my-data', f.path)))
      ).numRows;
    }
    expect(written).toBe(values);
    expect(report.catalog.datasets.map(d => d.doi)).toEqual(['10.17882/99999']);
    const version = report.catalog.parquetFiles[0].path.split('/')[0];
    const provenance = JSON.parse(
      fs.readFileSync(path.join(root, 'my-data', version, 'provenance.json'), 'utf8')
    );
    expect(provenance).toEqual([
      {
        file: subset.name,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        bytes: subset.bytes.length,
        url: subset.url,
        retrieved: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        doi: '10.17882/99999',
        licence: expect.stringMatching(/CC.?BY|Creative Commons/i),
        citation: null,
        record: {
          source: 'erddap',
          id: 'coast_hf_marel_carnot',
          title: expect.stringMatching(/MAREL/),
          landingPage: `${server.url}/erddap/tabledap/coast_hf_marel_carnot.html`
        }
      }
    ]);
    expect(subset.name).toMatch(/^coast_hf_marel_carnot_[0-9a-f]{8}\.csv$/);
  });

  it('makes one dataset of the subsets of one ERDDAP dataset, each value once, each request in provenance', async () => {
    const store = folderStore(root);
    const years = (from: number, to: number) => ({ ...emptyQuery(), years: { from, to } });
    const first = await erddapSubset(transport, hit(), years(2019, 2019));
    const second = await erddapSubset(transport, hit(), years(2019, 2020));
    expect(first.name).not.toBe(second.name);
    // The values each subset holds: TEMP and PSAL of each day, NaN aside.
    const values = (bytes: Uint8Array) =>
      new TextDecoder()
        .decode(bytes)
        .trimEnd()
        .split('\n')
        .slice(2)
        .map(l => l.split(','))
        .reduce((n, r) => n + (r[4] !== 'NaN' ? 1 : 0) + (r[6] !== 'NaN' ? 1 : 0), 0);
    await addToMyData(store, 'my-data', [first]);
    const report = await addToMyData(store, 'my-data', [second]);
    expect(report.catalog.datasets.map(d => [d.id, d.sourceFiles.map(f => f.name)])).toEqual([
      ['ERDDAP-coast_hf_marel_carnot', [first.name, second.name]]
    ]);
    expect(report.catalog.datasets[0].title).toMatch(/^COAST-HF MAREL Carnot buoy/);
    // 2019 is in both subsets: its values are kept once.
    expect(report.catalog.rowCount).toBe(values(second.bytes));
    expect(report.notes).toEqual([
      `${values(first.bytes).toLocaleString('en')} values of ${second.name} were already in my data from an earlier subset of the same ERDDAP dataset: kept once.`
    ]);
    const version = report.catalog.parquetFiles[0].path.split('/')[0];
    const provenance = JSON.parse(
      fs.readFileSync(path.join(root, 'my-data', version, 'provenance.json'), 'utf8')
    );
    expect(provenance.map((p: { file: string; url: string }) => [p.file, p.url])).toEqual([
      [first.name, first.url],
      [second.name, second.url]
    ]);
  });

  it('says so when a map area cannot apply to a dataset without coordinates, and keeps the years', async () => {
    // The dataset as a server would list it with its time series variables only.
    const variable = (name: string) => ({ name, label: null, unit: null, standardName: null });
    const record = { ...hit(), parameters: ['time', 'station', 'TEMP'].map(variable) };
    const query = {
      ...emptyQuery(),
      years: { from: 2019, to: 2019 },
      bbox: [1.5, 50.7, 1.6, 50.8] as [number, number, number, number]
    };
    const notice =
      "The map area is not applied: coast_hf_marel_carnot has no latitude and longitude variables, so the subset covers the whole dataset's area.";
    expect(unappliedFilters(record, query)).toEqual([notice]);
    // In the person's language, through the extension's TranslationBundle (a gettext catalogue lookup).
    const french = catalogueMessages({
      "The map area is not applied: %1 has no latitude and longitude variables, so the subset covers the whole dataset's area.":
        'La zone de la carte ne s’applique pas : %1 n’a pas de latitude ni de longitude.'
    });
    expect(unappliedFilters(record, query, french)).toEqual([
      'La zone de la carte ne s’applique pas : coast_hf_marel_carnot n’a pas de latitude ni de longitude.'
    ]);
    // With its coordinates, nothing is left out.
    expect(
      unappliedFilters(
        {
          ...record,
          parameters: [...record.parameters, variable('latitude'), variable('longitude')]
        },
        query
      )
    ).toEqual([]);
    const subset = await erddapSubset(transport, record, query);
    expect(subset.url).not.toMatch(/latitude|longitude/);
    expect(subset.url).toMatch(/time%3E%3D2019-01-01/);
    expect(subset.notes).toEqual([notice]);
    const report = await addToMyData(folderStore(root), 'my-data', [subset]);
    expect(report.notes).toEqual([notice]);
    // The SQL that reads it says so too, and asks ERDDAP for no area it cannot take.
    const sql = sqlFor(record, { query })!;
    expect(sql).not.toMatch(/latitude%3E/);
    // A file read whole says that years and area do not apply to it.
    const file = {
      ...blankRecord('seanoe', '10.17882/102656', 'Gravelines'),
      files: [
        {
          name: 'hydro.csv',
          url: 'https://www.seanoe.org/data/hydro.csv',
          bytes: null,
          format: 'csv',
          openAccess: true,
          checksum: null
        }
      ]
    };
    expect(sqlFor(file, { query })).toContain(
      '-- The map area and year range are not applied: the file is read whole (filter it in SQL).'
    );
  });

  it('says clearly when ERDDAP has no rows, and when it answers an error', async () => {
    const none = { ...emptyQuery(), years: { from: 2001, to: 2002 } };
    const e = await erddapSubset(transport, hit(), none).catch(x => x);
    expect(e).toBeInstanceOf(SourceError);
    expect(e.message).toMatch(
      /^ERDDAP has no rows of coast_hf_marel_carnot for time 2001-01-01T00:00:00Z to 2002-12-31T23:59:59Z: widen the years or the map area \(http/
    );
    const gone = { ...hit(), erddap: { ...hit().erddap, datasetId: 'no_such_dataset' } };
    await expect(erddapSubset(transport, gone, emptyQuery())).rejects.toThrow(
      /^ERDDAP: Not Found: Currently unknown datasetID=no_such_dataset \(http/
    );
    // A sign-in page where the tabledap .csv should be (the record already knows its variables).
    const html = {
      ...hit(),
      parameters: [{ name: 'TEMP', label: null, unit: null, standardName: null }],
      erddap: { ...hit().erddap, server: `${server.url}/html/erddap` }
    };
    await expect(erddapSubset(transport, html, emptyQuery())).rejects.toThrow(
      /^ERDDAP did not answer a tabledap \.csv \(http.*\): .*Sign in/i
    );
    expect(fs.readdirSync(root)).toEqual([]);
  });
});
