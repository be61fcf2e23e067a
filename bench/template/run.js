#!/usr/bin/env node
/*
 * Template benchmark: a NEO workshop template launched from its launcher card (through the launch dialog, "Create
 * and run") in headless Chromium, timed from the click on the card to its last output (the citations, after the
 * last figure); against the same analysis computed natively in node in the same run (the template's pairing over
 * DuckDB-WASM in a worker thread, then packages/niche: `@odatis-vre/templates/lib/node`), and, for the OMI
 * template when Rscript with ade4 is installed, R ade4 on the very tables node paired. Prints; asserts nothing.
 *
 *   npm run bench:template [-- --template omi|witomi|trends] [--permutations N] [--runs N]
 *
 * BENCH_PORT: the page's server (default any free port).
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');
const { buildAll } = require('../../scripts/build');
const { serveSite } = require('../../packages/app/scripts/serve');
const { CHROMIUM_ARGS, chromiumExecutable } = require('../../test/chromium');
const { NodeAnalyses, SERVED_HARMONISED } = require('../../packages/templates/lib/node');
const { templateById } = require('../../packages/templates/lib');
const { option } = require('../../scripts/args');

const id = option('--template', 'omi');
const spec = templateById(id);
if (!spec) throw new Error(`no template "${id}" (omi, witomi, trends)`);
const permutationsOption = option('--permutations', undefined);
const runs = Number(option('--runs', 1));
const chosen = permutationsOption ? { permutations: Number(permutationsOption) } : {};
const values = { ...spec.defaults, ...chosen };
const seconds = ms => (ms / 1000).toFixed(2);
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One launch: card → dialog → "Create and run" → the citations output; milliseconds. */
async function launch(page, url) {
  await page.goto(url);
  await page.waitForSelector('body[data-odatis-vre-ready="true"]', {
    state: 'attached',
    timeout: 180_000
  });
  const card = page.locator('.jp-LauncherCard', { hasText: spec.title });
  await card.waitFor({ timeout: 60_000 });
  const started = Date.now();
  await card.click();
  const form = page.locator('.jp-Dialog .odatis-TemplateLaunch');
  await form.waitFor({ timeout: 60_000 });
  if (permutationsOption) await form.locator('#root_permutations').fill(permutationsOption);
  await page.locator('.jp-Dialog').getByRole('button', { name: 'Create and run' }).click();
  const notebook = page.locator('.jp-NotebookPanel:visible');
  await notebook
    .locator('.jp-OutputArea-output', { hasText: '10.17882/' })
    .first()
    .waitFor({ timeout: 1_200_000 });
  const elapsed = Date.now() - started;
  const errors = await notebook.locator('.jp-OutputArea-output[data-mime-type*="error"]').count();
  if (errors) throw new Error(`the ${spec.file} copy stopped on an error`);
  return elapsed;
}

function writeTable(file, table) {
  const lines = [table.colNames.map(c => JSON.stringify(c)).join(',')];
  for (let i = 0; i < table.nRows; i++) {
    const row = [];
    for (let j = 0; j < table.nCols; j++) row.push(String(table.values[j * table.nRows + i]));
    lines.push(row.join(','));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** ade4 on the tables node paired, when Rscript and ade4 are there; null otherwise. */
async function ade4(nodeAnalyses) {
  const probe = spawnSync('Rscript', ['-e', 'library(ade4)'], { encoding: 'utf8' });
  if (probe.status !== 0) return null;
  const { paired, Y } = await nodeAnalyses.pair('omi', chosen);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-template-'));
  try {
    writeTable(path.join(dir, 'env.csv'), paired.environment);
    writeTable(path.join(dir, 'Y.csv'), Y);
    const out = spawnSync(
      'Rscript',
      [path.join(__dirname, 'omi.R'), dir, String(values.permutations)],
      { encoding: 'utf8' }
    );
    if (out.status !== 0) throw new Error(`omi.R failed: ${out.stderr}`);
    return JSON.parse(out.stdout.trim().split('\n').pop());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const { siteDir } = await buildAll({ log: () => {} });
  const { server, url } = await serveSite(siteDir, { port: Number(process.env.BENCH_PORT || 0) });
  const browser = await chromium.launch({
    executablePath: chromiumExecutable(),
    args: CHROMIUM_ARGS
  });
  const nodeAnalyses = new NodeAnalyses(SERVED_HARMONISED);
  const browserMs = [];
  const nodeMs = [];
  let attachMs = 0;
  let r = null;
  let check = '';
  try {
    for (let k = 0; k < runs; k++) {
      // a fresh browser context per run: a cold page, kernel and engine, as a scientist's first launch
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      browserMs.push(await launch(page, url));
      await context.close();
    }
    let started = Date.now();
    await nodeAnalyses.start();
    attachMs = Date.now() - started;
    for (let k = 0; k < runs; k++) {
      started = Date.now();
      const rows = await nodeAnalyses[id](chosen);
      nodeMs.push(Date.now() - started);
      if (id === 'omi')
        check = `sum(OMI) ${rows.reduce((s, row) => s + row.OMI, 0).toPrecision(10)}`;
    }
    if (id === 'omi') r = await ade4(nodeAnalyses);
  } finally {
    await nodeAnalyses.stop();
    await browser.close();
    server.close();
  }

  const b = median(browserMs);
  const n = median(nodeMs) + attachMs;
  console.log(
    `\nTemplate "${spec.title}" (${spec.file}) on shared/harmonised, ${values.permutations ?? '—'} permutations, ` +
      `${runs} run(s), load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`
  );
  console.log(
    `  Chromium, card → dialog → last output : ${seconds(b)} s (runs: ${browserMs.map(seconds).join(', ')})`
  );
  console.log(
    `  node, attach + pairing + analysis      : ${seconds(n)} s (attach ${seconds(attachMs)} s, ` +
      `analysis ${nodeMs.map(seconds).join(', ')} s)`
  );
  console.log(`  ratio Chromium / node                  : ${(b / n).toFixed(2)}`);
  if (r) {
    console.log(
      `  R ade4 ${r.ade4}, read + PCA + niche + rtest + niche.param: ${r.seconds.toFixed(2)} s ` +
        `(same tables: R sum(OMI) ${Number(r.sumOMI).toPrecision(10)}, node ${check})`
    );
    console.log(`  ratio Chromium / R                     : ${(b / 1000 / r.seconds).toFixed(2)}`);
  } else if (id === 'omi') {
    console.log('  R ade4: Rscript with ade4 not found, skipped');
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
