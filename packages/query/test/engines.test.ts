/**
 * The same behaviour asked of every engine behind QueryEngine: DuckDB-WASM in process, DuckDB-WASM in a
 * worker (comlink), native DuckDB.
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import {
  tableFromArrays,
  tableFromIPC,
  tableToIPC,
  Float64,
  Int32,
  type Table
} from 'apache-arrow';
import { HARMONISED_RELATION } from '@odatis-vre/harmonised';
import { readParquet } from 'parquet-wasm/node';
import type { QueryEngine } from '../src/engine';
import type { ExportFormat } from '../src/export';
import { QueryCancelledError, QueryError } from '../src/errors';
import {
  createNativeEngine,
  createNodeWasmCore,
  createWasmEngine,
  createWasmWorkerEngine,
  writeHarmonisedDatabase
} from '../src/node';
import {
  duckdbWrite,
  scratchDir,
  startRangeServer,
  writeHarmonised,
  type RangeServer
} from './fixtures';

const dir = scratchDir();
let server: RangeServer;
let harmonisedFiles: string[];
let harmonisedDatabase: string;

/** Rows as plain objects (bigint and timestamps as numbers), to compare results across engines. */
function rowsOf(table: Table): Record<string, unknown>[] {
  return table
    .toArray()
    .map(row =>
      JSON.parse(JSON.stringify(row.toJSON(), (_k, v) => (typeof v === 'bigint' ? Number(v) : v)))
    );
}

beforeAll(async () => {
  await duckdbWrite(
    `COPY (SELECT i::INTEGER AS i, i * 0.5 AS v, 'site-' || (i % 7) AS site FROM range(300000) t(i))
       TO '${dir}/big.parquet' (FORMAT parquet, ROW_GROUP_SIZE 50000)`
  );
  await duckdbWrite(
    `COPY (SELECT i AS id, i * i AS sq FROM range(10) t(i)) TO '${dir}/small.csv' (HEADER)`
  );
  harmonisedFiles = await writeHarmonised(path.join(dir, 'harmonised'));
  harmonisedDatabase = path.join(dir, 'harmonised', 'harmonised.duckdb');
  await writeHarmonisedDatabase(harmonisedFiles, harmonisedDatabase);
  server = await startRangeServer(dir);
});

afterAll(async () => {
  await server.close();
});

const engines: [string, () => Promise<QueryEngine>][] = [
  ['duckdb-wasm (in process)', async () => createWasmEngine()],
  ['duckdb-wasm (worker, comlink)', async () => createWasmWorkerEngine()],
  ['duckdb native', () => createNativeEngine()]
];

