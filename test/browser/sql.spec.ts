import type { Locator, Page } from '@playwright/test';
import { execute, expect, listedFiles, openVre, snapshot, TARGET, test, waitForVre } from './vre';
import { newWorkspace, replaceQuery, run, status, workspace } from './sql-workspace';

/** The message of the error that the current workspace's engine gives for `sql`. */
async function engineError(page: Page, sql: string): Promise<string> {
  return page.evaluate(async sql => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const w = (window as any).jupyterapp.shell.currentWidget.content;
    const engine = await w.engineReady;
    return engine.query(sql).then(
      () => 'no error',
      (reason: Error) => reason.message
    );
  }, sql);
}

/** How much of an element's content is out of its box (0 when all of it shows). */
const hiddenHeight = (element: Locator) =>
  element.evaluate(el => el.scrollHeight - el.clientHeight);

/** Whether `text` (inside `element`) is drawn within the element's box, i.e. not scrolled out of it. */
const shownInside = (element: Locator, text: string) =>
  element.evaluate((el, text) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf(text);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + text.length);
      const box = el.getBoundingClientRect();
      const drawn = range.getBoundingClientRect();
      return drawn.top >= box.top && drawn.bottom <= box.bottom;
    }
    throw new Error(`"${text}" is not in the element`);
  }, text);

