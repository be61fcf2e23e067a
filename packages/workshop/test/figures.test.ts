/**
 * The figures on ade4's doubs data (the reference case of the niche library): each Vega-Lite spec is compiled by
 * vega-lite and drawn to SVG by vega, the versions JupyterLab's renderer uses, and must show what its reference
 * plot shows: the variables and the unit circle, the taxa by name, the observed value among the simulations,
 * the subsets and their origins, the slopes. The SVGs are kept in test/artifacts/workshop-figures/ to look at.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Papa from 'papaparse';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import {
  environmentalPca,
  omiAnalysis,
  omiPermutationTest,
  tableFromRows,
  witomi,
  type DataTable
} from '@odatis-vre/niche';
import {
  centroidLatitude,
  convexHull,
  correlationCircle,
  eigenvalues,
  formatNumber,
  nichePositions,
  permutationHistogram,
  significantTaxa,
  subniches,
  subsetOrigins,
  trendLines,
  trendOf,
  type VegaLiteSpec
} from '../src';
import { equalScaleFrame, placedLabelLayers } from '../src/labels';
import { OUTPUT_WIDTH } from '../src/figures';
import { draw, drawnWidth, keep } from './draw';

const DOUBS = path.resolve(__dirname, '../../../../shared/reference/niche/doubs');

function table(file: string): DataTable {
  const rows = Papa.parse<string[]>(fs.readFileSync(path.join(DOUBS, file), 'utf8'), {
    skipEmptyLines: true
  }).data;
  return tableFromRows(
    rows.slice(1).map(r => r.slice(1).map(Number)),
    rows[0].slice(1),
    rows.slice(1).map(r => r[0])
  );
}

const env = table('input_env.csv');
const fish = table('input_Y_used.csv');
const factor = Papa.parse<string[]>(fs.readFileSync(path.join(DOUBS, 'input_factor.csv'), 'utf8'), {
  skipEmptyLines: true
})
  .data.slice(1)
  .map(r => (r[1] === '1' ? 'upstream' : 'downstream'));
const pca = environmentalPca(env, { nf: env.nCols });
const omi = omiAnalysis(pca, fish, { nf: 2 });
const rtest = omiPermutationTest(omi, { permutations: 199, seed: 1 });

/** Text drawn in the SVG (labels, titles, axis ticks). */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(m =>
    m[1].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  );
}

/**
 * The boxes of the SVG's texts of a role (e.g. "text mark": not axis or legend labels), in the coordinates of
 * their group: position from their translate (vega writes the alphabetic baseline there), width from the font
 * size (0.6 em a character, as the label placement assumes), height 1 em.
 */
function textBoxes(
  svg: string,
  role: string
): { text: string; x0: number; x1: number; y0: number; y1: number }[] {
  return [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].flatMap(m => {
    if (!m[1].includes(`aria-roledescription="${role}"`)) return [];
    const at = /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(m[1]);
    const size = /font-size="([\d.]+)px"/.exec(m[1]);
    if (!at || !size) return [];
    const [x, y, em] = [Number(at[1]), Number(at[2]), Number(size[1])];
    const width = 0.6 * em * m[2].length;
    const anchor = /text-anchor="(start|middle|end)"/.exec(m[1])?.[1] ?? 'start';
    const x0 = anchor === 'start' ? x : anchor === 'end' ? x - width : x - width / 2;
    return [{ text: m[2], x0, x1: x0 + width, y0: y - 0.8 * em, y1: y + 0.2 * em }];
  });
}

