/**
 * Query benchmark: the NEO query set on a generated harmonised long table, DuckDB-WASM (node) against
 * native DuckDB (@duckdb/node-api) in the same run. Prints times, ratios and memory; asserts nothing.
 *
 *   npm run build && node bench/query/run.js
 *   BENCH_QUERY_ROWS=1000000 node bench/query/run.js      (smaller run; default 10 000 000 rows)
 *   BENCH_QUERY_SEED=7 ...                                (another deterministic table; default 42)
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const rows = Number(process.env.BENCH_QUERY_ROWS ?? 10_000_000);
const seed = Number(process.env.BENCH_QUERY_SEED ?? 42);
const TARGET = 2;

function runEngine(kind) {
  const stdout = execFileSync(
    process.execPath,
    [path.join(__dirname, 'engine-run.js'), kind, String(rows), String(seed)],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      stdio: ['ignore', 'pipe', 'inherit']
    }
  );
  return JSON.parse(stdout.trim().split('\n').pop());
}

const mb = b => `${(b / 1048576).toFixed(0)} MB`;
const ms = t => `${t.toFixed(1)} ms`;

console.log(`Harmonised long table: ${rows.toLocaleString('en')} rows, seed ${seed}`);
const native = runEngine('duckdb-native');
const wasm = runEngine('duckdb-wasm');
console.log(
  `native DuckDB ${native.version} (${native.threads} threads) | DuckDB-WASM ${wasm.version} (${wasm.threads} thread)`
);
console.log(
  `generate table: native ${ms(native.generateMs)}, wasm ${ms(wasm.generateMs)}, ratio ${(wasm.generateMs / native.generateMs).toFixed(2)}`
);
console.log('');
const header = ['query', 'result rows', 'native', 'wasm', 'wasm/native', `<= ${TARGET}?`];
console.log([...header, 'engine only: native', 'wasm', 'wasm/native', 'same result'].join(' | '));
for (let i = 0; i < native.queries.length; i++) {
  const n = native.queries[i];
  const w = wasm.queries[i];
  const ratio = w.medianMs / n.medianMs;
  const same =
    n.rows === w.rows &&
    Math.abs(n.checksum - w.checksum) <= 1e-6 * Math.max(1, Math.abs(n.checksum));
  console.log(
    [
      n.name,
      n.rows,
      ms(n.medianMs),
      ms(w.medianMs),
      ratio.toFixed(2),
      ratio <= TARGET ? 'yes' : 'no',
      ms(n.engineMs),
      ms(w.engineMs),
      (w.engineMs / n.engineMs).toFixed(2),
      same ? 'yes' : `NO (${n.checksum} vs ${w.checksum})`
    ].join(' | ')
  );
}
console.log('');
console.log('memory: process RSS at end / peak RSS / DuckDB-reported buffer memory');
for (const r of [native, wasm]) {
  console.log(
    `  ${r.engine}: ${mb(r.rssBytes)} / ${mb(r.maxRssBytes)} / ${mb(r.duckdbMemoryBytes)}`
  );
}
console.log(
  '(median of 3 runs after one warm-up. First ratio: SQL to Arrow table in JavaScript, what a'
);
console.log(
  ' client sees; native DuckDB has no Arrow output in node, so its time includes a JavaScript'
);
console.log(
  ' conversion. "engine only": the query materialised inside DuckDB, CREATE TEMP TABLE ... AS.)'
);
