import type { Page } from '@playwright/test';
import {
  execute,
  expect,
  openVre,
  snapshot,
  TARGET,
  test,
  waitForKernelIdle,
  waitForVre
} from './vre';

/** The catalogue test server the config starts beside the VRE (see packages/catalog/testing). */
const CATALOGUE = `http://127.0.0.1:${Number(process.env.ODATIS_VRE_TEST_PORT || 8787) + 1}`;
const PLUGIN = '@odatis-vre/databrowser-extension:plugin';

const panel = (page: Page) => page.locator('#odatis-vre-databrowser');
const chip = (page: Page, source: string) =>
  panel(page).locator(`.odatis-DataBrowser-source[data-source="${source}"]`);
const cards = (page: Page, source?: string) =>
  panel(page).locator(
    source ? `.odatis-DataBrowser-card[data-source="${source}"]` : '.odatis-DataBrowser-card'
  );
const view = (page: Page) => page.locator('.jp-MainAreaWidget:visible .odatis-DatasetView');

/** Points the panel's catalogues at the test server (a user setting), then reloads. */
async function useTestCatalogues(
  page: Page,
  options: { useProxy?: boolean; seanoePrefix?: string } = {}
) {
  const raw = JSON.stringify({
    useProxy: options.useProxy ?? true,
    timeoutSeconds: 10,
    sources: {
      sextant: { enabled: true, url: `${CATALOGUE}/geonetwork/srv/api` },
      seanoe: {
        enabled: true,
        url: `${CATALOGUE}${options.seanoePrefix ?? ''}/seanoe/api`,
        dataciteUrl: `${CATALOGUE}${options.seanoePrefix ?? ''}/datacite`
      },
      erddap: { enabled: true, url: `${CATALOGUE}/erddap` }
    }
  });
  await page.evaluate(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    ([id, value]) => (window as any).jupyterapp.serviceManager.settings.save(id, value),
    [PLUGIN, raw] as const
  );
  await page.reload();
  await waitForVre(page);
  await execute(page, 'odatis-vre:databrowser-open');
  await expect(panel(page)).toBeVisible();
  await widenSidebar(page);
}

/** Widens the left sidebar as a person would, by dragging its edge. */
async function widenSidebar(page: Page) {
  const handle = page.locator('#jp-main-split-panel > .lm-SplitPanel-handle').first();
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 200);
  await page.mouse.down();
  await page.mouse.move(box.x + 150, box.y + 200, { steps: 4 });
  await page.mouse.up();
}

async function search(page: Page, words: string) {
  await panel(page).locator('.odatis-DataBrowser-input').fill(words);
  await panel(page).locator('.odatis-DataBrowser-go').click();
  await settled(page);
}

/** Every source has answered (or failed). */
async function settled(page: Page) {
  await expect(panel(page).locator('.odatis-DataBrowser-source')).toHaveCount(4);
  await expect(panel(page).locator('.odatis-DataBrowser-source.odatis-mod-pending')).toHaveCount(0);
}

async function counts(page: Page): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const s of ['shared', 'sextant', 'seanoe', 'erddap']) {
    out[s] = (await chip(page, s).locator('.odatis-DataBrowser-sourceCount').innerText()).trim();
  }
  return out;
}

/** What "Add to my data" wrote: the catalogue, the provenance of its version, and the folders' listings. */
async function myData(page: Page) {
  return page.evaluate(async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const contents = (window as any).jupyterapp.serviceManager.contents;
    const text = async (p: string) =>
      (await contents.get(p, { content: true, format: 'text', type: 'file' })).content;
    const names = async (p: string) =>
      ((await contents.get(p, { content: true })).content as { name: string }[])
        .map(c => c.name)
        .sort();
    const catalog = JSON.parse(await text('my-data/catalog.json')) as {
      rowCount: number;
      datasets: { id: string; doi: string | null }[];
      parquetFiles: { path: string }[];
    };
    const version = catalog.parquetFiles[0].path.split('/')[0];
    return {
      catalog,
      provenance: JSON.parse(await text(`my-data/${version}/provenance.json`)),
      root: await names('my-data'),
      version: await names(`my-data/${version}`)
    };
  });
}

