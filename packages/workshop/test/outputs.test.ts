/**
 * What the templates show besides figures: the parameters cell (written, read back, filled into a copy), the
 * tables with their CSV downloads, the pairing report, the citations read from a catalogue, and the summary
 * steps (niche parameters, station centroids, trends) against direct calls of `@odatis-vre/niche`.
 */
import Papa from 'papaparse';
import type { Catalog } from '@odatis-vre/harmonised';
import {
  environmentalPca,
  makeTable,
  mannKendall,
  nicheParameters,
  omiAnalysis,
  omiPermutationTest,
  sensSlope,
  speciesResponses,
  witomi
} from '@odatis-vre/niche';
import {
  citationsOf,
  citationTable,
  dataStatement,
  fillParameters,
  nicheCentroidTable,
  nicheParameterRows,
  pairingReport,
  pairSamples,
  parseParameters,
  readParameters,
  renderParameters,
  sampleFactor,
  stationCentroids,
  subnicheCentroidTable,
  tableOutput,
  templateById,
  toCsv,
  transformAbundance,
  trendOf,
  type NotebookContent
} from '../src';
import { count, harmonisedTable, hydro, Y2020 } from './rows';

/** The CSV behind a table's download link. */
function downloaded(html: string): string {
  const href = /href="data:text\/csv;charset=utf-8,([^"]*)"/.exec(html);
  expect(href).not.toBeNull();
  return decodeURIComponent(href![1]);
}

describe('the parameters cell', () => {
  const spec = templateById('witomi')!;

  test('is one commented const per parameter, and reads back exactly', () => {
    const text = renderParameters(spec, {
      sites: ["o'hare", 'b'],
      grouping: { periods: [[2000, 2009]] }
    });
    expect(text.split('\n').filter(l => l.startsWith('const '))).toHaveLength(
      spec.parameters.length
    );
    expect(text).toContain('const sites = ["o\'hare","b"];');
    const values = parseParameters(text);
    expect(values.sites).toEqual(["o'hare", 'b']);
    expect(values.grouping).toEqual({ periods: [[2000, 2009]] });
    expect(values.permutations).toBe(spec.defaults.permutations);
  });

  test('a value that is not JSON is an error naming its line', () => {
    expect(() =>
      parseParameters('// x\nconst years = [2000, 2010];\nconst seed = Math.random();')
    ).toThrow(/line 3 of the parameters cell: the value of seed is not JSON/);
    expect(() => parseParameters('years = 3')).toThrow(
      /line 1 of the parameters cell is not an assignment/
    );
  });

  test('filling a copy writes the cell, clears outputs, keeps everything else', () => {
    const notebook: NotebookContent = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: 'neo' } },
      cells: [
        { cell_type: 'markdown', source: '# Title', metadata: {} },
        {
          cell_type: 'code',
          source: 'old',
          metadata: { tags: ['parameters'] },
          outputs: [{}],
          execution_count: 3
        },
        {
          cell_type: 'code',
          source: ['a', 'b'],
          metadata: {},
          outputs: [{ x: 1 }],
          execution_count: 4
        }
      ]
    };
    const filled = fillParameters(notebook, spec, { seed: 42 });
    expect(filled.cells[1].source).toBe(renderParameters(spec, { seed: 42 }));
    expect(filled.cells[2]).toEqual({
      cell_type: 'code',
      source: ['a', 'b'],
      metadata: {},
      outputs: [],
      execution_count: null
    });
    expect(filled.metadata).toEqual(notebook.metadata);
    expect(notebook.cells[1].source).toBe('old');
    expect(readParameters(filled, spec).seed).toBe(42);
    expect(() => fillParameters({ ...notebook, cells: [notebook.cells[0]] }, spec, {})).toThrow(
      /exactly one code cell tagged "parameters".*found none/
    );
  });
});

test('a table: every row in HTML, the CSV at full precision behind its download link', () => {
  const rows = [
    { taxon: 'Alpha "a"', OMI: 1 / 3, n: 12, note: null },
    { taxon: 'Beta, b', OMI: 2e-7, n: 3, note: 'x' }
  ];
  const bundle = tableOutput(rows, { title: 'T', filename: 'niche' });
  expect(bundle['text/html']).toContain('<td class="neo-workshop-number">0.3333</td>');
  expect(bundle['text/html']).toContain('download="niche.csv"');
  expect(downloaded(bundle['text/html'])).toBe(toCsv(rows));
  const parsed = Papa.parse<Record<string, string>>(toCsv(rows), { header: true }).data;
  expect(Number(parsed[0].OMI)).toBe(1 / 3);
  expect(parsed[1].taxon).toBe('Beta, b');
  expect(parsed[0].note).toBe('');
  expect(bundle['text/plain']).toContain('2 rows; CSV: niche.csv');
});

