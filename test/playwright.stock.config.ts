import { defineConfig } from '@playwright/test';
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as path from 'path';
import embedded, { catalogueServer, PROXY_HOSTS } from './playwright.config';

/**
 * The same browser tests against a stock JupyterLab 4.6.4 with the odatis-vre wheel installed
 * (test/stock/server.js: venv, wheel, read-only shared data, `jupyter lab`). Specs read the target
 * from ODATIS_VRE_TARGET (test/browser/vre.ts). The token and the port are chosen once, here in the
 * runner, and reach the workers through their environment.
 */
function freePort(): number {
  const script =
    "const s = require('net').createServer().listen(0, '127.0.0.1', () => " +
    '{ process.stdout.write(String(s.address().port)); s.close(); });';
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

process.env.ODATIS_VRE_TARGET = 'stock';
process.env.ODATIS_VRE_STOCK_TOKEN ||= randomBytes(24).toString('hex');
process.env.ODATIS_VRE_STOCK_PORT ||= String(freePort());
const port = Number(process.env.ODATIS_VRE_STOCK_PORT);
const root = path.resolve(__dirname, '..');

export default defineConfig({
  ...embedded,
  // Every file the SQL workspace reads is a round trip to the Python server (the harmonised
  // dataset's 96 Parquet files, a few range requests each): slower than the embedded static server.
  // The long SQL workspace test took 4–5 min on a 2-core machine at load average 20–30.
  timeout: 600_000,
  // Lean: the NEO kernel's long tests (interrupts, completion) test the kernel, not the server; the
  // stock route runs neo-notebook.spec.ts on the same kernel instead. Specs skip on stock what does
  // not depend on the server (test.skip(TARGET === 'stock', …)).
  testIgnore: ['**/kernel.spec.ts', '**/kernel-memory.spec.ts'],
  outputDir: path.join(root, 'test-results', 'playwright-stock'),
  reporter: [
    ['list'],
    ['json', { outputFile: path.join(root, 'test-results', 'browser-stock.json') }]
  ],
  use: { ...embedded.use, baseURL: `http://127.0.0.1:${port}` },
  projects: [{ name: 'stock-jupyterlab', use: { browserName: 'chromium' } }],
  webServer: [
    catalogueServer,
    {
      command: `node test/stock/server.js --port ${port}`,
      cwd: root,
      url: `http://127.0.0.1:${port}/api/status`,
      // A fresh venv and pip install take minutes on a busy 2-core machine.
      timeout: 20 * 60_000,
      reuseExistingServer: false,
      // The data browser's proxy (odatis_vre server extension) may forward to the catalogue test server.
      env: { ...process.env, ODATIS_VRE_PROXY_HOSTS: PROXY_HOSTS } as Record<string, string>,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
      stdout: 'pipe',
      stderr: 'pipe'
    }
  ]
});
