import { expect, openVre, snapshot, TARGET, test } from './vre';

/**
 * The SQL workspace answered by the server engine of `npm start` (native DuckDB next to the shared data),
 * chosen with the data services' `engine` setting: results stream in as Arrow, the status says which engine
 * answered, and the fence refuses what reaches outside the shared folder.
 */
test('the SQL workspace answers through the server engine', async ({ page }, testInfo) => {
  test.skip(
    TARGET === 'stock',
    'the server engine of a Jupyter server (odatis_vre, Python) is not written yet: embedded only'
  );
  await openVre(page);
  await page.evaluate(() =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (window as any).jupyterapp.serviceManager.settings.save(
      '@odatis-vre/services-extension:query-engine',
      JSON.stringify({ engine: 'server' })
    )
  );
  await page.reload();
  await openVre(page);

  await page.locator('.jp-LauncherCard:visible', { hasText: 'SQL workspace' }).click();
  const workspace = page.locator('.odatis-SqlWorkspace:visible');
  const status = workspace.locator('.odatis-SqlWorkspace-status');
  await expect(status).toHaveAttribute('data-engine', 'duckdb-server', { timeout: 60_000 });
  await expect(
    workspace.locator('.odatis-SqlWorkspace-tableName', { hasText: 'harmonised' })
  ).toBeVisible({ timeout: 60_000 });

  const runSql = async (sql: string) => {
    await workspace.locator('.odatis-SqlWorkspace-editor .cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(sql);
    await page.keyboard.press('Escape');
    await workspace.locator('.jp-ToolbarButtonComponent', { hasText: 'Run' }).click();
  };

  // Gravelines temperature: the 2,292 values the browser engine gives (sql.spec.ts), from the server.
  await runSql(
    "SELECT time, value, site_id FROM harmonised WHERE parameter = 'TEMP' AND sno = 'IGA' ORDER BY time"
  );
  await expect(status).toHaveText(/^2,292 rows in \d+\.\d\d s · native DuckDB on the server$/);
  const first = await page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const t = (window as any).jupyterapp.shell.currentWidget.content.result;
    return {
      rows: t.numRows,
      batches: t.batches.length,
      columns: t.schema.fields.map((f: { name: string }) => f.name),
      value: t.getChild('value').get(0)
    };
  });
  expect(first).toEqual({
    rows: 2292,
    batches: 2,
    columns: ['time', 'value', 'site_id'],
    value: 5.55
  });
  await expect(page.locator('.odatis-vre-HarmonisedStatus')).toHaveText(
    /^Harmonised data: [\d,]+ values · native DuckDB on the server$/
  );
  await snapshot(page, testInfo, 'server-engine-1-result');

  // Outside the fence: refused with a sentence saying what may be read.
  await runSql("SELECT * FROM read_csv('/etc/passwd')");
  await expect(status).toHaveText('Error');
  await expect(workspace.locator('.odatis-SqlWorkspace-error')).toContainText(
    'Refused: the server engine reads only the folders shared'
  );
  await snapshot(page, testInfo, 'server-engine-2-refused');
});
