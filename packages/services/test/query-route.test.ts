/**
 * Each query where its data live (`auto`): the harmonised dataset of two real PHYTOBS exports (a larger one,
 * meant for the server at the threshold used here, and a small one), a real server engine (QueryServer over
 * HTTP, native DuckDB) and the real browser engine (DuckDB-WASM). The larger dataset's queries are answered
 * by the server, the small one's and the session's files by the browser, with the same Arrow tables; without
 * a server, the browser answers and says why.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { convertFiles } from '@odatis-vre/sno/node';
import type { Catalog } from '@odatis-vre/harmonised';
import { ServerQueryEngine } from '@odatis-vre/query';
import { createWasmEngine } from '@odatis-vre/query/lib/node';
import {
  serveHarmonised,
  unusedPort,
  type ServedHarmonised
} from '@odatis-vre/query/lib/node/testing';
import { tableToIPC } from 'apache-arrow';
import {
  chooseQueryEngine,
  datasetEngine,
  HarmonisedDataset,
  isRoutedEngine,
  RoutedQueryEngine,
  routeQuery,
  sqlWords
} from '../src';

const PHYTOBS = path.resolve(__dirname, '../../../../shared/data/phytobs');
const SOURCES = ['PELAGOS_Arcachon_Bouee13.csv', 'PELAGOS_PICONANO_Estacade_2008_2012.csv'];

let served: ServedHarmonised;
/** A port where nothing answers. */
let nothingHere: number;
let catalog: Catalog;
let large: Catalog['datasets'][number];
let small: Catalog['datasets'][number];
/** The threshold of this test: the larger dataset is meant for the server, the smaller stays in the browser. */
let serverMinRows: number;
/** The first browser engine made, to compare answers with. */
let firstBrowser: ReturnType<typeof createWasmEngine>;

beforeAll(async () => {
  served = await serveHarmonised({
    name: 'query-route',
    write: folder =>
      convertFiles(
        SOURCES.map(f => path.join(PHYTOBS, f)),
        folder
      )
  });
  nothingHere = await unusedPort();
  catalog = served.catalog;
  [large, small] = [...catalog.datasets].sort((a, b) => b.rowCount - a.rowCount);
  serverMinRows = small.rowCount + 1;
}, 120_000);

afterAll(() => served?.close());

const browser = () => {
  const engine = served.keep(createWasmEngine());
  firstBrowser ??= engine;
  return engine;
};
const server = (port = served.port) =>
  new ServerQueryEngine({ baseUrl: `http://127.0.0.1:${port}/` });

/** The session's engine under `auto`, with the harmonised dataset attached as the data services do it. */
async function session(port = served.port): Promise<RoutedQueryEngine> {
  const chosen = await chooseQueryEngine({
    choice: 'auto',
    server: server(port),
    browser,
    serverMinRows
  });
  const engine = chosen.engine;
  if (!isRoutedEngine(engine)) throw new Error(`auto gave ${engine.kind}, not a routed engine`);
  served.keep(engine);
  const dataset = new HarmonisedDataset({
    engine,
    path: 'shared/harmonised',
    readText: p => fs.promises.readFile(path.join(served.root, p), 'utf8'),
    locate: p => path.join(served.root, p)
  });
  engine.useCatalog(() => dataset.readCatalog());
  await dataset.attach();
  return engine;
}

/** The data browser's SQL for a dataset of the shared data (packages/catalog `sqlFor`), shortened. */
const ofDataset = (id: string) =>
  `-- the data browser's "Open in SQL workspace"\nSELECT count(*)::INTEGER AS n, round(avg(value), 9) AS mean\n` +
  `FROM harmonised WHERE dataset = '${id}' AND value IS NOT NULL`;

test('the words of a query: names and strings, not comments', () => {
  const words = sqlWords(
    `-- FROM secret\nSELECT "Odd ""name""", x FROM Harmonised /* 'no' */ WHERE d = 'it''s' -- 'nor'`
  );
  expect([...words.names]).toEqual([
    'select',
    'Odd "name"',
    'x',
    'from',
    'harmonised',
    'where',
    'd'
  ]);
  expect([...words.strings]).toEqual(["it's"]);
});

