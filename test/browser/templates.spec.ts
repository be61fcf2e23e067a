import { expect, openVre, snapshot, test } from './vre';

/**
 * A NEO workshop template from the launcher: the "Community niche (OMI)" card writes a copy of the template into
 * the user's folder (a new name when one exists), opens it on the NEO kernel and runs every cell on the shared
 * data, down to its last figure and the citations. (Its numbers are checked against R in
 * packages/templates/test/gravelines.test.ts, on the same cells in node.)
 */
test('the Community niche (OMI) template runs from the launcher to its last figure', async ({
  page
}, testInfo) => {
  test.setTimeout(600_000);
  await openVre(page);
  const section = page.locator('.jp-Launcher-section', {
    has: page.locator('.jp-Launcher-sectionTitle', { hasText: 'NEO workshop' })
  });
  const card = section.locator('.jp-LauncherCard', { hasText: 'Community niche (OMI)' });
  await expect(card).toBeVisible();
  await snapshot(page, testInfo, '60-templates-launcher');
  await card.click();

  const notebook = page.locator('.jp-NotebookPanel:visible');
  await expect(notebook.locator('.jp-KernelName')).toHaveText('NEO (SQL + JavaScript)', {
    timeout: 90_000
  });
  const tab = page.locator('.lm-TabBar-tab.jp-mod-current');
  await expect(tab).toContainText('community-niche-omi');

  // every cell has run when the citations (the last output) are there
  const citations = notebook.locator('.jp-OutputArea-output', { hasText: '10.17882/102656' });
  await expect(citations.first()).toBeVisible({ timeout: 480_000 });
  await expect(notebook.locator('.jp-OutputArea-output[data-mime-type*="error"]')).toHaveCount(0);

  await expect(
    notebook.locator('.jp-OutputArea-output', { hasText: 'Pairing report' })
  ).toHaveCount(1);
  const figures = notebook.locator('.vega-embed svg.marks');
  await expect(figures).toHaveCount(4);
  const histogram = figures.nth(3);
  await histogram.scrollIntoViewIfNeeded();
  await expect(histogram.locator('.mark-rect path, .mark-rect')).not.toHaveCount(0);
  await snapshot(page, testInfo, '61-templates-omi-last-figure');
  await expect(
    notebook.locator('.jp-OutputArea-output', { hasText: 'Niche parameters (ade4 niche.param)' })
  ).toBeVisible();
  await snapshot(page, testInfo, '62-templates-omi-parameters-and-citations');

  // a second launch never overwrites the first copy
  const first = await page.evaluate(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    () => (window as any).jupyterapp.shell.currentWidget.context.path as string
  );
  const second = await page.evaluate(
    () =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (window as any).jupyterapp.commands.execute('odatis-vre:open-template', {
        id: 'omi',
        run: false
      }) as Promise<string>
  );
  expect([first, second]).toEqual(['community-niche-omi.ipynb', 'community-niche-omi-2.ipynb']);
});
