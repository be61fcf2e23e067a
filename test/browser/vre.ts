import { expect, Page, test as base, TestInfo } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The browser tests' `test`: every test also checks that the page fetched nothing from outside
 * this machine (the VRE must work offline: no CDN, no news feed, no telemetry), and that the
 * application's security policy refused nothing.
 */
export const test = base.extend<{ noExternalRequests: void; noPolicyViolations: void }>({
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

/** Screenshots of each step, kept as artifacts in test/artifacts/. */
export const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');

export async function snapshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** Opens the VRE and waits until JupyterLab has started and restored its layout. */
export async function openVre(page: Page): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(error.message));
  await page.goto('/lab/');
  await expect(page.locator('body')).toHaveAttribute('data-odatis-vre-ready', 'true', {
    timeout: 90_000
  });
  await expect(page.locator('#odatis-vre-startup-error')).toHaveCount(0);
  await expect(page.locator('.jp-Launcher')).toBeVisible();
  expect(errors, 'uncaught errors during start-up').toEqual([]);
}

/** Runs a JupyterLab command through the application object the page exposes. */
export async function execute<T = unknown>(
  page: Page,
  command: string,
  args: object = {}
): Promise<T> {
  return page.evaluate(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    ([id, a]) => (window as any).jupyterapp.commands.execute(id, a),
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