describe('on a small paired dataset', () => {
  const rows = [];
  for (let k = 0; k < 40; k++) {
    const day = Y2020 + 9 * k;
    const t = 8 + 10 * Math.abs(Math.sin(k / 6));
    rows.push(
      ...hydro(day, { TEMP: t, PSAL: 33 + (k % 5) / 2 }),
      count(day, 'Warm', Math.round(10 * t * t)),
      count(day, 'Cold', Math.round(3000 / t)),
      ...(k % 3 === 0 ? [count(day, 'Middle', 50 + k)] : []),
      ...hydro(day, { TEMP: t + 1, PSAL: 30 }, { site: 'site-b' }),
      count(day, 'Warm', Math.round(12 * t * t), { site: 'site-b' }),
      count(day, 'Cold', Math.round(2000 / t), { site: 'site-b' })
    );
  }
  const table = harmonisedTable(rows);
  const pairing = pairSamples(table, {
    abundance: { parameter: 'cell_abundance', unit: 'cells/L' },
    environment: ['TEMP', 'PSAL']
  });
  const catalog: Catalog = {
    catalogVersion: 1,
    schemaVersion: '1',
    generated: '2026-11-30T00:00:00.000Z',
    columns: [],
    rowCount: table.numRows,
    timeSpan: null,
    datasets: [
      {
        id: 'PHYTO-test',
        sno: 'BIO',
        title: 'Test counts',
        doi: '10.1234/x',
        licence: 'CC-BY-4.0',
        citation: 'Test counts, 2026',
        sourceFiles: [],
        rowCount: 1,
        timeSpan: null,
        sites: []
      }
    ],
    sites: [],
    parameters: [],
    taxa: [],
    parquetFiles: [],
    arrowFile: null
  };

  test('niche parameter rows are niche.param sorted by OMI, with the p-values', () => {
    const y = transformAbundance(pairing.abundance, 'log1p');
    expect(y.values[0]).toBe(Math.log1p(pairing.abundance.values[0]));
    const omi = omiAnalysis(environmentalPca(pairing.environment, { nf: 2 }), y);
    const params = nicheParameters(omi);
    const test = omiPermutationTest(omi, { permutations: 99, seed: 3 });
    const out = nicheParameterRows(params, test, y);
    expect(out.map(r => r.OMI)).toEqual([...params.omi].sort((a, b) => b - a));
    for (const r of out) {
      const j = params.species.indexOf(String(r.taxon));
      expect(r.inertia).toBe(params.inertia[j]);
      expect(r['omi %']).toBe(100 * params.omiShare[j]);
      expect(r['p-value']).toBe(test.pValue[test.names.indexOf(String(r.taxon))]);
    }
    expect(out.find(r => r.taxon === 'Middle')!.occurrences).toBe(14);
  });

  test('niche and subniche centroids: each taxon’s count-weighted mean of the variables, in their units', () => {
    const omi = omiAnalysis(environmentalPca(pairing.environment, { nf: 2 }), pairing.abundance);
    const factor = sampleFactor(pairing.samples, 'site');
    const wit = witomi(omi, factor.labels, { levels: factor.levels });
    const units = ['°C', null];
    const niche = Papa.parse<Record<string, string | number>>(
      downloaded(String(nicheCentroidTable(omi, { units })['text/html'])).trim(),
      { header: true, dynamicTyping: true }
    ).data;
    expect(Object.keys(niche[0])).toEqual(['taxon', 'mean TEMP (°C)', 'mean PSAL']);
    // the standardised centroids (ade4's tab) in the units: WitOMI's raw-unit means Pᵀ E, and by hand
    const n = pairing.abundance.nRows;
    niche.forEach((r, j) => {
      const taxon = String(r.taxon);
      expect(taxon).toBe(omi.species[j]);
      const w = pairing.abundance.values.subarray(j * n, (j + 1) * n);
      const total = w.reduce((a, b) => a + b, 0);
      ['TEMP', 'PSAL'].forEach((v, k) => {
        const byHand =
          w.reduce((a, wi, i) => a + wi * pairing.environment.values[k * n + i], 0) / total;
        const got = Number(r[k === 0 ? 'mean TEMP (°C)' : 'mean PSAL']);
        expect(got).toBeCloseTo(byHand, 10);
        expect(got).toBeCloseTo(wit.speciesMeanEnvironment.values[k * omi.species.length + j], 10);
      });
    });
    const sub = Papa.parse<Record<string, string | number>>(
      downloaded(
        String(subnicheCentroidTable(wit, { units, taxa: ['Warm', 'Cold'] })['text/html'])
      ).trim(),
      { header: true, dynamicTyping: true }
    ).data;
    // one row per significant taxon and subset; Middle is at site-a only
    expect(sub.map(r => `${r.taxon} ${r.subset}`).sort()).toEqual([
      'Cold site-a',
      'Cold site-b',
      'Warm site-a',
      'Warm site-b'
    ]);
    const warmB = sub.find(r => r.taxon === 'Warm' && r.subset === 'site-b')!;
    const rowsB = pairing.samples.siteId.flatMap((s, i) => (s === 'site-b' ? [i] : []));
    const j = pairing.abundance.colNames.indexOf('Warm');
    const w = rowsB.map(i => pairing.abundance.values[j * n + i]);
    const byHand =
      rowsB.reduce((a, i, q) => a + w[q] * pairing.environment.values[i], 0) /
      w.reduce((a, b) => a + b, 0);
    expect(Number(warmB['mean TEMP (°C)'])).toBeCloseTo(byHand, 10);
  });

  test('station centroids are the weighted means and SDs of each station’s samples', () => {
    const { points, stations } = stationCentroids(pairing.abundance, pairing, 'TEMP', 5);
    expect(stations.map(s => s.siteId)).toEqual(['site-a', 'site-b']);
    const rowsB = pairing.samples.siteId.flatMap((s, i) => (s === 'site-b' ? [i] : []));
    const pick = (t: typeof pairing.abundance, j: number) =>
      makeTable(
        Float64Array.from(rowsB, i => t.values[j * t.nRows + i]),
        rowsB.length,
        1,
        rowsB.map(String),
        [t.colNames[j]]
      );
    const direct = speciesResponses(
      pick(pairing.abundance, pairing.abundance.colNames.indexOf('Warm')),
      pick(pairing.environment, 0)
    );
    const warmB = points.find(p => p.siteId === 'site-b' && p.taxon === 'Warm')!;
    expect(warmB.centroid).toBe(direct.mean[0]);
    expect(warmB.breadth).toBe(direct.sd[0]);
    expect(points.some(p => p.siteId === 'site-b' && p.taxon === 'Middle')).toBe(false);
    expect(stations[1].mean).toBeCloseTo(
      rowsB.reduce((a, i) => a + pairing.environment.values[i], 0) / rowsB.length,
      12
    );
  });

  test('a trend is Mann–Kendall and Sen of the series', () => {
    const x = [2001, 2002, 2003, 2004, 2006, 2007];
    const y = [1, 1.4, 1.2, 2, 2.5, 2.2];
    const t = trendOf('s', x, y);
    expect(t.slope).toBe(sensSlope(y, x).slope);
    expect(t.pValue).toBe(mannKendall(y, x).pCorrected);
  });

  test('grouping factors', () => {
    const seasons = sampleFactor(pairing.samples, 'season');
    expect(seasons.levels).toEqual(['winter', 'spring', 'summer', 'autumn']);
    expect(seasons.labels[0]).toBe('winter');
    const periods = sampleFactor(pairing.samples, {
      periods: [
        [2020, 2020],
        [2021, 2022]
      ]
    });
    expect(periods.levels).toEqual(['2020']);
    expect(() => sampleFactor(pairing.samples, { periods: [[2021, 2022]] })).toThrow(
      /is in no period/
    );
    expect(sampleFactor(pairing.samples, 'site').levels).toEqual(['site-a', 'site-b']);
  });

  test('the report, the data statement and the citations', () => {
    const report = pairingReport(pairing);
    expect(report['text/plain']).toContain('80 samples paired of 80 biology samples (0 dropped)');
    const cites = citationsOf(catalog, ['PHYTO-test', 'HYDRO-test']);
    expect(cites).toEqual([
      expect.objectContaining({ dataset: 'HYDRO-test', inCatalogue: false, doi: null }),
      expect.objectContaining({
        dataset: 'PHYTO-test',
        doi: '10.1234/x',
        licence: 'CC-BY-4.0',
        synthetic: false
      })
    ]);
    const source = { folder: 'shared/test', source: 'harmonised', catalog };
    const csv = Papa.parse<Record<string, string>>(
      downloaded(citationTable(source, pairing)['text/html']),
      { header: true }
    ).data;
    expect(csv.map(r => [r.dataset, r.DOI, r.licence])).toEqual([
      ['HYDRO-test', 'not stated', 'unknown'],
      ['PHYTO-test', 'https://doi.org/10.1234/x', 'CC-BY-4.0']
    ]);
    expect(dataStatement(source, pairing)['text/plain']).toMatch(
      /^This notebook ran on real observations: the harmonised dataset shared\/test .* 2 stations \(site-a, site-b\), samples from 2020-01-01 to 2020-12-17/
    );
    const synthetic = {
      ...catalog,
      datasets: catalog.datasets.map(d => ({ ...d, id: 'HYDRO-test', sno: 'SYNTH' }))
    };
    expect(dataStatement({ ...source, catalog: synthetic }, pairing)['text/plain']).toMatch(
      /^SYNTHETIC DATA\. .*a mix of real observations and SYNTHETIC data/
    );
  });
});