test.describe('the SQL workspace', () => {
  // The workspace's features do not depend on the server; on a stock JupyterLab, neo-notebook.spec.ts
  // runs a query in a SQL workspace on the server's shared data (DuckDB-WASM from the labextension).
  test.skip(TARGET === 'stock', 'embedded only: see neo-notebook.spec.ts for the stock route');
  // DuckDB-WASM and the harmonised dataset take minutes to start on a busy machine (newWorkspace waits
  // 180 s for them): the tests get the time their own waits allow.
  test.describe.configure({ timeout: 600_000 });

  test('queries the converted shared data, cancels, charts and exports', async ({
    page
  }, testInfo) => {
    const wasm: string[] = [];
    // From the page's start to the first answer (the engine's start, the attach of the shared data, the
    // query): what the page asked for that does not exist, and what the console said of it.
    const wal: string[] = [];
    const failed: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', request => {
      const { pathname } = new URL(request.url());
      if (pathname.endsWith('.wasm')) wasm.push(pathname);
      if (pathname.endsWith('.wal')) wal.push(`${request.method()} ${pathname}`);
    });
    page.on('response', response => {
      if (response.status() >= 400)
        failed.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });
    page.on('console', message => {
      if (message.type() === 'error' || /\b404\b|falling back/.test(message.text()))
        consoleErrors.push(message.text());
    });
    await openVre(page);
    await expect(page.locator('.jp-LauncherCard', { hasText: 'SQL workspace' })).toBeVisible();
    await newWorkspace(
      page,
      "SELECT time, value, site_id FROM harmonised WHERE parameter = 'TEMP' AND sno = 'IGA' ORDER BY time"
    );
    await run(page);
    // Gravelines temperature: 2,292 values from the real SEANOE file (counted by the ingestion tests).
    await expect(status(page)).toHaveText(
      /^2,292 rows in \d+\.\d\d s · DuckDB-WASM in this browser$/
    );
    // The database file is attached read-only: DuckDB-WASM looks for no write-ahead log beside it (it
    // used to ask for harmonised.duckdb.wal three times, answered 404 each, red in the console).
    expect(wal, 'requests for a write-ahead log').toEqual([]);
    expect(failed, 'failed requests until the first answer').toEqual([]);
    expect(consoleErrors, 'console errors until the first answer').toEqual([]);
    // DuckDB-WASM came from a prebuilt extension's own static folder (a stock JupyterLab serves it
    // from share/jupyter/labextensions/), never from a CDN.
    expect(wasm.length).toBeGreaterThan(0);
    for (const file of wasm)
      expect(file).toMatch(/\/extensions\/@odatis-vre\/[^/]+\/static\/[^/]+\.wasm$/);
    const grid = workspace(page).locator('.odatis-SqlWorkspace-grid');
    await expect(grid).toBeVisible();
    const first = await page.evaluate(() => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const w = (window as any).jupyterapp.shell.currentWidget.content;
      const t = w.result;
      return {
        rows: t.numRows,
        columns: t.schema.fields.map((f: { name: string }) => f.name),
        value: t.getChild('value').get(0)
      };
    });
    expect(first).toEqual({ rows: 2292, columns: ['time', 'value', 'site_id'], value: 5.55 });
    await snapshot(page, testInfo, '11-sql-result-grid');

    // The editor completes table and column names from the schema, as one types.
    await newWorkspace(page, 'SELECT ');
    await page.keyboard.type('site_');
    // CodeMirror puts its tooltips at the document level in JupyterLab.
    const completion = page.locator('.cm-tooltip-autocomplete:visible');
    await expect(completion).toContainText('site_id');
    await expect(completion).toContainText('site_name');
    await page.keyboard.press('Escape');
    await page.keyboard.type('id FROM harmo');
    await expect(completion).toContainText('harmonised');
    await page.keyboard.press('Escape');

    // A million-row result: the grid reads it from Arrow columns, scrolled to its last row.
    await newWorkspace(page, 'SELECT range AS i, range * 0.5 AS x FROM range(1000000)');
    await run(page);
    await expect(status(page)).toHaveText(/^1,000,000 rows in/);
    const grid2 = workspace(page).locator('.odatis-SqlWorkspace-grid');
    await grid2.hover();
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, 200_000);
    const last = await page.evaluate(() => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const w = (window as any).jupyterapp.shell.currentWidget.content;
      const model = w.grid.dataModel;
      return [
        model.rowCount('body'),
        model.data('body', 999_999, 0),
        model.data('body', 999_999, 1)
      ];
    });
    expect(last).toEqual([1_000_000, '999999', '499999.5']);
    await snapshot(page, testInfo, '11b-sql-million-rows');

    // A bad query shows DuckDB's message inline.
    await newWorkspace(page, 'SELECT no_such_column FROM harmonised');
    await run(page);
    await expect(status(page)).toHaveText('Error');
    await expect(workspace(page).locator('.odatis-SqlWorkspace-error')).toContainText(
      'no_such_column'
    );
    // DuckDB's multi-line message is there whole, no line cut: the strip is as tall as the message.
    const strip = workspace(page).locator('.odatis-SqlWorkspace-error');
    const message = strip.locator('.odatis-SqlWorkspace-errorText');
    const binderError = await engineError(page, 'SELECT no_such_column FROM harmonised');
    expect(binderError).toMatch(/\nLINE 1: SELECT no_such_column/);
    await expect(message).toHaveText(binderError);
    expect(await hiddenHeight(message)).toBeLessThanOrEqual(1);
    await snapshot(page, testInfo, '11c-sql-error-whole');
    // A message taller than half of the results area (60 lines) scrolls inside the strip, and its copy button
    // copies all of it.
    const longSql =
      "SELECT error(string_agg('line ' || i || ': the engine refused this statement', chr(10)))" +
      ' FROM range(1, 61) t(i)';
    const longError = await engineError(page, longSql);
    await newWorkspace(page, longSql);
    await run(page);
    await expect(status(page)).toHaveText('Error');
    await expect(message).toHaveText(longError);
    const sizes = await strip.evaluate(el => ({
      strip: el.getBoundingClientRect().height,
      results: el.parentElement!.getBoundingClientRect().height
    }));
    expect(sizes.strip).toBeGreaterThan(sizes.results * 0.45);
    expect(sizes.strip).toBeLessThanOrEqual(sizes.results * 0.5 + 1);
    expect(await hiddenHeight(message)).toBeGreaterThan(0);
    // Scrolled to its end, the message shows its last line inside its box; the copy button stays in view.
    await message.evaluate(el => (el.scrollTop = el.scrollHeight));
    expect(await shownInside(message, 'line 60: the engine refused this statement')).toBe(true);
    expect(await shownInside(message, 'line 1: the engine refused this statement')).toBe(false);
    await expect(strip.locator('.odatis-SqlWorkspace-errorCopy')).toBeInViewport({ ratio: 1 });
    await snapshot(page, testInfo, '11d-sql-error-scrolled');
    const copied = page.evaluate(
      () =>
        new Promise<string>(resolve =>
          document.addEventListener(
            'copy',
            event => resolve(event.clipboardData!.getData('text')),
            { once: true }
          )
        )
    );
    await strip.locator('.odatis-SqlWorkspace-errorCopy').click();
    expect(await copied).toBe(longError);

    // A long query can be cancelled, and the engine answers again afterwards. While it runs, the result
    // shown is about to be replaced: exports and charts wait for the new one, and say so. The result of the
    // query before it is not the answer to the cancelled one: it leaves the grid, exports and chart wait.
    await newWorkspace(page, "SELECT time, value FROM harmonised WHERE sno = 'IGA' LIMIT 20");
    await run(page);
    await expect(status(page)).toHaveText(/^20 rows in/);
    await expectExports(page, 'enabled');
    expect(await resultShown(page)).toEqual({
      result: 20,
      gridRows: 20,
      canExport: true,
      canChart: true
    });
    await workspace(page).locator('.lm-TabBar-tab', { hasText: 'Chart' }).click();
    const lineChart = workspace(page).locator('.jp-ToolbarButtonComponent', {
      hasText: 'Line over time'
    });
    await expect(lineChart.getByRole('button')).toBeEnabled();
    // JupyterLab is told when the commands acting on the result change: a menu, the palette or a toolbar
    // open at that moment redraws them as they are (each change: the command and whether it is enabled).
    const commandChanges = await recordResultCommandChanges(page);
    await replaceQuery(page, 'SELECT count(*) FROM range(100000000000) a');
    await run(page);
    await expect(status(page)).toHaveText(/Running/);
    const disabled = ['odatis-vre:sql-chart false', 'odatis-vre:sql-export false'];
    expect(await commandChanges()).toEqual(disabled);
    const running = 'A query is running: wait for its result';
    await expectExports(page, running);
    await expect(lineChart.getByRole('button')).toBeDisabled();
    await expect(lineChart).toHaveAttribute('title', running);
    // The previous result is still in the grid, but neither the commands nor the buttons act on it.
    expect(await resultShown(page)).toEqual({
      result: 20,
      gridRows: 20,
      canExport: false,
      canChart: false
    });
    await snapshot(page, testInfo, '11e-sql-running-exports-wait');
    await page.waitForTimeout(1500);
    await expectExports(page, running);
    await workspace(page).locator('.jp-ToolbarButtonComponent', { hasText: 'Cancel' }).click();
    await expect(status(page)).toHaveText('Cancelled', { timeout: 30_000 });
    expect(await resultShown(page)).toEqual({
      result: null,
      gridRows: null,
      canExport: false,
      canChart: false
    });
    await expectExports(page, 'No result: the last query was cancelled');
    // still none to act on: nothing changed for the commands
    expect(await commandChanges()).toEqual(disabled);
    await expect(workspace(page).locator('.odatis-SqlWorkspace-grid')).toBeVisible();
    await snapshot(page, testInfo, '11e-sql-cancelled');
    await workspace(page).locator('.lm-TabBar-tab', { hasText: 'Chart' }).click();
    await expect(workspace(page).locator('.odatis-SqlWorkspace-chartView')).toHaveText(
      'Run a query first.'
    );
    await replaceQuery(page, "SELECT count(*) AS n FROM harmonised WHERE sno = 'PHYTOBS'");
    await run(page);
    await expect(status(page)).toHaveText(/^1 row in/);
    // the new result: the commands act again, and JupyterLab is told once
    expect(await commandChanges()).toEqual([
      ...disabled,
      'odatis-vre:sql-chart true',
      'odatis-vre:sql-export true'
    ]);
    expect(await resultShown(page)).toEqual({
      result: 1,
      gridRows: 1,
      canExport: true,
      canChart: true
    });
    await expectExports(page, 'enabled');
    // The chart tab opened while a query runs waits for its result rather than draw the one it replaces.
    await replaceQuery(page, 'SELECT count(*) FROM range(100000000000) a');
    await run(page);
    await expect(status(page)).toHaveText(/Running/);
    await workspace(page).locator('.lm-TabBar-tab', { hasText: 'Chart' }).click();
    await expect(workspace(page).locator('.odatis-SqlWorkspace-chartView')).toHaveText(
      'A query is running: the chart waits for its result.'
    );
    await expect(workspace(page).locator('.odatis-SqlWorkspace-chartView svg')).toHaveCount(0);
    await workspace(page).locator('.jp-ToolbarButtonComponent', { hasText: 'Cancel' }).click();
    await expect(status(page)).toHaveText('Cancelled', { timeout: 30_000 });

    // A chart of a result: climatology heat map of Gravelines temperature.
    await newWorkspace(
      page,
      "SELECT time, value FROM harmonised WHERE parameter = 'TEMP' AND sno = 'IGA'"
    );
    await run(page);
    await expect(status(page)).toHaveText(/^2,292 rows/);
    await workspace(page).locator('.lm-TabBar-tab', { hasText: 'Chart' }).click();
    await workspace(page).locator('.jp-ToolbarButtonComponent', { hasText: 'Climatology' }).click();
    await expect(workspace(page).locator('.odatis-SqlWorkspace-chartView svg.marks')).toBeVisible();
    await expect(workspace(page).locator('.odatis-SqlWorkspace-chartView')).toContainText(
      'Climatology of value'
    );
    await workspace(page)
      .locator('.jp-ToolbarButtonComponent', { hasText: 'Vega-Lite spec' })
      .click();
    await expect(workspace(page).locator('.odatis-SqlWorkspace-spec')).toContainText(
      '"timeUnit": "month"'
    );
    await snapshot(page, testInfo, '12-sql-chart');

    // Export to Parquet: the file appears in the file browser and opens in a SQL workspace.
    await workspace(page).locator('.jp-ToolbarButtonComponent', { hasText: 'PARQUET' }).click();
    await expect(status(page)).toHaveText('Exported 2,292 rows to query-result.parquet');
    await expect.poll(() => listedFiles(page)).toContain('query-result.parquet');
    await page
      .locator('.jp-DirListing-item', { hasText: 'query-result.parquet' })
      .click({ button: 'right' });
    await page.locator('.lm-Menu-itemLabel', { hasText: 'Open With' }).hover();
    await page.locator('.lm-Menu-itemLabel', { hasText: 'SQL workspace' }).click();
    await expect(status(page)).toHaveText(/^1,000 rows in/, { timeout: 60_000 });
    await expect(
      workspace(page).locator('.odatis-SqlWorkspace-tableName', { hasText: 'query_result' })
    ).toBeVisible();
    await snapshot(page, testInfo, '13-sql-open-with-parquet');
    const count = await execute<number>(page, 'odatis-vre:sql-run');
    expect(count).toBe(1000);
  });

  test('the editor has the keyboard when a workspace opens and when its tab is chosen again', async ({
    page
  }) => {
    await openVre(page);
    await page.locator('.jp-LauncherCard', { hasText: 'SQL workspace' }).click();
    await expect(
      workspace(page).locator('.odatis-SqlWorkspace-tableName', { hasText: 'harmonised' })
    ).toBeVisible({ timeout: 180_000 });
    const editor = workspace(page).locator('.odatis-SqlWorkspace-editor .cm-content');
    // Typing at once, without clicking into the editor, writes the query; Shift+Enter runs it.
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('SELECT 6 * 7 AS answer');
    await expect(editor).toHaveText('SELECT 6 * 7 AS answer');
    await page.keyboard.press('Shift+Enter');
    await expect(status(page)).toHaveText(/^1 row in/);
    // Away to the launcher and back: the keyboard is in the editor again.
    await execute(page, 'launcher:create');
    await page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: 'SQL workspace' }).click();
    await page.keyboard.press('End');
    await page.keyboard.insertText(' -- again');
    await expect(editor).toHaveText('SELECT 6 * 7 AS answer -- again');
  });

  test('keeps the query history across reloads', async ({ page }) => {
    await openVre(page);
    await newWorkspace(page, 'SELECT 42 AS answer');
    await run(page);
    await expect(status(page)).toHaveText(/^1 row in/);
    // JupyterLab saves its state database to the workspace (browser storage) after a short debounce.
    await page.waitForTimeout(2000);
    await page.reload();
    await waitForVre(page);
    // The workspace itself is back after the reload (see the next test).
    await workspace(page).locator('.lm-TabBar-tab', { hasText: 'History' }).click();
    await expect(workspace(page).locator('.odatis-SqlWorkspace-historyItem').first()).toContainText(
      'SELECT 42 AS answer'
    );
  });

  test('brings back the open workspaces after a reload, with the text of their editor', async ({
    page
  }) => {
    await openVre(page);
    // A workspace on a file (Open With → SQL workspace) is a document: it comes back on its file.
    await page.evaluate(() =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (window as any).jupyterapp.serviceManager.contents.save('tiny.csv', {
        type: 'file',
        format: 'text',
        content: 'a,b\n1,2\n3,4\n'
      })
    );
    await execute(page, 'docmanager:open', { path: 'tiny.csv', factory: 'SQL workspace' });
    await expect(status(page)).toHaveText(/^2 rows in/, { timeout: 180_000 });
    // A workspace from the launcher, its query typed and never run.
    await newWorkspace(page, 'SELECT 6 * 7 AS answer');
    await page.keyboard.insertText(' -- typed, never run');
    const typed = 'SELECT 6 * 7 AS answer -- typed, never run';
    const editor = workspace(page).locator('.odatis-SqlWorkspace-editor .cm-content');
    await expect(editor).toHaveText(typed);
    const tabs = page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab');
    // The tabs of the main area but the launchers (the launcher stays open when its card is clicked).
    const labels = () =>
      tabs.allInnerTexts().then(all =>
        all
          .map(t => t.trim())
          .filter(t => t !== 'Launcher')
          .sort()
      );
    expect(await labels()).toEqual(['SQL workspace 1', 'tiny.csv']);
    // Twice: a workspace saved under a name of its previous page would come back twice.
    for (let i = 0; i < 2; i++) {
      // JupyterLab saves its state database to the workspace (browser storage) after a short debounce.
      await page.waitForTimeout(2000);
      await page.reload();
      await waitForVre(page);
      await expect.poll(labels).toEqual(['SQL workspace 1', 'tiny.csv']);
    }
    await tabs.filter({ hasText: 'SQL workspace 1' }).click();
    await expect(editor).toHaveText(typed);
    await expect(
      workspace(page).locator('.odatis-SqlWorkspace-tableName', { hasText: 'harmonised' })
    ).toBeVisible({ timeout: 180_000 });
    await editor.click();
    await page.keyboard.press('Shift+Enter');
    await expect(status(page)).toHaveText(/^1 row in/);
    const answer = await page.evaluate(
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      () => (window as any).jupyterapp.shell.currentWidget.content.result.getChild('answer').get(0)
    );
    expect(answer).toBe(42);
    // The file's workspace is back on its file, as a table named after it.
    await tabs.filter({ hasText: 'tiny.csv' }).click();
    await expect(status(page)).toHaveText(/^2 rows in/, { timeout: 180_000 });
    await expect(
      workspace(page).locator('.odatis-SqlWorkspace-tableName', { hasText: 'tiny' })
    ).toBeVisible();
  });

  test('saves the text of a workspace once typing pauses, and at once when the page goes', async ({
    page,
    context
  }) => {
    await openVre(page);
    await newWorkspace(page, 'SELECT 1 AS one');
    const editor = workspace(page).locator('.odatis-SqlWorkspace-editor .cm-content');
    // The state database of the page (the one the layout restorer writes), and the writes of this
    // workspace's entry in it, counted from its `changed` signal.
    const key = await page.evaluate(() => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const win = window as any;
      const widget = win.jupyterapp.shell.currentWidget;
      const key = `odatis-vre-sql-workspace:${widget.id}`;
      win.odatisStateDB = widget.content.state;
      win.odatisStateWrites = 0;
      win.odatisStateDB.changed.connect((_: unknown, change: { id: string; type: string }) => {
        if (change.id === key && change.type === 'save') win.odatisStateWrites++;
      });
      return key;
    });
    const stored = () =>
      page.evaluate(
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        async key => ((await (window as any).odatisStateDB.fetch(key)) as any)?.data?.sql ?? null,
        key
      );
    const writes = () =>
      page.evaluate(() => (window as { odatisStateWrites?: number }).odatisStateWrites);
    await expect.poll(stored).toBe('SELECT 1 AS one');
    const start = await writes();

    // A comment typed key by key: its text is saved once typing pauses, not at each key.
    let text = 'SELECT 1 AS one';
    const comment = ' -- the Gravelines series, typed key by key as a person does';
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(comment);
    text += comment;
    await expect(editor).toHaveText(text);
    await expect.poll(stored).toBe(text);
    const typedWrites = (await writes())! - start!;
    console.log(`${comment.length} keys typed, ${typedWrites} state writes`);
    expect(typedWrites).toBeGreaterThanOrEqual(1);
    // One write once typing stops; a few more if the machine paused between two keys for long.
    expect(typedWrites).toBeLessThanOrEqual(comment.length / 10);

    // Typed right before a reload: nothing is lost.
    const beforeReload = ', then reloaded at once';
    await page.keyboard.type(beforeReload);
    text += beforeReload;
    await expect(editor).toHaveText(text);
    await page.reload();
    await waitForVre(page);
    await page
      .locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: 'SQL workspace 1' })
      .click();
    await expect(editor).toHaveText(text);

    // Typed right before the browser tab closes: it is there in the next tab.
    await editor.click();
    await page.keyboard.press('Control+End');
    const beforeClose = ', then the tab closed';
    await page.keyboard.type(beforeClose);
    text += beforeClose;
    await expect(editor).toHaveText(text);
    const closed = page.waitForEvent('close');
    await page.close({ runBeforeUnload: true });
    await closed;
    const next = await context.newPage();
    await next.goto('/lab/');
    await waitForVre(next);
    await next
      .locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: 'SQL workspace 1' })
      .click();
    await expect(workspace(next).locator('.odatis-SqlWorkspace-editor .cm-content')).toHaveText(
      text
    );
  });

  test('a failed query leaves no result: the grid is emptied, exports and charts wait', async ({
    page
  }) => {
    await openVre(page);
    await newWorkspace(
      page,
      "SELECT time, value FROM harmonised WHERE parameter = 'TEMP' AND sno = 'IGA'"
    );
    const exports = exportButtons(page);
    // Nothing to export before a query, and the buttons say why.
    await expectExports(page, 'No result: run a query first');
    const shown = () => resultShown(page);
    const chartTab = workspace(page).locator('.lm-TabBar-tab', { hasText: 'Chart' });
    const chartView = workspace(page).locator('.odatis-SqlWorkspace-chartView');
    // A button of the chart's toolbar, by its item name: chart-climatology, spec…
    const chartButton = (item: string) =>
      workspace(page)
        .locator(`.odatis-SqlWorkspace-chart [data-jp-item-name="${item}"]`)
        .getByRole('button');
    await run(page);
    await expect(status(page)).toHaveText(/^2,292 rows/);
    for (const button of exports) await expect(button).toBeEnabled();
    expect(await shown()).toEqual({
      result: 2292,
      gridRows: 2292,
      canExport: true,
      canChart: true
    });
    await chartTab.click();
    await expect(chartView.locator('svg.marks')).toBeVisible();
    await expect(chartButton('spec')).toBeEnabled();

    // The rehearsal's typo: an error, and the 2,292 rows are gone from below it.
    await replaceQuery(page, 'SELECT tme FROM harmonised');
    await run(page);
    await expect(status(page)).toHaveText('Error');
    await expect(workspace(page).locator('.odatis-SqlWorkspace-error')).toContainText('tme');
    await expect(workspace(page).locator('.odatis-SqlWorkspace-grid')).toBeVisible();
    expect(await shown()).toEqual({
      result: null,
      gridRows: null,
      canExport: false,
      canChart: false
    });
    await expectExports(page, 'No result: the last query failed');
    // The chart has nothing to draw: no chart, no chart buttons but disabled ones.
    await chartTab.click();
    await expect(chartView).toHaveText('Run a query first.');
    await expect(chartView.locator('svg')).toHaveCount(0);
    await expect(chartButton('chart-climatology')).toHaveCount(0);
    await expect(chartButton('spec')).toBeDisabled();
    await expect(chartButton('copy-spec')).toBeDisabled();

    // A query that succeeds: exports and charts act on it.
    await replaceQuery(
      page,
      "SELECT time, value FROM harmonised WHERE parameter = 'TEMP' AND sno = 'IGA' LIMIT 10"
    );
    await run(page);
    await expect(status(page)).toHaveText(/^10 rows/);
    expect(await shown()).toEqual({ result: 10, gridRows: 10, canExport: true, canChart: true });
    for (const button of exports) await expect(button).toBeEnabled();
    await exports[0].click();
    await expect(status(page)).toHaveText('Exported 10 rows to query-result.csv');
    await chartTab.click();
    await expect(chartView.locator('svg.marks')).toBeVisible();
    await expect(chartButton('chart-climatology')).toBeEnabled();
    await expect(chartButton('spec')).toBeEnabled();
  });
});

