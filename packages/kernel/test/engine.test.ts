/**
 * Which engine answers, as the NEO kernel shows it, when the session's engine is the server engine: native
 * DuckDB behind the HTTP contract of @odatis-vre/query (QueryServer), reached by ServerQueryEngine as the
 * page reaches it. (core.test.ts covers the browser's DuckDB-WASM.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ServerQueryEngine } from '@odatis-vre/query';
import { QueryServer } from '@odatis-vre/query/lib/node';
import { listenQueryServer, type Listening } from '@odatis-vre/query/lib/node/testing';
import { QueryableFiles } from '@odatis-vre/services';
import { NeoKernelCore } from '../src/core';
import { SessionHost } from '../src/host';

let root: string;
let queryServer: QueryServer;
let http: Listening;
let engine: ServerQueryEngine;
let core: NeoKernelCore;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-kernel-engine-'));
  fs.mkdirSync(path.join(root, 'shared'));
  fs.writeFileSync(path.join(root, 'shared', 'stations.csv'), 'station,depth\nSTA1,5\nSTA2,12.5\n');
  queryServer = await QueryServer.create({
    root,
    readable: [{ dir: path.join(root, 'shared'), label: 'shared' }],
    memoryLimit: '256MB',
    threads: 1
  });
  http = await listenQueryServer(queryServer);
  engine = new ServerQueryEngine({ baseUrl: http.url });
  const host = new SessionHost({
    engine,
    harmonised: null,
    files: new QueryableFiles({
      engine,
      read: async p => ({
        bytes: new Uint8Array(fs.readFileSync(path.join(root, p))),
        lastModified: fs.statSync(path.join(root, p)).mtime.toISOString()
      }),
      lastModified: async p =>
        fs.existsSync(path.join(root, p))
          ? fs.statSync(path.join(root, p)).mtime.toISOString()
          : null
    }),
    location: '',
    exists: async p => fs.existsSync(path.join(root, p))
  });
  core = new NeoKernelCore({ host, engine: host.engine(), emit: () => undefined });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  await http?.close();
  await queryServer?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

test('neo.engine and the %%sql footer name the server engine when it answers', async () => {
  const engineInfo = await core.execute('JSON.stringify(neo.engine)', 1);
  expect(engineInfo).toEqual({
    status: 'ok',
    result: {
      data: { 'text/plain': '{"kind":"duckdb-server","label":"native DuckDB on the server"}' },
      metadata: {}
    }
  });
  const outcome = await core.execute('%%sql\nSELECT 6 * 7 AS answer', 2);
  if (outcome.status !== 'ok') throw new Error(`${outcome.ename}: ${outcome.evalue}`);
  const text = outcome.result!.data['text/plain'] as string;
  expect(text).toContain('42');
  expect(text.split('\n').at(-1)).toMatch(/^\d+(\.\d)? m?s · native DuckDB on the server$/);
  expect(outcome.result!.data['text/html']).toContain(
    '<p class="neo-query">' + text.split('\n').at(-1) + '</p>'
  );
  // A refusal of the server's fence is DuckDB's or the fence's whole text, as the cell shows it.
  const refused = await core.execute("%%sql\nCOPY (SELECT 1) TO '/tmp/x.csv'", 3);
  if (refused.status !== 'error') throw new Error('the server engine ran a COPY');
  expect(refused.ename).toBe('QueryRefusedError');
  expect(refused.evalue).toMatch(/COPY/);
  expect(refused.traceback[0]).toContain(refused.evalue);
});