/** The labels of each horizontal axis (their text, x position and opacity), by axis. */
function xAxisLabels(svg: string): { text: string; x: number; opacity: number }[][] {
  return [...svg.matchAll(/role-axis-label"[^>]*>((?:<text[^>]*>[^<]*<\/text>)+)/g)]
    .map(group =>
      [
        ...group[1].matchAll(/translate\(([-\d.e]+),([-\d.e]+)\)[^>]*opacity="([\d.]+)">([^<]*)</g)
      ].map(m => ({ x: Number(m[1]), y: Number(m[2]), opacity: Number(m[3]), text: m[4] }))
    )
    .filter(labels => labels.length > 1 && labels.every(l => l.y === labels[0].y));
}

test('correlation circle: every variable labelled, the unit circle, axes with their share of inertia', async () => {
  const svg = await draw('correlation-circle', correlationCircle(pca));
  const t = texts(svg);
  for (const v of env.colNames) expect(t).toContain(v);
  const share = (100 * pca.eig[0]) / pca.eig.reduce((a, b) => a + b, 0);
  expect(t).toContain(`PC 1 (${share.toFixed(1)} %)`);
  // The arrows end on or inside the circle: |co| ≤ 1 for a correlation.
  for (let j = 0; j < pca.co.nRows; j++) {
    expect(Math.hypot(pca.co.values[j], pca.co.values[pca.co.nRows + j])).toBeLessThanOrEqual(
      1 + 1e-12
    );
  }
});

test('niche positions: every taxon labelled, significant ones apart, the variables as arrows', async () => {
  const significant = significantTaxa(rtest, 0.05);
  expect(significant.length).toBeGreaterThan(0);
  const spec = nichePositions(omi, { significant });
  const svg = await draw('niche-positions', spec);
  const t = texts(svg);
  for (const taxon of fish.colNames) expect(t).toContain(taxon);
  for (const v of env.colNames) expect(t).toContain(v);
  expect(t).toEqual(expect.arrayContaining(['significant OMI', 'OMI not significant']));
  const eig = await draw('eigenvalues', eigenvalues(omi));
  expect(texts(eig)).toContain('Eigenvalues');
});

test('permutation histogram: the simulations and the observed value with its p-value', async () => {
  const j = rtest.names.indexOf('OMI.mean');
  const svg = await draw('permutation-histogram', permutationHistogram(rtest));
  const label = texts(svg).find(s => s.startsWith('observed'));
  expect(label).toBe(
    `observed ${Number(rtest.observed[j].toPrecision(4))}, p = ${Number(rtest.pValue[j].toPrecision(4))}`
  );
  const several = await draw(
    'permutation-histogram-taxa',
    permutationHistogram(rtest, { names: ['Satr', 'Thth', 'Baba'] })
  );
  expect(texts(several)).toEqual(expect.arrayContaining(['Satr', 'Thth', 'Baba']));
  // three panels were 1,000 px wide: two a row fit a notebook's output area
  expect(
    await drawnWidth(permutationHistogram(rtest, { names: ['Satr', 'Thth', 'Baba'] }))
  ).toBeLessThanOrEqual(OUTPUT_WIDTH);
  // the x-axis labels of every panel are round values, each drawn, none over its neighbour
  expect(xAxisLabels(svg)).toHaveLength(1);
  expect(xAxisLabels(several)).toHaveLength(3);
  for (const drawn of [svg, several]) {
    for (const axis of xAxisLabels(drawn)) {
      expect(axis.length).toBeGreaterThanOrEqual(3);
      axis.forEach((label, k) => {
        expect(label.opacity).toBe(1);
        if (k === 0) return;
        const previous = axis[k - 1];
        // 11 px sans-serif: a character is at most ~7 px wide
        const room = ((previous.text.length + label.text.length) / 2) * 7;
        expect(label.x - previous.x).toBeGreaterThan(room);
      });
    }
  }
  expect(() => permutationHistogram(rtest, { names: ['Nessie'] })).toThrow(/has no "Nessie"/);
});

test('WitOMI: subset polygons with their origins G_K, and the subniches of each subset', async () => {
  const wit = witomi(omi, factor, { levels: ['upstream', 'downstream'] });
  const svg = await draw('subset-origins', subsetOrigins(omi, wit, factor));
  expect(texts(svg)).toEqual(expect.arrayContaining(['upstream', 'downstream', 'G']));
  const panels = await draw(
    'subniches',
    subniches(omi, wit, factor, { taxa: ['Satr', 'Baba', 'Lele'] })
  );
  const t = texts(panels);
  expect(t).toEqual(
    expect.arrayContaining(['upstream (15 samples)', 'downstream (15 samples)', 'Satr', 'Baba'])
  );
  // Satr (brown trout) has a subniche in both subsets: labelled once in each panel, each label drawn over
  // its white halo.
  expect(t.filter(s => s === 'Satr')).toHaveLength(4);
});

test('labels of crowded points (short periods: G_K beside G) move out on leader lines, none over another', async () => {
  const frame = equalScaleFrame(
    [
      { x: -3, y: -3 },
      { x: 3, y: 3 }
    ],
    { width: 500, minHeight: 320, maxHeight: 600 }
  );
  // G and four G_K within 3 px of each other, as the training set's periods 1998–1999 … 2020–2022 fall
  const pixel = (frame.x[1] - frame.x[0]) / frame.width;
  const periods = ['1998–1999', '2000–2009', '2010–2019', '2020–2022'];
  const labels = [
    { x: 0, y: 0, text: 'G' },
    ...periods.map((text, k) => ({ x: pixel * (k - 1.5), y: pixel * (k % 2), text }))
  ];
  const plot = (leaders: boolean): VegaLiteSpec => ({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: frame.width,
    height: frame.height,
    encoding: {
      x: { type: 'quantitative', scale: { domain: frame.x, nice: false, zero: false } },
      y: { type: 'quantitative', scale: { domain: frame.y, nice: false, zero: false } }
    },
    layer: [
      {
        data: { values: labels },
        mark: { type: 'point', filled: true },
        encoding: { x: { field: 'x' }, y: { field: 'y' } }
      },
      ...placedLabelLayers(labels, frame, { fontSize: 13, leaders })
    ]
  });
  const overlaps = (svg: string): string[] => {
    // (with leaders, each label is drawn twice at one place: its white halo, then its text)
    const boxes = textBoxes(svg, 'text mark').filter(
      (b, i, all) => all.findIndex(c => c.text === b.text) === i
    );
    expect(boxes.map(b => b.text).sort()).toEqual(['G', ...periods].sort());
    return boxes.flatMap((a, i) =>
      boxes
        .slice(i + 1)
        .filter(b => !(a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0))
        .map(b => `${a.text} over ${b.text}`)
    );
  };
  // next to their points only (the placement before), they cover each other
  expect(overlaps(await draw('crowded-labels-without-leaders', plot(false)))).not.toEqual([]);
  const svg = await draw('crowded-labels', plot(true));
  expect(overlaps(svg)).toEqual([]);
  // each label moved out is joined to its point by a leader line
  const leaders = [
    ...svg.matchAll(/<line[^>]*aria-roledescription="rule mark"[^>]*stroke="#555"/g)
  ];
  expect(leaders.length).toBeGreaterThanOrEqual(2);

  // the WitOMI figure with its G_K that close to G: no label over another, the lines of those moved out in
  // their subsets' colours
  const factor4 = Array.from({ length: omi.ls.nRows }, (_, i) => periods[i % 4]);
  const wit = witomi(omi, factor4, { levels: periods });
  const near = { ...wit.subsetOrigins, values: wit.subsetOrigins.values.map(v => v * 0.01) };
  const figure = await draw(
    'subset-origins-crowded',
    subsetOrigins(omi, { ...wit, subsetOrigins: near }, factor4)
  );
  expect(overlaps(figure)).toEqual([]);
  expect(textBoxes(figure, 'text mark')).toHaveLength(2 * (periods.length + 1));
  // the subsets' legend is still there
  expect(figure).toContain("Symbol legend titled 'subset'");
  const lines = [
    ...figure.matchAll(
      /<line[^>]*aria-roledescription="rule mark"[^>]*stroke="([^"]+)" stroke-width="1.2"/g
    )
  ].map(m => m[1]);
  expect(lines.length).toBeGreaterThan(0);
  for (const stroke of lines)
    expect(['#4c78a8', '#f58518', '#e45756', '#72b7b2']).toContain(stroke);
});