test('where a query runs: by the datasets it names, their ids, SNOs or stations', () => {
  expect(large.rowCount).toBeGreaterThan(small.rowCount);
  const route = (sql: string, browserOnly: string[] = []) =>
    routeQuery(sql, { catalog, serverMinRows, browserOnly: new Set(browserOnly) });
  expect(route(ofDataset(large.id))).toMatchObject({
    engine: 'server',
    serverDatasets: [large.id]
  });
  expect(route(ofDataset(large.id)).reason).toBe(
    `${large.id} (${large.rowCount.toLocaleString('en')} values): meant for the server engine`
  );
  expect(route(ofDataset(small.id)).engine).toBe('browser');
  expect(route(`SELECT * FROM harmonised WHERE site_id = '${small.sites[0]}'`).engine).toBe(
    'browser'
  );
  expect(route(`SELECT * FROM harmonised WHERE site_id = '${large.sites[0]}'`).engine).toBe(
    'server'
  );
  // Naming no dataset, it may read every one: the server.
  expect(route('SELECT count(*) FROM harmonised').reason).toMatch(
    /^it names no dataset of harmonised/
  );
  // Not the harmonised dataset, or a file only the browser holds: the browser.
  expect(route(`SELECT '${large.id}' AS id`).engine).toBe('browser');
  expect(
    route(
      `SELECT * FROM harmonised JOIN "my/x.csv" USING (site_id) WHERE dataset = '${large.id}'`,
      ['my/x.csv']
    )
  ).toMatchObject({ engine: 'browser', reason: 'it reads my/x.csv, which only the browser holds' });
  // The catalogue's own place wins over the size.
  const marked = { ...catalog, datasets: [{ ...small, queryPlace: 'server' as const }] };
  expect(routeQuery(ofDataset(small.id), { catalog: marked, serverMinRows }).engine).toBe('server');
  const browserOnly = { ...catalog, datasets: [{ ...large, queryPlace: 'browser' as const }] };
  expect(routeQuery(ofDataset(large.id), { catalog: browserOnly, serverMinRows }).engine).toBe(
    'browser'
  );
});

test('auto: the large dataset on the server, the small one in the browser, the same Arrow tables', async () => {
  const engine = await session();
  expect(engine.kind).toBe('duckdb-wasm');
  for (const [dataset, answerer] of [
    [large, 'duckdb-server'],
    [small, 'duckdb-wasm']
  ] as const) {
    const sql = ofDataset(dataset.id);
    const result = await engine.query(sql);
    expect(result.engine).toBe(answerer);
    expect(result.notice).toBeUndefined();
    expect(result.table.toArray().map(r => r.toJSON())).toEqual([
      { n: expect.any(Number), mean: expect.any(Number) }
    ]);
    // Both engines give the same Arrow table, byte for byte.
    const [inBrowser, onServer] = await Promise.all([
      firstBrowser.query(sql),
      engine.server!.query(sql)
    ]);
    expect(tableToIPC(result.table)).toEqual(tableToIPC(inBrowser.table));
    expect(tableToIPC(onServer.table)).toEqual(tableToIPC(inBrowser.table));
  }
  // The data browser says the same before anything runs.
  expect(datasetEngine(large, engine, catalog)).toEqual({
    engine: 'server',
    label: 'native DuckDB on the server',
    warning: null
  });
  expect(datasetEngine(small, engine, catalog).engine).toBe('browser');
  // A stream and an export are routed alike.
  const stream = engine.stream(ofDataset(large.id));
  let rows = 0;
  for await (const batch of stream) rows += batch.numRows;
  expect(rows).toBe(1);
  const csv: Uint8Array[] = [];
  for await (const chunk of engine.exportQuery(ofDataset(small.id), { format: 'csv' })) {
    csv.push(chunk);
  }
  expect(Buffer.concat(csv).toString('utf8')).toMatch(/^n,mean\r?\n\d+,/);
}, 120_000);

test('no server: the browser answers a dataset meant for the server, and says why', async () => {
  const engine = await session(nothingHere);
  const result = await engine.query(ofDataset(large.id));
  expect(result.engine).toBe('duckdb-wasm');
  expect(result.notice).toMatch(
    new RegExp(
      `^${large.id} is meant for the server engine, which cannot answer \\(no server engine answers here .*\\): ` +
        'the query ran in this browser \\(DuckDB-WASM in this browser\\), which downloads what it reads\\.$'
    )
  );
  expect((await engine.query(ofDataset(small.id))).notice).toBeUndefined();
  expect(datasetEngine(large, engine, catalog).warning).toMatch(
    /^This dataset has [\d,]+ values and is meant for the server engine\. It runs in this browser: no server engine answers here/
  );

  // A server that stops answering during the session: the same, query by query.
  const gone = new RoutedQueryEngine({
    browser: firstBrowser,
    server: server(nothingHere),
    serverMinRows
  });
  gone.useCatalog(async () => catalog);
  const fallback = await gone.query(ofDataset(large.id));
  expect(fallback.engine).toBe('duckdb-wasm');
  expect(fallback.notice).toMatch(/cannot answer \(The server engine at .* cannot be reached/);
}, 120_000);
