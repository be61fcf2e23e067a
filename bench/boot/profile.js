#!/usr/bin/env node
// Where a cold page load's main-thread time goes: a trace of one cold load (new browser context) of a
// built site to "JupyterLab ready" in headless Chromium, summed by script — compile, evaluation of the
// script's top level, and the time of the functions it defines (self time from the sampling profiler).
// Prints numbers; asserts nothing.
// Usage: node bench/boot/profile.js [--site SITE_DIR] [--port N] [--top N] [--trace FILE]
//   --site   a built site (default: this checkout's packages/app/site, built if needed)
//   --trace  also write the raw trace (JSON) there, for chrome://tracing or DevTools
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const { serveSite } = require('../../packages/app/scripts/serve');
const { loadAverage } = require('../../scripts/cpu-time');
const { option } = require('../../scripts/args');
const { CHROMIUM_ARGS, chromiumExecutable } = require('../../test/chromium');

const port = Number(option('--port') ?? 0);
const top = Number(option('--top')) || 25;
const traceFile = option('--trace');

const CATEGORIES = [
  'devtools.timeline',
  'v8',
  'v8.execute',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-v8.cpu_profiler'
].join(',');

/** The script a URL names, without the host and the cache-busting query. */
const short = url => {
  try {
    const u = new URL(url);
    return u.pathname.replace(/\.[0-9a-f]{8,}\./, '.');
  } catch {
    return url || '(no script)';
  }
};

/** Sums the trace's events by script: compile, top-level evaluation, and sampled self time. */
function summarise(events) {
  const byScript = new Map();
  const entry = url => {
    const key = short(url);
    if (!byScript.has(key)) byScript.set(key, { compile: 0, evaluate: 0, self: 0 });
    return byScript.get(key);
  };
  // The page's renderer: the one that asked for the site's scripts (Chromium's own pages have others).
  const page = events.find(
    e => e.name === 'ResourceSendRequest' && /^http:\/\/127\.0\.0\.1/.test(e.args.data.url)
  );
  const mainThreads = new Set(
    events
      .filter(
        e =>
          e.name === 'thread_name' &&
          e.args &&
          e.args.name === 'CrRendererMain' &&
          (!page || e.pid === page.pid)
      )
      .map(e => `${e.pid}:${e.tid}`)
  );
  const total = { compile: 0, evaluate: 0, gc: 0, parseHTML: 0, layout: 0, style: 0 };
  for (const e of events) {
    if (e.ph !== 'X' || !mainThreads.has(`${e.pid}:${e.tid}`)) continue;
    const ms = (e.dur || 0) / 1000;
    const data = (e.args && (e.args.data || e.args)) || {};
    if (e.name === 'v8.compile' || e.name === 'V8.CompileCode') {
      entry(data.url || data.fileName).compile += ms;
      total.compile += ms;
    } else if (e.name === 'EvaluateScript' || e.name === 'v8.evaluateModule') {
      entry(data.url).evaluate += ms;
      total.evaluate += ms;
    } else if (e.name === 'MinorGC' || e.name === 'MajorGC') {
      total.gc += ms;
    } else if (e.name === 'Layout') {
      total.layout += ms;
    } else if (e.name === 'UpdateLayoutTree' || e.name === 'RecalculateStyles') {
      total.style += ms;
    }
  }
  // Sampled self time by script, from the profiler's chunks.
  const nodes = new Map();
  const timeDeltas = [];
  const samples = [];
  for (const e of events) {
    if (e.name !== 'ProfileChunk' || !e.args || !e.args.data) continue;
    if (page && e.pid !== page.pid) continue;
    const { cpuProfile = {}, timeDeltas: deltas = [] } = e.args.data;
    for (const node of cpuProfile.nodes || []) nodes.set(`${e.id}:${node.id}`, node.callFrame);
    (cpuProfile.samples || []).forEach((s, i) => {
      samples.push(`${e.id}:${s}`);
      timeDeltas.push(deltas[i] || 0);
    });
  }
  const special = {};
  for (let i = 0; i < samples.length; i++) {
    const frame = nodes.get(samples[i]);
    const ms = (timeDeltas[i + 1] || 0) / 1000;
    if (!frame) continue;
    if (!frame.url) {
      special[frame.functionName] = (special[frame.functionName] || 0) + ms;
    } else {
      entry(frame.url).self += ms;
    }
  }
  return { byScript, total, special };
}

async function main() {
  let siteDir = option('--site');
  if (!siteDir) {
    const { buildAll } = require('../../scripts/build');
    siteDir = (await buildAll({ log: () => {} })).siteDir;
  }
  const loadBefore = loadAverage();
  const { server, url } = await serveSite(path.resolve(siteDir), { port });
  const browser = await chromium.launch({
    executablePath: chromiumExecutable(),
    args: CHROMIUM_ARGS
  });
  let events;
  let ready;
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await browser.startTracing(page, { categories: CATEGORIES.split(',') });
    const started = Date.now();
    await page.goto(`${url}?odatis-vre-profile`);
    await page.waitForSelector('body[data-odatis-vre-ready="true"]', {
      state: 'attached',
      timeout: 120000
    });
    ready = Date.now() - started;
    const buffer = await browser.stopTracing();
    if (traceFile) fs.writeFileSync(traceFile, buffer);
    events = JSON.parse(buffer.toString('utf8')).traceEvents;
    await context.close();
  } finally {
    await browser.close();
    server.close();
  }
  const { byScript, total, special } = summarise(events);
  const f = ms => `${Math.round(ms)}`.padStart(6);
  console.log(
    `Cold load of ${siteDir}: ready in ${ready} ms (traced, so slower than untraced); load average ${loadBefore} before, ${loadAverage()} after`
  );
  console.log(
    `  main thread: compile ${Math.round(total.compile)} ms (includes waiting for a background parse), script evaluation ${Math.round(total.evaluate)} ms (includes what it calls and the promise callbacks run after it), GC ${Math.round(total.gc)} ms, style ${Math.round(total.style)} ms, layout ${Math.round(total.layout)} ms`
  );
  console.log(
    `  sampled outside any script: ${Object.entries(special)
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => `${name} ${Math.round(ms)} ms`)
      .join(', ')}`
  );
  const rows = [...byScript.entries()].sort(
    (a, b) => b[1].self + b[1].compile - (a[1].self + a[1].compile)
  );
  const sum = key => rows.reduce((s, [, r]) => s + r[key], 0);
  console.log(
    `  ${rows.length} scripts: sampled self time ${Math.round(sum('self'))} ms, compile ${Math.round(sum('compile'))} ms`
  );
  console.log(`  ${'self'.padStart(6)} ${'compile'.padStart(7)} ${'eval'.padStart(6)}  script`);
  for (const [name, r] of rows.slice(0, top)) {
    console.log(`  ${f(r.self)} ${f(r.compile).padStart(7)} ${f(r.evaluate)}  ${name}`);
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
