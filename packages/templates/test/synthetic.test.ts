/**
 * Ground truth: the four NEO workshop templates run headless in node, cell by cell, on the NEO kernel core
 * (DuckDB-WASM in a worker thread) over the workshop's training set — `shared/synthetic/` as the build and the
 * staging write it (`scripts/training-set.js`: odatis-vre synth --seed 42) — and must find its known truth
 * (truth.json) again. Every number checked is one the notebook computed (the kernel's variables), with the
 * workshop and niche functions it calls; the truth side is read from truth.json, never typed in.
 *
 * Tolerances (also in packages/templates/README.md), and why:
 * - Optima ordering: Spearman rank correlation between the taxa's positions along a variable and their true
 *   optima ≥ 0.9 for temperature (the eight temperature optima are 7–20 °C, 2–4 °C apart, wider than the
 *   counting noise moves a weighted mean: hundredths of a degree). For salinity, the extremes: the taxon with
 *   the lowest optimum (estuarine, 22 PSU) has the lowest position and the one with the highest (Mediterranean,
 *   37.8) the highest, and the rank correlation is positive. The six others' salinity optima lie within
 *   33.5–35 PSU, inside the stations' spread, so where they are counted is set by temperature (which station,
 *   which season), not by salinity: their salinity order is not identifiable (Spearman over all eight: 0.53).
 * - WitOMI by decade (1998–2022): the decades' mean temperature rises from each decade to the next (0.3 °C
 *   per decade in truth.json, far above the noise of a decade's mean), and within each full decade the taxa's
 *   subniche centroids along temperature rank as the optima (Spearman ≥ 0.9, as above).
 * - Warming: the Sen slope of each station's yearly mean temperature within 0.015 °C per year of the true
 *   0.03 (a missing summer or winter sample moves a yearly mean by up to amplitude / 24 ≈ 0.4 °C; over 25
 *   years the Sen slope's spread is about 0.005) and positive with Mann–Kendall p < 0.05; the seasonal
 *   Kendall's seasonal Sen slope within 0.01 (the month-by-month comparison removes the seasonal cycle).
 * - Niche-centroid shifts: each taxon's yearly temperature centroid rises (Sen slope > 0) — every taxon's
 *   optimum moves up or stays while the water warms — and the centroid slopes rank as the truth's
 *   shift + warming do (Spearman ≥ 0.6: taxa with wide tolerances follow the water more than their optimum).
 * - Latitude: the stations' mean temperature falls with latitude as truth.json's station climates do (Sen
 *   slope within 0.1 °C per °N of the same Sen slope over truth.json's meanT); every taxon's centroid falls
 *   less steeply than the water (its niche pulls it back to its optimum) and not the other way
 *   (slope between the stations' slope and 0.1 °C per °N); at each station the taxa's centroids rank as
 *   their optima (Spearman ≥ 0.8 where five taxa or more are found).
 */
import type {
  OmiPermutationTest,
  OmiResult,
  SensSlopeResult,
  WitOmiResult
} from '@odatis-vre/niche';
import { sensSlope } from '@odatis-vre/niche';
import type { SynthTaxon } from '@odatis-vre/sno';
import {
  SYNTHETIC_HARMONISED,
  type Pairing,
  type StationCentroid,
  type TemplateValues
} from '@odatis-vre/workshop';
import { NodeSession, downloadedCsv, saveFigures } from './session';
import { readCsv } from './csv';

const session = new NodeSession();
beforeAll(() => session.start(), 600_000);
afterAll(() => session.stop());

/** Every station of the training set, 2010–2019 unless a test says otherwise. */
const SYNTHETIC: Partial<TemplateValues> = {
  data: SYNTHETIC_HARMONISED,
  datasets: [],
  sites: [],
  years: [2010, 2019],
  taxa: [],
  minOccurrences: 50
};

