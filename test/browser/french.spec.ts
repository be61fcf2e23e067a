import type { Page } from '@playwright/test';
import { execute, expect, openVre, snapshot, TARGET, test, waitForVre } from './vre';
import { expectNeoKernel, openKernelAbout, runCell } from './neo';
import { newWorkspace, status, workspace } from './sql-workspace';

/**
 * The VRE in French: Settings → Language offers « Français », and choosing it (JupyterLab reloads) shows our
 * panels in French from the odatis_vre catalogue — the data browser, the SQL workspace, the status bar, the
 * NEO launcher section and a template's dialog — and the messages made in Web Workers (the NEO kernel's plot
 * titles, its help pages and its refusals) too. JupyterLab's own menus stay English: there is no JupyterLab
 * French language pack here.
 */
test.describe('the VRE in French', () => {
  test.skip(
    TARGET === 'stock',
    'stock JupyterLab offers French only with a language pack (python/tests/test_translations.py)'
  );

  async function chooseFrench(page: Page): Promise<void> {
    await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Settings$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Language$/ }).hover();
    await page.locator('.lm-Menu-itemLabel', { hasText: 'Français' }).click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Change interface language?');
    await Promise.all([
      page.waitForEvent('load'),
      dialog.locator('button', { hasText: 'Change and reload' }).click()
    ]);
    await waitForVre(page);
  }

  test('Settings → Language → Français shows the panels, the status bar, the dialogs and the kernel in French', async ({
    page
  }, testInfo) => {
    test.setTimeout(600_000);
    await openVre(page);
    await chooseFrench(page);
    await expect(page.locator('.jp-Launcher')).toBeVisible();

    // The launcher: our sections and cards in French, JupyterLab's own in English.
    const neo = page.locator('.jp-Launcher:visible .jp-Launcher-section', {
      has: page.locator('.jp-Launcher-sectionTitle', { hasText: 'Atelier NEO' })
    });
    await expect(neo.locator('.jp-LauncherCard', { hasText: 'Premiers pas' })).toBeVisible();
    await expect(
      page.locator('.jp-Launcher:visible .jp-LauncherCard', { hasText: 'Espace SQL' })
    ).toBeVisible();
    await expect(page.locator('.lm-MenuBar-itemLabel', { hasText: /^File$/ })).toBeVisible();
    await snapshot(page, testInfo, '90-french-launcher');

    // The data browser.
    await execute(page, 'odatis-vre:databrowser-open');
    const browser = page.locator('#odatis-vre-databrowser');
    await expect(browser).toBeVisible();
    await expect(browser.locator('input[type="search"]').first()).toHaveAttribute(
      'placeholder',
      'Chercher des jeux de données, p. ex. phytoplancton'
    );
    await expect(browser).toContainText('Filtres');
    await expect(browser.locator('button', { hasText: 'Chercher' }).first()).toBeVisible();
    await snapshot(page, testInfo, '91-french-databrowser');

    // A SQL workspace: its toolbar, tabs and status.
    await newWorkspace(page, 'SELECT 42 AS answer');
    const toolbar = workspace(page).locator('.jp-Toolbar').first();
    await expect(toolbar).toContainText('Exécuter');
    await expect(workspace(page)).toContainText('Résultat');
    await expect(workspace(page)).toContainText('Historique');
    await workspace(page).locator('.jp-ToolbarButtonComponent', { hasText: 'Exécuter' }).click();
    await expect(status(page)).toHaveText(
      /^1 ligne en [\d.]+ s · DuckDB-WASM dans ce navigateur$/,
      {
        timeout: 120_000
      }
    );
    // The status bar: the harmonised dataset and the engines that answer (numbers as they are).
    await expect(page.locator('#jp-main-statusbar')).toContainText(
      /Données harmonisées\u00a0: [\d,]+ valeurs · DuckDB-WASM dans ce navigateur/,
      { timeout: 180_000 }
    );
    await snapshot(page, testInfo, '92-french-sql-workspace');

    // A template's launch dialog, from the NEO section of the launcher.
    await execute(page, 'launcher:create');
    await page
      .locator('.jp-Launcher:visible .jp-LauncherCard', { hasText: 'Niche de la communauté (OMI)' })
      .click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Niche de la communauté (OMI)\u00a0: paramètres',
      { timeout: 60_000 }
    );
    await expect(dialog).toContainText('Stations à analyser (cochez-en au moins une)');
    await expect(dialog).toContainText('Première année');
    await expect(dialog).toContainText('Variables environnementales');
    await expect(dialog.locator('button', { hasText: 'Créer et exécuter' })).toBeVisible();
    await snapshot(page, testInfo, '93-french-template-dialog');
    await dialog.locator('button', { hasText: 'Annuler' }).click();
    await expect(dialog).toHaveCount(0);

    // About: versions and the shared data's licences.
    // (the command resolves when its dialog closes: started, not awaited)
    await page.evaluate(() => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      void (window as any).jupyterapp.commands.execute('odatis-vre:about');
    });
    const about = page.locator('.jp-Dialog');
    await expect(about.locator('.jp-Dialog-header')).toHaveText('À propos de l’ODATIS VRE');
    await expect(about.locator('.odatis-vre-AboutVersions')).toContainText('Composant');
    await expect(about.locator('.odatis-vre-AboutData')).toContainText('Jeu de données');
    await snapshot(page, testInfo, '94-french-about');
    await about.locator('button', { hasText: 'Fermer' }).click();
    await expect(about).toHaveCount(0);

    // The NEO kernel: its worker gets the page's French catalogue for the plots' titles and its tables.
    await neo.locator('.jp-LauncherCard', { hasText: 'Notebook NEO' }).click();
    await expectNeoKernel(page);
    // Its banner (Help → About, JupyterLab's own menu in English) in French, the %%sql magic as it is typed.
    const kernelAbout = await openKernelAbout(page);
    await expect(kernelAbout.locator('pre')).toHaveText(
      /^Noyau NEO\u00a0: cellules %%sql sur le moteur DuckDB partagé \(DuckDB-WASM dans ce navigateur\), /
    );
    await kernelAbout.locator('.jp-Dialog-button.jp-mod-reject').click();
    await expect(kernelAbout).toHaveCount(0);
    const table = await runCell(
      page,
      0,
      '%%sql t\nSELECT range AS x, range * range AS y FROM range(10)'
    );
    // The table's size and the engine under it, in French too.
    await expect(table.locator('.neo-shape')).toHaveText('10 lignes × 2 colonnes');
    await expect(table.locator('.neo-query')).toHaveText(
      /^\d+ ms · DuckDB-WASM dans ce navigateur$/
    );
    const chart = await runCell(page, 1, 'neo.plot.scatter(t)');
    const svg = chart.locator('.vega-embed svg.marks');
    await expect(svg).toBeVisible({ timeout: 60_000 });
    await expect(svg).toContainText('y en fonction de x');
    await snapshot(page, testInfo, '95-french-kernel-plot');

    // A neo help page and a refusal of the kernel: made in its worker, in the page's language too.
    const help = await runCell(page, 2, 'neo.help(neo.omi)');
    await expect(help).toContainText(
      'l’analyse OMI (Outlying Mean Index). Pour un pivot, l’ACP de son environnement est calculée d’abord'
    );
    const refusal = await runCell(page, 3, 'const n = 42;\nawait neo.sql(n)');
    await expect(refusal).toContainText(
      'NeoArgumentError: neo.sql attend la requête sous forme de chaîne de caractères, et a reçu 42'
    );
    await expect(refusal).toContainText(
      /ligne 2 de la cellule \[\d+\]\u00a0:\s+await neo\.sql\(n\)/
    );
    await refusal.scrollIntoViewIfNeeded();
    await snapshot(page, testInfo, '96-french-kernel-help-and-refusal');

    // neo.pivot refusing a table that is not in the harmonised long format: what it expected, what it found.
    const pivot = await runCell(
      page,
      4,
      "neo.pivot(t, { abundance: { parameter: 'cell_abundance' }, environment: ['TEMP'] })"
    );
    await expect(pivot).toContainText(
      'NicheInputError: la table harmonisée n’a pas de colonne «\u00a0site_id\u00a0» (table harmonised\u00a0; ' +
        'attendu\u00a0: site_id, time, depth, parameter, taxon, value, quality, unit, trouvé\u00a0: x, y)'
    );
  });
});