test('twelve subsets or taxa get twelve colours (tableau10 gave the 11th and 12th the 1st and 2nd colours)', async () => {
  /** The colour each legend entry is drawn with, read from the drawn SVG's legend (label, then symbol). */
  const legendColours = async (name: string, figure: VegaLiteSpec) => {
    const compiled = compile(figure as never).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    await view.runAsync();
    const scale = view.scale('color') as ((level: string) => string) & { domain(): string[] };
    const colours = Object.fromEntries(scale.domain().map(level => [level, scale(level)]));
    const svg = await view.toSVG();
    view.finalize();
    keep(name, svg);
    // every colour of the scale is drawn in the figure (points, polygons, legend)
    for (const colour of Object.values(colours)) expect(svg).toContain(colour);
    return colours;
  };
  const stations = [
    'wimereux-point-c',
    'luc-sur-mer',
    'roscoff-astan',
    'dinard-bizeux',
    'brest-portzic',
    'la-rochelle-antioche',
    'gironde-pk86',
    'arcachon-eyrac',
    'villefranche-point-b',
    'sete',
    'marseille-frioul',
    'banyuls-sola'
  ];
  const factor12 = Array.from({ length: omi.ls.nRows }, (_, i) => stations[i % 12]);
  const wit = witomi(omi, factor12, { levels: stations });
  const bySubset = await legendColours('subset-origins-12', subsetOrigins(omi, wit, factor12));
  expect(Object.keys(bySubset)).toEqual(stations);
  expect(new Set(Object.values(bySubset)).size).toBe(12);
  // up to ten, Vega's own colours as before
  const four = stations.slice(0, 4);
  const factor4 = Array.from({ length: omi.ls.nRows }, (_, i) => four[i % 4]);
  const byFour = await legendColours(
    'subset-origins-4',
    subsetOrigins(omi, witomi(omi, factor4, { levels: four }), factor4)
  );
  expect(Object.values(byFour)).toEqual(['#4c78a8', '#f58518', '#e45756', '#72b7b2']);

  const taxa = Array.from({ length: 12 }, (_, k) => `Synthetica ${String.fromCharCode(97 + k)}`);
  const points = taxa.flatMap((taxon, k) => [
    { taxon, siteId: 's1', latitude: 50, centroid: 8 + k, breadth: 1 },
    { taxon, siteId: 's2', latitude: 43, centroid: 10 + k, breadth: 1 }
  ]);
  const byTaxon = await legendColours(
    'centroid-latitude-12',
    centroidLatitude(points, { variable: 'TEMP', unit: '°C' })
  );
  expect(Object.keys(byTaxon)).toEqual(taxa);
  expect(new Set(Object.values(byTaxon)).size).toBe(12);
});

