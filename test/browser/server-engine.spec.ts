import * as fs from 'fs';
import * as path from 'path';
import type { Dialog, Page } from '@playwright/test';
import { createNativeEngine } from '@odatis-vre/query/lib/node';
import { tableToIPC } from 'apache-arrow';
import { SERVER_ENGINE_DATA } from '../server-engine-data';
import { newNeoNotebook, runCell, tableRows } from './neo';
import { replaceQuery } from './sql-workspace';
import { execute, expect, openVre, snapshot, TARGET, test, waitForVre } from './vre';

/**
 * The SQL workspace answered by the server engine — native DuckDB next to the data: `npm start`'s (node) or
 * the odatis_vre Jupyter server extension's (Python) — chosen with the data services' `engine` setting:
 * results stream in as Arrow, the status says which engine answered, a dataset larger than the browser
 * engine's memory is aggregated on the server while the page's JavaScript heap stays flat, and the fence
 * refuses what reaches outside the readable folders.
 */

/** Rows of the generated file, and how many hard links of it make the dataset (DuckDB reads each). */
const FILE_ROWS = 2_500_000;
const FILES = 12;
const PARAMETERS = ['TEMP', 'PSAL', 'TURB', 'FLU', 'OXY', 'PH', 'CNDC', 'PRES'];
/** DuckDB-WASM's own memory limit in the browser (`current_setting('memory_limit')`: 3.1 GiB). */
const BROWSER_MEMORY_LIMIT = 3.1 * 2 ** 30;

/**
 * A COAST-HF-like dataset in the harmonised schema's columns, FILES × FILE_ROWS rows of Parquet, written by
 * native DuckDB in the server engine's "your folder". Returns the folder and the in-memory (Arrow) size of
 * the whole dataset, estimated from a sample.
 */
async function generateDataset(): Promise<{ folder: string; rows: number; arrowBytes: number }> {
  const folder = SERVER_ENGINE_DATA[TARGET];
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  const native = await createNativeEngine({ threads: '2' });
  const first = path.join(folder, 'part-00.parquet');
  const parameters = `[${PARAMETERS.map(p => `'${p}'`).join(', ')}]`;
  try {
    await native.query(`COPY (
      SELECT 'COAST-HF' AS sno,
             ['roscoff', 'brest', 'villefranche', 'marseille', 'arcachon'][(i % 5) + 1] AS site_id,
             ['Bouée COAST-HF de Roscoff', 'Bouée COAST-HF de Brest', 'Bouée COAST-HF de Villefranche',
              'Bouée COAST-HF de Marseille', 'Bouée COAST-HF d''Arcachon'][(i % 5) + 1] AS site_name,
             TIMESTAMP '2010-01-01' + to_minutes((i // 40) * 10) AS time, 1.0 AS depth,
             ${parameters}[(i % 8) + 1] AS parameter, (i % 1000) * 0.01 + (i % 8) AS value,
             'degree_Celsius' AS unit, 1 AS quality,
             'coast-hf/10-minute-series/generated-by-server-engine-spec.csv' AS source_file, i AS source_row
        FROM range(${FILE_ROWS}) t(i)) TO '${first}' (FORMAT parquet)`);
    for (let n = 1; n < FILES; n++) {
      fs.linkSync(first, path.join(folder, `part-${String(n).padStart(2, '0')}.parquet`));
    }
    // The Arrow size of a sample, scaled: what the browser would have to hold to query it itself.
    const sample = 100_000;
    const { table } = await native.query(`SELECT * FROM read_parquet('${first}') LIMIT ${sample}`);
    const rows = FILES * FILE_ROWS;
    const arrowBytes = (tableToIPC(table).byteLength / sample) * rows;
    return { folder, rows, arrowBytes };
  } finally {
    await native.close();
  }
}

/** The page's JavaScript heap in use after a full garbage collection (Chrome DevTools Protocol). */
async function heapUsed(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return metrics.find(m => m.name === 'JSHeapUsedSize')!.value;
}