/**
 * What the page asks for that fails, and what its console says of it (Chromium writes a 404 there in red),
 * from now on; `take()` gives what came since its last call.
 */
function failuresFrom(page: Page) {
  let seen: string[] = [];
  page.on('response', response => {
    if (response.status() >= 400)
      seen.push(`${response.status()} ${response.request().method()} ${response.url()}`);
  });
  page.on('console', message => {
    if (message.type() === 'error' || /\b404\b/.test(message.text()))
      seen.push(`console: ${message.text()}`);
  });
  return {
    /**
     * In the embedded VRE. A Jupyter server answers "is there a file here?" (the catalogue of my data, before
     * the first add) with a 404 by design: not counted on the stock target.
     */
    take(): string[] {
      const taken = seen;
      seen = [];
      return TARGET === 'embedded' ? taken : [];
    }
  };
}

test.describe('the ODATIS data browser', () => {
  test('finds phytoplankton, narrows it by SNO, map area and years, and opens, cites and previews a record', async ({
    page,
    context
  }, testInfo) => {
    test.skip(
      TARGET === 'stock',
      'the panel itself: the stock route checks what goes through the server (the proxy, my data)'
    );
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openVre(page);
    await useTestCatalogues(page);
    await snapshot(page, testInfo, '20-databrowser-panel');

    await search(page, 'phytoplankton');
    // Shared data (offline), Sextant and SEANOE through the proxy; ERDDAP has none ("no matching results").
    expect(await counts(page)).toEqual({ shared: '2', sextant: '3', seanoe: '3', erddap: '0' });
    await expect(cards(page, 'shared').first()).toContainText('PHYTOBS');
    await expect(cards(page, 'shared').first().locator('.odatis-DataBrowser-licence')).toHaveText(
      'CC BY-SA 2.0'
    );
    await snapshot(page, testInfo, '21-databrowser-search');

    // Facet: the observation service PHYTOBS (counted across the sources that answered).
    const phytobs = panel(page).locator('fieldset[data-facet="sno"] label', { hasText: 'PHYTOBS' });
    await expect(phytobs.locator('.odatis-DataBrowser-count')).toHaveText('3');
    await phytobs.locator('input').check();
    await settled(page);
    expect(await counts(page)).toEqual({ shared: '2', sextant: '1', seanoe: '0', erddap: '0' });
    await snapshot(page, testInfo, '22-databrowser-facet');

    // Map: a rectangle over the eastern Channel, from west of Luc-sur-Mer to beyond Gravelines.
    await panel(page).locator('.odatis-DataMap-views').selectOption('channel');
    const box = async (id: string) =>
      (await panel(page).locator(`circle[data-station="${id}"]`).boundingBox())!;
    const luc = await box('luc-sur-mer');
    const gravelines = await box('gravelines-canal-amenee');
    const map = (await panel(page).locator('.odatis-DataMap-svg').boundingBox())!;
    await page.mouse.move(luc.x - 15, Math.max(map.y + 3, gravelines.y - 15));
    await page.mouse.down();
    await page.mouse.move(gravelines.x + 20, luc.y + 15, { steps: 5 });
    await page.mouse.up();
    await settled(page);
    await expect(panel(page).locator('.odatis-DataMap-area')).toContainText('°N');
    // Roscoff (the PICONANO series) lies west of the area.
    await expect(cards(page, 'shared')).toHaveCount(1);
    await expect(cards(page, 'shared')).toContainText('PHYTOBS microphytoplankton counts');
    await expect(panel(page).locator('circle[data-station="roscoff-estacade"]')).toHaveClass(
      /odatis-mod-outside/
    );

    // Years 2010–2020: series running through them.
    await panel(page).locator('.odatis-DataBrowser-year.odatis-mod-from').fill('2010');
    await panel(page).locator('.odatis-DataBrowser-year.odatis-mod-to').fill('2020');
    await panel(page).locator('.odatis-DataBrowser-year.odatis-mod-to').press('Tab');
    await settled(page);
    await expect(cards(page, 'shared')).toHaveCount(1);
    expect((await counts(page)).sextant).toBe('1');
    await snapshot(page, testInfo, '23-databrowser-map-years');

    // Open the record: abstract, stations, parameters with units, DOI, licence and its obligations.
    await cards(page, 'shared').locator('.odatis-DataBrowser-cardTitle').click();
    await expect(view(page)).toBeVisible();
    await expect(view(page).locator('.odatis-DatasetView-doi')).toHaveText('DOI 10.17882/85178');
    await expect(
      view(page).locator('.odatis-DatasetView-header .odatis-DataBrowser-licence')
    ).toHaveText('CC BY-SA 2.0');
    await expect(view(page).locator('.odatis-DatasetView-obligations')).toContainText(
      'Share-alike'
    );
    await expect(view(page).locator('.odatis-mod-stations')).toContainText('Wimereux Point C');
    await expect(view(page).locator('.odatis-mod-parameters')).toContainText('cells/L');
    await expect(view(page).locator('.odatis-mod-abstract')).toContainText('Pelagos');
    await snapshot(page, testInfo, '24-databrowser-record');

    // Copy the citation as BibTeX.
    await view(page).locator('button[data-format="bibtex"]').click();
    await view(page).locator('.odatis-DatasetView-copy').click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toMatch(/^@misc\{/);
    expect(copied).toContain('doi = {10.17882/85178}');
    expect(copied).toContain('note = {Licence: CC-BY-SA-2.0}');
    await snapshot(page, testInfo, '25-databrowser-citation');

    // Preview: first rows through the ingestion reader, and a time series chart.
    await view(page).locator('button[data-action="preview"]').click();
    const preview = view(page).locator('.odatis-DatasetView-preview');
    await expect(preview).toBeVisible({ timeout: 60_000 });
    await expect(preview.locator('tbody tr')).toHaveCount(20);
    await expect(preview.locator('thead')).toContainText('parameter');
    await expect(view(page).locator('.odatis-mod-preview')).toContainText(
      'ingestion reader: pelagos-wide'
    );
    await expect(
      view(page).locator('.odatis-DatasetView-chart svg, .odatis-DatasetView-chart canvas').first()
    ).toBeVisible({
      timeout: 30_000
    });
    await view(page).locator('.odatis-mod-preview').scrollIntoViewIfNeeded();
    await snapshot(page, testInfo, '26-databrowser-preview');
  });

  test('opens a dataset in the SQL workspace, says which engine answers, inserts (then replaces) a %%sql cell and runs a neo.* cell', async ({
    page
  }, testInfo) => {
    test.skip(
      TARGET === 'stock',
      'the panel itself: the stock route checks what goes through the server (the proxy, my data)'
    );
    // DuckDB-WASM starts and attaches the shared data in the SQL workspace: minutes on a busy machine.
    test.setTimeout(480_000);
    await openVre(page);
    await useTestCatalogues(page);
    await search(page, 'Gravelines');
    await panel(page)
      .locator(
        '.odatis-DataBrowser-card[data-id="IGA-Gravelines-hydro"] .odatis-DataBrowser-cardTitle'
      )
      .click();
    await expect(view(page)).toBeVisible();
    // A small dataset (its catalogue says "both"), on the session's browser engine: no warning.
    await expect(view(page).locator('.odatis-DatasetView-engine')).toHaveText(
      'Queried by: DuckDB-WASM in this browser'
    );
    await expect(view(page).locator('.odatis-mod-engine')).toHaveCount(0);

    await view(page).locator('button[data-action="open-sql"]').click();
    const workspace = page.locator('.odatis-SqlWorkspace:visible');
    await expect(workspace).toBeVisible();
    const editor = workspace.locator('.odatis-SqlWorkspace-editor .cm-content');
    await expect(editor).toContainText('-- Queried by: DuckDB-WASM in this browser');
    await expect(editor).toContainText("WHERE dataset = 'IGA-Gravelines-hydro'");
    await expect(
      workspace.locator('.odatis-SqlWorkspace-tableName', { hasText: 'harmonised' })
    ).toBeVisible({ timeout: 180_000 });
    await workspace.locator('.jp-ToolbarButtonComponent', { hasText: 'Run' }).click();
    // The hydrology of Gravelines: 12,635 values in the shared data's catalogue.
    await expect(workspace.locator('.odatis-SqlWorkspace-status')).toHaveText(/^12,635 rows in/, {
      timeout: 60_000
    });
    await snapshot(page, testInfo, '27-databrowser-open-sql');

    // A notebook, then the code cell: a second insert from the same search replaces the first,
    // whichever its kind.
    await execute(page, 'notebook:create-new', { kernelName: 'neo' });
    await expect(page.locator('.jp-Notebook:visible')).toBeVisible();
    const insert = (id: string, kind: 'sql' | 'neo') =>
      execute(page, 'odatis-vre:databrowser-insert-cell', { source: 'shared', id, kind });
    await insert('IGA-Gravelines-hydro', 'sql');
    await insert('IGA-Gravelines-phyto', 'sql');
    const sources = async () =>
      page.evaluate(() => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const cells = (window as any).jupyterapp.shell.currentWidget.content.model.cells;
        return Array.from(
          { length: cells.length },
          (_, i) => cells.get(i).sharedModel.getSource() as string
        );
      });
    let cellSources = await sources();
    expect(cellSources.filter(s => s.startsWith('%%sql'))).toHaveLength(1);
    expect(cellSources[0]).toContain("WHERE dataset = 'IGA-Gravelines-phyto'");
    // The neo.* variant replaces it, and runs on the NEO kernel: the rows as an Arrow table.
    await insert('IGA-Gravelines-hydro', 'neo');
    cellSources = await sources();
    expect(cellSources.filter(s => s.startsWith('%%sql'))).toHaveLength(0);
    expect(cellSources[0]).toMatch(/^\/\/ /);
    expect(cellSources[0]).toContain('const t = await neo.sql(`');
    expect(cellSources[0]).toContain("WHERE dataset = 'IGA-Gravelines-hydro'");
    await waitForKernelIdle(page);
    await execute(page, 'notebook:run-cell');
    const output = page
      .locator('.jp-Notebook:visible .jp-Cell')
      .first()
      .locator('.jp-OutputArea-output');
    await expect(output.locator('.neo-shape')).toHaveText('12,635 rows × 8 columns', {
      timeout: 120_000
    });
    await snapshot(page, testInfo, '28-databrowser-neo-cell');
    // A new search, a new cell.
    await search(page, 'Gravelines');
    await insert('IGA-Gravelines-hydro', 'sql');
    cellSources = await sources();
    expect(cellSources.filter(s => s.startsWith('%%sql'))).toHaveLength(1);
    expect(cellSources.filter(s => s.includes('await neo.sql('))).toHaveLength(1);
    await page.locator('.jp-Notebook:visible').first().click();
    await snapshot(page, testInfo, '28-databrowser-insert-cell');
  });

  test('renders remote metadata with markup inert', async ({ page }, testInfo) => {
    test.skip(
      TARGET === 'stock',
      'the panel itself: the stock route checks what goes through the server (the proxy, my data)'
    );
    await openVre(page);
    await useTestCatalogues(page);
    await search(page, 'markup');
    await cards(page, 'sextant').locator('.odatis-DataBrowser-cardTitle').click();
    await expect(view(page)).toBeVisible();
    const abstract = view(page).locator('.odatis-mod-abstract');
    await expect(abstract).toContainText('Plankton nets in the Bay of Biscay');
    await expect(abstract.locator('em')).toHaveText('Bay of Biscay');
    await expect(view(page).locator('script')).toHaveCount(0);
    await expect(view(page).locator('[onerror]')).toHaveCount(0);
    await expect(view(page).locator('a[href^="javascript:"]')).toHaveCount(0);
    await expect(view(page).locator('.odatis-DatasetView-title')).toHaveText(
      'Test record with markup in its metadata bold'
    );
    await page.waitForTimeout(500);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(await page.evaluate(() => (window as any).__odatisScriptRan)).toBeUndefined();
    await snapshot(page, testInfo, '29-databrowser-markup-inert');
  });

  // On a stock JupyterLab: the search (GET and a GeoNetwork POST, with the XSRF token) and the download
  // go through the odatis_vre server extension's proxy; my data is written through the contents API.
  test("adds a record's table files (hydrology and phytoplankton) to my data through the proxy, with provenance and the report", async ({
    page
  }, testInfo) => {
    test.setTimeout(300_000);
    await openVre(page);
    await useTestCatalogues(page);
    await search(page, 'Gravelines');
    await cards(page, 'seanoe').first().locator('.odatis-DataBrowser-cardTitle').click();
    await expect(view(page)).toBeVisible();
    await expect(view(page).locator('.odatis-mod-files')).toContainText(
      'SEANOE_Gravelines_Process_Hydro.csv'
    );
    // Each file with the size SEANOE states (never "0 B").
    await expect(view(page).locator('.odatis-mod-files')).toContainText('4.1 MB');
    await expect(view(page).locator('.odatis-mod-files')).not.toContainText('0 B');
    // Adding writes tens of new folders: none of them is looked for on the server (each was a 404 in the
    // console: JupyterLite's drive asked the site for every folder's listing).
    const failures = failuresFrom(page);
    await view(page).locator('button[data-action="add"]').click();
    const report = view(page).locator('.odatis-DatasetView-report');
    await expect(report).toBeVisible({ timeout: 120_000 });
    // Both table files of the record, the biology and the hydrology a niche analysis pairs (the first one only
    // was added before, silently); the JSON file of the record is no table.
    await expect(report).toContainText(
      'SEANOE_Gravelines_Process_Hydro.csv [quadrige, IGA-Gravelines-hydro]: 12635 rows read, 12635 values written'
    );
    await expect(report).toContainText(
      'SEANOE_Gravelines_Process_Phyto.csv.gz [quadrige, IGA-Gravelines-phyto]: 37417 rows read, 37417 values written'
    );
    await expect(report).toContainText('my-data: 50,052 values in 2 datasets');
    expect(failures.take(), 'failed requests and console errors of Add to my data').toEqual([]);
    await snapshot(page, testInfo, '30-databrowser-add-to-my-data');
    const written = await myData(page);
    // 50,052: the Gravelines rows of the shared data's own harmonised dataset (the getting-started notebook's count)
    expect(written.catalog.rowCount).toBe(12635 + 37417);
    expect(written.catalog.datasets.map(d => [d.id, d.doi])).toEqual([
      ['IGA-Gravelines-hydro', '10.17882/102656'],
      ['IGA-Gravelines-phyto', '10.17882/102656']
    ]);
    expect(written.root).toEqual(['catalog.json', expect.stringMatching(/^v[0-9a-z]+$/)]);
    // rejected.jsonl: every rejected value, one JSON object per line (empty here: none rejected).
    expect(written.version).toEqual([
      'parquet',
      'provenance.json',
      'rejected.jsonl',
      'report.json',
      'sources'
    ]);
    expect(written.provenance).toEqual([
      expect.objectContaining({
        file: 'SEANOE_Gravelines_Process_Hydro.csv',
        url: `${CATALOGUE}/seanoe/data/00915/102656/data/11.csv`,
        doi: '10.17882/102656',
        retrieved: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/)
      }),
      expect.objectContaining({
        file: 'SEANOE_Gravelines_Process_Phyto.csv.gz',
        url: `${CATALOGUE}/seanoe/data/00915/102656/data/12.csv.gz`,
        doi: '10.17882/102656'
      })
    ]);
    // A second file joins the same dataset folder, rebuilt whole.
    const second = await execute<string>(page, 'odatis-vre:databrowser-add-to-my-data', {
      source: 'seanoe',
      id: '10.17882/85178'
    });
    expect(second).toMatch(/^my-data: \d[\d,]* values in 3 datasets/);
    expect(second).toContain(
      'PELAGOS_Wimereux_SOMLIT_phyto_pointC.csv [pelagos-wide, PHYTOBS-Pelagos]'
    );
    expect(failures.take(), 'failed requests and console errors of the second add').toEqual([]);
    // The previous version is gone: one version folder beside the catalogue.
    const { root } = await myData(page);
    expect(root).toHaveLength(2);

    // An ERDDAP dataset: the tabledap subset of the search's years joins the same dataset.
    await panel(page).locator('.odatis-DataBrowser-year.odatis-mod-from').fill('2019');
    await panel(page).locator('.odatis-DataBrowser-year.odatis-mod-to').fill('2019');
    await search(page, 'MAREL Carnot');
    // The card's licence, from the dataset's info (ERDDAP's search answer has none).
    await expect(cards(page, 'erddap').first().locator('.odatis-DataBrowser-licence')).toHaveText(
      'CC BY 4.0'
    );
    await cards(page, 'erddap').first().locator('.odatis-DataBrowser-cardTitle').click();
    await expect(view(page)).toContainText('MAREL Carnot');
    failures.take();
    await view(page).locator('button[data-action="add"]').click();
    await expect(view(page).locator('.odatis-DatasetView-report')).toContainText(
      /coast_hf_marel_carnot_[0-9a-f]{8}\.csv \[erddap-csv, ERDDAP-coast_hf_marel_carnot\]: 365 rows read/,
      { timeout: 120_000 }
    );
    // One subset so far, and the other sources' values all kept.
    await expect(view(page).locator('.odatis-DatasetView-report')).not.toContainText('kept once');
    expect(failures.take(), 'failed requests and console errors of the subset’s add').toEqual([]);
    await snapshot(page, testInfo, '31-databrowser-add-erddap-subset');
    const { provenance } = await myData(page);
    expect(provenance).toHaveLength(4);
    expect(provenance[3]).toEqual(
      expect.objectContaining({
        url: expect.stringMatching(
          /\/erddap\/tabledap\/coast_hf_marel_carnot\.csv\?time,.*&time%3E%3D2019-01-01T00%3A00%3A00Z&time%3C%3D2019-12-31T23%3A59%3A59Z$/
        ),
        doi: '10.17882/99999'
      })
    );
  });

  test('says which source refuses, and answers from the shared data with the network cut', async ({
    page,
    context
  }, testInfo) => {
    test.skip(
      TARGET === 'stock',
      'the panel itself: the stock route checks what goes through the server (the proxy, my data)'
    );
    await openVre(page);
    // SEANOE straight from the browser, on a server that sends no CORS headers.
    await useTestCatalogues(page, { useProxy: false, seanoePrefix: '/no-cors' });
    await search(page, 'phytoplankton');
    expect(await counts(page)).toEqual({ shared: '2', sextant: '3', seanoe: '!', erddap: '0' });
    await expect(
      panel(page).locator('.odatis-DataBrowser-error[data-source="seanoe"]')
    ).toContainText("refused this page's cross-origin request");
    await snapshot(page, testInfo, '31-databrowser-cors-refused');

    await context.setOffline(true);
    await search(page, 'Gravelines');
    expect(await counts(page)).toEqual({ shared: '2', sextant: '!', seanoe: '!', erddap: '!' });
    await expect(cards(page, 'shared')).toHaveCount(2);
    await snapshot(page, testInfo, '32-databrowser-offline');
    await context.setOffline(false);
  });
});
