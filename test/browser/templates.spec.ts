import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page, TestInfo } from '@playwright/test';
import Papa from 'papaparse';
import { readParameters, templateById, type NotebookContent } from '@odatis-vre/templates';
import { ARTIFACTS, expect, openVre, snapshot, TARGET, test } from './vre';
import { NodeAnalyses, type Row } from '@odatis-vre/templates/lib/node';

/**
 * The NEO workshop templates from the launcher: each card opens the launch dialog (a form built from the
 * template's parameters and the harmonised catalogue); OK writes a copy into the user's folder (a new name when
 * one exists) with the chosen parameters, opens it on the NEO kernel and runs every cell on the shared data,
 * down to its last figure and the citations. The numbers of the outputs equal the same analyses computed in
 * node on the same data (`@odatis-vre/templates/lib/node`); permutation counts are small to keep CI lean.
 */
test.describe.configure({ mode: 'serial' });

// The harmonised dataset the page reads: the embedded build serves packages/app/data/harmonised; the stock
// server's root is staged by test/stock/server.js (the same files, converted by the CLI).
const node = new NodeAnalyses(
  TARGET === 'stock'
    ? path.resolve(__dirname, '../../test-results/stock-server/root/shared/harmonised')
    : undefined
);
test.beforeAll(() => node.start());
test.afterAll(() => node.stop());

function launcherCard(page: Page, title: string): Locator {
  const section = page.locator('.jp-Launcher-section', {
    has: page.locator('.jp-Launcher-sectionTitle', { hasText: 'NEO workshop' })
  });
  return section.locator('.jp-LauncherCard', { hasText: title });
}

async function folderListing(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const app = (window as any).jupyterapp;
    const listing = await app.serviceManager.contents.get('', { content: true });
    return (listing.content as { name: string }[]).map(e => e.name).sort();
  });
}

/** The notebook the dialog wrote, as saved (before it ran: its parameters cell is what OK wrote). */
async function savedNotebook(page: Page, file: string): Promise<NotebookContent> {
  return page.evaluate(async path => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const app = (window as any).jupyterapp;
    return (await app.serviceManager.contents.get(path, { type: 'notebook', content: true }))
      .content;
  }, file);
}

/**
 * Waits until every cell has run: the citations (the last output: a DOI of the shared data, or the training
 * set's "none (synthetic)") are there, and no error.
 */
async function ranToTheEnd(page: Page, citation = '10.17882/'): Promise<Locator> {
  const notebook = page.locator('.jp-NotebookPanel:visible');
  await expect(notebook.locator('.jp-KernelName')).toHaveText('NEO (SQL + JavaScript)', {
    timeout: 90_000
  });
  await expect(
    notebook.locator('.jp-OutputArea-output', { hasText: citation }).first()
  ).toBeVisible({ timeout: 480_000 });
  await expect(notebook.locator('.jp-OutputArea-output[data-mime-type*="error"]')).toHaveCount(0);
  return notebook;
}

/** The rows of a table's CSV download, by file name, from the notebook's outputs. */
async function downloadedRows(notebook: Locator, file: string): Promise<Row[]> {
  const href = await notebook.locator(`a[download="${file}"]`).first().getAttribute('href');
  expect(href, `a download link ${file}`).toBeTruthy();
  const csv = decodeURIComponent(href!.replace(/^data:text\/csv;charset=utf-8,/, ''));
  return Papa.parse<Row>(csv.trim(), { header: true, dynamicTyping: true }).data;
}

/** Every number of `want` equals the CSV's, up to 1e-10 relative (the browser's and node's Math may differ). */
function sameNumbers(got: Row[], want: Row[], key: (r: Row) => string, what: string): void {
  expect(want.length, `${what}: rows to compare`).toBeGreaterThan(0);
  expect(got.map(key)).toEqual(want.map(key));
  want.forEach((w, i) => {
    for (const [column, value] of Object.entries(w)) {
      const g = got[i][column];
      if (typeof value !== 'number') continue;
      if (Number.isNaN(value)) {
        expect(String(g), `${what} ${key(w)} ${column}`).toBe('NaN');
        continue;
      }
      const tol = 1e-10 * Math.max(1, Math.abs(value));
      expect(
        Math.abs(Number(g) - value),
        `${what} ${key(w)} ${column}: ${g} in the notebook, ${value} in node`
      ).toBeLessThanOrEqual(tol);
    }
  });
}

