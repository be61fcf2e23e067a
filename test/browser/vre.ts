import { expect, Page, test as base, TestInfo } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The browser tests' `test`: every test also checks that the page fetched nothing from outside
 * this machine (the VRE must work offline: no CDN, no news feed, no telemetry), that the
 * application's security policy refused nothing, and that no plugin failed to activate (in the embedded
 * VRE any plugin: its plugin list is ours; in a stock JupyterLab ours).
 */
export const test = base.extend<{
  noExternalRequests: void;
  noPolicyViolations: void;
  noFailedPlugins: void;
}>({
  noFailedPlugins: [
    async ({ page }, use) => {
      const failed: string[] = [];
      const ours = TARGET === 'stock' ? /^Plugin '@odatis-vre\// : /^Plugin '/;
      page.on('console', message => {
        const text = message.text();
        if (/failed to activate/.test(text) && ours.test(text)) failed.push(text.split('\n')[0]);
      });
      await use();
      expect(failed, 'plugins that failed to activate').toEqual([]);
    },
    { auto: true }
  ],
  // The application's Content-Security-Policy must not get in the way of anything the tests do.
  noPolicyViolations: [
    async ({ page }, use) => {
      const violations: string[] = [];
      page.on('console', message => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await use();
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true }
  ],
  noExternalRequests: [
    async ({ page }, use) => {
      const external: string[] = [];
      page.on('request', request => {
        const url = new URL(request.url());
        if (
          /^(https?|wss?):$/.test(url.protocol) &&
          !['127.0.0.1', 'localhost'].includes(url.hostname)
        ) {
          external.push(request.url());
        }
      });
      await use();
      expect(external, 'requests to hosts other than this machine').toEqual([]);
    },
    { auto: true }
  ]
});

export { expect };

/**
 * Where the specs run: `embedded` is `npm start` (test/playwright.config.ts); `stock` is a stock
 * JupyterLab with the odatis-vre wheel (test/playwright.stock.config.ts sets ODATIS_VRE_TARGET).
 */
export type Target = 'embedded' | 'stock';
export const TARGET: Target = process.env.ODATIS_VRE_TARGET === 'stock' ? 'stock' : 'embedded';

/** The in-browser NEO kernel's display name (both targets offer it). */
export const NEO_KERNEL = 'NEO (SQL + JavaScript)';

/** The kernel of the plain notebook tests: the in-browser NEO kernel, or the server's ipykernel. */
export const KERNEL = TARGET === 'stock' ? 'Python 3 (ipykernel)' : NEO_KERNEL;

/** Screenshots of each step, kept as artifacts in test/artifacts/ (test/artifacts/stock/ for stock). */
export const ARTIFACTS = path.resolve(
  __dirname,
  '..',
  'artifacts',
  ...(TARGET === 'stock' ? ['stock'] : [])
);

export async function snapshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** Waits until JupyterLab has started and restored its layout (after a load or a reload). */
export async function waitForVre(page: Page): Promise<void> {
  if (TARGET === 'embedded') {
    await expect(page.locator('body')).toHaveAttribute('data-odatis-vre-ready', 'true', {
      timeout: 90_000
    });
    await expect(page.locator('#odatis-vre-startup-error')).toHaveCount(0);
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  await page.waitForFunction(() => Boolean((window as any).jupyterapp), undefined, {
    timeout: 90_000
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  await page.evaluate(() => (window as any).jupyterapp.restored);
}

/**
 * The page that opens the VRE. A Jupyter server keeps the layout of a workspace across page loads
 * (the browser's storage does in the embedded VRE, but each test has a fresh one): on a server each
 * test gets a workspace of its own, so that it starts from the launcher as a new user would.
 */
function labUrl(): string {
  if (TARGET === 'embedded') return '/lab/';
  // A retry gets a workspace of its own too: the failed attempt's layout is not the start of a new user.
  const { testId, retry } = test.info();
  const workspace = `test-${testId}${retry ? `-retry${retry}` : ''}`;
  return `/lab/workspaces/${workspace}?token=${process.env.ODATIS_VRE_STOCK_TOKEN}`;
}

/** Opens the VRE and waits until JupyterLab has started and restored its layout. */
export async function openVre(page: Page): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(error.message));
  await page.goto(labUrl());
  await waitForVre(page);
  await expect(page.locator('.jp-Launcher')).toBeVisible();
  expect(errors, 'uncaught errors during start-up').toEqual([]);
}

/**
 * Runs a JupyterLab command through the application object the page exposes; its result when that is plain
 * data (a path, a count, a list of names), `undefined` when it is a live object of the page (a widget, a model).
 *
 * A live object is never copied out of the page: Playwright copies a result by walking everything it reaches,
 * and from a widget that is the whole application, down to every Vega view of every notebook, whose Sets the
 * vega-lite bundle stringifies with its own `Set.prototype.toJSON` (a walk without memory of what it has seen:
 * it never ends on a view's dataflow). `launcher:create` after a training-set OMI run froze the tab that way
 * until Chromium killed it ("Target crashed").
 */
export async function execute<T = unknown>(
  page: Page,
  command: string,
  args: object = {}
): Promise<T> {
  return page.evaluate(
    async ([id, a]) => {
      const plain = (value: unknown): boolean => {
        if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value))
          return true;
        if (Array.isArray(value)) return value.every(plain);
        if (typeof value !== 'object') return false;
        const proto = Object.getPrototypeOf(value);
        return (proto === Object.prototype || proto === null) && Object.values(value!).every(plain);
      };
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const result = await (window as any).jupyterapp.commands.execute(id, a);
      return plain(result) ? result : undefined;
    },
    [command, args] as const
  ) as Promise<T>;
}

/** The file names the file browser lists right now. */
export async function listedFiles(page: Page): Promise<string[]> {
  return page.locator('.jp-DirListing-content .jp-DirListing-itemName').allInnerTexts();
}

export async function openFolder(page: Page, name: string): Promise<void> {
  await page.locator('.jp-DirListing-item', { hasText: name }).first().dblclick();
  await expect(page.locator('.jp-FileBrowser-crumbs')).toContainText(name);
}

/** Waits until the current notebook has a running kernel that is idle. */
export async function waitForKernelIdle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const widget = (window as any).jupyterapp.shell.currentWidget;
      const context = widget?.sessionContext;
      return Boolean(context?.session?.kernel) && context.kernelDisplayStatus === 'idle';
    },
    undefined,
    { timeout: 60_000 }
  );
}
