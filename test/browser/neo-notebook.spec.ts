import {
  cell,
  expectNeoKernel,
  expectOmiOutput,
  harmonisedCatalog,
  OMI_CELL,
  outputOf,
  tableRows
} from './neo';
import { newWorkspace, run, status, workspace } from './sql-workspace';
import { execute, expect, openVre, snapshot, test } from './vre';

/**
 * The data services of a session, as a workshop uses them. A workshop notebook saved with the NEO kernel, as a trainer hands it out: it opens on the in-browser
 * kernel and runs over the shared harmonised data, on a stock JupyterLab with the odatis-vre wheel
 * (shared/ read-only on the server) as in the embedded VRE. Then the SQL workspace queries the same engine.
 */
const NOTEBOOK = 'neo-check.ipynb';
const SQL_CELL = '%%sql\nSELECT site_id, count(*) AS n FROM harmonised GROUP BY 1 ORDER BY 1';

function workshopNotebook(): object {
  const code = (source: string) => ({
    cell_type: 'code',
    source,
    metadata: {},
    outputs: [],
    execution_count: null
  });
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'neo', display_name: 'NEO (SQL + JavaScript)', language: 'javascript' }
    },
    cells: [code(SQL_CELL), code(OMI_CELL)]
  };
}

test('a NEO notebook runs %%sql and an OMI over the shared harmonised data, then a SQL workspace', async ({
  page
}, testInfo) => {
  test.setTimeout(600_000);
  const wasm: string[] = [];
  page.on('request', request => {
    const { pathname } = new URL(request.url());
    if (pathname.endsWith('.wasm')) wasm.push(pathname);
  });
  await openVre(page);
  // Saved through the server's contents API (the browser's drive in the embedded VRE), like an upload.
  await page.evaluate(
    ([path, content]) =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (window as any).jupyterapp.serviceManager.contents.save(path, {
        type: 'notebook',
        format: 'json',
        content
      }),
    [NOTEBOOK, workshopNotebook()] as const
  );
  await execute(page, 'docmanager:open', { path: NOTEBOOK });
  await expectNeoKernel(page);
  await execute(page, 'notebook:run-all-cells');

  const sites = harmonisedCatalog().sites;
  const table = outputOf(page, 0).locator('.neo-table');
  await expect(table).toBeVisible({ timeout: 240_000 });
  await expect(table.locator('.neo-shape')).toHaveText(`${sites.length} rows × 2 columns`);
  expect(await tableRows(table)).toEqual(
    [...sites]
      .sort((a, b) => a.siteId.localeCompare(b.siteId))
      .map(s => [s.siteId, String(s.rowCount)])
  );
  await snapshot(page, testInfo, '31-neo-notebook-sql');

  await expect(cell(page, 1).locator('.jp-InputPrompt')).toHaveText('[2]:', { timeout: 180_000 });
  await expectOmiOutput(outputOf(page, 1));
  await outputOf(page, 1).locator('.neo-table').scrollIntoViewIfNeeded();
  await snapshot(page, testInfo, '32-neo-notebook-omi');

  // The SQL workspace, on the same session engine: Gravelines temperature, 2,292 values of the real
  // SEANOE file (counted by the ingestion tests).
  await execute(page, 'launcher:create');
  await newWorkspace(
    page,
    "SELECT time, value FROM harmonised WHERE parameter = 'TEMP' AND sno = 'IGA' ORDER BY time"
  );
  await run(page);
  await expect(status(page)).toHaveText(
    /^2,292 rows in \d+\.\d\d s · DuckDB-WASM in this browser$/
  );
  await expect(workspace(page).locator('.odatis-SqlWorkspace-grid')).toBeVisible();
  await snapshot(page, testInfo, '33-neo-sql-workspace');
  // DuckDB-WASM came from a prebuilt extension's own static folder (a stock JupyterLab serves it from
  // share/jupyter/labextensions/), never from a CDN.
  expect(wasm.length).toBeGreaterThan(0);
  for (const file of wasm) {
    expect(file).toMatch(/\/extensions\/@odatis-vre\/[^/]+\/static\/[^/]+\.wasm$/);
  }
});