/** Ranks with ties averaged. */
function ranks(x: readonly number[]): number[] {
  const order = x.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(x.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

function spearman(a: readonly number[], b: readonly number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const m = (ra.length + 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  ra.forEach((v, i) => {
    num += (v - m) * (rb[i] - m);
    da += (v - m) ** 2;
    db += (rb[i] - m) ** 2;
  });
  return num / Math.sqrt(da * db);
}

function taxonTruth(name: string): SynthTaxon {
  const t = session.truth.taxa.find(x => name.startsWith(x.name));
  if (!t) throw new Error(`${name} is no taxon of truth.json`);
  return t;
}

/** A taxon's column of a species × variables table. */
function columnOf(
  table: { values: ArrayLike<number>; nRows: number; colNames: readonly string[] },
  v: string
) {
  const j = table.colNames.indexOf(v);
  return Array.from({ length: table.nRows }, (_, i) => table.values[j * table.nRows + i]);
}

test('Community niche (OMI) on the training set: the taxa’s positions rank as their true optima', async () => {
  const runs = await session.run('omi', {
    ...SYNTHETIC,
    environment: ['TEMP', 'PSAL'],
    permutations: 99
  });
  const omi = session.variable<OmiResult>('omi');
  const test = session.variable<OmiPermutationTest>('test');
  const paired = session.variable<Pairing>('paired');
  expect(new Set(paired.samples.siteId).size).toBe(session.truth.sites.length);
  expect(omi.species.length).toBe(session.truth.taxa.length);
  // every taxon has a niche (marginality p ≤ 0.05 with 99 permutations: the smallest p is 0.01)
  expect(session.variable<string[]>('significant')).toEqual(omi.species);
  // positions: each taxon's mean standardised TEMP and PSAL over its samples (the rows of omi.tab)
  const truth = omi.species.map(taxonTruth);
  const rhoT = spearman(
    columnOf(omi.tab, 'TEMP'),
    truth.map(t => t.optimumT2010)
  );
  const rhoS = spearman(
    columnOf(omi.tab, 'PSAL'),
    truth.map(t => t.optimumS)
  );
  console.log(
    `OMI positions vs truth: Spearman TEMP ${rhoT}, PSAL ${rhoS}; p ${Array.from(test.pValue)}`
  );
  expect(rhoT).toBeGreaterThanOrEqual(0.9);
  // salinity: the estuarine taxon lowest, the Mediterranean one highest (see the header)
  const psal = columnOf(omi.tab, 'PSAL');
  const byOptimum = truth.map((t, i) => [t.optimumS, i] as const).sort((a, b) => a[0] - b[0]);
  const byPosition = psal.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  expect(byPosition[0][1]).toBe(byOptimum[0][1]);
  expect(byPosition[psal.length - 1][1]).toBe(byOptimum[psal.length - 1][1]);
  expect(rhoS).toBeGreaterThan(0);
  expect(saveFigures('synthetic-omi', runs).length).toBe(4);
  // the outputs say the data are synthetic and cite them as such
  const text = JSON.stringify(runs.flatMap(r => r.outputs));
  expect(text).toContain('SYNTHETIC DATA');
  const citations = readCsv(downloadedCsv(runs, 'citations.csv'), 'dataset', true);
  expect(citations.text('synthetic').every(s => s === 'yes')).toBe(true);
  expect(citations.text('DOI').every(s => s === 'none (synthetic)')).toBe(true);
  expect(citations.text('citation')[0]).toContain('odatis-vre synth --seed 42');
}, 900_000);

test('WitOMI by decade on the training set: the decades warm and the subniches follow', async () => {
  await session.run('witomi', {
    ...SYNTHETIC,
    years: [1998, 2022],
    environment: ['TEMP', 'PSAL'],
    grouping: 'decade',
    permutations: 19
  });
  const wit = session.variable<WitOmiResult>('wit');
  const omi = session.variable<OmiResult>('omi');
  expect(wit.levels).toEqual(['1990s', '2000s', '2010s', '2020s']);
  const tempOf = (row: string) => {
    const env = wit.meanEnvironment;
    const i = env.rowNames.indexOf(row);
    return env.values[env.colNames.indexOf('TEMP') * env.nRows + i];
  };
  const decades = wit.levels.map(l => tempOf(`mean_K${l}`));
  console.log(`WitOMI decades' mean TEMP ${decades}`);
  // the subsets' mean temperature rises decade after decade (0.3 °C per decade in truth.json)
  for (let k = 1; k < decades.length; k++) expect(decades[k]).toBeGreaterThan(decades[k - 1]);
  // within the 2000s and the 2010s (full decades), the subniche centroids rank as the optima
  const sub = wit.subnicheMeanEnvironment;
  for (const level of ['2000s', '2010s']) {
    const rows = omi.species.map(s => sub.rowNames.indexOf(`${s}${level}`));
    expect(rows.every(i => i >= 0)).toBe(true);
    const t = rows.map(i => sub.values[sub.colNames.indexOf('TEMP') * sub.nRows + i]);
    const rho = spearman(
      t,
      omi.species.map(s => taxonTruth(s).optimumT2010)
    );
    console.log(`WitOMI ${level} subniche TEMP vs optima: Spearman ${rho}`);
    expect(rho).toBeGreaterThanOrEqual(0.9);
  }
}, 900_000);

test('Trends on the training set: the warming, its seasonal Kendall and the centroid shifts', async () => {
  const runs = await session.run('trends', {
    ...SYNTHETIC,
    years: [1998, 2022],
    environment: ['TEMP'],
    variable: 'TEMP'
  });
  const truth = session.truth;
  type Line = { name: string; slope: number; pValue: number };
  const environment = session.variable<Line[]>('environmentTrends');
  expect(environment.length).toBe(truth.sites.length);
  for (const line of environment) {
    expect(Math.abs(line.slope - truth.warmingPerYear)).toBeLessThanOrEqual(0.015);
    expect(line.pValue).toBeLessThan(0.05);
  }
  const seasonal = readCsv(
    downloadedCsv(runs, 'environment-seasonal-kendall.csv'),
    'station',
    true
  );
  expect(seasonal.rows.length).toBe(truth.sites.length);
  const perDecade = seasonal.number('seasonal Sen slope per decade');
  console.log(`seasonal Sen slopes per decade ${perDecade}`);
  perDecade.forEach(s => expect(Math.abs(s / 10 - truth.warmingPerYear)).toBeLessThanOrEqual(0.01));
  seasonal.number('p-value').forEach(p => expect(p).toBeLessThan(0.05));

  expect(saveFigures('synthetic-trends', runs).length).toBe(2);
  const shifts = session.variable<Line[]>('shifts');
  expect(shifts.length).toBe(truth.taxa.length);
  shifts.forEach(s => expect(s.slope).toBeGreaterThan(0));
  const rho = spearman(
    shifts.map(s => s.slope),
    shifts.map(s => taxonTruth(s.name).shiftPerDecade / 10 + truth.warmingPerYear)
  );
  console.log(`centroid shifts ${shifts.map(s => `${s.name} ${s.slope * 10}`)}; Spearman ${rho}`);
  expect(rho).toBeGreaterThanOrEqual(0.6);
}, 900_000);

test('Latitudinal comparison (default parameters): the water cools northwards, the niches hold', async () => {
  const runs = await session.run('latitude', {});
  const truth = session.truth;
  const points = session.variable<StationCentroid[]>('points');
  const stations =
    session.variable<{ siteId: string; latitude: number; mean: number }[]>('stations');
  expect(stations.map(s => s.siteId).sort()).toEqual(truth.sites.map(s => s.siteId).sort());
  type Line = SensSlopeResult & { name: string };
  const gradients = session.variable<(Line & { slope: number })[]>('gradients');
  const water = gradients[0];
  expect(water.name).toBe("stations' mean TEMP");
  const trueWater = sensSlope(
    truth.sites.map(s => s.meanT),
    truth.sites.map(s => s.latitude)
  ).slope;
  console.log(
    `latitude: stations ${water.slope} (truth ${trueWater}); taxa ${gradients
      .slice(1)
      .map(g => `${g.name} ${g.slope}`)}`
  );
  expect(Math.abs(water.slope - trueWater)).toBeLessThanOrEqual(0.1);
  for (const g of gradients.slice(1)) {
    expect(g.slope).toBeGreaterThan(water.slope);
    expect(g.slope).toBeLessThan(0.1);
  }
  for (const station of stations) {
    const here = points.filter(p => p.siteId === station.siteId);
    if (here.length < 5) continue;
    const rho = spearman(
      here.map(p => p.centroid),
      here.map(p => taxonTruth(p.taxon).optimumT2010)
    );
    expect([station.siteId, rho >= 0.8]).toEqual([station.siteId, true]);
  }
  // the figure and the tables a scientist reads
  expect(saveFigures('synthetic-latitude', runs)).toEqual([
    'Niche centroids against latitude: TEMP',
    'Environmental PCA: correlation circle',
    'OMI: niche positions of the taxa',
    'WitOMI: the stations as subsets, and their origins G_K'
  ]);
  readCsv(downloadedCsv(runs, 'station-centroids.csv'), 'taxon', true);
  readCsv(downloadedCsv(runs, 'latitudinal-gradients.csv'), 'series', true);
  expect(JSON.stringify(runs.flatMap(r => r.outputs))).toContain('SYNTHETIC DATA');
}, 900_000);
