#!/usr/bin/env node
/**
 * A dataset on the server's disk queried from the browser (prints numbers, asserts nothing): a stock
 * `jupyter lab` of .cache/stock-venv (run `node test/stock/env.js` first) whose odatis_vre server engine
 * attaches the dataset's `harmonised.duckdb` as `harmonised`, and Debian's Chromium on JupyterLab with the
 * data services' engine set to "server". The SQL workspace runs a one-station/year/parameter query and a
 * full-scan aggregate, then a NEO notebook runs the aggregate in a `%%sql` cell; each says its time and
 * engine, and the page's JavaScript heap after a full garbage collection is measured before and after.
 * Screenshots go to test/artifacts/bench-server-browser-*.png.
 * Usage: node bench/server/browser.js --dataset bench/.cache/scale-100000000 [--port 8799]
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { chromium } = require('playwright-core');
const { CHROMIUM_ARGS, chromiumExecutable } = require('../../test/chromium');
const { ServerQueryEngine } = require('../../packages/query/lib');
const { option } = require('../../scripts/args');

const DATASET = path.resolve(option('--dataset', 'bench/.cache/scale-100000000'));
const PORT = Number(option('--port', 8799));
const VENV = path.join(__dirname, '..', '..', '.cache', 'stock-venv');
const ARTIFACTS = path.join(__dirname, '..', '..', 'test', 'artifacts');
const TOKEN = 'odatis-vre-bench';

const load = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const seconds = ms => `${(ms / 1000).toFixed(2)} s`;
const mib = bytes => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** `jupyter lab` on the dataset, in Jupyter folders of its own, the engine setting "server". */
async function startLab(state) {
  const settings = path.join(state, 'lab-settings', '@odatis-vre', 'services-extension');
  fs.mkdirSync(settings, { recursive: true });
  fs.writeFileSync(
    path.join(settings, 'query-engine.jupyterlab-settings'),
    JSON.stringify({ engine: 'server' })
  );
  const env = { ...process.env, PATH: `${path.join(VENV, 'bin')}:${process.env.PATH}` };
  for (const [name, dir] of [
    ['JUPYTER_CONFIG_DIR', 'config'],
    ['JUPYTER_DATA_DIR', 'data'],
    ['JUPYTER_RUNTIME_DIR', 'runtime'],
    ['JUPYTERLAB_SETTINGS_DIR', 'lab-settings'],
    ['JUPYTERLAB_WORKSPACES_DIR', 'workspaces'],
    ['IPYTHONDIR', 'ipython']
  ]) {
    env[name] = path.join(state, dir);
    fs.mkdirSync(env[name], { recursive: true });
  }
  const root = path.dirname(DATASET);
  const name = path.basename(DATASET);
  const log = path.join(state, 'lab.log');
  const lab = spawn(
    path.join(VENV, 'bin', 'jupyter'),
    [
      'lab',
      '--no-browser',
      '--ip=127.0.0.1',
      `--port=${PORT}`,
      '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${TOKEN}`,
      `--ServerApp.root_dir=${root}`,
      '--allow-root',
      '--LabApp.expose_app_in_browser=True',
      `--OdatisVreApp.shared_data_dir=${name}`,
      `--OdatisVreApp.harmonised_dir=${name}`,
      '--OdatisVreApp.query_timeout_s=600',
      '--OdatisVreApp.query_memory_limit=2GB'
    ],
    { env, cwd: root, stdio: ['ignore', fs.openSync(log, 'w'), fs.openSync(log, 'a')] }
  );
  const started = Date.now();
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${PORT}/odatis-vre/query/info`, {
        headers: { Authorization: `token ${TOKEN}` }
      });
      if (response.ok) {
        const info = await response.json();
        console.log(
          `jupyter lab ready in ${seconds(Date.now() - started)}: ` +
            info.relations
              .map(r => `${r.name} ${r.rows.toLocaleString('en')} rows (${r.source})`)
              .join(', ')
        );
        return lab;
      }
    } catch {
      // Not listening yet.
    }
    if (lab.exitCode !== null || Date.now() - started > 300_000) {
      lab.kill();
      throw new Error(`jupyter lab did not start (see ${log})`);
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

/** The page's JavaScript heap in use after a full garbage collection. */
async function heapUsed(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return metrics.find(m => m.name === 'JSHeapUsedSize').value;
}

async function main() {
  console.log(`load average ${load()}; dataset ${DATASET}`);
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-bench-server-browser-'));
  const lab = await startLab(state);
  const browser = await chromium.launch({
    executablePath: chromiumExecutable(),
    args: CHROMIUM_ARGS
  });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${PORT}/lab?token=${TOKEN}`);
    await page.waitForFunction(
      () => window.jupyterapp?.commands.hasCommand('odatis-vre:sql-new'),
      null,
      {
        timeout: 300_000
      }
    );
    // A station, year and parameter the data hold, asked of the server engine itself.
    const server = new ServerQueryEngine({
      baseUrl: `http://127.0.0.1:${PORT}/`,
      headers: () => ({ Authorization: `token ${TOKEN}` })
    });
    const { table: picked } = await server.query(
      'SELECT site_id, year, parameter FROM harmonised LIMIT 1 OFFSET (SELECT count(*) // 2 FROM harmonised)'
    );
    const { site_id: site, year, parameter } = picked.get(0).toJSON();
    const queries = [
      [
        `one station, one year, one parameter (${site} ${year} ${parameter})`,
        `SELECT time, value FROM harmonised WHERE site_id = '${site}' AND year = ${year} AND parameter = '${parameter}' ORDER BY time`
      ],
      [
        'full scan: monthly climatology of every station and parameter',
        'SELECT site_id, parameter, month(time) AS m, avg(value) AS mean, count(*) AS n FROM harmonised GROUP BY ALL'
      ]
    ];
    const baseline = await heapUsed(page);
    console.log(`page JS heap after load: ${mib(baseline)} (load average ${load()})`);
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('odatis-vre:sql-new', { sql: '' })
    );
    const status = page.locator('.odatis-SqlWorkspace:visible .odatis-SqlWorkspace-status');
    for (const [i, [what, sql]] of queries.entries()) {
      const started = Date.now();
      const rows = await page.evaluate(async text => {
        const workspace = window.jupyterapp.shell.currentWidget.content;
        workspace.sql = text;
        return window.jupyterapp.commands.execute('odatis-vre:sql-run');
      }, sql);
      const wall = Date.now() - started;
      const heap = await heapUsed(page);
      console.log(
        `SQL workspace, ${what}: ${rows} rows, ${seconds(wall)} from the page; status "${await status.textContent()}"; ` +
          `JS heap ${mib(heap)} (${heap >= baseline ? '+' : ''}${mib(heap - baseline)}; load ${load()})`
      );
      await page.screenshot({
        path: path.join(ARTIFACTS, `bench-server-browser-${i + 1}-sql.png`)
      });
    }

    // A notebook on the NEO kernel, from the launcher's NEO workshop section.
    await page.locator('.lm-DockPanel .lm-TabBar-tab', { hasText: 'Launcher' }).click();
    await page
      .locator('.jp-Launcher-section', {
        has: page.locator('.jp-Launcher-sectionTitle', { hasText: 'NEO workshop' })
      })
      .locator('.jp-LauncherCard', { hasText: 'NEO notebook' })
      .click();
    const notebook = page.locator('.jp-NotebookPanel:visible');
    await page.waitForFunction(
      () => {
        const context = window.jupyterapp.shell.currentWidget?.sessionContext;
        return Boolean(context?.session?.kernel) && context.kernelDisplayStatus === 'idle';
      },
      null,
      { timeout: 300_000 }
    );
    console.log(
      `NEO notebook: kernel ${await notebook.locator('.jp-KernelName').textContent()}, idle`
    );
    const started = Date.now();
    await page.evaluate(async sql => {
      const panel = window.jupyterapp.shell.currentWidget;
      panel.content.activeCell.model.sharedModel.setSource(`%%sql\n${sql}`);
      await window.jupyterapp.commands.execute('notebook:run-cell');
    }, queries[1][1]);
    const footer = notebook.locator('.neo-query').first();
    await footer.waitFor({ timeout: 600_000 });
    const wall = Date.now() - started;
    const heap = await heapUsed(page);
    console.log(
      `NEO notebook %%sql, ${queries[1][0]}: ${seconds(wall)} from the page; footer "${await footer.textContent()}"; ` +
        `JS heap ${mib(heap)} (${heap >= baseline ? '+' : ''}${mib(heap - baseline)}; load ${load()})`
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'bench-server-browser-3-notebook.png') });
  } finally {
    await browser.close();
    lab.kill('SIGTERM');
    await new Promise(resolve => lab.once('exit', resolve));
    fs.rmSync(state, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
