import * as fs from 'fs';
import * as path from 'path';
import {
  execute,
  expect,
  KERNEL,
  NEO_KERNEL,
  listedFiles,
  openFolder,
  openVre,
  snapshot,
  TARGET,
  test,
  waitForKernelIdle
} from './vre';

const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared', 'data');

function realFiles(folder: string): string[] {
  const dir = path.join(SHARED, folder);
  if (!fs.existsSync(dir)) {
    throw new Error(
      `The shared sample data is missing: expected ${dir} (../shared beside the repository)`
    );
  }
  return sortNames(fs.readdirSync(dir));
}

function sortNames(names: string[]): string[] {
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** A cell whose value is 84, in the language of the target's kernel. */
const CELL = {
  embedded: 'const squares = [1, 2, 3].map(x => x * 14);\nsquares.reduce((a, b) => a + b)',
  stock: 'squares = [x * 14 for x in [1, 2, 3]]\nsum(squares)'
}[TARGET];

test.describe('the VRE shell', () => {
  test('starts JupyterLab with the NEO workshop launcher section', async ({ page }, testInfo) => {
    // The embedded VRE's settings service downloads the plugins' schemas once per page.
    const schemaFiles: string[] = [];
    page.on('request', request => {
      const file = /\/schemas\/(all(?:_federated)?\.json)$/.exec(new URL(request.url()).pathname);
      if (file) schemaFiles.push(file[1]);
    });
    await openVre(page);
    const section = page.locator('.jp-Launcher-section', {
      has: page.locator('.jp-Launcher-sectionTitle', { hasText: 'NEO workshop' })
    });
    await expect(section).toBeVisible();
    await expect(section.locator('.jp-LauncherCard-label')).toHaveText([
      'Getting started',
      'NEO notebook',
      'Community niche (OMI)',
      'Subniches by period or season (WitOMI)',
      'Trends and niche-centroid shift',
      'Latitudinal comparison across stations',
      'Shared data',
      'SQL workspace',
      'About ODATIS VRE'
    ]);
    // The notebook section offers the in-browser NEO kernel (beside the server's Python kernel on a server).
    const notebookSection = page.locator('.jp-Launcher-section', {
      has: page.locator('.jp-Launcher-sectionTitle', { hasText: 'Notebook' })
    });
    await expect(notebookSection).toContainText(NEO_KERNEL);
    await expect(notebookSection).toContainText(KERNEL);
    await snapshot(page, testInfo, '01-launcher');
    if (TARGET === 'embedded') {
      // Still once after the registry's listing once the layout is restored, and with the settings
      // editor open on every plugin's settings.
      await execute(page, 'settingeditor:open');
      await expect(page.locator('.jp-PluginList')).toContainText('ODATIS data browser');
      expect(schemaFiles.sort()).toEqual(['all.json', 'all_federated.json']);
    }
  });

  test('a small laptop (1024×700) shows the NEO workshop section and the shared data without scrolling', async ({
    page
  }, testInfo) => {
    await page.setViewportSize({ width: 1024, height: 700 });
    await openVre(page);
    const section = page.locator('.jp-Launcher-section', {
      has: page.locator('.jp-Launcher-sectionTitle', { hasText: 'NEO workshop' })
    });
    await expect(section.locator('.jp-LauncherCard').first()).toBeVisible();
    await snapshot(page, testInfo, '01b-launcher-1024x700');
    // Drawn inside the window, the launcher not scrolled: what a participant sees on opening the VRE.
    expect(await page.locator('.jp-Launcher-body').evaluate(el => el.scrollTop)).toBe(0);
    await expect(section.locator('.jp-Launcher-sectionTitle')).toBeInViewport({ ratio: 1 });
    await expect(section.locator('.jp-LauncherCard').first()).toBeInViewport({ ratio: 1 });
    // Every card of the section, the shared data and the SQL workspace with the templates.
    const cards = section.locator('.jp-LauncherCard');
    expect(await cards.count()).toBe(9);
    for (const card of await cards.all()) await expect(card).toBeInViewport({ ratio: 1 });
    // The section comes first: the notebooks and consoles follow it.
    await expect(page.locator('.jp-Launcher-sectionTitle').first()).toHaveText('NEO workshop');
  });

  test('creates a notebook from the launcher and runs a cell on its kernel', async ({
    page
  }, testInfo) => {
    await openVre(page);
    const notebookSection = page.locator('.jp-Launcher-section', {
      has: page.locator('.jp-Launcher-sectionTitle', { hasText: 'Notebook' })
    });
    await notebookSection.locator('.jp-LauncherCard', { hasText: KERNEL }).click();
    const panel = page.locator('.jp-NotebookPanel:visible');
    await expect(panel).toBeVisible();
    await expect(page.locator('.jp-DirListing-item', { hasText: 'Untitled.ipynb' })).toBeVisible();
    await waitForKernelIdle(page);
    await panel.locator('.jp-Cell .cm-content').first().click();
    await page.keyboard.type(CELL);
    await page.keyboard.press('Shift+Enter');
    const output = panel.locator('.jp-Cell').first().locator('.jp-OutputArea-output');
    await expect(output).toHaveText('84');
    await expect(panel.locator('.jp-Cell').first().locator('.jp-InputPrompt')).toHaveText('[1]:');
    await snapshot(page, testInfo, '02-notebook-cell');
  });

  test('shows the real PHYTOBS and Gravelines files in the read-only shared/ folder', async ({
    page
  }, testInfo) => {
    await openVre(page);
    expect(await listedFiles(page)).toEqual(expect.arrayContaining(['shared', 'examples']));
    await openFolder(page, 'shared');
    expect(sortNames(await listedFiles(page))).toEqual(
      sortNames(['gravelines', 'harmonised', 'phytobs', 'synthetic', 'README.md'])
    );
    await openFolder(page, 'phytobs');
    await expect.poll(async () => sortNames(await listedFiles(page))).toEqual(realFiles('phytobs'));
    await snapshot(page, testInfo, '03-shared-phytobs');
    await page
      .locator('.jp-BreadCrumbs-item[title="shared"], .jp-BreadCrumbs-item', { hasText: 'shared' })
      .first()
      .click();
    await openFolder(page, 'gravelines');
    await expect
      .poll(async () => sortNames(await listedFiles(page)))
      .toEqual(realFiles('gravelines'));
    await snapshot(page, testInfo, '04-shared-gravelines');

    // Beside the native files, their conversion into the harmonised dataset, with its catalogue.
    await page.locator('.jp-BreadCrumbs-item', { hasText: 'shared' }).first().click();
    await openFolder(page, 'harmonised');
    await expect
      .poll(async () => sortNames(await listedFiles(page)))
      .toEqual(
        sortNames([
          'catalog.json',
          'observations.arrow',
          'parquet',
          'report.json',
          // Every rejected value of the conversion, one JSON object per line.
          'rejected.jsonl',
          // The same rows in DuckDB's storage, attached in place by range requests: added by the build of
          // `npm start` and by a server's staging (scripts/stage-shared-data.js).
          'harmonised.duckdb'
        ])
      );
    const catalog = await page.evaluate(async () =>
      (await fetch('/files/shared/harmonised/catalog.json')).json()
    );
    expect(catalog.datasets.map((d: { doi: string }) => d.doi).sort()).toEqual([
      '10.17882/102656',
      '10.17882/102656',
      '10.17882/85178',
      '10.17882/85178'
    ]);

    // The files are the real ones, byte for byte, and the folder refuses writes.
    const served = await page.evaluate(async () => {
      const response = await fetch('/files/shared/phytobs/PELAGOS_Arcachon_Bouee13.csv');
      return (await response.arrayBuffer()).byteLength;
    });
    expect(served).toBe(
      fs.statSync(path.join(SHARED, 'phytobs', 'PELAGOS_Arcachon_Bouee13.csv')).size
    );
    const refusal = await page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const contents = (window as any).jupyterapp.serviceManager.contents;
      try {
        await contents.save('shared/phytobs/notes.txt', {
          type: 'file',
          format: 'text',
          content: 'x'
        });
        return 'saved';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(refusal).toContain('read-only shared data');
  });

  test('shows versions and data licences in About ODATIS VRE, from the palette and the Help menu', async ({
    page
  }, testInfo) => {
    await openVre(page);
    await page.keyboard.press('Control+Shift+C');
    const palette = page.locator('#command-palette');
    await expect(palette).toBeVisible();
    await palette.locator('input').fill('About ODATIS');
    await palette
      .locator('.lm-CommandPalette-item', { hasText: 'About ODATIS VRE' })
      .first()
      .click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('About ODATIS VRE');
    await expect(dialog.locator('.odatis-vre-AboutVersions')).toContainText('ODATIS VRE');
    // Each prebuilt extension with the version of its package (a stock JupyterLab's page config
    // lists none: the dialog reads them from the served package.json).
    for (const name of ['vre-extension', 'sql-extension']) {
      const { version } = JSON.parse(
        fs.readFileSync(
          path.join(__dirname, '..', '..', 'extensions', name, 'package.json'),
          'utf8'
        )
      );
      await expect(
        dialog.locator('.odatis-vre-AboutVersions tr', { hasText: `@odatis-vre/${name}` })
      ).toHaveText(new RegExp(`@odatis-vre/${name}\\s*${version.replace(/\./g, '\\.')}`));
    }
    const data = dialog.locator('.odatis-vre-AboutData');
    // the two real datasets and the workshop's synthetic training set (shared/synthetic/)
    await expect(data.locator('tbody tr')).toHaveCount(3);
    await expect(data).toContainText('CC-BY-SA 2.0');
    await expect(data).toContainText('SYNTHETIC training set');
    await expect(data.locator('a[href="https://doi.org/10.17882/85178"]')).toBeVisible();
    await expect(data.locator('a[href="https://doi.org/10.17882/102656"]')).toBeVisible();
    await expect(dialog).toContainText(NEO_KERNEL);
    await expect(dialog).toContainText(KERNEL);
    await snapshot(page, testInfo, '05-about-dialog');
    await dialog.locator('button', { hasText: 'Close' }).click();
    await expect(dialog).toHaveCount(0);

    await page.locator('.lm-MenuBar-itemLabel', { hasText: 'Help' }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: 'About ODATIS VRE' }).click();
    await expect(page.locator('.jp-Dialog .odatis-vre-AboutData')).toContainText('CC-BY-SA 2.0');
    await snapshot(page, testInfo, '06-about-from-help-menu');
  });

  test('opens a copy of the getting-started notebook from the NEO workshop section and runs it', async ({
    page
  }, testInfo) => {
    test.skip(
      TARGET === 'stock',
      'The getting-started notebook runs on the in-browser JavaScript kernel, which a stock ' +
        'JupyterLab lacks until the NEO kernel (issue #9) registers in it'
    );
    await openVre(page);
    await page.locator('.jp-LauncherCard', { hasText: 'Getting started' }).click();
    const panel = page.locator('.jp-NotebookPanel:visible');
    await expect(
      page.locator('.jp-DirListing-item', { hasText: 'getting-started.ipynb' })
    ).toBeVisible();
    await waitForKernelIdle(page);
    await execute(page, 'notebook:run-all-cells');
    const cells = panel.locator('.jp-Notebook .jp-Cell');
    // A real query on the shared data: one row per service and site of the harmonised catalogue.
    const catalog = await page.evaluate(async () =>
      (await fetch('/files/shared/harmonised/catalog.json')).json()
    );
    const overview = cells.nth(1).locator('.neo-table');
    await expect(overview.locator('.neo-shape')).toHaveText(
      `${catalog.sites.length} rows × 7 columns`,
      { timeout: 120_000 }
    );
    // A chart of the Gravelines temperature, drawn as SVG by JupyterLab's Vega-Lite renderer.
    await expect(cells.nth(4).locator('.vega-embed svg.marks')).toContainText(
      'Gravelines intake canal: water temperature',
      { timeout: 60_000 }
    );
    // One OMI on a small pivot: niche parameters of the four taxa, and their plot.
    const omi = cells.nth(6).locator('.jp-OutputArea-output');
    await expect(omi.first()).toContainText('samples with every variable', { timeout: 60_000 });
    await expect(omi.locator('.neo-shape')).toHaveText('4 rows × 8 columns');
    await expect(cells.nth(7).locator('.vega-embed svg.marks')).toContainText('Paralia sulcata', {
      timeout: 60_000
    });
    await cells.nth(7).scrollIntoViewIfNeeded();
    await snapshot(page, testInfo, '07-getting-started');

    // The copy is the user's own: writable, and saved with its outputs.
    await expect(page.getByText('notebook is read-only')).toHaveCount(0);
    await execute(page, 'docmanager:save');
    const saved = await page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const contents = (window as any).jupyterapp.serviceManager.contents;
      const model = await contents.get('getting-started.ipynb', { content: true });
      const cells = model.content.cells as { outputs?: unknown[] }[];
      return { writable: model.writable, outputs: cells.map(c => (c.outputs ?? []).length) };
    });
    expect(saved).toEqual({ writable: true, outputs: [0, 1, 0, 1, 1, 0, 2, 1, 0] });
  });
});
