#!/usr/bin/env node
// Boot benchmark of the embedded VRE: cold and warm page loads to "JupyterLab ready" in headless
// Chromium, and the size of what the browser downloads. Prints numbers; asserts nothing.
// Usage: npm run bench:boot [-- --runs N]
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { chromium } = require('playwright-core');
const { buildAll } = require('../../scripts/build');
const { serveSite } = require('../../packages/app/scripts/serve');

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const { CHROMIUM_ARGS, chromiumExecutable } = require('../../test/chromium');

function files(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap(d => (d.isDirectory() ? files(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

function sizes(dir, filter = () => true) {
  const list = files(dir).filter(filter);
  let raw = 0;
  let gzip = 0;
  let largest = { file: '', raw: 0 };
  for (const file of list) {
    const data = fs.readFileSync(file);
    raw += data.length;
    gzip += zlib.gzipSync(data, { level: 6 }).length;
    if (data.length > largest.raw) largest = { file: path.relative(dir, file), raw: data.length };
  }
  return { count: list.length, raw, gzip, largest };
}

const mb = n => `${(n / 1024 / 1024).toFixed(2)} MB`;
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeToReady(page, url) {
  const started = Date.now();
  await page.goto(url);
  await page.waitForSelector('body[data-odatis-vre-ready="true"]', {
    state: 'attached',
    timeout: 120000
  });
  const ready = Date.now() - started;
  const transferred = await page.evaluate(() =>
    performance.getEntriesByType('resource').reduce((sum, e) => sum + (e.transferSize || 0), 0)
  );
  return { ready, transferred };
}

async function main() {
  const executablePath = chromiumExecutable();
  const { siteDir } = await buildAll({ log: () => {} });
  const { server, url } = await serveSite(siteDir, { port: 0 });
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const cold = [];
  const warm = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext(); // empty cache and storage: a first visit
      const page = await context.newPage();
      cold.push(await timeToReady(page, url));
      warm.push(await timeToReady(page, url)); // same context: HTTP cache and browser storage warm
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  const host = sizes(path.join(siteDir, 'build'), f => f.endsWith('.js'));
  const css = sizes(path.join(siteDir, 'build'), f => f.endsWith('.css'));
  const extensions = sizes(path.join(siteDir, 'extensions'), f => f.endsWith('.js'));
  const data = sizes(path.join(siteDir, 'files'));
  console.log(
    `ODATIS VRE boot benchmark (${runs} runs, headless Chromium, ${require('os').cpus().length} cores)`
  );
  console.log(
    `  cold load to JupyterLab ready: median ${median(cold.map(r => r.ready))} ms  (runs: ${cold.map(r => r.ready).join(', ')})`
  );
  console.log(
    `  warm load to JupyterLab ready: median ${median(warm.map(r => r.ready))} ms  (runs: ${warm.map(r => r.ready).join(', ')})`
  );
  console.log(`  transferred on a cold load:    ${mb(median(cold.map(r => r.transferred)))}`);
  console.log('Bundle sizes');
  console.log(
    `  host JavaScript:        ${host.count} files, ${mb(host.raw)} raw, ${mb(host.gzip)} gzip; largest ${host.largest.file} (${mb(host.largest.raw)})`
  );
  console.log(`  host CSS files:         ${css.count} files, ${mb(css.raw)} raw`);
  console.log(
    `  prebuilt extensions JS: ${extensions.count} files, ${mb(extensions.raw)} raw, ${mb(extensions.gzip)} gzip`
  );
  console.log(`  shared/ sample data:    ${data.count} files, ${mb(data.raw)}`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
