/**
 * Where each dataset of the catalogue is queried: the converter writes `queryPlace` from the row count (large
 * datasets on the server, small ones either), older catalogues without it are read the same way, and the data
 * browser says which engine of the session answers and when that is not the dataset's own.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { convertFiles } from '@odatis-vre/sno/node';
import {
  CATALOG_FILE,
  SERVER_MIN_ROWS,
  defaultQueryPlace,
  queryPlaceOf,
  type Catalog
} from '@odatis-vre/harmonised';
import { DEFAULT_SERVER_MIN_ROWS, datasetEngine } from '../src';

const SOURCE = path.resolve(
  __dirname,
  '../../../../shared/data/phytobs/PELAGOS_Arcachon_Bouee13.csv'
);

let catalog: Catalog;
let root: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-dataset-engine-'));
  await convertFiles([SOURCE], root);
  catalog = JSON.parse(fs.readFileSync(path.join(root, CATALOG_FILE), 'utf8')) as Catalog;
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test('the converter says where each dataset can be queried, from the auto threshold', () => {
  expect(DEFAULT_SERVER_MIN_ROWS).toBe(SERVER_MIN_ROWS);
  expect(catalog.datasets.length).toBeGreaterThan(0);
  for (const d of catalog.datasets) {
    expect(d.rowCount).toBeLessThan(SERVER_MIN_ROWS);
    expect(d.queryPlace).toBe('both');
  }
  expect(defaultQueryPlace(SERVER_MIN_ROWS - 1)).toBe('both');
  expect(defaultQueryPlace(SERVER_MIN_ROWS)).toBe('server');
  // A catalogue written before the field: the place follows from the row count.
  const old = { ...catalog.datasets[0], queryPlace: undefined };
  expect(queryPlaceOf(old)).toBe('both');
  expect(queryPlaceOf({ rowCount: 12_000_000 })).toBe('server');
});

test('small datasets stay in the browser, large ones are meant for the server engine', () => {
  const small = catalog.datasets[0];
  const large = { rowCount: 12_000_000, queryPlace: 'server' as const };
  expect(datasetEngine(small, 'duckdb-wasm-worker')).toEqual({
    engine: 'browser',
    label: 'DuckDB-WASM in this browser',
    warning: null
  });
  expect(datasetEngine(small, 'duckdb-server')).toEqual({
    engine: 'server',
    label: 'native DuckDB on the server',
    warning: null
  });
  expect(datasetEngine(large, 'duckdb-server').warning).toBeNull();
  const inBrowser = datasetEngine(large, 'duckdb-wasm-worker');
  expect(inBrowser.engine).toBe('browser');
  expect(inBrowser.warning).toMatch(
    /^This dataset has 12,000,000 values and is meant for the server engine, which this session does not use/
  );
  expect(datasetEngine({ rowCount: 10, queryPlace: 'browser' }, 'duckdb-server').warning).toMatch(
    /lives in this browser only/
  );
  // A catalogue's remote file: the browser reads it, the fenced server engine cannot.
  const remote = { rowCount: 0, queryPlace: 'both' as const, remote: true };
  expect(datasetEngine(remote, 'duckdb-wasm-worker').warning).toBeNull();
  expect(datasetEngine(remote, 'duckdb-server').warning).toMatch(
    /read from the network, which the server engine does not reach/
  );
});
