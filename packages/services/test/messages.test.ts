/**
 * The data services' notices in the person's language: each takes the extension's TranslationBundle
 * (`translator.load('odatis_vre')`), and without one reads as written, `%1`… replaced as JupyterLab's
 * nullTranslator does.
 */
import { catalogueMessages, englishMessages, type Catalog } from '@odatis-vre/harmonised';
import { ServerQueryEngine, type QueryEngine } from '@odatis-vre/query';
import { createWasmEngine } from '@odatis-vre/query/lib/node';
import {
  chooseQueryEngine,
  datasetEngine,
  HarmonisedDataset,
  isRoutedEngine,
  RoutedQueryEngine
} from '../src';

const french = catalogueMessages({
  'This dataset has %1 values and is meant for the server engine, which this session does not use: the browser downloads all it reads (set the data services\' "engine" to "server" or "auto" on a server).':
    'Ce jeu de %1 valeurs est fait pour le moteur serveur, que cette session n’utilise pas.',
  'The "engine" setting is "browser".': 'Le réglage « engine » vaut « browser ».',
  'The server engine was asked for, but %1.': 'Le moteur serveur était demandé, mais %1.',
  'no server engine answers here (%1)': 'aucun ne répond ici (%1)',
  '%1 could not be read (%2). Check the "Harmonised dataset folder" setting of the ODATIS VRE data services.':
    '%1 n’a pas pu être lu (%2).',
  'The harmonised dataset (%1) is not available: %2':
    'Le jeu harmonisé (%1) n’est pas disponible : %2',
  'It runs in this browser: %1.': 'Il tourne dans ce navigateur : %1.',
  "the server engine's %1 has %2 values, this session's catalogue %3 values: not the same dataset":
    '%1 du moteur serveur a %2 valeurs, le catalogue de cette session %3 : pas le même jeu',
  '%1 is meant for the server engine, which cannot answer (%2): the query ran in this browser (%3), which downloads what it reads.':
    '%1 est fait pour le moteur serveur, qui ne peut pas répondre (%2) : la requête a tourné dans ce navigateur (%3).',
  'DuckDB-WASM in this browser': 'DuckDB-WASM dans ce navigateur',
  'The server engine at %1 cannot be reached: %2': 'Le moteur serveur à %1 est injoignable : %2'
});

const made: QueryEngine[] = [];
const browser = () => {
  const engine = createWasmEngine();
  made.push(engine);
  return engine;
};
afterAll(() => Promise.all(made.map(e => e.close())));

test('without a bundle, messages read as written with their arguments', () => {
  expect(englishMessages.__('%1 of %2 (%3)', 1, 'two')).toBe('1 of two (%3)');
  expect(datasetEngine({ rowCount: 12_000_000 }, 'duckdb-wasm-worker').warning).toMatch(
    /^This dataset has 12,000,000 values and is meant for the server engine/
  );
});

test("a dataset's engine warning in the bundle's language", () => {
  expect(datasetEngine({ rowCount: 12_000_000 }, 'duckdb-wasm-worker', null, french).warning).toBe(
    'Ce jeu de 12,000,000 valeurs est fait pour le moteur serveur, que cette session n’utilise pas.'
  );
});

test("the engine choice's reason and warning in the bundle's language", async () => {
  const chosen = await chooseQueryEngine({
    choice: 'browser',
    server: new ServerQueryEngine({ baseUrl: 'http://127.0.0.1:9/' }),
    browser,
    trans: french
  });
  expect(chosen.reason).toBe('Le réglage « engine » vaut « browser ».');
  // Nothing listens on the discard port: the server engine asked for cannot be had.
  const refused = await chooseQueryEngine({
    choice: 'server',
    server: new ServerQueryEngine({ baseUrl: 'http://127.0.0.1:9/' }),
    browser,
    trans: french
  });
  expect(refused.warning).toMatch(
    /^Le moteur serveur était demandé, mais aucun ne répond ici \(Le moteur serveur à http:\/\/127\.0\.0\.1:9\/\S+ est injoignable : .+\)\.$/
  );
});

test("the harmonised dataset's failure in the bundle's language", async () => {
  const dataset = new HarmonisedDataset({
    engine: browser(),
    path: 'shared/harmonised',
    readText: async path => {
      throw new Error(`${path}: no such file`);
    },
    locate: path => path,
    trans: french
  });
  await expect(dataset.attach()).rejects.toThrow(
    'Le jeu harmonisé (shared/harmonised) n’est pas disponible : shared/harmonised/catalog.json n’a pas pu être lu (shared/harmonised/catalog.json: no such file).'
  );
  expect(dataset.status).toEqual({
    state: 'failed',
    message: expect.stringMatching(/^Le jeu harmonisé/)
  });
});

/** A catalogue of one dataset meant for the server (what routing reads of it). */
const bigBuoy = {
  rowCount: 12_000_000,
  datasets: [{ id: 'big-buoy', sno: 'COAST-HF', sites: ['buoy-1'], rowCount: 12_000_000 }]
} as unknown as Catalog;

test("the routed engine's notices in the bundle's language", async () => {
  // A server whose dataset is not the session's: the data browser says so before a query runs.
  const mismatched = new RoutedQueryEngine({
    browser: browser(),
    server: new ServerQueryEngine({ baseUrl: 'http://127.0.0.1:9/' }),
    serverRows: 5,
    serverMinRows: 1_000_000,
    trans: french
  });
  expect(mismatched.forDataset(bigBuoy.datasets[0], bigBuoy).notice).toBe(
    'Il tourne dans ce navigateur : harmonised du moteur serveur a 5 valeurs, le catalogue de cette session 12,000,000 : pas le même jeu.'
  );
  // No server: a query on the large dataset runs in the browser, its result saying why.
  const chosen = await chooseQueryEngine({
    choice: 'auto',
    server: new ServerQueryEngine({ baseUrl: 'http://127.0.0.1:9/' }),
    browser,
    trans: french
  });
  if (!isRoutedEngine(chosen.engine)) throw new Error(`auto gave ${chosen.engine.kind}`);
  chosen.engine.useCatalog(async () => bigBuoy);
  await chosen.engine.query(
    "CREATE TABLE harmonised AS SELECT 'big-buoy' AS dataset, 1.5 AS value"
  );
  const result = await chosen.engine.query(
    "SELECT avg(value) AS mean FROM harmonised WHERE dataset = 'big-buoy'"
  );
  expect(result.table.getChild('mean')!.get(0)).toBe(1.5);
  expect(result.notice).toMatch(
    /^big-buoy est fait pour le moteur serveur, qui ne peut pas répondre \(aucun ne répond ici \(Le moteur serveur à .+ est injoignable : .+\)\) : la requête a tourné dans ce navigateur \(DuckDB-WASM dans ce navigateur\)\.$/
  );
});