describe.each(engines)('%s', (_label, create) => {
  let engine: QueryEngine;
  beforeAll(async () => {
    engine = await create();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('returns Arrow tables with rows and elapsed time', async () => {
    const result = await engine.query(
      `SELECT i::INTEGER AS i, i / 4 AS q, 'x' || i AS s FROM range(5) t(i) ORDER BY i`
    );
    expect(result.rows).toBe(5);
    expect(result.table.numRows).toBe(5);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(result.table.schema.fields.map(f => f.name)).toEqual(['i', 'q', 's']);
    expect(result.table.getChild('i')!.toArray()).toEqual(Int32Array.from([0, 1, 2, 3, 4]));
    expect(Array.from(result.table.getChild('q')!.toArray() as Float64Array)).toEqual([
      0, 0.25, 0.5, 0.75, 1
    ]);
    expect(result.table.getChild('s')!.get(3)).toBe('x3');
    expect(await engine.version()).toMatch(/^v\d+\.\d+/);
  });

  it('carries DuckDB error messages for bad SQL', async () => {
    await expect(engine.query('SELEC 1')).rejects.toThrow(/syntax error at or near "SELEC"/);
    await expect(engine.query('SELECT nope FROM range(1)')).rejects.toBeInstanceOf(QueryError);
    // The engine is still usable afterwards.
    expect((await engine.query('SELECT 42 AS x')).table.getChild('x')!.get(0)).toBe(42);
  });

  it('registers Parquet and CSV from buffers', async () => {
    await engine.registerFile('big_buf', {
      buffer: new Uint8Array(readFileSync(`${dir}/big.parquet`))
    });
    const { table } = await engine.query('SELECT count(*)::DOUBLE AS n, sum(v) AS s FROM big_buf');
    expect(table.getChild('n')!.get(0)).toBe(300000);
    expect(table.getChild('s')!.get(0)).toBe((0.5 * (299999 * 300000)) / 2);

    await engine.registerFile(
      'small',
      { buffer: new Uint8Array(readFileSync(`${dir}/small.csv`)) },
      { format: 'csv' }
    );
    const csv = await engine.query('SELECT sum(sq)::DOUBLE AS s FROM small');
    expect(csv.table.getChild('s')!.get(0)).toBe(285);
  });

  it('registers Parquet by URL with HTTP Range requests', async () => {
    server.log.length = 0;
    await engine.registerFile('big_url', { url: server.url('big.parquet') });
    const { table } = await engine.query('SELECT count(*)::DOUBLE AS n, max(i) AS m FROM big_url');
    expect(table.getChild('n')!.get(0)).toBe(300000);
    expect(table.getChild('m')!.get(0)).toBe(299999);
    if (engine.kind !== 'duckdb-native') {
      // The DuckDB-WASM engines read the file in ranges (footer first), never as one whole GET.
      const gets = server.log.filter(r => r.method === 'GET' && r.path === '/big.parquet');
      expect(gets.length).toBeGreaterThan(1);
      expect(gets.every(r => r.range !== '-')).toBe(true);
      const size = statSync(`${dir}/big.parquet`).size;
      expect(
        gets.some(
          r => r.range === `bytes=${size - 8}-${size - 1}` || /^bytes=\d+-\d+$/.test(r.range)
        )
      ).toBe(true);
    }
  });

  it('registers an Arrow IPC buffer', async () => {
    if (engine.kind === 'duckdb-native') {
      await expect(
        engine.registerFile('arrow_t', { buffer: new Uint8Array(1) }, { format: 'arrow' })
      ).rejects.toThrow(/DuckDB-WASM/);
      return;
    }
    const ipc = tableToIPC(
      tableFromArrays({ a: Int32Array.from([1, 2, 3]), b: Float64Array.from([0.5, 1.5, 2.5]) }),
      'stream'
    );
    await engine.registerFile('arrow_t', { buffer: ipc }, { format: 'arrow' });
    const { table } = await engine.query('SELECT sum(a)::DOUBLE AS a, sum(b) AS b FROM arrow_t');
    expect(table.getChild('a')!.get(0)).toBe(6);
    expect(table.getChild('b')!.get(0)).toBe(4.5);
    // the IPC file format of .arrow files (magic ARROW1) loads as well
    const file = tableToIPC(tableFromArrays({ c: Float64Array.from([1, 2, 4]) }), 'file');
    await engine.registerFile('arrow_f', { buffer: file }, { format: 'arrow' });
    const sum = await engine.query('SELECT sum(c) AS c, count(*)::DOUBLE AS n FROM arrow_f');
    expect([sum.table.getChild('c')!.get(0), sum.table.getChild('n')!.get(0)]).toEqual([7, 3]);
    void Float64;
    void Int32;
  });

  it('attaches the harmonised dataset with its hive partitions', async () => {
    const attached = await engine.attachHarmonised({ files: harmonisedFiles });
    expect(attached).toEqual({
      name: 'harmonised',
      files: 6,
      rows: 3 * 2 * 2 * 50,
      source: 'parquet'
    });
    const { table } = await engine.query(
      `SELECT sno, site, year, count(*)::DOUBLE AS n, avg(value) AS mean
         FROM harmonised WHERE parameter = 'TEMP' GROUP BY ALL ORDER BY sno, site, year`
    );
    expect(table.numRows).toBe(6);
    const first = table.get(0)!.toJSON();
    expect(first).toEqual({
      sno: 'PHYTOBS',
      site: 'phytobs-1',
      year: 2020,
      n: 50,
      mean: 2000 + 24.5
    });
    // The contract's columns and types, whatever the files hold (quality is UTINYINT in the fixture).
    const tables = await engine.listTables();
    expect(tables.filter(t => t.name === 'harmonised')).toHaveLength(1);
    const harmonised = tables.find(t => t.name === 'harmonised')!;
    expect(harmonised.kind).toBe('view');
    expect(harmonised.columns.map(c => ({ name: c.name, type: c.type }))).toEqual(
      HARMONISED_RELATION.map(c => ({ name: c.name, type: c.type }))
    );
  });

  it('attaches the database file instead, by path and by URL, with the same rows', async () => {
    const sql = `SELECT sno, site_id, site, year, parameter, time, value, quality FROM harmonised
                  ORDER BY sno, site_id, parameter, time`;
    await engine.attachHarmonised({ files: harmonisedFiles });
    const fromParquet = (await engine.query(sql)).table;
    // month() of the UTC timestamps: the same in every engine (DuckDB-WASM has no time zone support).
    const months = `SELECT month(time) AS m, count(*)::DOUBLE AS n FROM harmonised GROUP BY m ORDER BY m`;
    const monthsFromParquet = rowsOf((await engine.query(months)).table);
    for (const database of [harmonisedDatabase, server.url('harmonised/harmonised.duckdb')]) {
      server.log.length = 0;
      const attached = await engine.attachHarmonised({ files: harmonisedFiles, database });
      expect(attached).toEqual({ name: 'harmonised', files: 0, rows: 600, source: 'database' });
      expect(rowsOf((await engine.query(sql)).table)).toEqual(rowsOf(fromParquet));
      expect(rowsOf((await engine.query(months)).table)).toEqual(monthsFromParquet);
      const tables = await engine.listTables();
      expect(tables.filter(t => t.name === 'harmonised')).toHaveLength(1);
      expect(tables.find(t => t.name === 'harmonised')!.columns.map(c => c.type)).toEqual(
        HARMONISED_RELATION.map(c => c.type)
      );
    }
    expect(monthsFromParquet).toEqual([
      { m: 1, n: 372 },
      { m: 2, n: 228 }
    ]);
  });

  it('streams large results in record batches', async () => {
    const stream = engine.stream('SELECT i, i % 10 AS r FROM range(1000000) t(i)', {
      rowsPerTransfer: 100000
    });
    let rows = 0;
    let batches = 0;
    let sum = 0;
    for await (const batch of stream) {
      batches++;
      rows += batch.numRows;
      const r = batch.getChild('r')!;
      for (let k = 0; k < batch.numRows; k++) {
        sum += Number(r.get(k));
      }
    }
    expect(rows).toBe(1000000);
    expect(stream.rows).toBe(1000000);
    expect(batches).toBeGreaterThan(1);
    expect(sum).toBe(4500000);
    expect((await stream.schema).fields.map(f => f.name)).toEqual(['i', 'r']);
  });

  it('stops a stream early when the consumer breaks out', async () => {
    const stream = engine.stream('SELECT i FROM range(10000000) t(i)');
    let rows = 0;
    for await (const batch of stream) {
      rows += batch.numRows;
      if (rows > 10000) {
        break;
      }
    }
    expect(rows).toBeLessThan(10000000);
    expect((await engine.query('SELECT 1 AS one')).rows).toBe(1);
  });

  it('exports a result as CSV, Arrow and Parquet files, made from the streamed result', async () => {
    const sql = `SELECT i::INTEGER AS i, i * 0.25 AS v, 'site, "' || (i % 7) || '"' AS label,
                        TIMESTAMP '2020-01-01' + to_minutes(i) AS t
                   FROM range(120000) r(i) ORDER BY i`;
    const expected = (await engine.query(sql)).table;
    const file = async (format: ExportFormat) => {
      const stream = engine.exportQuery(sql, { format, bytesPerTransfer: 256 * 1024 });
      const chunks: Uint8Array[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      const bytes = new Uint8Array(Buffer.concat(chunks));
      expect([format, stream.rows, stream.bytes]).toEqual([format, 120000, bytes.length]);
      return bytes;
    };

    const csv = await file('csv');
    const lines = new TextDecoder().decode(csv).split('\r\n');
    expect(lines.slice(0, 3)).toEqual([
      'i,v,label,t',
      '0,0,"site, ""0""",2020-01-01',
      '1,0.25,"site, ""1""",2020-01-01T00:01:00Z'
    ]);
    expect(lines.length).toBe(120002); // header, rows, the empty string after the last CRLF
    expect(lines[120000]).toBe('119999,29999.75,"site, ""5""",2020-03-24T07:59:00Z');
    // DuckDB reads the file back to the same values.
    await engine.registerFile('csv_back', { buffer: csv }, { format: 'csv' });
    const back = (
      await engine.query(
        `SELECT count(*)::INTEGER AS n, sum(i)::DOUBLE AS si, sum(v) AS sv,
                count(DISTINCT label)::INTEGER AS labels FROM csv_back`
      )
    ).table
      .get(0)!
      .toJSON();
    expect(back).toEqual({ n: 120000, si: 7199940000, sv: 1799985000, labels: 7 });

    const fromArrow = tableFromIPC(await file('arrow'));
    expect(fromArrow.numRows).toBe(120000);
    expect(fromArrow.schema.fields.map(f => f.name)).toEqual(['i', 'v', 'label', 't']);
    for (const row of [0, 1, 65535, 119999]) {
      expect(fromArrow.get(row)!.toJSON()).toEqual(expected.get(row)!.toJSON());
    }

    const fromParquet = tableFromIPC(readParquet(await file('parquet')).intoIPCStream());
    expect(fromParquet.numRows).toBe(120000);
    for (const row of [0, 1, 65535, 119999]) {
      const got = fromParquet.get(row)!.toJSON();
      const want = expected.get(row)!.toJSON();
      expect([got.i, got.v, got.label]).toEqual([want.i, want.v, want.label]);
    }
  });

  it('exports an empty result with its columns, and stops an export when cancelled', async () => {
    const collect = async (stream: AsyncIterable<Uint8Array>) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return new Uint8Array(Buffer.concat(chunks));
    };
    const emptyCsv = await collect(
      engine.exportQuery('SELECT 1 AS a, 2.5 AS b WHERE false', { format: 'csv' })
    );
    expect(new TextDecoder().decode(emptyCsv)).toBe('a,b\r\n');
    const emptyArrow = tableFromIPC(
      await collect(engine.exportQuery('SELECT 1 AS a WHERE false', { format: 'arrow' }))
    );
    expect([emptyArrow.numRows, emptyArrow.schema.fields.map(f => f.name)]).toEqual([0, ['a']]);

    // A file far too large to finish: the first chunks, then cancel.
    const huge = engine.exportQuery('SELECT i, i * 2 AS j FROM range(1000000000) t(i)', {
      format: 'csv',
      bytesPerTransfer: 64 * 1024
    });
    let taken = 0;
    for await (const chunk of huge) {
      taken += chunk.byteLength;
      if (taken > 200_000) await huge.cancel();
    }
    expect(huge.rows).toBeLessThan(1000000000);
    // By signal too, and the engine answers afterwards.
    const controller = new AbortController();
    const signalled = collect(
      engine.exportQuery('SELECT i FROM range(1000000000) t(i)', {
        format: 'arrow',
        signal: controller.signal
      })
    );
    setTimeout(() => controller.abort(), 200);
    await expect(signalled).rejects.toBeInstanceOf(QueryCancelledError);
    expect((await engine.query('SELECT 3 AS three')).table.getChild('three')!.get(0)).toBe(3);
  });

  it('cancels a running query', async () => {
    const controller = new AbortController();
    const slow = engine.query(
      'SELECT count(*) FROM range(100000000) a(i), range(1000) b(j) WHERE i + j = -1',
      {
        signal: controller.signal
      }
    );
    setTimeout(() => controller.abort(), 300);
    await expect(slow).rejects.toBeInstanceOf(QueryCancelledError);
    // The connection is free again: were DuckDB still scanning 10^11 rows, this would wait for hours.
    expect((await engine.query('SELECT 7 AS seven')).table.getChild('seven')!.get(0)).toBe(7);
  });
});

describe('duckdb-wasm stream bookkeeping', () => {
  it('keeps working after streams abandoned mid-way', async () => {
    const engine = createWasmEngine();
    try {
      for (let k = 0; k < 5; k++) {
        const stream = engine.stream('SELECT i FROM range(1000000) t(i)');
        for await (const batch of stream) {
          if (batch.numRows > 0) break;
        }
      }
      // A stream read to its end after the abandoned ones still works and sees every row.
      let rows = 0;
      for await (const batch of engine.stream('SELECT i FROM range(50000) t(i)'))
        rows += batch.numRows;
      expect(rows).toBe(50000);
    } finally {
      await engine.close();
    }
  });
});

describe('duckdb-wasm exports cancelled', () => {
  it('says cancelled, not failed, when an export is cancelled while a chunk of it is being made', async () => {
    const core = await createNodeWasmCore();
    for (const format of ['parquet', 'csv', 'arrow'] as const) {
      const id = `cancelled-${format}`;
      await core.openExport(
        id,
        "SELECT i, 'label ' || (i % 1000) AS label FROM range(100000000) t(i)",
        format
      );
      // A transfer far larger than what is made before the cancel arrives: the cancel comes mid-chunk.
      const next = core.nextExportChunks(id, 1024 * 1024 * 1024);
      await new Promise(resolve => setTimeout(resolve, 50));
      core.cancel(id);
      await expect(next).rejects.toBeInstanceOf(QueryCancelledError);
    }
    // The engine answers afterwards.
    await core.openExport('after', 'SELECT 3 AS three', 'csv');
    const chunks = await core.nextExportChunks('after', 1024);
    expect(new TextDecoder().decode(chunks!.chunks[0])).toBe('three\r\n3\r\n');
  });
});
