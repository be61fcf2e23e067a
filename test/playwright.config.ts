import { defineConfig } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium';
import { SERVER_ENGINE_DATA } from './server-engine-data';

/**
 * Browser tests of the embedded VRE, in Debian's Chromium (never a downloaded browser).
 * The web server is `npm start` itself: it builds what is stale, then serves the site.
 */
const chromium = chromiumExecutable();
fs.mkdirSync(SERVER_ENGINE_DATA.embedded, { recursive: true });

const port = Number(process.env.ODATIS_VRE_TEST_PORT || 8787);
/** The catalogue test server (stand-in for Sextant, SEANOE, ERDDAP), on the next port. */
const cataloguePort = port + 1;
const root = path.resolve(__dirname, '..');

/** The catalogue test server, for the data browser's tests (the stock config starts it too). */
export const catalogueServer = {
  command: `node packages/catalog/testing/server.js ${cataloguePort}`,
  cwd: root,
  url: `http://127.0.0.1:${cataloguePort}/datacite/dois`,
  reuseExistingServer: false
};
/** What the data browser's proxy must allow besides the real catalogues: the test server. */
export const PROXY_HOSTS = `127.0.0.1:${cataloguePort}`;

export default defineConfig({
  testDir: 'browser',
  outputDir: path.join(root, 'test-results', 'playwright'),
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  // CI: a test that fails once is run once more; `npm test` names it "flaky" at the end (with its first
  // error) so it is seen and mended, while a test that fails twice fails the run.
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['json', { outputFile: path.join(root, 'test-results', 'browser.json') }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1400, height: 900 },
    video: 'off',
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: CHROMIUM_ARGS
    }
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: [
    catalogueServer,
    {
      // test/fixtures/untrusted holds hostile files (an SVG with a script…) served read-only, like shared/.
      command: `node scripts/start.js --port ${port} --read-only-mount untrusted=test/fixtures/untrusted`,
      cwd: root,
      url: `http://127.0.0.1:${port}/lab/`,
      // The data browser's proxy may forward to the catalogue test server; the server engine also reads "your
      // folder", where server-engine.spec.ts writes a dataset larger than the browser engine's memory.
      env: {
        ...process.env,
        ODATIS_VRE_PROXY_HOSTS: PROXY_HOSTS,
        ODATIS_VRE_USER_DIR: SERVER_ENGINE_DATA.embedded
      } as Record<string, string>,
      timeout: 20 * 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe'
    }
  ]
});
