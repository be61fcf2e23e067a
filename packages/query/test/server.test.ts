/**
 * The server engine's HTTP contract, end to end: `QueryServer` (native DuckDB, fenced) on a real HTTP server
 * and `ServerQueryEngine` (fetch streaming + Arrow's RecordBatchReader) as the browser uses it.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import {
  ARROW_STREAM_TYPE,
  ENGINE_HEADER,
  QUERY_API_PATH,
  QueryCancelledError,
  QueryError,
  QueryRefusedError,
  ServerBusyError,
  ServerQueryEngine,
  type ErrorBody
} from '../src';
import { NativeQueryEngine, QueryServer, createNativeEngine } from '../src/node';
import { listenQueryServer, type Listening } from '../src/node/testing';
import { scratchDir, writeHarmonised } from './fixtures';

const LONG_QUERY = 'SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3';

let root: string;
let files: string[];
let queryServer: QueryServer;
let http: Listening;
let base: string;
let engine: ServerQueryEngine;
let native: NativeQueryEngine;

/** Poll the server's load until nothing runs or waits, at most `tries` times. */
async function waitForIdle(tries = 200): Promise<{ running: number; queued: number }> {
  let load = { running: -1, queued: -1 };
  for (let i = 0; i < tries; i++) {
    load = (await engine.info()).load;
    if (load.running === 0 && load.queued === 0) break;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  return load;
}

/** Poll the server's progress of a query until `done(state)`, at most `tries` times. */
async function waitForState(id: string, states: string[], tries = 100): Promise<string> {
  let state = '';
  for (let i = 0; i < tries; i++) {
    // Unknown (404) until the server has read the request.
    state = (await engine.progress(id).catch(() => ({ state: 'unknown' }))).state;
    if (states.includes(state)) return state;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  return state;
}

beforeAll(async () => {
  root = scratchDir();
  const shared = path.join(root, 'shared');
  mkdirSync(path.join(shared, 'harmonised'), { recursive: true });
  files = await writeHarmonised(path.join(shared, 'harmonised', 'parquet'));
  writeFileSync(path.join(shared, 'stations.csv'), 'station,lat\nsomlit-1,50.0\nsomlit-2,48.3\n');
  mkdirSync(path.join(root, 'someone-else'));
  writeFileSync(path.join(root, 'someone-else', 'secret.csv'), 'secret\n42\n');
  queryServer = await QueryServer.create({
    root,
    readable: [{ dir: shared, label: 'shared' }],
    harmonised: { files },
    timeoutMs: 60_000,
    memoryLimit: '256MB',
    threads: 2,
    maxConcurrent: 2,
    maxQueued: 2
  });
  http = await listenQueryServer(queryServer);
  base = http.url;
  engine = new ServerQueryEngine({ baseUrl: base });
  native = await createNativeEngine();
  await native.attachHarmonised({ files });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  await http?.close();
  await queryServer?.close();
  await native?.close();
});

/** The same Arrow bytes: schema, types, values, batch by batch. */
function expectSameArrow(actual: Table, expected: Table): void {
  expect(actual.schema.fields.map(f => `${f.name}:${f.type}`)).toEqual(
    expected.schema.fields.map(f => `${f.name}:${f.type}`)
  );
  expect(actual.numRows).toBe(expected.numRows);
  expect(Buffer.from(tableToIPC(actual, 'stream'))).toEqual(
    Buffer.from(tableToIPC(expected, 'stream'))
  );
}

describe('answers', () => {
  it('advertises itself: engine, DuckDB version, limits, the harmonised dataset, the readable folders', async () => {
    const info = await engine.info();
    expect(info.engine).toBe('duckdb-server');
    expect(info.version).toBe(await native.version());
    expect(info.relations).toEqual([{ name: 'harmonised', rows: 600, source: 'parquet' }]);
    expect(info.limits).toEqual({
      timeoutMs: 60_000,
      memoryLimit: expect.stringMatching(/MiB|MB|GiB/),
      maxConcurrent: 2,
      maxQueued: 2
    });
    expect(info.readable).toEqual(['shared']);
    const attached = await engine.attachHarmonised({ files: [] });
    expect(attached).toMatchObject({ name: 'harmonised', rows: 600 });
    await expect(engine.attachHarmonised({ files: [], name: 'other' })).rejects.toThrow(
      /no relation "other"/
    );
  });

  it('gives the harmonised query the very Arrow table the in-process native engine gives', async () => {
    const sql = `SELECT sno, site_id, parameter, year(time) AS y, count(*) AS n, avg(value) AS mean,
                        min(time) AS first
                   FROM harmonised GROUP BY ALL ORDER BY ALL`;
    const [server, local] = await Promise.all([engine.query(sql), native.query(sql)]);
    expect(server.rows).toBe(12);
    expectSameArrow(server.table, local.table);
  });

  it('lists the tables with their columns', async () => {
    const tables = await engine.listTables();
    const harmonised = tables.find(t => t.name === 'harmonised')!;
    expect(harmonised.kind).toBe('view');
    expect(harmonised.columns.map(c => c.name)).toEqual(
      expect.arrayContaining(['sno', 'site_id', 'time', 'value', 'site', 'year'])
    );
  });

  it('streams a large result as chunked Arrow IPC, batch by batch, counting rows as they come', async () => {
    const response = await fetch(`${base}${QUERY_API_PATH}/queries/raw-stream-1`, {
      method: 'POST',
      body: JSON.stringify({ sql: 'SELECT range AS i FROM range(100000)' })
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(ARROW_STREAM_TYPE);
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(response.headers.get(ENGINE_HEADER)).toBe('duckdb-server');
    await response.arrayBuffer();

    const stream = engine.stream('SELECT range AS i, range * 0.5 AS half FROM range(200000)');
    const seen: number[] = [];
    let sum = 0;
    for await (const batch of stream) {
      seen.push(stream.rows);
      const column = batch.getChildAt(0)!;
      for (let i = 0; i < batch.numRows; i++) sum += Number(column.get(i));
    }
    expect((await stream.schema).fields.map(f => f.name)).toEqual(['i', 'half']);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen[0]).toBeLessThan(200_000);
    expect(seen[seen.length - 1]).toBe(200_000);
    expect(sum).toBe((199_999 * 200_000) / 2);
  });

  it('reads files of the shared folder by the paths the user sees', async () => {
    const { table } = await engine.query(
      "SELECT station FROM read_csv('shared/stations.csv') ORDER BY station"
    );
    expect(table.toArray().map(r => r.station)).toEqual(['somlit-1', 'somlit-2']);
    // DESCRIBE, SHOW, SUMMARIZE and EXPLAIN resolve the path as SELECT does (the server's root is not this
    // process's working folder), as the Python server engine does.
    for (const sql of [
      "DESCRIBE 'shared/stations.csv'",
      "SHOW SELECT station, lat FROM read_csv('shared/stations.csv')"
    ]) {
      const described = (await engine.query(sql)).table.toArray().map(r => r.column_name);
      expect({ sql, described }).toEqual({ sql, described: ['station', 'lat'] });
    }
    const summary = (await engine.query("SUMMARIZE 'shared/stations.csv'")).table.toArray();
    expect(summary.map(r => [r.column_name, r.min, r.max])).toEqual([
      ['station', 'somlit-1', 'somlit-2'],
      ['lat', '48.3', '50.0']
    ]);
    const plan = (await engine.query("EXPLAIN SELECT * FROM 'shared/stations.csv'")).table;
    expect(plan.getChild('explain_value')!.toArray().join('')).toContain('READ_CSV');
  });

  it('exports a result as CSV and Arrow on this side, and says why Parquet needs an encoder', async () => {
    const sql = 'SELECT i, i * 0.5 AS half FROM range(3) t(i) ORDER BY i';
    const collect = async (format: 'csv' | 'arrow' | 'parquet') => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of engine.exportQuery(sql, { format })) chunks.push(chunk);
      return Buffer.concat(chunks);
    };
    expect((await collect('csv')).toString('utf8')).toBe('i,half\r\n0,0\r\n1,0.5\r\n2,1\r\n');
    const arrow = tableFromIPC(await collect('arrow'));
    expect(arrow.toArray().map(r => [Number(r.i), r.half])).toEqual([
      [0, 0],
      [1, 0.5],
      [2, 1]
    ]);
    await expect(collect('parquet')).rejects.toThrow(/cannot write Parquet/);
  });

  it("keeps DuckDB's error text", async () => {
    await expect(engine.query('SELECT * FROM no_such_table')).rejects.toThrow(
      expect.objectContaining({
        name: 'QueryError',
        message: expect.stringMatching(
          /Catalog Error: Table with name no_such_table does not exist/
        )
      })
    );
    await expect(engine.query('SELEC 1')).rejects.toThrow(
      /Parser Error: syntax error at or near "SELEC"/
    );
  });
});

describe('cancel and limits', () => {
  it('cancels a running query (the client aborts): DuckDB is interrupted and the server is free again', async () => {
    const controller = new AbortController();
    const running = engine.query(LONG_QUERY, { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(running).rejects.toBeInstanceOf(QueryCancelledError);
    expect(await waitForIdle()).toEqual({ running: 0, queued: 0 });
    const [a, b] = await Promise.all([
      engine.query('SELECT 1 AS one'),
      engine.query('SELECT 2 AS two')
    ]);
    expect([a.table.getChild('one')!.get(0), b.table.getChild('two')!.get(0)]).toEqual([1, 2]);
  });

  it('cancels a streaming query mid-stream; the server stops it and frees its slot', async () => {
    const stream = engine.stream('SELECT range AS i FROM range(1000000000)');
    const batches = stream[Symbol.asyncIterator]();
    expect((await batches.next()).done).toBe(false);
    await stream.cancel();
    expect(await waitForIdle()).toEqual({ running: 0, queued: 0 });
    expect(stream.rows).toBeLessThan(1_000_000_000);
  });

  it('cancels by DELETE queries/{id}', async () => {
    const id = 'delete-me-1';
    const post = fetch(`${base}${QUERY_API_PATH}/queries/${id}`, {
      method: 'POST',
      body: JSON.stringify({ sql: LONG_QUERY })
    });
    expect(await waitForState(id, ['running'])).toBe('running');
    const deleted = await fetch(`${base}${QUERY_API_PATH}/queries/${id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    const response = await post;
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: { kind: 'cancelled', message: 'Query cancelled.' }
    });
    expect(await waitForState(id, ['cancelled'])).toBe('cancelled');
  });

  it('stops a query that runs past the time limit, and says so', async () => {
    const strict = await QueryServer.create({
      readable: [{ dir: path.join(root, 'shared'), label: 'shared' }],
      timeoutMs: 1500
    });
    const listener = await listenQueryServer(strict);
    try {
      const client = new ServerQueryEngine({ baseUrl: listener.url });
      await expect(client.query(LONG_QUERY)).rejects.toThrow(
        expect.objectContaining({
          name: 'QueryCancelledError',
          message: "The query ran longer than the server's limit of 1.5 s and was stopped."
        })
      );
      expect((await client.info()).load).toEqual({ running: 0, queued: 0 });
    } finally {
      await listener.close();
      await strict.close();
    }
  });

  it("refuses a query beyond DuckDB's memory limit with DuckDB's out-of-memory text", async () => {
    await expect(
      engine.query("SELECT string_agg(range::VARCHAR, ',') AS s FROM range(50000000)")
    ).rejects.toThrow(/^Out of Memory Error: failed to allocate/);
  });

  it('runs at most maxConcurrent queries, queues maxQueued, and answers busy beyond', async () => {
    const controller = new AbortController();
    const long = Array.from({ length: 4 }, () =>
      engine.query(LONG_QUERY, { signal: controller.signal }).catch((e: unknown) => e)
    );
    let load = { running: 0, queued: 0 };
    for (let i = 0; i < 100 && (load.running < 2 || load.queued < 2); i++) {
      load = (await engine.info()).load;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    expect(load).toEqual({ running: 2, queued: 2 });
    const busy = await engine.query('SELECT 1').catch((e: unknown) => e);
    controller.abort();
    expect(busy).toBeInstanceOf(ServerBusyError);
    expect((busy as Error).message).toMatch(/busy: 2 queries running and 2 waiting/);
    for (const outcome of await Promise.all(long)) {
      expect(outcome).toBeInstanceOf(QueryCancelledError);
    }
    expect(await waitForIdle()).toEqual({ running: 0, queued: 0 });
  });

  it('answers 8 concurrent users correctly, each asking again (bounded) when told busy', async () => {
    const clients = Array.from({ length: 8 }, () => new ServerQueryEngine({ baseUrl: base }));
    let busy = 0;
    const ask = async (client: ServerQueryEngine, sql: string): Promise<Table> => {
      for (let attempt = 0; attempt < 200; attempt++) {
        try {
          return (await client.query(sql)).table;
        } catch (e) {
          if (!(e instanceof ServerBusyError)) throw e;
          busy++;
          await new Promise(resolve => setTimeout(resolve, 25));
        }
      }
      throw new Error(`still busy after 200 attempts: ${sql}`);
    };
    const results = await Promise.all(
      clients.map(async (client, c) => {
        const errors: number[] = [];
        for (let q = 0; q < 5; q++) {
          const n = 1000 * (c + 1) + q;
          const table = await ask(client, `SELECT sum(range)::DOUBLE AS s FROM range(${n})`);
          errors.push(Number(table.getChild('s')!.get(0)) - (n * (n - 1)) / 2);
        }
        return errors;
      })
    );
    expect(results.flat()).toEqual(new Array(40).fill(0));
    // 8 users on 2 slots and 2 queue places: some were told busy, none was answered wrong.
    expect(busy).toBeGreaterThan(0);
    expect(await waitForIdle()).toEqual({ running: 0, queued: 0 });
  });
});

describe('the fence', () => {
  const refused = (sql: string, pattern: RegExp) =>
    expect(engine.query(sql)).rejects.toThrow(
      expect.objectContaining({
        name: 'QueryRefusedError',
        message: expect.stringMatching(pattern)
      })
    );

  it('refuses files outside the readable folders, named by absolute or relative path', async () => {
    await refused(
      "SELECT * FROM read_csv('/etc/passwd')",
      /reads only the folders shared.*Permission Error/s
    );
    await refused(
      "SELECT * FROM read_csv('someone-else/secret.csv')",
      /reads only the folders shared/
    );
    await refused(
      "SELECT * FROM read_csv('shared/../someone-else/secret.csv')",
      /reads only the folders shared/
    );
    await refused("SELECT * FROM read_text('/proc/self/environ')", /reads only the folders shared/);
  });

  it('refuses network addresses', async () => {
    await refused(
      `SELECT * FROM read_parquet('${base}x.parquet')`,
      /reads only the folders shared/
    );
    await refused(
      "SELECT * FROM read_csv('https://example.org/data.csv')",
      /reads only the folders shared/
    );
  });

  it('refuses writes, settings, extensions and attaching, naming the statement', async () => {
    await refused(
      "COPY (SELECT 1) TO 'shared/out.csv'",
      /only runs queries that read.*; COPY \(writes files\) is not run/s
    );
    expect(existsSync(path.join(root, 'shared', 'out.csv'))).toBe(false);
    await refused('INSTALL httpfs', /; INSTALL \(extensions\) is not run/);
    await refused('LOAD httpfs', /; LOAD \(extensions\) is not run/);
    await refused('SET enable_external_access = true', /; SET \(settings\) is not run/);
    await refused('RESET lock_configuration', /; RESET \(settings\) is not run/);
    await refused("ATTACH 'shared/x.duckdb' AS x", /; ATTACH \(databases\) is not run/);
    await refused('CREATE TABLE t AS SELECT 1', /; CREATE is not run/);
    await refused("SELECT 1; SET memory_limit = '100GB'", /; SET \(settings\) is not run/);
    await refused(
      "EXPLAIN SELECT 1; COPY (SELECT 1) TO 'shared/out.csv'",
      /; COPY \(writes files\)/
    );
    await refused("EXPORT DATABASE 'shared/dump'", /; EXPORT DATABASE \(writes files\) is not run/);
    expect(existsSync(path.join(root, 'shared', 'dump'))).toBe(false);
    expect(existsSync(path.join(root, 'shared', 'out.csv'))).toBe(false);
    // What reads is answered: EXPLAIN, DESCRIBE, SUMMARIZE, SHOW.
    for (const sql of [
      'EXPLAIN SELECT 1',
      'DESCRIBE harmonised',
      'SUMMARIZE SELECT 1 AS a',
      'SHOW TABLES'
    ]) {
      expect((await engine.query(sql)).rows).toBeGreaterThan(0);
    }
  });

  it('keeps its settings locked (a refused SET changed nothing)', async () => {
    const { table } = await engine.query(
      `SELECT current_setting('enable_external_access') AS external,
              current_setting('lock_configuration') AS locked,
              current_setting('autoinstall_known_extensions') AS autoinstall`
    );
    expect(table.toArray()[0].toJSON()).toEqual({
      external: false,
      locked: true,
      autoinstall: false
    });
  });

  it('reports a refusal as 403 with the contract error body', async () => {
    const response = await fetch(`${base}${QUERY_API_PATH}/queries/refused-1`, {
      method: 'POST',
      body: JSON.stringify({ sql: "SELECT * FROM read_csv('/etc/passwd')" })
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as ErrorBody).error.kind).toBe('refused');
    const refusal = await engine.query("SELECT * FROM read_csv('/etc/passwd')").catch(e => e);
    expect(refusal).toBeInstanceOf(QueryRefusedError);
  });

  it('answers a malformed request with a sentence, not a stack', async () => {
    const response = await fetch(`${base}${QUERY_API_PATH}/queries/bad-1`, {
      method: 'POST',
      body: 'not json'
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { kind: 'request', message: 'Expected a JSON body {"sql": "…"}.' }
    });
  });

  it('refuses to register browser files, saying what to do instead', async () => {
    const refusal = await engine.registerFile('x', { buffer: new Uint8Array(4) }).catch(e => e);
    expect(refusal).toBeInstanceOf(QueryError);
    expect(refusal.message).toMatch(/reads only the files next to it/);
  });
});
