/**
 * The NEO kernel on the session's engine under `auto` (`RoutedQueryEngine`): a `%%sql` cell or `neo.sql` on a
 * dataset meant for the server runs on the server engine (a real QueryServer over HTTP, native DuckDB) while
 * the small dataset stays in the browser engine (DuckDB-WASM), the footer naming the engine of each query;
 * without a server, the browser answers and the cell says why. Data: the Gravelines exports (two datasets).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ServerQueryEngine } from '@odatis-vre/query';
import { createWasmEngine } from '@odatis-vre/query/lib/node';
import {
  serveHarmonised,
  unusedPort,
  type ServedHarmonised
} from '@odatis-vre/query/lib/node/testing';
import { convertFiles } from '@odatis-vre/sno/node';
import {
  chooseQueryEngine,
  HarmonisedDataset,
  isRoutedEngine,
  QueryableFiles
} from '@odatis-vre/services';
import { NeoKernelCore } from '../src/core';
import { SessionHost } from '../src/host';
import type { KernelOutput } from '../src/protocol';

const GRAVELINES = path.resolve(__dirname, '../../../../shared/data/gravelines');

let served: ServedHarmonised;
/** A port where nothing answers. */
let nothingHere: number;

beforeAll(async () => {
  served = await serveHarmonised({
    name: 'kernel-routing',
    write: folder =>
      convertFiles(
        fs.readdirSync(GRAVELINES).map(f => path.join(GRAVELINES, f)),
        folder
      ),
    server: { threads: 1 }
  });
  nothingHere = await unusedPort();
}, 180_000);

afterAll(() => served?.close());

/** A kernel on the session's `auto` engine; its outputs (stderr) are collected. */
async function kernel(port: number): Promise<{ core: NeoKernelCore; outputs: KernelOutput[] }> {
  const [large, small] = [...served.catalog.datasets].sort((a, b) => b.rowCount - a.rowCount);
  const { engine } = await chooseQueryEngine({
    choice: 'auto',
    server: new ServerQueryEngine({ baseUrl: `http://127.0.0.1:${port}/` }),
    browser: createWasmEngine,
    // The larger dataset is meant for the server, the smaller stays in the browser.
    serverMinRows: (large.rowCount + small.rowCount) / 2
  });
  served.keep(engine);
  if (!isRoutedEngine(engine)) throw new Error(`auto gave ${engine.kind}, not a routed engine`);
  const harmonised = new HarmonisedDataset({
    engine,
    path: 'shared/harmonised',
    readText: p => fs.promises.readFile(path.join(served.root, p), 'utf8'),
    locate: p => path.join(served.root, p)
  });
  engine.useCatalog(() => harmonised.readCatalog());
  const host = new SessionHost({
    engine,
    harmonised,
    files: new QueryableFiles({ engine, read: async () => fail(), lastModified: async () => null }),
    location: '',
    exists: async () => false
  });
  const outputs: KernelOutput[] = [];
  const core = new NeoKernelCore({ host, engine: host.engine(), emit: o => outputs.push(o) });
  return { core, outputs };
}

function fail(): never {
  throw new Error('no file is read in this test');
}

const ofDataset = (id: string) =>
  `SELECT count(*)::INTEGER AS n, round(avg(value), 9) AS mean FROM harmonised WHERE dataset = '${id}'`;

/** The `%%sql` cell's footer (its last text line) and its first row. */
async function sqlCell(core: NeoKernelCore, sql: string, n: number): Promise<[string, string]> {
  const outcome = await core.execute(`%%sql\n${sql}`, n);
  if (outcome.status !== 'ok') throw new Error(`${outcome.ename}: ${outcome.evalue}`);
  const text = (outcome.result!.data['text/plain'] as string).split('\n');
  return [text.at(-1)!, text[3]];
}

test('%%sql and neo.sql: the large dataset on the server, the small one in the browser', async () => {
  const { core, outputs } = await kernel(served.port);
  const [large, small] = [...served.catalog.datasets].sort((a, b) => b.rowCount - a.rowCount);
  const [onServer, largeRow] = await sqlCell(core, ofDataset(large.id), 1);
  expect(onServer).toMatch(/^\d+(\.\d)? m?s · native DuckDB on the server$/);
  expect(largeRow).toMatch(new RegExp(`^${large.rowCount}\\s`));
  const [inBrowser, smallRow] = await sqlCell(core, ofDataset(small.id), 2);
  expect(inBrowser).toMatch(/^\d+(\.\d)? m?s · DuckDB-WASM in this browser$/);
  expect(smallRow).toMatch(new RegExp(`^${small.rowCount}\\s`));
  // neo.sql goes the same way: the same table as the %%sql cell.
  const js = await core.execute(
    `const t = await neo.sql(\`${ofDataset(large.id)}\`);\nt.get(0).n`,
    3
  );
  if (js.status !== 'ok') throw new Error(js.evalue);
  expect(js.result!.data['text/plain']).toBe(String(large.rowCount));
  expect(outputs).toEqual([]);
}, 180_000);

test('no server: the browser answers, and the cell says why', async () => {
  const { core, outputs } = await kernel(nothingHere);
  const [large] = [...served.catalog.datasets].sort((a, b) => b.rowCount - a.rowCount);
  const [footer, row] = await sqlCell(core, ofDataset(large.id), 1);
  expect(footer).toMatch(/· DuckDB-WASM in this browser$/);
  expect(row).toMatch(new RegExp(`^${large.rowCount}\\s`));
  expect(outputs).toEqual([
    {
      type: 'stream',
      name: 'stderr',
      text: expect.stringMatching(
        new RegExp(
          `^${large.id} is meant for the server engine, which cannot answer \\(no server engine answers here`
        )
      )
    }
  ]);
}, 180_000);