test('the SQL workspace answers through the server engine', async ({ page }, testInfo) => {
  test.setTimeout(600_000);
  const dataset = await generateDataset();
  // Larger than the browser engine could hold: the server must be the one reading it.
  expect(dataset.arrowBytes).toBeGreaterThan(BROWSER_MEMORY_LIMIT);

  const useEngine = async (settings: { engine: string; serverMinRows?: number }) => {
    await page.evaluate(
      json =>
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (window as any).jupyterapp.serviceManager.settings.save(
          '@odatis-vre/services-extension:query-engine',
          json
        ),
      JSON.stringify(settings)
    );
    // A notebook that ran asks before the page goes: leave it.
    const leave = (dialog: Dialog) =>
      void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss());
    page.on('dialog', leave);
    await page.reload();
    page.off('dialog', leave);
    await waitForVre(page);
  };
  // The launcher's tab, or a new one (a notebook opened from the launcher took its tab, and a reload restores that).
  const launcher = async () => {
    const tab = page.locator('.lm-DockPanel .lm-TabBar-tab', { hasText: 'Launcher' });
    if ((await tab.count()) > 0) await tab.first().click();
    else await execute(page, 'launcher:create');
  };
  const workspace = page.locator('.odatis-SqlWorkspace:visible');
  const status = workspace.locator('.odatis-SqlWorkspace-status');
  const runSql = async (sql: string) => {
    await replaceQuery(page, sql);
    await workspace.locator('.jp-ToolbarButtonComponent', { hasText: 'Run' }).click();
  };
  const result = () =>
    page.evaluate(() => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const t = (window as any).jupyterapp.shell.currentWidget.content.result;
      return {
        rows: t.numRows,
        batches: t.batches.length,
        columns: t.schema.fields.map((f: { name: string }) => f.name),
        values: t.toArray().map((r: { toJSON(): Record<string, unknown> }) => r.toJSON())
      };
    });

  // auto, the threshold lowered so that PHYTOBS-Pelagos (108,729 values) is meant for the server: each query
  // runs where its dataset lives, and says which engine answered it.
  await openVre(page);
  await useEngine({ engine: 'auto', serverMinRows: 100_000 });
  await expect(async () =>
    execute(page, 'odatis-vre:databrowser-open-sql', { source: 'shared', id: 'PHYTOBS-Pelagos' })
  ).toPass({ timeout: 60_000 });
  const editor = workspace.locator('.odatis-SqlWorkspace-editor .cm-content');
  await expect(editor).toContainText('-- Queried by: native DuckDB on the server');
  await workspace.locator('.jp-ToolbarButtonComponent', { hasText: 'Run' }).click();
  await expect(status).toHaveText(/^108,729 rows in \d+\.\d\d s · native DuckDB on the server$/, {
    timeout: 120_000
  });
  await expect(status).toHaveAttribute('data-engine', 'duckdb-server');
  await snapshot(page, testInfo, 'server-engine-0-auto-large-dataset-on-the-server');
  await runSql(
    "SELECT count(*)::INTEGER AS n FROM harmonised WHERE dataset = 'IGA-Gravelines-hydro'"
  );
  await expect(status).toHaveText(/^1 row in \d+\.\d\d s · DuckDB-WASM in this browser$/, {
    timeout: 180_000
  });
  expect((await result()).values).toEqual([{ n: 12635 }]);
  await launcher();
  await newNeoNotebook(page);
  const routed = await runCell(
    page,
    0,
    "%%sql\nSELECT count(*)::INTEGER AS n FROM harmonised WHERE dataset = 'PHYTOBS-Pelagos'"
  );
  expect(await tableRows(routed.locator('.neo-table'))).toEqual([['108729']]);
  await expect(routed.locator('.neo-query')).toHaveText(/ · native DuckDB on the server$/);
  await snapshot(page, testInfo, 'server-engine-0-auto-neo-notebook');

  // The engine setting "server": every query on the server.
  // The notebook is restored without its in-browser kernel: JupyterLab asks for one; none is needed here.
  // Stock JupyterLab may ask, and show the notebook, only once the restored SQL workspace has started — after
  // the workspace below was opened: whenever the question comes, answer it and go back to the newest workspace.
  const noKernel = page.locator('.jp-Dialog').getByRole('button', { name: 'No Kernel' });
  await page.addLocatorHandler(noKernel, async () => {
    await noKernel.click();
    const workspaces = page.locator('.lm-DockPanel .lm-TabBar-tab', {
      hasText: /SQL workspace \d+/
    });
    if ((await workspaces.count()) > 0) await workspaces.last().click();
  });
  await useEngine({ engine: 'server' });
  await expect(async () => {
    await launcher();
    await page
      .locator('.jp-LauncherCard:visible', { hasText: 'SQL workspace' })
      .click({ timeout: 10_000 });
  }).toPass({ timeout: 180_000 });
  await expect(status).toHaveAttribute('data-engine', 'duckdb-server', { timeout: 60_000 });
  await expect(
    workspace.locator('.odatis-SqlWorkspace-tableName', { hasText: 'harmonised' })
  ).toBeVisible({ timeout: 60_000 });

  // Gravelines temperature: the 2,292 values the browser engine gives (sql.spec.ts), from the server.
  await runSql(
    "SELECT time, value, site_id FROM harmonised WHERE parameter = 'TEMP' AND sno = 'IGA' ORDER BY time"
  );
  await expect(status).toHaveText(/^2,292 rows in \d+\.\d\d s · native DuckDB on the server$/);
  const first = await result();
  expect({ ...first, values: first.values[0].value }).toEqual({
    rows: 2292,
    batches: 2,
    columns: ['time', 'value', 'site_id'],
    values: 5.55
  });
  await expect(page.locator('.odatis-vre-HarmonisedStatus')).toHaveText(
    /^Harmonised data: [\d,]+ values · native DuckDB on the server$/
  );
  await snapshot(page, testInfo, 'server-engine-1-result');

  // 30 M rows, more than the browser engine's memory: aggregated next to the data; the page receives 8 rows
  // and its heap does not grow with the dataset.
  const before = await heapUsed(page);
  await runSql(
    `SELECT parameter, count(*)::INTEGER AS n, round(avg(value), 6) AS mean
       FROM read_parquet('${dataset.folder}/*.parquet') GROUP BY parameter ORDER BY parameter`
  );
  await expect(status).toHaveText(/^8 rows in \d+\.\d\d s · native DuckDB on the server$/, {
    timeout: 300_000
  });
  const big = await result();
  // value = (i mod 1000) / 100 + (i mod 8): for parameter k, the mean is k + (k + 496) / 100.
  expect(big.values).toEqual(
    PARAMETERS.map((parameter, k) => ({
      parameter,
      n: dataset.rows / 8,
      mean: Number((k + (k + 496) / 100).toFixed(6))
    })).sort((a, b) => a.parameter.localeCompare(b.parameter))
  );
  const after = await heapUsed(page);
  testInfo.annotations.push({
    type: 'heap',
    description: `JS heap ${(before / 2 ** 20).toFixed(1)} MiB → ${(after / 2 ** 20).toFixed(1)} MiB over ${dataset.rows} rows (${(dataset.arrowBytes / 2 ** 30).toFixed(1)} GiB as Arrow)`
  });
  expect(after - before).toBeLessThan(16 * 2 ** 20);
  await snapshot(page, testInfo, 'server-engine-2-larger-than-the-browser');

  // Outside the fence: refused with a sentence saying what may be read.
  await runSql("SELECT * FROM read_csv('/etc/passwd')");
  await expect(status).toHaveText('Error');
  await expect(workspace.locator('.odatis-SqlWorkspace-error')).toContainText(
    'Refused: the server engine reads only the folders shared'
  );
  await snapshot(page, testInfo, 'server-engine-3-refused');

  // A notebook on the NEO kernel asks the same engine: the same 30 M rows, aggregated on the server.
  await page.removeLocatorHandler(noKernel);
  await launcher();
  await newNeoNotebook(page);
  const output = await runCell(
    page,
    0,
    `%%sql\nSELECT parameter, count(*)::INTEGER AS n FROM read_parquet('${dataset.folder}/*.parquet')
     GROUP BY parameter ORDER BY parameter`
  );
  expect(await tableRows(output.locator('.neo-table'))).toEqual(
    [...PARAMETERS].sort().map(p => [p, String(dataset.rows / 8)])
  );
  await snapshot(page, testInfo, 'server-engine-4-neo-notebook');
  fs.rmSync(dataset.folder, { recursive: true, force: true });
});
