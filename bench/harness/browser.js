/**
 * Benchmarks in the browser's real situation: a page bundled with rspack from the query package (the
 * same worker as the SQL workspace), served by the VRE's own static server (HTTP ranges) on 127.0.0.1,
 * driven in Debian's headless Chromium. Used by bench/query and bench/scale.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { serveSite } = require('../../packages/app/scripts/serve');
const { CHROMIUM_ARGS, chromiumExecutable } = require('../../test/chromium');
const { loadAverage, processTimes } = require('../../scripts/cpu-time');

const CACHE = path.join(__dirname, '..', '.cache');

/** Bundle page-entry.mjs (and the workers and wasm it names) into bench/.cache/page. */
async function buildPage() {
  const { rspack } = require('@rspack/core');
  const { queryWebpackConfig } = require('../../packages/query/lib/webpack');
  const out = path.join(CACHE, 'page');
  const config = queryWebpackConfig(
    path.join(__dirname, '..', '..', 'extensions', 'services-extension')
  );
  // The worker's parquet-wasm (the query package's version) and the wasm file the page names must match.
  config.resolve.alias['parquet-wasm/esm/parquet_wasm_bg.wasm$'] = path.join(
    __dirname,
    '../../packages/query/node_modules/parquet-wasm/esm/parquet_wasm_bg.wasm'
  );
  config.resolve.alias['apache-arrow$'] = path.join(
    path.dirname(require.resolve('apache-arrow')),
    'Arrow.dom.mjs'
  );
  const compiler = rspack({
    mode: 'production',
    target: 'web',
    context: __dirname,
    entry: path.join(__dirname, 'page-entry.mjs'),
    output: { path: out, filename: 'main.js', publicPath: 'auto', clean: true },
    resolve: config.resolve,
    node: { __filename: 'mock', __dirname: 'mock' },
    devtool: false,
    performance: { hints: false },
    ignoreWarnings: [/Critical dependency/]
  });
  await new Promise((resolve, reject) =>
    compiler.run((error, stats) =>
      compiler.close(() => {
        if (error) return reject(error);
        if (stats.hasErrors())
          return reject(new Error(stats.toString({ all: false, errors: true })));
        resolve();
      })
    )
  );
  fs.writeFileSync(
    path.join(out, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>odatis bench</title><script src="main.js"></script>\n'
  );
  return out;
}

/**
 * Serve bench/.cache (the page under /page/, generated datasets beside it) with the VRE's server, which
 * serves nothing outside its root (not even through a symlink); with `isolated`, every answer carries
 * COOP/COEP so the page is cross-origin isolated (threads).
 */
async function servePage({ port = 0, isolated = false } = {}) {
  const { server } = await serveSite(CACHE, { port });
  const requests = [];
  // Headers set before the server's own writeHead are merged into its answer.
  server.prependListener('request', (req, res) => {
    const entry = {
      method: req.method,
      url: req.url,
      range: req.headers.range ?? null,
      bytes: 0,
      // When the request arrived and when its answer was sent (ms, performance.now() of this process).
      start: performance.now(),
      end: null
    };
    requests.push(entry);
    // Count the body bytes as they leave (the server streams files).
    const write = res.write.bind(res);
    res.write = (chunk, ...rest) => {
      entry.bytes += chunk?.length ?? 0;
      return write(chunk, ...rest);
    };
    res.once('finish', () => {
      entry.status = res.statusCode;
      entry.end = performance.now();
    });
    if (isolated) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    }
  });
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    requests,
    async close() {
      await new Promise(r => server.close(r));
    }
  };
}

async function launch() {
  return chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
}

/**
 * A new page with the benchmark page loaded and ready; page errors and crashes are printed. `build`: the
 * folder of bench/.cache holding the page (`page`, what buildPage writes; another build, e.g. main's).
 */
async function openBench(browser, base, build = 'page') {
  const page = await browser.newPage();
  page.on('pageerror', e => console.log(`  [page error] ${e.message}`));
  page.on('crash', () => console.log('  [the page crashed]'));
  await page.goto(`${base}/${build}/index.html`);
  await page.waitForFunction(() => window.odatisBenchReady === true, null, { timeout: 300_000 });
  return page;
}

