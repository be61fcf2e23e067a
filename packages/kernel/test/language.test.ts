/**
 * What the kernel's worker says in words — help texts, refusals, input errors, interrupts, the query errors
 * of the page — in the page's language: the worker asks the page's `SessionHost` (over a real comlink
 * MessageChannel, as in the browser) for the translations of the msgids a text needs, from the French
 * catalogue the VRE ships; English by default, as it always read.
 */
import type { QueryEngine } from '@odatis-vre/query';
import { createWasmWorkerEngine } from '@odatis-vre/query/lib/node';
import { NEO_DOCS } from '../src/neo';
import type { ExecuteOutcome, NeoWorkerApi } from '../src/protocol';
import { frenchMessages, openPorts, startWorker } from './worker-host';

let engine: QueryEngine;
let french: NeoWorkerApi;
let english: NeoWorkerApi;

beforeAll(async () => {
  engine = createWasmWorkerEngine();
  french = await startWorker(engine, frenchMessages());
  english = await startWorker(engine);
});

afterAll(async () => {
  openPorts.forEach(p => p.close());
  await engine?.close();
});

function failure(outcome: ExecuteOutcome): { ename: string; evalue: string; traceback: string[] } {
  if (outcome.status !== 'error')
    throw new Error(`expected an error, got ${JSON.stringify(outcome)}`);
  return outcome;
}

function shown(outcome: ExecuteOutcome): Record<string, unknown> {
  if (outcome.status !== 'ok' || !outcome.result) throw new Error(JSON.stringify(outcome));
  return outcome.result.data;
}

test("the inspector and neo.help show the neo pages in the page's language, English by default", async () => {
  const omi = NEO_DOCS['neo.omi'];
  const inFrench = await french.inspect('neo.omi(p)', 5, 0);
  expect(inFrench.found).toBe(true);
  expect(inFrench.data['text/plain']).toBe(
    `${omi.signature}\n\n` +
      '`niche(pca, Y)` d’ade4\u00a0: l’analyse OMI (Outlying Mean Index). Pour un pivot, l’ACP de son ' +
      'environnement est calculée d’abord (tous les axes gardés, comme `dudi.pca(scannf = FALSE, nf = p)`). ' +
      'Les positions des espèces sont `li`, les variables `co`, les valeurs propres `eig`. ' +
      'Tracez-la avec `neo.plot.omi(result)`.'
  );
  // English: the page as it always read.
  const inEnglish = await english.inspect('neo.omi(p)', 5, 0);
  expect(inEnglish.data['text/plain']).toBe(`${omi.signature}\n\n${omi.doc}`);
  expect(inEnglish.data['text/markdown']).toBe(`\`\`\`ts\n${omi.signature}\n\`\`\`\n\n${omi.doc}`);

  // neo.help gives the same page, by member or by name; `%%sql` stays the magic in both languages.
  expect(shown(await french.execute('neo.help(neo.omi)', 1))).toEqual(inFrench.data);
  expect(shown(await english.execute("neo.help('neo.omi')", 1))).toEqual(inEnglish.data);
  const sql = shown(await french.execute("neo.help('neo.sql')", 2))['text/plain'];
  expect(sql).toContain('Une cellule `%%sql` fait de même et montre la table.');
  expect(shown(await english.execute('neo.help(neo.sql)', 2))['text/plain']).toContain(
    'A `%%sql` cell does the same and shows the table.'
  );
  expect(shown(await french.execute('neo.help()', 3))['text/plain']).toMatch(
    /^neo\n\nLa boîte à outils NEO\u00a0: /
  );
});

