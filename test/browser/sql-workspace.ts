import type { Page } from '@playwright/test';
import { execute, expect } from './vre';

export const workspace = (page: Page) => page.locator('.odatis-SqlWorkspace:visible');
export const status = (page: Page) => workspace(page).locator('.odatis-SqlWorkspace-status');

export async function newWorkspace(page: Page, sql: string): Promise<void> {
  const card = page.locator('.jp-LauncherCard:visible', { hasText: 'SQL workspace' });
  if (await card.count()) {
    await card.click();
  } else {
    await execute(page, 'odatis-vre:sql-new');
  }
  await expect(workspace(page)).toBeVisible();
  const opened = Date.now();
  // The harmonised dataset of the shared data is there out of the box, with its columns.
  await expect(
    workspace(page).locator('.odatis-SqlWorkspace-tableName', { hasText: 'harmonised' })
  ).toBeVisible({
    timeout: 180_000
  });
  // Printed, never asserted: the first workspace of a page waits for the engine and the attach.
  console.log(
    `harmonised listed ${((Date.now() - opened) / 1000).toFixed(1)} s after the workspace opened`
  );
  await replaceQuery(page, sql);
}

/**
 * Replaces the query of the visible workspace by `sql`, and checks that the editor holds it: a dialog that
 * opens meanwhile (stock JupyterLab asking for a restored notebook's kernel) takes the keyboard, and a Run
 * would then run the previous query again.
 */
export async function replaceQuery(page: Page, sql: string): Promise<void> {
  const editor = workspace(page).locator('.odatis-SqlWorkspace-editor .cm-content');
  const compact = (text: string) => text.replace(/\s+/g, '');
  await expect(async () => {
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(sql);
    await page.keyboard.press('Escape'); // close any completion the typing opened
    expect(compact((await editor.textContent()) ?? '')).toBe(compact(sql));
  }).toPass({ timeout: 60_000 });
}

export async function run(page: Page): Promise<void> {
  await workspace(page).locator('.jp-ToolbarButtonComponent', { hasText: 'Run' }).click();
}
