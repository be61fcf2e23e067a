/**
 * The niche positions of the OMI template on its defaults — Gravelines 2013–2022, the shared data's real
 * PHYTOBS counts: 52 taxa — drawn by vega as JupyterLab's renderer draws them. At the workshop rehearsal their
 * labels lay over each other in a dark smear; now no label covers another, those without room are named under
 * the title, and long complex names are shortened, still told apart. The WitOMI template's subniches (its
 * defaults: 2000–2022 by decade, the significant taxa) are labelled the same way, panel by panel. The SVGs are
 * kept in test/artifacts/workshop-figures/ to look at (test/browser/templates.spec.ts measures the labels as
 * Chromium draws them).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import {
  environmentalPca,
  omiAnalysis,
  omiPermutationTest,
  witomi,
  type WitOmiResult
} from '@odatis-vre/niche';
import { convertFiles } from '@odatis-vre/sno/node';
import {
  nichePositions,
  pairSamples,
  sampleFactor,
  significantTaxa,
  subniches,
  templateById,
  transformAbundance,
  type Grouping,
  type VegaLiteSpec
} from '../src';
import { OUTPUT_WIDTH } from '../src/figures';
import { shortLabels, textWidth } from '../src/labels';
import { draw, drawnWidth } from './draw';

const GRAVELINES = path.resolve(__dirname, '../../../../shared/data/gravelines');

let dir: string;
let spec: VegaLiteSpec;
let taxa: string[];
/** The WitOMI template's subniches figure, and the taxa it shows in each subset. */
let subnicheSpec: VegaLiteSpec;
let subsetTaxa: string[][];
let wit: WitOmiResult;

