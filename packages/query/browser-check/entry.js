// What an extension does: create the browser engine with the worker and wasm files emitted by webpack.
import { createBrowserQueryEngine } from '@odatis-vre/query';

const engine = createBrowserQueryEngine({
  createWorker: () =>
    new Worker(new URL('@odatis-vre/query/lib/browser-worker.js', import.meta.url)),
  bundles: {
    mvp: { mainModule: new URL('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm', import.meta.url).href },
    eh: { mainModule: new URL('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm', import.meta.url).href }
  },
  parquetWasm: new URL('parquet-wasm/esm/parquet_wasm_bg.wasm', import.meta.url).href
});

async function check() {
  const out = {};
  out.version = await engine.version();
  const q = await engine.query('SELECT 21 * 2 AS answer');
  out.answer = q.table.getChild('answer').get(0);
  await engine.registerFile('remote', { url: new URL('/data/check.parquet', location.href).href });
  const r = await engine.query('SELECT count(*)::DOUBLE AS n, sum(v) AS s FROM remote');
  out.remote = r.table.get(0).toJSON();
  let rows = 0;
  for await (const batch of engine.stream('SELECT i FROM range(200000) t(i)'))
    rows += batch.numRows;
  out.streamed = rows;
  const controller = new AbortController();
  const slow = engine.query(
    'SELECT count(*) FROM range(100000000) a(i), range(1000) b(j) WHERE i + j = -1',
    {
      signal: controller.signal
    }
  );
  setTimeout(() => controller.abort(), 300);
  out.cancel = await slow.then(
    () => 'finished',
    e => e.name
  );
  try {
    await engine.query('SELEC 1');
  } catch (e) {
    out.badSql = e.message.split('\n')[0];
  }
  out.tables = (await engine.listTables()).map(
    t => `${t.name}(${t.columns.map(c => c.type).join(',')})`
  );
  return out;
}

check().then(
  out => (window.__result = out),
  e => (window.__result = { error: String(e && e.stack ? e.stack : e) })
);
