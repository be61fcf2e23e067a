/**
 * `neo.plot`'s titles in the page's language: the kernel's worker asks the page's `SessionHost` for the
 * translations of `PLOT_MESSAGES` when it starts, over a real comlink MessageChannel as in the browser;
 * English by default.
 */
import { tableFromArrays } from 'apache-arrow';
import { catalogueMessages, englishMessages, type Messages } from '@odatis-vre/harmonised';
import type { QueryEngine } from '@odatis-vre/query';
import { createWasmWorkerEngine } from '@odatis-vre/query/lib/node';
import { VEGALITE_MIME } from '../src/display';
import { createPlot, PLOT_MESSAGES } from '../src/plot';
import type { ExecuteOutcome, NeoWorkerApi } from '../src/protocol';
import { openPorts, startWorker } from './worker-host';

const FRENCH = {
  '%1 by %2': '%1 par %2',
  'OMI axis 1': 'axe 1 de l’OMI',
  'OMI axis 2': 'axe 2 de l’OMI',
  'OMI: species niche positions and environmental variables':
    'OMI : positions de niche des espèces et variables environnementales',
  'A %1 chart needs a %2 column and a %3 column; the result has neither of the right type':
    'Un graphique %1 demande une colonne %2 et une colonne %3 ; le résultat n’a ni l’une ni l’autre du bon type',
  '%1 row': '%1 ligne',
  '%1 rows': '%1 lignes',
  '%1 column': '%1 colonne',
  '%1 columns': '%1 colonnes',
  'DuckDB-WASM in this browser': 'DuckDB-WASM dans ce navigateur'
};

/** Two species and two variables on two axes, as `neo.omi` gives them (li, co). */
const OMI_CELL = `neo.plot.omi({
  li: { nRows: 2, nCols: 2, values: new Float64Array([0.5, -1, 0.25, 2]), rowNames: ['Skeletonema', 'Noctiluca'], colNames: ['1', '2'] },
  co: { nRows: 2, nCols: 2, values: new Float64Array([1, 0, 0, 1]), rowNames: ['TEMP', 'PSAL'], colNames: ['1', '2'] }
})`;

let engine: QueryEngine;

beforeAll(() => {
  engine = createWasmWorkerEngine();
});

afterAll(async () => {
  openPorts.forEach(p => p.close());
  await engine?.close();
});

/** A kernel worker's API started as the browser starts it, with the page's host on the other end of a port. */
const startedWorker = (trans?: Messages): Promise<NeoWorkerApi> => startWorker(engine, trans);

function vegaLite(outcome: ExecuteOutcome): Record<string, unknown> {
  if (outcome.status !== 'ok' || !outcome.result) throw new Error(JSON.stringify(outcome));
  return outcome.result.data[VEGALITE_MIME] as Record<string, unknown>;
}

test("the worker's plots title in the page's language, English by default", async () => {
  const french = await startedWorker(catalogueMessages(FRENCH));
  const english = await startedWorker();
  const bar = 'neo.plot.bar(await neo.sql("SELECT \'wimereux\' AS site_id, 3 AS n"))';

  expect(vegaLite(await english.execute(bar, 1)).title).toBe('n by site_id');
  expect(vegaLite(await french.execute(bar, 1)).title).toBe('n par site_id');

  type OmiSpec = {
    title: string;
    layer: {
      mark: { type: string };
      encoding: { x?: { title?: string }; y?: { title?: string } };
    }[];
  };
  // the layer of the species' points carries the axes' titles
  const points = (spec: OmiSpec) => spec.layer.find(l => l.mark.type === 'point')!;
  const omi = vegaLite(await french.execute(OMI_CELL, 2)) as OmiSpec;
  expect(omi.title).toBe('OMI : positions de niche des espèces et variables environnementales');
  expect(points(omi).encoding.x?.title).toBe('axe 1 de l’OMI');
  expect(points(omi).encoding.y?.title).toBe('axe 2 de l’OMI');
  const omiEnglish = vegaLite(await english.execute(OMI_CELL, 2)) as OmiSpec;
  expect(omiEnglish.title).toBe('OMI: species niche positions and environmental variables');
  expect(points(omiEnglish).encoding.x?.title).toBe('OMI axis 1');

  // The SQL workspace's charts, drawn in the worker, take the same messages (here a refusal).
  const line = await french.execute('neo.plot.line(await neo.sql("SELECT 1 AS n"))', 3);
  expect(line).toMatchObject({
    status: 'error',
    evalue:
      'Un graphique line demande une colonne time et une colonne y ; le résultat n’a ni l’une ni l’autre du bon type'
  });
});

