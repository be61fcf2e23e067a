#!/usr/bin/env node
/**
 * The server engine, measured on this machine (prints numbers, asserts nothing):
 * - result transfer: rows per second from native DuckDB to Arrow record batches, in-process and through the
 *   HTTP contract (QueryServer + ServerQueryEngine: Arrow IPC stream, fetch, RecordBatchReader);
 * - a generated harmonised dataset on disk (bench/harness/dataset.js; `--rows`, default 10 M): bytes per row
 *   (Parquet, DuckDB database file) and the latency of a one-station, one-year, one-parameter query and of a
 *   full-scan aggregate through the server engine.
 * Usage: npm run build:lib && node bench/server/run.js [--rows 10000000] [--port 8798]
 */
const http = require('node:http');
const path = require('node:path');
const { QueryServer, createNativeEngine } = require('../../packages/query/lib/node');
const { ServerQueryEngine } = require('../../packages/query/lib');
const { generatedDataset } = require('../harness/dataset');
const { harmonisedRowsSql } = require('../query/queries');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const ROWS = option('--rows', 10_000_000);
const PORT = option('--port', 8798);
const TRANSFER_ROWS = 1_000_000;

async function timed(what, run) {
  const started = performance.now();
  const value = await run();
  const ms = performance.now() - started;
  console.log(`  ${what}: ${(ms / 1000).toFixed(2)} s`);
  return { ms, value };
}

async function drain(stream) {
  let rows = 0;
  for await (const batch of stream) rows += batch.numRows;
  return rows;
}

async function main() {
  const dir = path.join(__dirname, '..', '.cache', `query-${ROWS}-42`);
  console.log(`dataset: ${ROWS.toLocaleString('en')} generated rows in ${dir}`);
  const dataset = await generatedDataset(dir, harmonisedRowsSql(ROWS, 42), {
    log: m => console.log(`  ${m}`)
  });
  console.log(
    `  Parquet: ${(dataset.parquetBytes / 1e6).toFixed(0)} MB (${(dataset.parquetBytes / ROWS).toFixed(1)} B/row); ` +
      `DuckDB file: ${(dataset.databaseBytes / 1e6).toFixed(0)} MB (${(dataset.databaseBytes / ROWS).toFixed(1)} B/row)`
  );

  const server = await QueryServer.create({
    root: dataset.dir,
    readable: [{ dir: dataset.dir, label: 'dataset' }],
    harmonised: { files: dataset.files, database: dataset.database },
    timeoutMs: 600_000,
    memoryLimit: '2GB'
  });
  const listener = http.createServer((req, res) => void server.handle(req, res));
  await new Promise(resolve => listener.listen(PORT, '127.0.0.1', resolve));
  const remote = new ServerQueryEngine({ baseUrl: `http://127.0.0.1:${PORT}/` });
  const native = await createNativeEngine();
  try {
    const sql = `SELECT range AS i, range * 0.5 AS x FROM range(${TRANSFER_ROWS})`;
    console.log(`result transfer, ${TRANSFER_ROWS.toLocaleString('en')} rows × 2 columns:`);
    const local = await timed('native DuckDB → Arrow batches, in-process', () =>
      drain(native.stream(sql))
    );
    const served = await timed('the same through the HTTP contract', () =>
      drain(remote.stream(sql))
    );
    console.log(
      `  ${((TRANSFER_ROWS / local.ms) * 1000).toFixed(0)} rows/s in-process, ` +
        `${((TRANSFER_ROWS / served.ms) * 1000).toFixed(0)} rows/s served (ratio ${(served.ms / local.ms).toFixed(2)})`
    );

    console.log(
      `queries on the ${ROWS.toLocaleString('en')}-row dataset through the server engine:`
    );
    await timed(
      'one station, one year, one parameter (rows)',
      async () =>
        (
          await remote.query(
            `SELECT time, value FROM harmonised
          WHERE site_id = 'site-03' AND year = 2005 AND parameter = 'TEMP' ORDER BY time`
          )
        ).rows
    ).then(r => console.log(`    ${r.value} rows`));
    await timed(
      'full scan: monthly climatology of every station and parameter',
      async () =>
        (
          await remote.query(
            `SELECT site_id, parameter, month(time) AS m, avg(value) AS mean, count(*) AS n
           FROM harmonised GROUP BY ALL`
          )
        ).rows
    ).then(r => console.log(`    ${r.value} groups`));
  } finally {
    await remote.close();
    await native.close();
    listener.closeAllConnections();
    listener.close();
    await server.close();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