/** CPU time (user + system, ms) used so far by the Chromium renderer processes this process started. */
function rendererCpuMs() {
  const seconds = browserMemory()
    .filter(p => p.type === 'renderer')
    .reduce((sum, p) => sum + (processTimes(p.pid)?.own ?? 0), 0); // a process that ended counts 0
  return seconds * 1000;
}

/** Resident memory, current and peak (kB), of the Chromium processes this node process started. */
function browserMemory() {
  const main = process.pid;
  const out = [];
  const children = pid => {
    try {
      return fs
        .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  };
  const walk = pid => {
    for (const c of children(pid)) {
      try {
        const status = fs.readFileSync(`/proc/${c}/status`, 'utf8');
        const cmd = fs.readFileSync(`/proc/${c}/cmdline`, 'utf8');
        const kb = key => Number((new RegExp(`${key}:\\s+(\\d+)`).exec(status) || [])[1] || 0);
        const type =
          (/--type=([a-z-]+)/.exec(cmd) || [])[1] ?? (cmd.includes('chrom') ? 'browser' : 'other');
        out.push({ pid: c, type, rss: kb('VmRSS'), hwm: kb('VmHWM') });
      } catch {
        // gone
      }
      walk(c);
    }
  };
  walk(main);
  return out;
}

/** The machine a run was measured on: cores and load average (the machine may be shared). */
function machine() {
  return `${os.cpus().length} cores, load ${loadAverage()}`;
}

/** URLs, under a page server, of a generated dataset's files (datasets live in bench/.cache). */
function datasetUrls(server, dataset) {
  const url = f => `${server.base}/${path.relative(CACHE, f).split(path.sep).join('/')}`;
  return { files: dataset.files.map(url), database: url(dataset.database) };
}

/**
 * What the server sent of files ending with `suffix` (and of the write-ahead log DuckDB may look for beside
 * it, `<suffix>.wal`) since the last call: requests, ranged, failed (answered 4xx/5xx), bytes, the time the
 * server spent answering them (ms, from request to last byte sent), and the requests themselves (`log`:
 * offset and bytes of each ranged answer, with its start and end times).
 */
function takeReads(server, suffix = 'harmonised.duckdb') {
  const mine = server.requests.filter(
    r => r.url.endsWith(suffix) || r.url.endsWith(`${suffix}.wal`)
  );
  server.requests.length = 0;
  return {
    requests: mine.length,
    ranged: mine.filter(r => r.range).length,
    failed: mine.filter(r => r.status >= 400).length,
    bytes: mine.reduce((s, r) => s + r.bytes, 0),
    serverMs: mine.reduce((s, r) => s + ((r.end ?? r.start) - r.start), 0),
    log: mine.map(r => ({
      method: r.method,
      url: r.url,
      range: r.range,
      status: r.status,
      offset: Number((/bytes=(\d+)-/.exec(r.range ?? '') ?? [])[1] ?? 0),
      bytes: r.bytes,
      start: r.start,
      end: r.end ?? r.start
    }))
  };
}

/** DuckDB-WASM's buffer memory in a page (bytes), as `duckdb_memory()` reports it. */
async function duckdbMemoryBytes(page) {
  const rows = await page.evaluate(() =>
    window.odatisBench.rows(`SELECT sum(memory_usage_bytes)::DOUBLE AS b FROM duckdb_memory()`)
  );
  return rows[0].b;
}

/** The largest Chromium renderer process: resident bytes now and at its peak. */
function rendererMemory() {
  const renderer = browserMemory().filter(p => p.type === 'renderer');
  return {
    now: Math.max(...renderer.map(p => p.rss)) * 1024,
    peak: Math.max(...renderer.map(p => p.hwm)) * 1024
  };
}

module.exports = {
  CACHE,
  buildPage,
  servePage,
  launch,
  openBench,
  browserMemory,
  rendererCpuMs,
  machine,
  datasetUrls,
  takeReads,
  duckdbMemoryBytes,
  rendererMemory
};
