/**
 * Browser check of the DuckDB-WASM worker engine: bundle entry.js with webpack, serve it on 127.0.0.1
 * (with Range support) and run it in headless Debian chromium. Not part of `npm test`.
 *   node packages/query/browser-check/run.js   (after npm run build)
 */
const { execFileSync } = require('node:child_process');
const { createServer } = require('node:http');
const { readFileSync, existsSync } = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const dist = path.join(__dirname, 'dist');
const parquet = path.join(dist, 'data-check.parquet');

async function main() {
  execFileSync(
    process.execPath,
    [require.resolve('webpack-cli/bin/cli.js'), '-c', path.join(__dirname, 'webpack.config.js')],
    {
      stdio: 'inherit'
    }
  );
  const { DuckDBInstance } = require('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(
    `COPY (SELECT i, i * 0.25 AS v FROM range(100000) t(i)) TO '${parquet}' (FORMAT parquet)`
  );
  const log = [];
  const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
  const server = createServer((req, res) => {
    const url = req.url.split('?')[0];
    const file =
      url === '/' ? null : url === '/data/check.parquet' ? parquet : path.join(dist, url);
    if (url === '/') {
      res
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end('<!doctype html><script src="main.js"></script>');
      return;
    }
    if (!file || !existsSync(file)) {
      log.push(`404 ${url}`);
      return res.writeHead(404).end();
    }
    const body = readFileSync(file);
    log.push(`${req.method} ${url} ${req.headers.range ?? '-'}`);
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    const headers = {
      'Content-Type': types[path.extname(file)] ?? 'application/octet-stream',
      'Accept-Ranges': 'bytes'
    };
    if (m) {
      // 'bytes=-N' asks for the last N bytes (the Parquet footer).
      const start = m[1] === '' ? Math.max(0, body.length - Number(m[2])) : Number(m[1]);
      const end = m[1] !== '' && m[2] ? Math.min(Number(m[2]), body.length - 1) : body.length - 1;
      res.writeHead(206, {
        ...headers,
        'Content-Range': `bytes ${start}-${end}/${body.length}`,
        'Content-Length': end - start + 1
      });
      return res.end(req.method === 'HEAD' ? undefined : body.subarray(start, end + 1));
    }
    res.writeHead(200, { ...headers, 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking']
  });
  try {
    const page = await browser.newPage();
    page.on('console', m => console.log('[page]', m.text()));
    page.on('pageerror', e => console.log('[page error]', e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page
      .waitForFunction(() => window.__result !== undefined, null, { timeout: 60000 })
      .catch(e => {
        console.log(log.join('\n'));
        throw e;
      });
    const result = await page.evaluate(() => window.__result);
    console.log(JSON.stringify(result, null, 2));
    console.log('Parquet requests:', log.filter(l => l.includes('/data/')).join(' | '));
    console.log('Assets fetched:', log.filter(l => !l.includes('/data/')).join(' | '));
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
