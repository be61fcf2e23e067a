/**
 * "Add to my data" on a folder: real files (the shared data's, as a catalogue would serve them)
 * through the ingestion readers into a harmonised dataset, with provenance; a failure at any step
 * leaves the previous dataset as it was.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { readParquet } from '@odatis-vre/sno';
import { addToMyData, safeFileName, type DataStore, type Retrieved } from '../src';

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

  it('keeps file names to one plain path segment', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('a b/ç.csv')).toBe('_.csv');
    expect(safeFileName('..')).toBe('download');
  });
});
