/**
 * Ground truth: the four NEO workshop templates run headless in node, cell by cell, on the NEO kernel core
 * (DuckDB-WASM in a worker thread) over the workshop's training set — `shared/synthetic/` as the build and the
 * staging write it (`scripts/training-set.js`: odatis-vre synth --seed 42) — and must find its known truth
 * (truth.json) again. Every number checked is one the notebook computed: the tables it outputs (the CSV of
 * their download links), checked by ./truth.ts — the same checks as the Chromium run of the templates through
 * the launch dialog (test/browser/templates.spec.ts) — and the kernel's variables; the truth side is read from
 * truth.json, never typed in.
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
import { sensSlope, spearman } from '@odatis-vre/niche';
import type { SynthTaxon } from '@odatis-vre/sno';
import {
  SYNTHETIC_HARMONISED,
  type Pairing,
  type StationCentroid,
  type TemplateValues
} from '@odatis-vre/workshop';
import { NodeSession, downloadedCsv, saveFigures } from './session';
import { readCsv } from './csv';
import { omiTruth, trendsTruth, witomiTruth } from './truth';

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

function taxonTruth(name: string): SynthTaxon {
  const t = session.truth.taxa.find(x => name.startsWith(x.name));
  if (!t) throw new Error(`${name} is no taxon of truth.json`);
  return t;
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
  console.log(`OMI p ${Array.from(test.pValue)}`);
  // the taxa's niche centroids (the table a scientist downloads) against the true optima (see the header)
  const found = omiTruth(downloadedCsv(runs, 'omi-niche-centroids.csv'), session.truth);
  console.log(found.measured.join('\n'));
  expect(found.failures).toEqual([]);
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
  const runs = await session.run('witomi', {
    ...SYNTHETIC,
    years: [1998, 2022],
    environment: ['TEMP', 'PSAL'],
    grouping: 'decade',
    permutations: 19
  });
  expect(session.variable<WitOmiResult>('wit').levels).toEqual([
    '1990s',
    '2000s',
    '2010s',
    '2020s'
  ]);
  // the decades warm, and within the full decades the subniche centroids rank as the optima
  const found = witomiTruth(
    downloadedCsv(runs, 'witomi-subsets.csv'),
    downloadedCsv(runs, 'witomi-subniche-centroids.csv'),
    session.truth,
    ['2000s', '2010s']
  );
  console.log(found.measured.join('\n'));
  expect(found.failures).toEqual([]);
}, 900_000);

test('Trends on the training set: the warming, its seasonal Kendall and the centroid shifts', async () => {
  const runs = await session.run('trends', {
    ...SYNTHETIC,
    years: [1998, 2022],
    environment: ['TEMP'],
    variable: 'TEMP'
  });
  const truth = session.truth;
  type Line = { name: string; slope: number };
  // the kernel's lines are those of the downloaded tables
  expect(session.variable<Line[]>('environmentTrends').length).toBe(truth.sites.length);
  expect(session.variable<Line[]>('shifts').length).toBe(truth.taxa.length);
  const found = trendsTruth(
    {
      environment: downloadedCsv(runs, 'environment-trends.csv'),
      seasonal: downloadedCsv(runs, 'environment-seasonal-kendall.csv'),
      shifts: downloadedCsv(runs, 'centroid-shifts.csv')
    },
    truth
  );
  console.log(found.measured.join('\n'));
  expect(found.failures).toEqual([]);
  expect(saveFigures('synthetic-trends', runs).length).toBe(2);
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
