import type { Page } from '@playwright/test';
import {
  cell,
  expectOmiOutput,
  harmonisedCatalog,
  newNeoNotebook,
  OMI_CELL,
  openKernelAbout,
  outputOf,
  runCell,
  tableRows
} from './neo';
import { execute, expect, openVre, snapshot, test, waitForKernelIdle } from './vre';

/** Replaces the first cell's text and puts the cursor at its end, in edit mode. */
async function setSourceAndFocusEnd(page: Page, source: string): Promise<void> {
  await page.evaluate(text => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const nb = (window as any).jupyterapp.shell.currentWidget.content;
    nb.activeCellIndex = 0;
    nb.activeCell.model.sharedModel.setSource(text);
  }, source);
  await cell(page, 0).locator('.cm-content').click();
  await page.keyboard.press('Control+End');
}

test.describe('the NEO kernel', () => {
  test('queries the harmonised data, charts it, runs an OMI, interrupts and restarts', async ({
    page
  }, testInfo) => {
    test.setTimeout(600_000);
    await openVre(page);
    await newNeoNotebook(page);
    await snapshot(page, testInfo, '21-neo-notebook');
    // The kernel's banner (Help → About) names the %%sql magic as it is typed.
    const about = await openKernelAbout(page);
    await expect(about.locator('pre')).toHaveText(
      /^NEO kernel: %%sql cells on the shared DuckDB engine \(DuckDB-WASM in this browser\), JavaScript/
    );
    await about.locator('.jp-Dialog-button.jp-mod-reject').click();
    await expect(about).toHaveCount(0);

    // A newcomer types the query of the issue.
    await cell(page, 0).locator('.cm-content').click();
    await page.keyboard.type(
      '%%sql\nSELECT site_id, count(*) FROM harmonised GROUP BY 1 ORDER BY 1'
    );
    await page.keyboard.press('Shift+Enter');
    const sites = harmonisedCatalog().sites;
    const table = outputOf(page, 0).locator('.neo-table');
    await expect(table).toBeVisible({ timeout: 240_000 });
    await expect(table.locator('.neo-shape')).toHaveText(`${sites.length} rows × 2 columns`);
    await expect(table.locator('tbody tr')).toHaveCount(sites.length);
    expect(await tableRows(table)).toEqual(
      [...sites]
        .sort((a, b) => a.siteId.localeCompare(b.siteId))
        .map(s => [s.siteId, String(s.rowCount)])
    );
    await expect(table.locator('thead')).toContainText('bigint');
    // The footer says which engine answered (the embedded default: the small dataset stays in the browser).
    await expect(table.locator('.neo-query')).toHaveText(
      /^\d+(\.\d)? m?s · DuckDB-WASM in this browser$/
    );
    await snapshot(page, testInfo, '22-neo-sql-table');

    // The same counts kept in a variable, then drawn by JupyterLab's Vega-Lite renderer as SVG.
    await runCell(
      page,
      1,
      '%%sql counts\nSELECT site_id, count(*) AS n FROM harmonised GROUP BY 1 ORDER BY 1'
    );
    const chart = await runCell(page, 2, 'neo.plot.bar(counts, { title: "Values per site" })');
    const svg = chart.locator('.vega-embed svg.marks');
    await expect(svg).toBeVisible({ timeout: 60_000 });
    await expect(svg.locator('.mark-rect path')).toHaveCount(sites.length);
    await expect(svg).toContainText('Values per site');
    for (const site of sites) {
      await expect(svg).toContainText(site.siteId);
    }
    await svg.scrollIntoViewIfNeeded();
    await snapshot(page, testInfo, '23-neo-vega-chart');

    // One OMI on a small pivot: the numbers of @odatis-vre/niche on the same data.
    const omi = await runCell(page, 3, OMI_CELL);
    const reference = await expectOmiOutput(omi);
    await runCell(page, 4, 'neo.plot.omi(omi)');
    const omiChart = outputOf(page, 4).locator('.vega-embed svg.marks');
    await expect(omiChart).toContainText(reference.species[0]);
    // Titles through the page's translator (the worker's catalogue of PLOT_MESSAGES), English here.
    await expect(omiChart).toContainText('OMI axis 1');
    await expect(omiChart).toContainText(
      'OMI: species niche positions and environmental variables'
    );
    await omiChart.scrollIntoViewIfNeeded();
    await snapshot(page, testInfo, '24-neo-omi');

    // A long query is cancelled in DuckDB; the kernel keeps its variables.
    const longQuery = runCell(
      page,
      5,
      '%%sql\nSELECT sum(a.range * b.range) FROM range(300000) a CROSS JOIN range(300000) b'
    );
    await expect(cell(page, 5).locator('.jp-InputPrompt')).toHaveText('[*]:');
    await page.waitForTimeout(1500);
    await execute(page, 'kernelmenu:interrupt');
    await longQuery;
    await expect(outputOf(page, 5)).toContainText('KeyboardInterrupt');
    await expect(await runCell(page, 6, 'counts.numRows')).toHaveText(String(sites.length));

    // A busy loop cannot hear the interrupt: the worker is replaced and the cell says so.
    const loop = runCell(page, 7, 'let spins = 0;\nwhile (true) { spins++; }');
    await expect(cell(page, 7).locator('.jp-InputPrompt')).toHaveText('[*]:');
    await page.waitForTimeout(1000);
    await execute(page, 'kernelmenu:interrupt');
    await loop;
    await expect(outputOf(page, 7)).toContainText(
      'The cell did not stop when interrupted (a loop that never waits), so the kernel was restarted'
    );
    await outputOf(page, 7).scrollIntoViewIfNeeded();
    await snapshot(page, testInfo, '25-neo-interrupt');
    await expect(await runCell(page, 8, 'typeof counts')).toHaveText('undefined');
    await expect(await runCell(page, 9, '%%sql\nSELECT 6 * 7 AS answer')).toContainText('42');

    // Restart from the Kernel menu: a fresh worker, no variables, and it runs cells.
    await runCell(page, 10, 'const beforeRestart = 1;');
    await page.locator('.lm-MenuBar-itemLabel', { hasText: 'Kernel' }).click();
    await page
      .locator('.lm-Menu-itemLabel', { hasText: /^Restart Kernel…$/ })
      .first()
      .click();
    await page.locator('.jp-Dialog button', { hasText: 'Restart' }).click();
    await waitForKernelIdle(page);
    await expect(await runCell(page, 11, 'typeof beforeRestart')).toHaveText('undefined');
    await expect(
      await runCell(page, 12, '(await neo.tables()).some(t => t.name === "harmonised")')
    ).toHaveText('true');
    await snapshot(page, testInfo, '26-neo-restart');
  });

  test('completes neo members and SQL names, and shows neo documentation on Shift+Tab', async ({
    page
  }, testInfo) => {
    test.setTimeout(300_000);
    await openVre(page);
    await newNeoNotebook(page);
    await cell(page, 0).locator('.cm-content').click();
    await page.keyboard.type('neo.plot.');
    await page.keyboard.press('Tab');
    const completer = page.locator('.jp-Completer');
    await expect(completer).toBeVisible();
    await expect(completer.locator('.jp-Completer-item')).toHaveText([
      /bar/,
      /climatology/,
      /line/,
      /omi/,
      /scatter/
    ]);
    await snapshot(page, testInfo, '27-neo-completion');
    await page.keyboard.press('Escape');
    // The popup of `neo.`: the toolbox's members, and which engine answers.
    await setSourceAndFocusEnd(page, 'neo.');
    await page.keyboard.press('Tab');
    await expect(completer).toBeVisible();
    for (const member of ['sql', 'table', 'tables', 'engine', 'pivot', 'omi', 'plot']) {
      await expect(
        completer.locator('.jp-Completer-item', { hasText: member }).first()
      ).toBeVisible();
    }
    await snapshot(page, testInfo, '27b-neo-member-completion');
    await page.keyboard.press('Escape');
    await setSourceAndFocusEnd(page, 'neo.sql');
    await page.keyboard.press('Shift+Tab');
    const tooltip = page.locator('.jp-Tooltip');
    await expect(tooltip).toContainText('neo.sql(query: string): Promise<Table>');
    await snapshot(page, testInfo, '28-neo-inspection');
    await page.keyboard.press('Escape');

    // The kernel attached the shared data as it started; SQL completion knows its table.
    await expect(page.locator('.odatis-vre-HarmonisedStatus')).toContainText('values', {
      timeout: 240_000
    });
    // SQL completion, asked of the kernel as JupyterLab's completer asks it (complete_request). It
    // answers at once from the last table list, which the kernel refreshes once the data is attached.
    const complete = () =>
      page.evaluate(async () => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const kernel = (window as any).jupyterapp.shell.currentWidget.sessionContext.session.kernel;
        const code = '%%sql\nSELECT * FROM harm';
        return (await kernel.requestComplete({ code, cursor_pos: code.length })).content;
      });
    await expect
      .poll(async () => (await complete()).matches, { timeout: 60_000 })
      .toEqual(['harmonised']);
    expect(await complete()).toMatchObject({ status: 'ok', cursor_start: 20 });

    // The same through the popup: Tab in a %%sql cell lists the table beside the keywords…
    await setSourceAndFocusEnd(page, '%%sql\nSELECT * FROM h');
    await page.keyboard.press('Tab');
    await expect(completer).toBeVisible();
    await expect(completer.locator('.jp-Completer-item', { hasText: 'harmonised' })).toBeVisible();
    await expect(completer.locator('.jp-Completer-item', { hasText: 'HAVING' })).toBeVisible();
    await snapshot(page, testInfo, '29-neo-sql-completion');
    await page.keyboard.press('Escape');
    // …and a prefix that only the table has offers it alone; Enter writes it.
    await setSourceAndFocusEnd(page, '%%sql\nSELECT * FROM harm');
    await page.keyboard.press('Tab');
    await expect(completer.locator('.jp-Completer-item')).toHaveText([/harmonised/]);
    await page.keyboard.press('Enter');
    await expect(cell(page, 0).locator('.cm-content')).toHaveText(/SELECT \* FROM harmonised$/);
  });
});