beforeAll(async () => {
  if (!fs.existsSync(GRAVELINES)) {
    throw new Error(
      `The shared sample data is missing: expected ${GRAVELINES} (../shared beside the repository)`
    );
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-labels-'));
  const out = path.join(dir, 'gravelines');
  const report = await convertFiles(
    fs.readdirSync(GRAVELINES).map(f => path.join(GRAVELINES, f)),
    out
  );
  expect(report.totals.filesFailed).toBe(0);
  const table = tableFromIPC(fs.readFileSync(path.join(out, 'observations.arrow')));
  // a template's defaults, as its notebook pairs and analyses them
  const analyse = (id: string) => {
    const d = templateById(id)!.defaults;
    const paired = pairSamples(table, {
      abundance: d.abundance!,
      environment: d.environment!,
      sites: d.sites!,
      datasets: d.datasets!,
      years: d.years!,
      windowDays: d.windowDays!,
      depth: d.depthLayer,
      taxa: d.taxa!,
      minOccurrences: d.minOccurrences!
    });
    const pca = environmentalPca(paired.environment, { nf: paired.environment.nCols });
    const omi = omiAnalysis(pca, transformAbundance(paired.abundance, d.transform!), { nf: 2 });
    const test = omiPermutationTest(omi, { permutations: 99, seed: 1 });
    return { d, paired, omi, significant: significantTaxa(test, d.alpha) };
  };
  const o = analyse('omi');
  taxa = [...o.omi.li.rowNames];
  spec = nichePositions(o.omi, { significant: o.significant });
  const w = analyse('witomi');
  const factor = sampleFactor(w.paired.samples, w.d.grouping as Grouping);
  wit = witomi(w.omi, factor.labels, { levels: factor.levels });
  subnicheSpec = subniches(w.omi, wit, factor.labels, { taxa: w.significant });
  // a taxon has a subniche in a subset where it occurs
  const s = w.omi.li.nRows;
  subsetTaxa = wit.levels.map((_, k) =>
    w.significant.filter(t => {
      const j = w.omi.li.rowNames.indexOf(t);
      return Number.isFinite(wit.subnichePositions.values[k * s + j]);
    })
  );
}, 180_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const unescape = (s: string) =>
  s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'");

/**
 * The boxes of the labels drawn in the plot (text marks, each once: a label's white halo is drawn at its
 * place too), in the plot's pixels: from the alphabetic baseline vega writes, the line box of DejaVu Sans
 * (0.93 em up, 0.24 em down) and the text's width in that font.
 */
function labelBoxes(
  svg: string
): { text: string; x0: number; x1: number; y0: number; y1: number }[] {
  const boxes = [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].flatMap(m => {
    if (!m[1].includes('aria-roledescription="text mark"')) return [];
    const at = /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(m[1])!;
    const em = Number(/font-size="([\d.]+)px"/.exec(m[1])![1]);
    const text = unescape(m[2]);
    const [x, y] = [Number(at[1]), Number(at[2])];
    const width = textWidth(text, em, m[1].includes('font-weight="bold"'));
    const anchor = /text-anchor="(start|middle|end)"/.exec(m[1])?.[1] ?? 'start';
    const x0 = anchor === 'start' ? x : anchor === 'end' ? x - width : x - width / 2;
    return [{ text, x0, x1: x0 + width, y0: y - 0.93 * em, y1: y + 0.24 * em }];
  });
  return boxes.filter(
    (b, i) => boxes.findIndex(c => c.text === b.text && c.x0 === b.x0 && c.y0 === b.y0) === i
  );
}

test('52 taxa of Gravelines: no label over another, the others named under the title', async () => {
  // the rehearsal's case: the template's defaults give 52 taxa
  expect(taxa).toHaveLength(52);
  const svg = await draw('niche-positions-gravelines-52-taxa', spec);
  // the plot grown for room to name them still fits a notebook's output area, its legend in
  expect(await drawnWidth(spec)).toBeLessThanOrEqual(OUTPUT_WIDTH);
  const boxes = labelBoxes(svg);
  const overlaps = boxes.flatMap((a, i) =>
    boxes
      .slice(i + 1)
      .filter(b => !(a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0))
      .map(b => `${a.text} over ${b.text}`)
  );
  expect(overlaps).toEqual([]);
  // every label inside the plot
  const { width, height } = spec as { width: number; height: number };
  for (const b of boxes) {
    expect(b.x0).toBeGreaterThanOrEqual(0);
    expect(b.x1).toBeLessThanOrEqual(width);
    expect(b.y0).toBeGreaterThanOrEqual(-1);
    expect(b.y1).toBeLessThanOrEqual(height + 1);
  }

  // each taxon is either labelled in the plot or named in the subtitle, never both, by its short name
  const short = shortLabels(taxa);
  expect(new Set(short).size).toBe(52);
  const labelled = boxes.map(b => b.text).filter(t => short.includes(t));
  const title = spec.title as { text: string; subtitle: string[] };
  const [count, ...lines] = title.subtitle;
  const listed = lines
    .join(' ')
    .split(/;\s*/)
    .map(s => s.trim());
  expect(count).toBe(
    `${listed.length} of 52 taxa not labelled for lack of room (their points give their names on hover):`
  );
  expect([...labelled, ...listed].sort()).toEqual([...short].sort());
  // most of them are named in the plot itself, the variables too
  expect(labelled.length).toBeGreaterThan(26);
  for (const v of ['TEMP', 'PSAL', 'NO3', 'NH4']) expect(boxes.map(b => b.text)).toContain(v);
  // the subtitle's lines fit the plot's width
  for (const line of title.subtitle) expect(textWidth(line, 11)).toBeLessThanOrEqual(width);
});

test('WitOMI subniches of Gravelines by decade: no label over another, the others named under their panel', async () => {
  expect(wit.levels).toEqual(['2000s', '2010s', '2020s']);
  const svg = await draw('subniches-gravelines-by-decade', subnicheSpec);
  // the figure fits a notebook's output area: two panels a row, the third below (three were 1,150 px wide)
  expect(subnicheSpec.columns).toBe(2);
  expect(await drawnWidth(subnicheSpec)).toBeLessThanOrEqual(OUTPUT_WIDTH);
  // the panels' marks, each in its group (their positions are the group's)
  const groups = svg.split(/class="mark-group role-scope concat_\d+_group"/).slice(1);
  expect(groups).toHaveLength(3);
  const panels = (subnicheSpec as { concat: { title: { subtitle?: string[] } }[] }).concat;
  const frame = panels[0] as unknown as { width: number; height: number };
  groups.forEach((group, k) => {
    const boxes = labelBoxes(group);
    const overlaps = boxes.flatMap((a, i) =>
      boxes
        .slice(i + 1)
        .filter(b => !(a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0))
        .map(b => `${wit.levels[k]}: ${a.text} over ${b.text}`)
    );
    expect(overlaps).toEqual([]);
    for (const b of boxes) {
      expect(b.x0).toBeGreaterThanOrEqual(0);
      expect(b.x1).toBeLessThanOrEqual(frame.width);
      expect(b.y0).toBeGreaterThanOrEqual(-1);
      expect(b.y1).toBeLessThanOrEqual(frame.height + 1);
    }
    // each taxon of the subset labelled in its panel or named under its title, never both
    const short = shortLabels(subsetTaxa[k]);
    const labelled = boxes.map(b => b.text);
    // the subtitle: a sentence (broken to the panel's width), then the names
    const [sentence, names = ''] = (panels[k].title.subtitle ?? [])
      .join(' ')
      .split(/(?<=on hover\):) /);
    const listed = names
      .split(/;\s*/)
      .map(n => n.trim())
      .filter(n => n);
    expect(sentence).toBe(
      `${listed.length} of ${short.length} taxa not labelled for lack of room (their points give their names on hover):`
    );
    expect([...labelled].sort()).toEqual(short.filter(n => !listed.includes(n)).sort());
    expect([...labelled, ...listed].sort()).toEqual([...short].sort());
    // a good share in the plot itself, those moved out on their leader lines
    expect(labelled.length).toBeGreaterThan(10);
    expect(group).toMatch(
      /<line[^>]*aria-roledescription="rule mark"[^>]*stroke="#555" stroke-width="1.2"/
    );
    // the subtitle's lines fit the panel's width
    for (const line of panels[k].title.subtitle ?? [])
      expect(textWidth(line, 11)).toBeLessThanOrEqual(frame.width);
  });
  // the taxa of each subset give their whole names on hover, on their points and on their labels
  for (const t of subsetTaxa.flat()) expect(svg).toContain(`taxon: ${t.replace(/&/g, '&amp;')}`);
});

test('short labels: cut after a whole word, told apart, whole when short', () => {
  expect(
    shortLabels([
      'Pseudo-nitzschia, complexe delicatissima, groupe des fines (calliantha + delicatissima)',
      'Pseudo-nitzschia, complexe seriata, groupe des effilees (multiseries + pungens)',
      'Cylindrotheca closterium',
      'Cylindrotheca closterium + Nitzschia longissima',
      'Chaetoceros curvisetus + debilis + pseudocurvisetus',
      'Skeletonema costatum'
    ])
  ).toEqual([
    'Pseudo-nitzschia, complexe delicatissima…',
    'Pseudo-nitzschia, complexe seriata…',
    'Cylindrotheca closterium',
    'Cylindrotheca closterium + Nitzschia…',
    'Chaetoceros curvisetus + debilis…',
    'Skeletonema costatum'
  ]);
});