test('convex hull: the polygon of the outermost points, counter-clockwise', () => {
  const square = [
    { x: 0, y: 0 },
    { x: 1, y: 0 },
    { x: 1, y: 1 },
    { x: 0, y: 1 },
    { x: 0.5, y: 0.5 },
    { x: 0.5, y: 0 }
  ];
  expect(convexHull(square)).toEqual([
    { x: 0, y: 0 },
    { x: 1, y: 0 },
    { x: 1, y: 1 },
    { x: 0, y: 1 }
  ]);
});

test('trend lines with their Sen slopes, and centroids against latitude', async () => {
  const years = Array.from({ length: 20 }, (_, i) => 2000 + i);
  const warming = trendOf(
    'TEMP',
    years,
    years.map((y, i) => 12 + 0.03 * (y - 2000) + 0.2 * Math.sin(i * 1.7))
  );
  expect(warming.slope).toBeGreaterThan(0.02);
  const svg = await draw(
    'trend-lines',
    trendLines([warming], { unit: '°C', per: 10, perLabel: 'per decade' })
  );
  expect(texts(svg)).toEqual(
    expect.arrayContaining([
      'TEMP:',
      `+${formatNumber(warming.slope * 10)} °C per decade (p = ${formatNumber(warming.pValue)})`
    ])
  );
  // the trends template's centroid shifts, one panel a taxon: the panels wrap to fit a notebook's output area
  const names = [
    'Leptocylindrus minimus',
    'Meuniera membranacea',
    'Nitzschia longissima',
    'Navicula'
  ];
  const shifts = names.map((name, k) =>
    trendOf(
      name,
      years,
      years.map((y, i) => 14 + 0.01 * k * (y - 2000) + Math.sin(i * (1.3 + k)))
    )
  );
  const panels = trendLines(shifts, { unit: 'degC', per: 10, perLabel: 'per decade' });
  expect(panels.columns).toBe(2);
  await draw('trend-lines-of-four-taxa', panels);
  expect(await drawnWidth(panels)).toBeLessThanOrEqual(OUTPUT_WIDTH);
  const lat = await draw(
    'centroid-latitude',
    centroidLatitude(
      [
        { taxon: 'A', siteId: 's1', latitude: 50, centroid: 12, breadth: 2 },
        { taxon: 'A', siteId: 's2', latitude: 43, centroid: 16, breadth: 2.5 },
        { taxon: 'B', siteId: 's1', latitude: 50, centroid: 9, breadth: 1 }
      ],
      {
        variable: 'TEMP',
        unit: '°C',
        stations: [
          { siteId: 's1', latitude: 50, mean: 11 },
          { siteId: 's2', latitude: 43, mean: 15 }
        ]
      }
    )
  );
  expect(texts(lat)).toEqual(expect.arrayContaining(['latitude (°N)', 'TEMP (°C)', 'A', 'B']));
});
