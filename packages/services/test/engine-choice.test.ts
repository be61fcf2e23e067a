/**
 * Choosing the session's engine against a real server engine (QueryServer over HTTP, native DuckDB) holding
 * the harmonised dataset converted from a real PHYTOBS export, and the real browser engine (DuckDB-WASM).
 */
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { convertFiles } from '@odatis-vre/sno/node';
import { CATALOG_FILE, type Catalog } from '@odatis-vre/harmonised';
import { ServerQueryEngine, type QueryEngine } from '@odatis-vre/query';
import { QueryServer, createWasmEngine } from '@odatis-vre/query/lib/node';
import { chooseQueryEngine, isRoutedEngine } from '../src';

const SOURCE = path.resolve(
  __dirname,
  '../../../../shared/data/phytobs/PELAGOS_Arcachon_Bouee13.csv'
);
/** Ports of this test (the server engine's range, 8790-8799): one served, one where nothing answers. */
const PORT = 8796;
const NOTHING_HERE = 8797;

let root: string;
let queryServer: QueryServer;
let http: Server;
let rows: number;
const made: QueryEngine[] = [];

const browser = () => {
  const engine = createWasmEngine();
  made.push(engine);
  return engine;
};

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-engine-choice-'));
  const dataset = path.join(root, 'shared', 'harmonised');
  await convertFiles([SOURCE], dataset);
  const catalog = JSON.parse(fs.readFileSync(path.join(dataset, CATALOG_FILE), 'utf8')) as Catalog;
  queryServer = await QueryServer.create({
    root,
    readable: [{ dir: path.join(root, 'shared'), label: 'shared' }],
    harmonised: { files: catalog.parquetFiles.map(f => path.join(dataset, f.path)) }
  });
  rows = queryServer.info.relations[0].rows;
  http = createServer((req, res) => void queryServer.handle(req, res));
  await new Promise<void>(resolve => http.listen(PORT, '127.0.0.1', resolve));
}, 120_000);

afterAll(async () => {
  await Promise.all(made.map(e => e.close()));
  http?.closeAllConnections();
  await new Promise(resolve => http?.close(resolve));
  await queryServer?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const server = (port = PORT) => new ServerQueryEngine({ baseUrl: `http://127.0.0.1:${port}/` });

it('auto: each query where its data live, the server engine at hand (see query-route.test)', async () => {
  expect(rows).toBeGreaterThan(1000);
  const chosen = await chooseQueryEngine({
    choice: 'auto',
    server: server(),
    browser,
    serverMinRows: rows
  });
  if (!isRoutedEngine(chosen.engine)) throw new Error('auto did not route');
  expect(chosen.engine.kind).toBe('duckdb-wasm');
  expect(chosen.engine.server?.kind).toBe('duckdb-server');
  expect(chosen.reason).toMatch(
    /^Each query where its data live: a dataset of [\d,]+ rows or more/
  );
  expect(chosen.warning).toBeUndefined();
  // The server engine it routes to answers the harmonised dataset.
  const { table } = await chosen.engine.server!.query(
    'SELECT count(*)::DOUBLE AS n FROM harmonised'
  );
  expect(table.getChild('n')!.get(0)).toBe(rows);
});

it('browser: the browser, without asking the server', async () => {
  const chosen = await chooseQueryEngine({
    choice: 'browser',
    server: server(NOTHING_HERE),
    browser
  });
  expect(chosen.engine.kind).toBe('duckdb-wasm');
});

it('server asked for where none answers: the browser, with a warning saying why', async () => {
  const chosen = await chooseQueryEngine({
    choice: 'server',
    server: server(NOTHING_HERE),
    browser
  });
  expect(chosen.engine.kind).toBe('duckdb-wasm');
  expect(chosen.warning).toMatch(
    /The server engine was asked for, but no server engine answers here/
  );
  // auto without a server: the browser answers everything, a dataset meant for the server saying why.
  const auto = await chooseQueryEngine({ choice: 'auto', server: server(NOTHING_HERE), browser });
  if (!isRoutedEngine(auto.engine)) throw new Error('auto did not route');
  expect(auto.engine.kind).toBe('duckdb-wasm');
  expect(auto.engine.server).toBeNull();
  expect(auto.warning).toBeUndefined();
});
