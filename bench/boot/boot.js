#!/usr/bin/env node
// Boot benchmark of the embedded VRE: cold and warm page loads to "JupyterLab ready" in headless
// Chromium, and the size of what the browser downloads. Prints numbers; asserts nothing.
// Usage: npm run bench:boot [-- --runs N] [--port N] [--reference SITE_DIR]   (port 0, the default: any free port)
// --reference serves another built site (e.g. main's packages/app/site, copied aside) beside this one and
// loads both in turn in every run, so that the two are compared under the same load.
// The page is opened with `?odatis-vre-profile` (the host's per-plugin timing is off without it).
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { chromium } = require('playwright-core');
const { buildAll } = require('../../scripts/build');
const { serveSite } = require('../../packages/app/scripts/serve');
const { loadAverage } = require('../../scripts/cpu-time');
const { rendererCpuMs } = require('../harness/browser');

const { option } = require('../../scripts/args');
const runs = Number(option('--runs')) || 5;
const port = Number(option('--port') ?? 0);
const referenceDir = option('--reference');
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
  const cpuBefore = rendererCpuMs();
  const started = Date.now();
  await page.goto(`${url}?odatis-vre-profile`);
  await page.waitForSelector('body[data-odatis-vre-ready="true"]', {
    state: 'attached',
    timeout: 120000
  });
  const ready = Date.now() - started;
  // The renderers' CPU time (a new context's renderer counts from 0): steadier than wall time under load.
  const cpu = Math.round(rendererCpuMs() - cpuBefore);
  // What the page fetched until ready: by kind, bytes over the wire (0 when cached) and decoded.
  const entries = await page.evaluate(() =>
    performance.getEntriesByType('resource').map(e => ({
      name: e.name,
      transfer: e.transferSize || 0,
      decoded: e.decodedBodySize || 0
    }))
  );
  const transferred = entries.reduce((sum, e) => sum + e.transfer, 0);
  const kinds = {};
  for (const e of entries) {
    const ext = (/\.([a-z0-9]+)(?:[?#].*)?$/i.exec(new URL(e.name).pathname) || [])[1] || 'other';
    const kind = (kinds[ext] ??= { count: 0, transfer: 0, decoded: 0 });
    kind.count++;
    kind.transfer += e.transfer;
    kind.decoded += e.decoded;
  }
  // Where the time went: the host's marks, each plugin's activation, the largest scripts.
  const timing = await page.evaluate(() => ({
    marks: performance
      .getEntriesByType('mark')
      .filter(m => m.name.startsWith('odatis-vre:'))
      .map(m => ({ name: m.name, at: Math.round(m.startTime) })),
    plugins: performance
      .getEntriesByType('measure')
      .filter(m => m.name.startsWith('plugin '))
      .map(m => ({ id: m.name.slice(7), ms: Math.round(m.duration) }))
      .sort((a, b) => b.ms - a.ms)
  }));
  const scripts = entries
    .filter(e => /\.js(?:[?#]|$)/.test(e.name))
    .sort((a, b) => b.decoded - a.decoded)
    .slice(0, 8)
    .map(e => ({ path: new URL(e.name).pathname, decoded: e.decoded }));
  return { ready, cpu, transferred, requests: entries.length, kinds, timing, scripts };
}

/** What one site's loads measured: wall and renderer CPU time to ready, what was fetched, where the time went. */
function report(site) {
  const { cold, warm } = site;
  console.log(`${site.label}`);
  console.log(
    `  cold load to JupyterLab ready: median ${median(cold.map(r => r.ready))} ms wall, ${median(cold.map(r => r.cpu))} ms renderer CPU  (runs: ${cold.map(r => `${r.ready}/${r.cpu}`).join(', ')})`
  );
  console.log(
    `  warm load to JupyterLab ready: median ${median(warm.map(r => r.ready))} ms wall, ${median(warm.map(r => r.cpu))} ms renderer CPU  (runs: ${warm.map(r => `${r.ready}/${r.cpu}`).join(', ')})`
  );
  console.log(
    `  cold load: ${cold[0].requests} requests, ${mb(median(cold.map(r => r.transferred)))} transferred; warm load: ${mb(median(warm.map(r => r.transferred)))} transferred`
  );
  for (const [ext, k] of Object.entries(cold[0].kinds).sort(
    (a, b) => b[1].decoded - a[1].decoded
  )) {
    console.log(
      `    .${ext.padEnd(6)} ${String(k.count).padStart(4)} requests, ${mb(k.decoded)} decoded, ${mb(k.transfer)} over the wire`
    );
  }
  const first = cold[0];
  console.log(
    `  first cold load: ${first.timing.marks.map(m => `${m.name.slice(11)} at ${m.at} ms`).join(', ')}`
  );
  console.log(
    `  longest plugin activations (until their promise settles; ${first.timing.plugins.length} plugins):`
  );
  for (const p of first.timing.plugins.slice(0, 10)) {
    console.log(`    ${String(p.ms).padStart(6)} ms  ${p.id}`);
  }
  console.log('  largest scripts of the first cold load:');
  for (const s of first.scripts) {
    console.log(`    ${mb(s.decoded).padStart(9)}  ${s.path}`);
  }
}

async function main() {
  const executablePath = chromiumExecutable();
  const loadBefore = loadAverage();
  const { siteDir } = await buildAll({ log: () => {} });
  const sites = [{ label: 'this branch', dir: siteDir, cold: [], warm: [] }];
  if (referenceDir) {
    sites.push({
      label: `reference ${referenceDir}`,
      dir: path.resolve(referenceDir),
      cold: [],
      warm: []
    });
  }
  for (const [i, site] of sites.entries()) {
    Object.assign(site, await serveSite(site.dir, { port: port === 0 ? 0 : port + i }));
  }
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    for (let i = 0; i < runs; i++) {
      // Each run alternates which site goes first, so that neither always follows the other.
      for (const site of i % 2 ? [...sites].reverse() : sites) {
        const context = await browser.newContext(); // empty cache and storage: a first visit
        const page = await context.newPage();
        site.cold.push(await timeToReady(page, site.url));
        site.warm.push(await timeToReady(page, site.url)); // same context: HTTP cache and storage warm
        await context.close();
      }
    }
  } finally {
    await browser.close();
    sites.forEach(site => site.server.close());
  }
  console.log(
    `ODATIS VRE boot benchmark (${runs} runs, headless Chromium, ${require('os').cpus().length} cores; load average ${loadBefore} before, ${loadAverage()} after)`
  );
  for (const site of sites) report(site);
  console.log('Bundle sizes');
  for (const site of sites) {
    const build = path.join(site.dir, 'build');
    const host = sizes(build, f => f.endsWith('.js'));
    const css = sizes(build, f => f.endsWith('.css'));
    const extensions = sizes(path.join(site.dir, 'extensions'), f => f.endsWith('.js'));
    const data = sizes(path.join(site.dir, 'files'));
    console.log(`  ${site.label}`);
    console.log(
      `    host JavaScript:        ${host.count} files, ${mb(host.raw)} raw, ${mb(host.gzip)} gzip; largest ${host.largest.file} (${mb(host.largest.raw)})`
    );
    console.log(`    host CSS files:         ${css.count} files, ${mb(css.raw)} raw`);
    console.log(
      `    prebuilt extensions JS: ${extensions.count} files, ${mb(extensions.raw)} raw, ${mb(extensions.gzip)} gzip`
    );
    console.log(`    shared/ sample data:    ${data.count} files, ${mb(data.raw)}`);
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