async function figureSnapshot(figure: Locator, testInfo: TestInfo, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await figure.scrollIntoViewIfNeeded();
  await figure.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

test('the Community niche (OMI) card: the dialog chooses, writes the parameters and runs', async ({
  page
}, testInfo) => {
  test.setTimeout(600_000);
  await openVre(page);
  const card = launcherCard(page, 'Community niche (OMI)');
  await expect(card).toBeVisible();
  await snapshot(page, testInfo, '60-templates-launcher');
  const before = await folderListing(page);

  // Cancel writes nothing
  await card.click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('.odatis-TemplateLaunch')).toBeVisible({ timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  expect(await folderListing(page)).toEqual(before);

  await card.click();
  const form = dialog.locator('.odatis-TemplateLaunch');
  await expect(form).toBeVisible({ timeout: 60_000 });
  // the choices come from the catalogue: the stations of the shared data, Gravelines ticked
  const gravelines = form.getByLabel(/Gravelines Canal Amenée/);
  await expect(gravelines).toBeChecked();
  await expect(form.getByLabel(/Wimereux Point C/)).not.toBeChecked();
  await snapshot(page, testInfo, '63-templates-omi-dialog');

  const ok = dialog.getByRole('button', { name: 'Create and run' });
  await expect(ok).toBeEnabled();
  // no station, then years the wrong way round: the problems say what to do, and OK waits
  await gravelines.uncheck();
  const problems = form.locator('.odatis-TemplateLaunch-problems');
  await expect(problems).toContainText('No station chosen: tick at least one station.');
  await expect(ok).toBeDisabled();
  await gravelines.check();
  await expect(problems).toHaveCount(0);
  await form.locator('#root_years_first').fill('2020');
  await form.locator('#root_years_last').fill('2015');
  await expect(problems).toContainText('The first year (2020) is after the last year (2015)');
  await expect(ok).toBeDisabled();
  await form.locator('.odatis-TemplateLaunch-problems').scrollIntoViewIfNeeded();
  await snapshot(page, testInfo, '64-templates-omi-dialog-problem');
  expect(await folderListing(page)).toEqual(before);

  // ten years, temperature, salinity and nitrate (no ammonium), a lean permutation test
  await form.locator('#root_years_first').fill('2013');
  await form.locator('#root_years_last').fill('2022');
  await form.getByLabel(/^NH4 — Ammonium/).uncheck();
  await form.locator('#root_permutations').fill('99');
  await form.locator('#root_seed').fill('3');
  await expect(problems).toHaveCount(0);
  await expect(ok).toBeEnabled();
  await ok.click();

  const chosen = {
    years: [2013, 2022] as [number, number],
    environment: ['TEMP', 'PSAL', 'NO3'],
    permutations: 99,
    seed: 3
  };
  const tab = page.locator('.lm-TabBar-tab.jp-mod-current');
  await expect(tab).toContainText('community-niche-omi', { timeout: 60_000 });
  const spec = templateById('omi')!;
  const written = readParameters(await savedNotebook(page, 'community-niche-omi.ipynb'), spec);
  expect(written).toEqual({ ...spec.defaults, ...chosen });

  const notebook = await ranToTheEnd(page);
  await expect(
    notebook.locator('.jp-OutputArea-output', { hasText: 'Pairing report' })
  ).toHaveCount(1);
  const figures = notebook.locator('.vega-embed svg.marks');
  await expect(figures).toHaveCount(4);
  const histogram = figures.nth(3);
  await expect(histogram.locator('.mark-rect path, .mark-rect')).not.toHaveCount(0);
  await figureSnapshot(histogram, testInfo, '61-templates-omi-permutation-histogram');
  await snapshot(page, testInfo, '61-templates-omi-last-figure');
  await expect(
    notebook.locator('.jp-OutputArea-output', { hasText: 'Niche parameters (ade4 niche.param)' })
  ).toBeVisible();
  await snapshot(page, testInfo, '62-templates-omi-parameters-and-citations');
  sameNumbers(
    await downloadedRows(notebook, 'omi-niche-parameters.csv'),
    await node.omi(chosen),
    r => String(r.taxon),
    'niche parameters'
  );

  // a second launch never overwrites the first copy
  const second = await page.evaluate(
    () =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (window as any).jupyterapp.commands.execute('odatis-vre:open-template', {
        id: 'omi',
        dialog: false,
        run: false
      }) as Promise<string>
  );
  expect(second).toBe('community-niche-omi-2.ipynb');
});

test('the WitOMI card runs with 19 permutations; its subniches equal node’s', async ({
  page
}, testInfo) => {
  // The stock route runs the OMI card (the same launch code); these two stay on the embedded VRE (CI time).
  test.skip(TARGET === 'stock', 'run on the embedded VRE only');
  test.setTimeout(600_000);
  await openVre(page);
  await launcherCard(page, 'Subniches by period or season (WitOMI)').click();
  const form = page.locator('.jp-Dialog .odatis-TemplateLaunch');
  await expect(form).toBeVisible({ timeout: 60_000 });
  await form.locator('#root_permutations').fill('19');
  await page.locator('.jp-Dialog').getByRole('button', { name: 'Create and run' }).click();
  const notebook = await ranToTheEnd(page);
  const figures = notebook.locator('.vega-embed svg.marks');
  await expect(figures).not.toHaveCount(0);
  const count = await figures.count();
  for (let k = 0; k < count; k++) {
    await figureSnapshot(figures.nth(k), testInfo, `65-templates-witomi-figure-${k + 1}`);
  }
  sameNumbers(
    await downloadedRows(notebook, 'witomi-subniches-from-G.csv'),
    await node.witomi({ permutations: 19 }),
    r => `${r.taxon} ${r.subset}`,
    'subniches from G'
  );
});

test('the trends card runs; the centroid shifts equal node’s', async ({ page }, testInfo) => {
  // The stock route runs the OMI card (the same launch code); these two stay on the embedded VRE (CI time).
  test.skip(TARGET === 'stock', 'run on the embedded VRE only');
  test.setTimeout(600_000);
  await openVre(page);
  await launcherCard(page, 'Trends and niche-centroid shift').click();
  const form = page.locator('.jp-Dialog .odatis-TemplateLaunch');
  await expect(form).toBeVisible({ timeout: 60_000 });
  await page.locator('.jp-Dialog').getByRole('button', { name: 'Create and run' }).click();
  const notebook = await ranToTheEnd(page);
  const figures = notebook.locator('.vega-embed svg.marks');
  await expect(figures).toHaveCount(2);
  for (let k = 0; k < 2; k++) {
    await figureSnapshot(figures.nth(k), testInfo, `66-templates-trends-figure-${k + 1}`);
  }
  const rows = await downloadedRows(notebook, 'centroid-shifts.csv');
  const lines = await node.trends({});
  const unit = 'degC per decade';
  sameNumbers(
    rows,
    lines.map(l => ({
      series: l.name,
      years: l.n,
      [`Sen slope (${unit})`]: l.slope * 10,
      'Kendall tau': l.tau,
      'Mann–Kendall p': l.pValue
    })),
    r => String(r.series),
    'centroid shifts'
  );
});

/** Ranks with ties averaged, and Spearman's rank correlation. */
function spearman(a: readonly number[], b: readonly number[]): number {
  const ranks = (x: readonly number[]) => {
    const order = x.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(x.length);
    for (let i = 0; i < order.length;) {
      let j = i;
      while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
      for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return r;
  };
  const [ra, rb] = [ranks(a), ranks(b)];
  const m = (ra.length + 1) / 2;
  let [num, da, db] = [0, 0, 0];
  ra.forEach((v, i) => {
    num += (v - m) * (rb[i] - m);
    da += (v - m) ** 2;
    db += (rb[i] - m) ** 2;
  });
  return num / Math.sqrt(da * db);
}

test('the latitudinal card runs on the training set and finds its known optima at every station', async ({
  page
}, testInfo) => {
  // The stock route runs the OMI card (the same launch code); this one stays on the embedded VRE (CI time).
  test.skip(TARGET === 'stock', 'run on the embedded VRE only');
  test.setTimeout(900_000);
  // truth.json beside the training set the page reads (the build writes it into packages/app/data/synthetic)
  const truth = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, '../../packages/app/data/synthetic/truth.json'), 'utf8')
  ) as {
    sites: { siteId: string }[];
    taxa: { name: string; optimumT2010: number }[];
  };
  await openVre(page);
  await launcherCard(page, 'Latitudinal comparison across stations').click();
  const form = page.locator('.jp-Dialog .odatis-TemplateLaunch');
  await expect(form).toBeVisible({ timeout: 60_000 });
  // the dialog opens on the training set with every one of its stations ticked
  const stationBoxes = form.locator('input[type=checkbox][id^="root_sites-"]');
  await expect(stationBoxes).toHaveCount(truth.sites.length);
  for (let k = 0; k < truth.sites.length; k++) await expect(stationBoxes.nth(k)).toBeChecked();
  await form.locator('#root_permutations').fill('19');
  await snapshot(page, testInfo, '67-templates-latitude-dialog');
  await page.locator('.jp-Dialog').getByRole('button', { name: 'Create and run' }).click();
  const notebook = await ranToTheEnd(page, 'none (synthetic)');
  await expect(
    notebook.locator('.jp-OutputArea-output', { hasText: 'SYNTHETIC DATA' }).first()
  ).toBeVisible();
  const figures = notebook.locator('.vega-embed svg.marks');
  await expect(figures).toHaveCount(4);
  for (let k = 0; k < 4; k++) {
    await figureSnapshot(figures.nth(k), testInfo, `67-templates-latitude-figure-${k + 1}`);
  }
  // ground truth: at each station where five taxa or more are found, the taxa's centroids along temperature
  // rank as their true optima (Spearman ≥ 0.8, the tolerance of packages/templates/test/synthetic.test.ts)
  const rows = await downloadedRows(notebook, 'station-centroids.csv');
  const optimum = (taxon: string) => {
    const t = truth.taxa.find(x => taxon.startsWith(x.name));
    expect(t, `${taxon} is a taxon of truth.json`).toBeTruthy();
    return t!.optimumT2010;
  };
  const stations = [...new Set(rows.map(r => String(r.station)))];
  expect(stations.sort()).toEqual(truth.sites.map(s => s.siteId).sort());
  let checked = 0;
  for (const station of stations) {
    const here = rows.filter(r => r.station === station);
    if (here.length < 5) continue;
    const rho = spearman(
      here.map(r => Number(r.centroid)),
      here.map(r => optimum(String(r.taxon)))
    );
    expect([station, rho >= 0.8], `${station}: Spearman ${rho}`).toEqual([station, true]);
    checked++;
  }
  expect(checked).toBeGreaterThan(0);
});