const EXPORT_FORMATS = ['csv', 'parquet', 'arrow'];
/** The export buttons of the visible workspace (CSV, Parquet, Arrow). */
const exportButtons = (page: Page) =>
  EXPORT_FORMATS.map(format =>
    workspace(page).locator(`[data-jp-item-name="export-${format}"]`).getByRole('button')
  );

/**
 * The export buttons of the visible workspace are all enabled, with their tooltip, or all disabled, their
 * tooltip saying `why`.
 */
async function expectExports(page: Page, why: string): Promise<void> {
  for (const [i, button] of exportButtons(page).entries()) {
    // The tooltip is the title of the toolkit's button element, around the inner button.
    const tooltip = workspace(page).locator(
      `[data-jp-item-name="export-${EXPORT_FORMATS[i]}"] .jp-ToolbarButtonComponent`
    );
    if (why === 'enabled') {
      await expect(button).toBeEnabled();
      await expect(tooltip).toHaveAttribute(
        'title',
        `Export the result to the workspace as ${EXPORT_FORMATS[i].toUpperCase()}`
      );
    } else {
      await expect(button).toBeDisabled();
      await expect(tooltip).toHaveAttribute('title', why);
    }
  }
}

/**
 * Records each change JupyterLab is told of for the commands acting on the result (the chart, the exports),
 * as "<command> <enabled then>"; the changes recorded so far, by the function returned.
 */
async function recordResultCommandChanges(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const w = window as any;
    const commands = w.jupyterapp.commands;
    const changes: string[] = (w.resultCommandChanges = []);
    commands.commandChanged.connect((_: unknown, change: { id?: string; type: string }) => {
      if (change.id === 'odatis-vre:sql-chart' || change.id === 'odatis-vre:sql-export')
        changes.push(`${change.id} ${commands.isEnabled(change.id, {})}`);
    });
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return () => page.evaluate(() => [...(window as any).resultCommandChanges] as string[]);
}

/** The result the current workspace shows, and whether its export and chart commands are enabled. */
const resultShown = (page: Page) =>
  page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const app = (window as any).jupyterapp;
    const w = app.shell.currentWidget.content;
    return {
      result: w.result?.numRows ?? null,
      gridRows: w.grid.dataModel?.rowCount('body') ?? null,
      canExport: app.commands.isEnabled('odatis-vre:sql-export', { format: 'csv' }),
      canChart: app.commands.isEnabled('odatis-vre:sql-chart', {})
    };
  });
