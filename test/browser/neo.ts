import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page } from '@playwright/test';
import { execute, expect, TARGET, waitForKernelIdle } from './vre';

/**
 * The harmonised dataset the VRE serves as shared/harmonised: built by `npm start` for the embedded
 * default, staged by test/stock/server.js (scripts/stage-shared-data.js) for a stock JupyterLab.
 */
export const HARMONISED = {
  embedded: path.resolve(__dirname, '..', '..', 'packages', 'app', 'data', 'harmonised'),
  stock: path.resolve(
    __dirname,
    '..',
    '..',
    'test-results',
    'stock-server',
    'root',
    'shared',
    'harmonised'
  )
}[TARGET];

export interface HarmonisedCatalog {
  sites: { siteId: string; rowCount: number }[];
  parquetFiles: { path: string }[];
}

export function harmonisedCatalog(): HarmonisedCatalog {
  return JSON.parse(fs.readFileSync(path.join(HARMONISED, 'catalog.json'), 'utf8'));
}

export const OMI_SITE = 'gravelines-canal-amenee';
export const OMI_PARAMETERS = ['TEMP', 'PSAL', 'NH4', 'CHLA'];
/** The pivot's quantities, explicit: phytoplankton cells per litre, the four variables. */
export const OMI_PIVOT = {
  abundance: { parameter: 'cell_abundance', unit: 'cells/L' },
  environment: OMI_PARAMETERS
};
const OMI_TAXA = ['Guinardia delicatula', 'Paralia sulcata', 'Chaetoceros', 'Cryptophyceae'];
/** A small OMI of the workshop: four parameters and four taxa at Gravelines. */
export const OMI_QUERY =
  `SELECT * FROM harmonised WHERE site_id = '${OMI_SITE}' AND (parameter IN (${OMI_PARAMETERS.map(p => `'${p}'`).join(', ')}) ` +
  `OR taxon IN (${OMI_TAXA.map(t => `'${t}'`).join(', ')}))`;

/** NEO kernel code that runs {@link OMI_QUERY}'s OMI, prints its numbers as JSON and shows its table. */
export const OMI_CELL = [
  `const long = await neo.sql(\`${OMI_QUERY}\`);`,
  `const pivot = neo.pivot(long, ${JSON.stringify(OMI_PIVOT)});`,
  'const omi = neo.omi(pivot);',
  'const params = neo.nicheParams(omi);',
  'console.log(JSON.stringify({ species: params.species, omi: Array.from(params.omi) }));',
  'params'
].join('\n');

/** OMI of the same pivot in node, with @odatis-vre/niche on the same Parquet files the browser reads. */
export async function referenceNicheParameters(): Promise<{ species: string[]; omi: number[] }> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createWasmEngine } = require('@odatis-vre/query/lib/node');
  const niche = require('@odatis-vre/niche');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const catalog = harmonisedCatalog();
  const engine = createWasmEngine();
  try {
    await engine.attachHarmonised({
      files: catalog.parquetFiles.map(f => path.join(HARMONISED, f.path))
    });
    const { table } = await engine.query(OMI_QUERY);
    const pivot = niche.pivotHarmonised(table, OMI_PIVOT);
    const pca = niche.environmentalPca(pivot.environment, { nf: OMI_PARAMETERS.length });
    const params = niche.nicheParameters(niche.omiAnalysis(pca, pivot.abundance));
    return { species: [...params.species], omi: Array.from(params.omi as Float64Array) };
  } finally {
    await engine.close();
  }
}

/**
 * The OMI output of {@link OMI_CELL} equals the reference (printed numbers and the table's OMI
 * column); returns the reference.
 */
export async function expectOmiOutput(
  output: Locator
): Promise<{ species: string[]; omi: number[] }> {
  const reference = await referenceNicheParameters();
  await expect(output.first()).toContainText('"species"', { timeout: 60_000 });
  const printed = JSON.parse((await output.first().innerText()).trim());
  expect(printed.species).toEqual(reference.species);
  expect(printed.omi).toEqual(reference.omi);
  const table = output.locator('.neo-table');
  await expect(table.locator('.neo-shape')).toHaveText(
    `${reference.species.length} rows × 8 columns`
  );
  const omiColumn = await table
    .locator('tbody tr')
    .evaluateAll(rows => rows.map(r => r.querySelectorAll('td')[2].textContent));
  expect(omiColumn).toEqual(reference.omi.map(x => String(Number(x.toPrecision(7)))));
  return reference;
}

export const notebook = (page: Page) => page.locator('.jp-NotebookPanel:visible');
export const cell = (page: Page, index: number) =>
  notebook(page).locator('.jp-Notebook .jp-Cell').nth(index);
export const outputOf = (page: Page, index: number) =>
  cell(page, index).locator('.jp-OutputArea-output');

/** Waits until the current notebook runs on the NEO kernel, idle. */
export async function expectNeoKernel(page: Page): Promise<void> {
  await expect(notebook(page)).toBeVisible();
  await waitForKernelIdle(page);
  await expect(notebook(page).locator('.jp-KernelName')).toHaveText('NEO (SQL + JavaScript)');
}

/** Opens a new notebook on the NEO kernel from the launcher's NEO workshop section. */
export async function newNeoNotebook(page: Page): Promise<void> {
  const section = page.locator('.jp-Launcher-section', {
    has: page.locator('.jp-Launcher-sectionTitle', { hasText: 'NEO workshop' })
  });
  await section.locator('.jp-LauncherCard', { hasText: 'NEO notebook' }).click();
  await expectNeoKernel(page);
}

/** Puts code in the cell at `index` and runs it; resolves when its prompt shows an execution count. */
export async function runCell(page: Page, index: number, code: string): Promise<Locator> {
  await page.evaluate(
    ([i, source]) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const panel = (window as any).jupyterapp.shell.currentWidget;
      const nb = panel.content;
      while (nb.widgets.length <= i) {
        nb.model.sharedModel.insertCell(nb.widgets.length, { cell_type: 'code', source: '' });
      }
      nb.activeCellIndex = i;
      nb.activeCell.model.sharedModel.setSource(source);
    },
    [index, code] as const
  );
  await execute(page, 'notebook:run-cell');
  await expect(cell(page, index).locator('.jp-InputPrompt')).toHaveText(/^\[\d+\]:$/, {
    timeout: 90_000
  });
  return outputOf(page, index);
}

/** Help → About the NEO kernel (JupyterLab's menu item, while a NEO notebook is current): its dialog. */
export async function openKernelAbout(page: Page): Promise<Locator> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Help$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^About the NEO .* Kernel$/ }).click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toBeVisible();
  return dialog;
}

/** The rows of a `.neo-table` output as text cells. */
export async function tableRows(table: Locator): Promise<string[][]> {
  return table
    .locator('tbody tr')
    .evaluateAll(rows =>
      rows.map(r => [...r.querySelectorAll('td')].map(td => td.textContent ?? ''))
    );
}