test("refusals, input errors and their place in the cell in the page's language, English by default", async () => {
  // A neo function given the wrong argument: what it expected, what it was given.
  const frSql = failure(await french.execute('const n = 42;\nawait neo.sql(n)', 4));
  expect(frSql.ename).toBe('NeoArgumentError');
  expect(frSql.evalue).toBe(
    'neo.sql attend la requête sous forme de chaîne de caractères, et a reçu 42'
  );
  expect(frSql.traceback.slice(1, 3)).toEqual([
    '  ligne 2 de la cellule [4]\u00a0:',
    '    await neo.sql(n)'
  ]);
  const enSql = failure(await english.execute('const n = 42;\nawait neo.sql(n)', 4));
  expect(enSql.evalue).toBe('neo.sql needs the query as a string, found 42');
  expect(enSql.traceback.slice(1, 3)).toEqual(['  line 2 of cell [4]:', '    await neo.sql(n)']);

  const frHelp = failure(await french.execute("neo.help('neo.nothing')", 5));
  expect(frHelp.evalue).toMatch(
    /^neo\.help attend un membre de neo ou l’un de neo, neo\.help, neo\.engine, .*, display, et a reçu "neo\.nothing"$/
  );
  const enHelp = failure(await english.execute("neo.help('neo.nothing')", 5));
  expect(enHelp.evalue).toMatch(
    /^neo\.help needs a member of neo or one of neo, neo\.help, .*, display, found "neo\.nothing"$/
  );

  // A niche library's input error: its sentence and what was expected, translated; the data as they are.
  const pca =
    "neo.pca({ nRows: 2, nCols: 1, values: new Float64Array([1, NaN]), rowNames: ['s1', 's2'], colNames: ['TEMP'] })";
  expect(failure(await french.execute(pca, 6))).toMatchObject({
    ename: 'NicheInputError',
    evalue:
      'environment\u00a0: la ligne «\u00a0s2\u00a0» (2), colonne «\u00a0TEMP\u00a0», vaut NaN\u00a0; ' +
      'retirez ou imputez les valeurs manquantes avant l’analyse ' +
      '(ade4 s’arrête avec «\u00a0na entries in table\u00a0») (attendu\u00a0: un nombre fini, trouvé\u00a0: NaN)'
  });
  expect(failure(await english.execute(pca, 6)).evalue).toBe(
    'environment: row "s2" (2), column "TEMP" is NaN; remove or impute missing values before the analysis ' +
      '(ade4 stops with "na entries in table") (expected a finite number, found NaN)'
  );

  // A trend test given tied values: what was found is a description, translated too.
  const tied = 'neo.mannKendall([1, 1, 1, 1])';
  expect(failure(await french.execute(tied, 7)).evalue).toBe(
    'Mann–Kendall\u00a0: toutes les valeurs (ou toutes les dates) sont ex aequo, la variance de S est nulle ' +
      '(attendu\u00a0: au moins deux valeurs et deux dates distinctes, trouvé\u00a0: toutes ex aequo)'
  );
  expect(failure(await english.execute(tied, 7)).evalue).toBe(
    'Mann–Kendall: every value (or every time) is tied, the variance of S is 0 ' +
      '(expected at least two distinct values and times, found all tied)'
  );

  // neo.pivot refusing a quantity the table does not hold as asked: what was left out and what the table
  // holds, item by item, are translated too; the data (codes, units, counts) stay as they are.
  const long = [
    'const long = await neo.sql(`',
    "SELECT 'wimereux' AS site_id, TIMESTAMP '2020-01-01 09:00' + INTERVAL (d) DAY AS time, 1::DOUBLE AS depth,",
    "  'TEMP' AS parameter, NULL::VARCHAR AS taxon, (11 + d)::DOUBLE AS value, 1 AS quality, 'degC' AS unit",
    'FROM range(3) r(d) UNION ALL',
    "SELECT 'wimereux', TIMESTAMP '2020-01-01 09:00' + INTERVAL (d) DAY, 1, 'cell_abundance', 'Alpha', 100, 0, 'cells/L'",
    'FROM range(3) r(d)`);\n'
  ].join('\n');
  const kelvin = `${long}neo.pivot(long, { abundance: { parameter: 'cell_abundance' }, environment: [{ parameter: 'TEMP', unit: 'K' }] })`;
  expect(failure(await french.execute(kelvin, 8))).toMatchObject({
    ename: 'NicheInputError',
    evalue:
      'paramètre «\u00a0TEMP\u00a0»\u00a0: pas de lignes sans taxon de TEMP [K] retenues ' +
      '(écartées de toutes les grandeurs demandées\u00a0: 3 lignes dans une autre unité)\u00a0; ' +
      'les lignes de la table sans taxon contiennent TEMP [degC] (3 lignes) ' +
      '(table harmonised\u00a0; colonne parameter)'
  });
  expect(failure(await english.execute(kelvin, 8)).evalue).toBe(
    'parameter "TEMP": no rows without a taxon of TEMP [K] kept (left out of all quantities asked for: ' +
      "3 rows in another unit); the table's rows without a taxon hold TEMP [degC] (3 rows) (table harmonised)"
  );

  // A workshop function refusing its options: its sentence, what it expected and what it found.
  const twice =
    "neo.workshop.pairSamples(null, { abundance: { parameter: 'cell_abundance' }, environment: ['TEMP', 'TEMP'] })";
  expect(failure(await french.execute(twice, 9))).toMatchObject({
    ename: 'WorkshopError',
    evalue:
      'pairSamples\u00a0: une variable est donnée deux fois (colonne environment\u00a0; ' +
      'attendu\u00a0: chaque paramètre une seule fois, trouvé\u00a0: TEMP deux fois)'
  });
  expect(failure(await english.execute(twice, 9)).evalue).toBe(
    'pairSamples: a variable is given twice (column environment; expected each parameter once, found TEMP twice)'
  );

  // Our own syntax refusal of a %%sql magic line, with the column it points at.
  expect(failure(await french.execute('%%sql two names\nSELECT 1', 7)).evalue).toBe(
    '%%sql prend un nom de variable où garder le résultat, trouvé «\u00a0two names\u00a0» (colonne 7)'
  );
  expect(failure(await english.execute('%%sql two names\nSELECT 1', 7)).evalue).toBe(
    '%%sql takes one variable name to keep the result in, found "two names" (column 7)'
  );
});

test('an interrupted cell says so in the language of the page', async () => {
  const cell = 'let timer;\nawait new Promise(resolve => { timer = setTimeout(resolve, 60_000); })';
  for (const [worker, said] of [
    [french, 'la cellule a été interrompue'],
    [english, 'the cell was interrupted']
  ] as const) {
    const waiting = worker.execute(cell, 8);
    setTimeout(() => void worker.interrupt(), 300);
    expect(failure(await waiting)).toMatchObject({ ename: 'KeyboardInterrupt', evalue: said });
    await worker.execute('clearTimeout(timer)', 9);
  }
});

test("the page's query errors reach the cell in its language", async () => {
  // An engine closed under the kernel: the query layer's refusal carries its msgid to the page's host.
  const closed = createWasmWorkerEngine();
  await closed.close();
  const [frenchOnClosed, englishOnClosed] = [
    await startWorker(closed, frenchMessages()),
    await startWorker(closed)
  ];
  expect(failure(await frenchOnClosed.execute('%%sql\nSELECT 1', 1))).toMatchObject({
    ename: 'QueryError',
    evalue: 'Le moteur de requêtes est fermé.'
  });
  expect(failure(await englishOnClosed.execute('%%sql\nSELECT 1', 1))).toMatchObject({
    ename: 'QueryError',
    evalue: 'The query engine is closed.'
  });
});
