#!/usr/bin/env node
/**
 * The server engine, measured on this machine (prints numbers, asserts nothing):
 * - result transfer: rows per second from native DuckDB to Arrow record batches, in-process and through the
 *   HTTP contract (QueryServer + ServerQueryEngine: Arrow IPC stream, fetch, RecordBatchReader);
 * - a generated harmonised dataset on disk (bench/harness/dataset.js; `--rows`, default 10 M): bytes per row
 *   (Parquet, DuckDB database file) and the latency of a one-station, one-year, one-parameter query and of a
 *   full-scan aggregate through the server engine.
 * With --python, the same queries also through the Python server of a stock JupyterLab (the odatis_vre server
 * extension in a `jupyter server` of .cache/stock-venv: run `node test/stock/env.js` first) on the same dataset,
 * with the ratios of both servers to native DuckDB in-process.
 * `--dataset DIR` queries a dataset already written there (catalog.json + harmonised.duckdb, e.g. bench:scale's
 * `bench/.cache/scale-100000000`, which took 54 min to write) instead of generating one; the queries then take
 * their station, year and parameter from the data.
 * Usage: npm run build:lib && node bench/server/run.js [--rows 10000000] [--dataset DIR] [--port 8798] [--python]
 */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { QueryServer, createNativeEngine } = require('../../packages/query/lib/node');
const { ServerQueryEngine } = require('../../packages/query/lib');
const { generatedDataset } = require('../harness/dataset');
const { harmonisedRowsSql } = require('../query/queries');
const { checksum } = require('../harness/checksum');
const { option } = require('../../scripts/args');

const ROWS = Number(option('--rows', 10_000_000));
const PORT = Number(option('--port', 8798));
const TRANSFER_ROWS = 1_000_000;
const PYTHON = process.argv.includes('--python');
const DATASET = option('--dataset') ? path.resolve(option('--dataset')) : null;
const VENV = path.join(__dirname, '..', '..', '.cache', 'stock-venv');
const TOKEN = 'odatis-vre-bench';

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

