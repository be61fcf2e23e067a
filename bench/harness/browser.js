/**
 * Benchmarks in the browser's real situation: a page bundled with rspack from the query package (the
 * same worker as the SQL workspace), served by the VRE's own static server (HTTP ranges) on 127.0.0.1,
 * driven in Debian's headless Chromium. Used by bench/query and bench/scale.
 */
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { serveSite } = require('../../packages/app/scripts/serve');
const { CHROMIUM_ARGS, chromiumExecutable } = require('../../test/chromium');

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
 * Serve the page and `data` (folders mounted under /data/<name>) with the VRE's server; with
 * `isolated`, every answer carries COOP/COEP so the page is cross-origin isolated (threads).
 */
async function servePage({ pageDir, data = {}, port = 0, isolated = false }) {
  const root = fs.mkdtempSync(path.join(CACHE, 'site-'));
  fs.symlinkSync(pageDir, path.join(root, 'page'));
  fs.mkdirSync(path.join(root, 'data'));
  for (const [name, dir] of Object.entries(data))
    fs.symlinkSync(dir, path.join(root, 'data', name));
  const { server } = await serveSite(root, { port });
  const requests = [];
  // Headers set before the server's own writeHead are merged into its answer.
  server.prependListener('request', (req, res) => {
    const entry = { method: req.method, url: req.url, range: req.headers.range ?? null, bytes: 0 };
    requests.push(entry);
    // Count the body bytes as they leave (the server streams files).
    const write = res.write.bind(res);
    res.write = (chunk, ...rest) => {
      entry.bytes += chunk?.length ?? 0;
      return write(chunk, ...rest);
    };
    res.once('finish', () => (entry.status = res.statusCode));
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
      fs.rmSync(root, { recursive: true, force: true });
    }
  };
}

async function launch() {
  return chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
}

/** A new page with the benchmark page loaded and ready; page errors and crashes are printed. */
async function openBench(browser, base) {
  const page = await browser.newPage();
  page.on('pageerror', e => console.log(`  [page error] ${e.message}`));
  page.on('crash', () => console.log('  [the page crashed]'));
  await page.goto(`${base}/page/index.html`);
  await page.waitForFunction(() => window.odatisBenchReady === true);
  return page;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time (user + system, ms) used so far by the Chromium renderer processes this process started. */
function rendererCpuMs() {
  let ticks = 0;
  for (const p of browserMemory().filter(p => p.type === 'renderer')) {
    try {
      const stat = fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the line)
    } catch {
      // the process ended
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
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

module.exports = { CACHE, buildPage, servePage, launch, openBench, browserMemory, rendererCpuMs };