test('PLOT_MESSAGES lists every msgid the plots ask for', () => {
  const asked = new Set<string>();
  const recording: Messages = {
    __: (msgid, ...args) => {
      asked.add(msgid);
      return englishMessages.__(msgid, ...args);
    }
  };
  const plot = createPlot(recording);
  const table = tableFromArrays({
    time: [new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2024, 1, 1))],
    depth: Float64Array.from([1, 2]),
    value: Float64Array.from([10.5, 11])
  });
  plot.line(table);
  plot.climatology(table);
  plot.scatter(table);
  plot.bar(table, { x: 'depth', y: 'value' });
  const dataTable = (rowNames: string[]) => ({
    nRows: 2,
    nCols: 2,
    values: new Float64Array([1, 0, 0, 1]),
    rowNames,
    colNames: ['1', '2']
  });
  plot.omi({ li: dataTable(['a', 'b']), co: dataTable(['TEMP', 'PSAL']) });
  // sixty species on one spot: most are named under the title
  const crowd = Array.from({ length: 60 }, (_, k) => `Taxon number ${k + 1}`);
  plot.omi({
    li: { ...dataTable(crowd), nRows: 60, values: new Float64Array(120).fill(0.5) },
    co: dataTable(['TEMP', 'PSAL'])
  });
  const numbers = tableFromArrays({ n: Float64Array.from([1]) });
  expect(() => plot.line(numbers)).toThrow('needs a time column and a y column');
  expect(() => plot.scatter(numbers, { x: 'n' })).toThrow('A scatter chart needs a y column;');
  expect(asked.size).toBeGreaterThanOrEqual(10);
  expect([...asked].filter(msgid => !PLOT_MESSAGES.includes(msgid))).toEqual([]);
  expect(PLOT_MESSAGES.filter(msgid => !asked.has(msgid))).toEqual([]);
});

test('neo.plot.omi with many species: each labelled once or named under the title', () => {
  const plot = createPlot();
  const names = Array.from({ length: 60 }, (_, k) => `Taxon number ${k + 1}`);
  // sixty species on a spiral around G, the crowd of a station's phytoplankton
  const values = new Float64Array(120);
  names.forEach((_, k) => {
    values[k] = 0.02 * k * Math.cos(k);
    values[60 + k] = 0.02 * k * Math.sin(k);
  });
  const table = (rowNames: string[], v: Float64Array) => ({
    nRows: rowNames.length,
    nCols: 2,
    values: v,
    rowNames,
    colNames: ['1', '2']
  });
  const spec = plot.omi({
    li: table(names, values),
    co: table(['TEMP', 'PSAL'], new Float64Array([1, 0, 0, 1]))
  }) as {
    title: { text: string; subtitle: string[] };
    layer: { mark: { type: string; fontSize?: number }; data: { values: { text?: string }[] } }[];
  };
  const labelled = spec.layer
    .filter(l => l.mark.type === 'text' && l.mark.fontSize !== undefined)
    .flatMap(l => l.data.values.map(v => v.text!));
  // each label once (a halo is a white copy under its label)
  const drawn = [...new Set(labelled)].filter(t => !['TEMP', 'PSAL'].includes(t));
  const [count, ...lines] = spec.title.subtitle;
  const listed = lines
    .join(' ')
    .split(/;\s*/)
    .filter(n => n);
  expect(count).toBe(
    `${listed.length} of 60 species not labelled for lack of room (their points give their names on hover):`
  );
  expect([...drawn, ...listed].sort()).toEqual([...names].sort());
  expect(drawn.length).toBeGreaterThan(15);
  expect(labelled).toEqual(expect.arrayContaining(['TEMP', 'PSAL']));
});

test("the tables a cell shows give their size and engine in the page's language", async () => {
  const french = await startedWorker(catalogueMessages(FRENCH));
  const english = await startedWorker();
  const plain = (outcome: ExecuteOutcome) => {
    if (outcome.status !== 'ok' || !outcome.result) throw new Error(JSON.stringify(outcome));
    return String(outcome.result.data['text/plain']);
  };
  const sql = '%%sql\nSELECT range AS x, range * range AS y FROM range(10)';
  expect(plain(await french.execute(sql, 1))).toMatch(
    /\n10 lignes × 2 colonnes\n\d+ ms · DuckDB-WASM dans ce navigateur$/
  );
  expect(plain(await english.execute(sql, 1))).toMatch(
    /\n10 rows × 2 columns\n\d+ ms · DuckDB-WASM in this browser$/
  );
  // One row, one column: the singular, in both languages.
  const one = '%%sql\nSELECT 42 AS answer';
  expect(plain(await french.execute(one, 2))).toContain('1 ligne × 1 colonne');
  expect(plain(await english.execute(one, 2))).toContain('1 row × 1 column');
});