/** The machine's load average, printed with every run (the machine is shared). */
function load() {
  return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

async function main() {
  console.log(`load average ${load()}`);
  const dir = DATASET ?? path.join(__dirname, '..', '.cache', `query-${ROWS}-42`);
  if (DATASET && !fs.existsSync(path.join(DATASET, 'catalog.json'))) {
    throw new Error(
      `--dataset ${DATASET}: expected catalog.json there (a dataset written by bench/harness)`
    );
  }
  console.log(
    DATASET
      ? `dataset: ${dir} (as written)`
      : `dataset: ${ROWS.toLocaleString('en')} generated rows in ${dir}`
  );
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
  await native.attachHarmonised({ files: dataset.files, database: dataset.database });
  const python = PYTHON ? await pythonServer(dataset.dir, PORT + 1) : null;
  const servers = [['node server', remote], ...(python ? [['Python server', python.engine]] : [])];
  try {
    const sql = `SELECT range AS i, range * 0.5 AS x FROM range(${TRANSFER_ROWS})`;
    console.log(`result transfer, ${TRANSFER_ROWS.toLocaleString('en')} rows × 2 columns:`);
    const local = await timed('native DuckDB → Arrow batches, in-process', () =>
      drain(native.stream(sql))
    );
    for (const [name, engine] of servers) {
      const served = await timed(`the same through the HTTP contract, ${name}`, () =>
        drain(engine.stream(sql))
      );
      console.log(
        `    ${((TRANSFER_ROWS / served.ms) * 1000).toFixed(0)} rows/s served ` +
          `(${((TRANSFER_ROWS / local.ms) * 1000).toFixed(0)} in-process; ratio ${(served.ms / local.ms).toFixed(2)})`
      );
    }

    // A station, year and parameter the data hold (the generated sets differ: site-03 2005, coasthf-07 2015).
    const [site, year, parameter] = DATASET
      ? (
          await native.query(
            `SELECT site_id, year, parameter FROM harmonised LIMIT 1 OFFSET ${Math.floor(ROWS / 2)}`
          )
        ).table
          .toArray()
          .map(r => [r.site_id, r.year, r.parameter])[0]
      : ['site-03', 2005, 'TEMP'];
    const queries = [
      [
        `one station, one year, one parameter (${site} ${year} ${parameter})`,
        `SELECT time, value FROM harmonised
          WHERE site_id = '${site}' AND year = ${year} AND parameter = '${parameter}' ORDER BY time`
      ],
      [
        'full scan: monthly climatology of every station and parameter',
        `SELECT site_id, parameter, month(time) AS m, avg(value) AS mean, count(*) AS n
           FROM harmonised GROUP BY ALL`
      ]
    ];
    console.log(
      `queries on the ${ROWS.toLocaleString('en')}-row dataset (load average ${load()}):`
    );
    for (const [what, query] of queries) {
      const inProcess = await timed(
        `${what}, native DuckDB in-process`,
        async () => (await native.query(query)).table
      );
      const reference = checksum(inProcess.value);
      console.log(`    ${inProcess.value.numRows} rows`);
      for (const [name, engine] of servers) {
        const served = await timed(
          `${what}, ${name}`,
          async () => (await engine.query(query)).table
        );
        const same = checksum(served.value) === reference ? 'same answer' : 'DIFFERENT ANSWER';
        console.log(
          `    ${served.value.numRows} rows, ${same}; ratio to in-process ${(served.ms / inProcess.ms).toFixed(2)}`
        );
      }
    }
    console.log(`load average at the end ${load()}`);
  } finally {
    await remote.close();
    await native.close();
    await python?.close();
    listener.closeAllConnections();
    listener.close();
    await server.close();
  }
}

/**
 * The Python server on the dataset: `jupyter server` of the stock venv, its root the dataset's parent, the
 * dataset its shared folder and harmonised dataset. Returns a ServerQueryEngine on it and how to stop it.
 */
async function pythonServer(dir, port) {
  const jupyter = path.join(VENV, 'bin', 'jupyter');
  if (!fs.existsSync(jupyter)) {
    throw new Error(
      `--python needs the stock venv (${VENV}): run \`node test/stock/env.js\` first.`
    );
  }
  const root = path.dirname(dir);
  const name = path.basename(dir);
  const log = path.join(root, `python-server-${port}.log`);
  const child = spawn(
    jupyter,
    [
      'server',
      '--no-browser',
      '--ip=127.0.0.1',
      `--port=${port}`,
      '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${TOKEN}`,
      `--ServerApp.root_dir=${root}`,
      '--allow-root',
      `--OdatisVreApp.shared_data_dir=${name}`,
      `--OdatisVreApp.harmonised_dir=${name}`,
      '--OdatisVreApp.query_timeout_s=600',
      '--OdatisVreApp.query_memory_limit=2GB'
    ],
    { cwd: root, stdio: ['ignore', fs.openSync(log, 'w'), fs.openSync(log, 'a')] }
  );
  const engine = new ServerQueryEngine({
    baseUrl: `http://127.0.0.1:${port}/`,
    headers: () => ({ Authorization: `token ${TOKEN}` })
  });
  const started = performance.now();
  for (;;) {
    try {
      const info = await engine.info();
      console.log(
        `Python server (DuckDB ${info.version}) ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
          info.relations.map(r => `${r.name} ${r.rows} rows (${r.source})`).join(', ')
      );
      break;
    } catch (e) {
      if (child.exitCode !== null || performance.now() - started > 300_000) {
        child.kill();
        throw new Error(`The Python server did not start (see ${log}): ${e.message}`);
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
  }
  return {
    engine,
    close: async () => {
      await engine.close();
      child.kill('SIGTERM');
      await new Promise(resolve => child.once('exit', resolve));
    }
  };
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
