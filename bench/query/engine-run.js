/**
 * One engine's part of the query benchmark, run in its own process so its memory is its own:
 *   node bench/query/engine-run.js <duckdb-wasm|duckdb-native> <rows> <seed>
 * Prints one JSON line.
 */
const { createNativeEngine, createWasmEngine } = require('../../packages/query/lib/node');
const { generateSql, QUERIES } = require('./queries');

const REPEATS = 3;

/** A number that summarises a result, to check both engines answered the same. */
function checksum(table) {
  let sum = table.numRows;
  for (const field of table.schema.fields) {
    const column = table.getChild(field.name);
    if (/Float|Int/.test(String(field.type))) {
      for (let i = 0; i < table.numRows; i++) {
        const v = column.get(i);
        if (v !== null) sum += Number(v);
      }
    }
  }
  return sum;
}

async function main() {
  const [kind, rowsText, seedText] = process.argv.slice(2);
  const rows = Number(rowsText);
  const engine = kind === 'duckdb-native' ? await createNativeEngine() : createWasmEngine();
  const out = { engine: kind, version: await engine.version(), rows, queries: [] };
  let t = performance.now();
  for (const sql of generateSql(rows, Number(seedText))) {
    await engine.query(sql);
  }
  out.generateMs = performance.now() - t;
  out.threads = Number(
    (await engine.query(`SELECT current_setting('threads')::INTEGER AS t`)).table
      .getChild('t')
      .get(0)
  );
  const mem = await engine.query(
    `SELECT sum(memory_usage_bytes)::DOUBLE AS b FROM duckdb_memory()`
  );
  out.duckdbMemoryBytes = Number(mem.table.getChild('b').get(0));
  for (const q of QUERIES) {
    await engine.query(q.sql); // warm-up
    const times = [];
    let result;
    for (let r = 0; r < REPEATS; r++) {
      result = await engine.query(q.sql);
      times.push(result.elapsedMs);
    }
    times.sort((a, b) => a - b);
    // Engine work alone: the same query materialised inside DuckDB, nothing handed to JavaScript.
    const engineTimes = [];
    for (let r = 0; r < REPEATS; r++) {
      const t0 = performance.now();
      await engine.query(`CREATE OR REPLACE TEMP TABLE bench_result AS ${q.sql}`);
      engineTimes.push(performance.now() - t0);
    }
    engineTimes.sort((a, b) => a - b);
    out.queries.push({
      name: q.name,
      medianMs: times[Math.floor(times.length / 2)],
      engineMs: engineTimes[Math.floor(engineTimes.length / 2)],
      rows: result.rows,
      checksum: checksum(result.table)
    });
  }
  out.rssBytes = process.memoryUsage().rss;
  out.maxRssBytes = process.resourceUsage().maxRSS * 1024;
  await engine.close();
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
