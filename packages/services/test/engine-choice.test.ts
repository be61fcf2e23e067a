/**
 * Choosing the session's engine against a real server engine (QueryServer over HTTP, native DuckDB) holding
 * the harmonised dataset converted from a real PHYTOBS export, and the real browser engine (DuckDB-WASM).
 */
import * as path from 'node:path';
import { convertFiles } from '@odatis-vre/sno/node';
import { ServerQueryEngine } from '@odatis-vre/query';
import { createWasmEngine } from '@odatis-vre/query/lib/node';
import {
  serveHarmonised,
  unusedPort,
  type ServedHarmonised
} from '@odatis-vre/query/lib/node/testing';
import { chooseQueryEngine, isRoutedEngine } from '../src';

const SOURCE = path.resolve(
  __dirname,
  '../../../../shared/data/phytobs/PELAGOS_Arcachon_Bouee13.csv'
);

let served: ServedHarmonised;
/** A port where nothing answers. */
let nothingHere: number;
let rows: number;

const browser = () => served.keep(createWasmEngine());

beforeAll(async () => {
  served = await serveHarmonised({
    name: 'engine-choice',
    write: folder => convertFiles([SOURCE], folder)
  });
  nothingHere = await unusedPort();
  rows = served.queryServer.info.relations[0].rows;
}, 120_000);

afterAll(() => served?.close());

const server = (port = served.port) =>
  new ServerQueryEngine({ baseUrl: `http://127.0.0.1:${port}/` });

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
    server: server(nothingHere),
    browser
  });
  expect(chosen.engine.kind).toBe('duckdb-wasm');
});

it('server asked for where none answers: the browser, with a warning saying why', async () => {
  const chosen = await chooseQueryEngine({
    choice: 'server',
    server: server(nothingHere),
    browser
  });
  expect(chosen.engine.kind).toBe('duckdb-wasm');
  expect(chosen.warning).toMatch(
    /The server engine was asked for, but no server engine answers here/
  );
  // auto without a server: the browser answers everything, a dataset meant for the server saying why.
  const auto = await chooseQueryEngine({ choice: 'auto', server: server(nothingHere), browser });
  if (!isRoutedEngine(auto.engine)) throw new Error('auto did not route');
  expect(auto.engine.kind).toBe('duckdb-wasm');
  expect(auto.engine.server).toBeNull();
  expect(auto.warning).toBeUndefined();
});
