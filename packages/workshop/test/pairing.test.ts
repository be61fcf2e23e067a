/**
 * The pairing step on small tables written for the purpose: nearest date within the window, one date for all
 * variables or each its own, depth layers, units, quality, rare taxa, stations and datasets kept apart, and
 * every row accounted for.
 */
import { catalogueMessages, translateText, type MessageText } from '@odatis-vre/harmonised';
import { NicheInputError } from '@odatis-vre/niche';
import { pairSamples, WorkshopError, type Pairing, type RowCounts } from '../src';
import { BIOLOGY, count, harmonisedTable, hydro, Y2020, type TestRow } from './rows';

/** The French catalogue the VRE ships (scripts/messages.js reads it), as the page's translator applies it. */
const french = catalogueMessages(
  Object.fromEntries(
    Object.entries(
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../../../scripts/messages').readCatalogue('fr_FR') as Record<string, string[]>
    ).map(([msgid, forms]) => [msgid, forms[0]])
  )
);

const BASE = {
  abundance: { parameter: 'cell_abundance', unit: 'cells/L' },
  environment: ['TEMP', 'PSAL']
};

function cell(
  p: Pairing,
  table: 'abundance' | 'environment' | 'lags',
  row: number,
  col: string
): number {
  const t = p[table];
  const j = t.colNames.indexOf(col);
  if (j < 0) throw new Error(`no column ${col} in ${table}: ${t.colNames.join(', ')}`);
  return t.values[j * t.nRows + row];
}

function rowsAddUp(rows: RowCounts): void {
  const { read, ...buckets } = rows;
  expect(Object.values(buckets).reduce((a, b) => a + b, 0)).toBe(read);
}

test('a biology sample takes the hydrology of the nearest date within the window, the earlier on a tie', () => {
  const d = Y2020 + 40;
  const table = harmonisedTable([
    count(d, 'Alpha', 100),
    count(d, 'Beta', 50),
    ...hydro(d - 2, { TEMP: 10, PSAL: 33 }),
    ...hydro(d + 2, { TEMP: 12, PSAL: 34 }),
    ...hydro(d + 3, { TEMP: 14, PSAL: 35 }),
    // a second sample 20 days later: its nearest hydrology is 4 days away, beyond the window
    count(d + 20, 'Alpha', 10),
    ...hydro(d + 24, { TEMP: 20, PSAL: 30 })
  ]);
  const p = pairSamples(table, { ...BASE, windowDays: 3 });
  expect(p.samples.date).toEqual(['2020-02-10']);
  expect(cell(p, 'environment', 0, 'TEMP')).toBe(10);
  expect(cell(p, 'environment', 0, 'PSAL')).toBe(33);
  expect(cell(p, 'lags', 0, 'TEMP')).toBe(-2);
  expect(p.report.dropped).toEqual([
    {
      siteId: 'site-a',
      date: '2020-03-01',
      dataset: BIOLOGY,
      missing: ['TEMP', 'PSAL'],
      reason: 'no hydrology within ±3 days'
    }
  ]);
  // With a wider window the second sample pairs too.
  const wide = pairSamples(table, { ...BASE, windowDays: 4 });
  expect(wide.samples.date).toEqual(['2020-02-10', '2020-03-01']);
  expect(cell(wide, 'environment', 1, 'TEMP')).toBe(20);
  expect(wide.report.lags[0]).toEqual({
    variable: 'TEMP',
    sameDay: 0,
    otherDay: 2,
    maxAbs: 4,
    meanAbs: 3
  });
  rowsAddUp(p.report.rows);
});

test('one hydrology date for all variables (event), or the nearest date of each (variable)', () => {
  const d = Y2020 + 100;
  const table = harmonisedTable([
    count(d, 'Alpha', 5),
    ...hydro(d - 1, { TEMP: 11 }),
    ...hydro(d + 1, { PSAL: 34 }),
    ...hydro(d + 3, { TEMP: 13, PSAL: 35 })
  ]);
  const event = pairSamples(table, BASE);
  expect(cell(event, 'environment', 0, 'TEMP')).toBe(13);
  expect(cell(event, 'lags', 0, 'PSAL')).toBe(3);
  const variable = pairSamples(table, { ...BASE, match: 'variable' });
  expect(cell(variable, 'environment', 0, 'TEMP')).toBe(11);
  expect(cell(variable, 'environment', 0, 'PSAL')).toBe(34);
  expect([cell(variable, 'lags', 0, 'TEMP'), cell(variable, 'lags', 0, 'PSAL')]).toEqual([-1, 1]);
  // Within ±2 days each variable has a value, but not on a common date.
  expect(() => pairSamples(table, { ...BASE, windowDays: 2 })).toThrow(
    /no date within ±2 days with all of TEMP, PSAL/
  );
});

test('a sample missing a variable is dropped and listed with the variable it lacked', () => {
  const table = harmonisedTable([
    count(Y2020 + 1, 'Alpha', 1),
    ...hydro(Y2020 + 1, { TEMP: 9, PSAL: 33 }),
    count(Y2020 + 30, 'Alpha', 2),
    ...hydro(Y2020 + 30, { TEMP: 10 })
  ]);
  const p = pairSamples(table, BASE);
  expect(p.report.paired).toBe(1);
  expect(p.report.dropped).toEqual([
    expect.objectContaining({
      date: '2020-01-31',
      missing: ['PSAL'],
      reason: 'no PSAL within ±3 days'
    })
  ]);
  expect(p.report.sites).toEqual([
    expect.objectContaining({
      siteId: 'site-a',
      biologySamples: 2,
      paired: 1,
      dropped: 1,
      firstDate: '2020-01-02'
    })
  ]);
});

test('every row is accounted for: unit, quality, missing value, years, stations, datasets, parameters not asked', () => {
  const d = Y2020 + 10;
  const table = harmonisedTable([
    count(d, 'Alpha', 100),
    count(d, 'Alpha', 7, { parameter: 'cell_biovolume', unit: 'um3/L' }), // not the abundance parameter
    count(d, 'Beta', 100, { unit: 'cells/mL' }), // other unit
    count(d, 'Gamma', 100, { quality: 4 }), // bad flag
    count(d, 'Delta', NaN), // missing value
    count(d, 'Alpha', 3, { site: 'site-c' }), // other station
    count(d, 'Alpha', 3, { dataset: 'OTHER' }), // other dataset
    count(Y2020 - 400, 'Alpha', 1), // 2018: outside the years
    ...hydro(d, { TEMP: 10, PSAL: 33, CHLA: 2 }),
    ...hydro(d, { TEMP: 99 }, { quality: 3 }),
    ...hydro(Y2020 - 4, { TEMP: 1 }), // 2019-12-28: outside the years widened by the 3-day window
    ...hydro(Y2020 - 2, { TEMP: 1 }) // within the window of a 2020-01-01 sample: read
  ]);
  const p = pairSamples(table, {
    ...BASE,
    sites: ['site-a', 'site-b'],
    datasets: [BIOLOGY, 'HYDRO-test'],
    years: [2020, 2020]
  });
  expect(p.report.rows).toEqual({
    read: 14,
    biology: 1,
    environment: 3,
    notAsked: 2,
    otherTaxon: 0,
    otherDataset: 1,
    otherSite: 1,
    outsideYears: 2,
    otherUnit: 1,
    rejectedQuality: 2,
    missingValue: 1,
    outsideLayer: 0,
    unknownDepth: 0
  });
  rowsAddUp(p.report.rows);
  expect(p.abundance.colNames).toEqual(['Alpha']);
  expect(cell(p, 'environment', 0, 'TEMP')).toBe(10);
});

test('values in two units are never added: the unit must be chosen', () => {
  const table = harmonisedTable([
    count(Y2020, 'Alpha', 100),
    count(Y2020, 'Beta', 1, { unit: 'cells/mL' }),
    ...hydro(Y2020, { TEMP: 10, PSAL: 33 })
  ]);
  let error: WorkshopError | null = null;
  try {
    pairSamples(table, { ...BASE, abundance: { parameter: 'cell_abundance' } });
  } catch (e) {
    error = e as WorkshopError;
  }
  expect(error).toBeInstanceOf(WorkshopError);
  // One type for inputs a person can act on: the UI and the kernel catch both as NicheInputError.
  expect(error).toBeInstanceOf(NicheInputError);
  expect(error!.name).toBe('WorkshopError');
  expect(error!.code).toBe('mixed-units');
  expect(error!.found).toBe('2 units: cells/L (1 rows), cells/mL (1 rows)');
  expect(error!.message).toBe(
    'abundance "cell_abundance" has values in 2 units; choose one with { parameter, unit } ' +
      '(expected one unit for abundance "cell_abundance", found 2 units: cells/L (1 rows), cells/mL (1 rows))'
  );
  // Its sentence, what was expected and what was found are msgids: in French where it is shown.
  const inFrench = (text: MessageText | null) => translateText(text!, french);
  expect([
    inFrench(error!.text),
    inFrench(error!.expectedText),
    inFrench(error!.foundText)
  ]).toEqual([
    'l’abondance «\u00a0cell_abundance\u00a0» a des valeurs en 2 unités\u00a0; choisissez-en une avec { parameter, unit }',
    'une seule unité pour l’abondance «\u00a0cell_abundance\u00a0»',
    '2 unités\u00a0: cells/L (1 lignes), cells/mL (1 lignes)'
  ]);
  const chosen = pairSamples(table, {
    ...BASE,
    abundance: { parameter: 'cell_abundance', unit: 'cells/mL' }
  });
  expect(chosen.abundance.colNames).toEqual(['Beta']);
  expect(chosen.units).toEqual({ abundance: 'cells/mL', environment: ['degC', 'PSU'] });
  expect(chosen.report.rows.otherUnit).toBe(1);
});

test('depth layer: counts summed per depth then averaged over the depths, hydrology averaged, other depths counted', () => {
  const d = Y2020 + 5;
  const table = harmonisedTable([
    count(d, 'Alpha', 100, { depth: 0 }),
    count(d, 'Alpha', 40, { depth: 0 }), // a second size class at the same depth: summed
    count(d, 'Alpha', 60, { depth: 5 }),
    count(d, 'Beta', 30, { depth: 5 }),
    count(d, 'Alpha', 1000, { depth: 30 }), // below the layer
    ...hydro(d, { TEMP: 10, PSAL: 33 }, { depth: 0 }),
    ...hydro(d, { TEMP: 12, PSAL: 35 }, { depth: 5 }),
    ...hydro(d, { TEMP: 6, PSAL: 35 }, { depth: 30 }),
    count(d, 'Gamma', 8, { depth: null }),
    ...hydro(d, { TEMP: 100 }, { depth: null })
  ]);
  const keep = pairSamples(table, { ...BASE, depth: { min: 0, max: 10 } });
  expect(keep.report.rows.outsideLayer).toBe(3);
  expect(keep.report.multiDepthSamples).toBe(1);
  // depths 0, 5 and unknown: Alpha (140 + 60 + 0) / 3, Beta 30 / 3, Gamma 8 / 3
  expect(cell(keep, 'abundance', 0, 'Alpha')).toBeCloseTo(200 / 3, 12);
  expect(cell(keep, 'abundance', 0, 'Beta')).toBe(10);
  expect(cell(keep, 'environment', 0, 'TEMP')).toBeCloseTo((10 + 12 + 100) / 3, 12);
  expect(keep.samples.depth[0]).toBe(2.5);
  const drop = pairSamples(table, { ...BASE, depth: { min: 0, max: 10 }, unknownDepth: 'drop' });
  expect(drop.report.rows.unknownDepth).toBe(2);
  expect(cell(drop, 'abundance', 0, 'Alpha')).toBe(100);
  expect(cell(drop, 'environment', 0, 'TEMP')).toBe(11);
  expect(drop.abundance.colNames).toEqual(['Alpha', 'Beta']);
  rowsAddUp(drop.report.rows);
});

test('taxa below the minimum number of occurrences are left out and listed with their counts', () => {
  const rows: TestRow[] = [];
  for (let k = 0; k < 6; k++) {
    rows.push(
      count(Y2020 + 7 * k, 'Common', 10 + k),
      ...hydro(Y2020 + 7 * k, { TEMP: 8 + k, PSAL: 33 })
    );
    if (k < 2) rows.push(count(Y2020 + 7 * k, 'Rare', 5));
    if (k === 3) rows.push(count(Y2020 + 7 * k, 'Zero', 0));
  }
  const p = pairSamples(harmonisedTable(rows), { ...BASE, minOccurrences: 3 });
  expect(p.abundance.colNames).toEqual(['Common']);
  expect(p.report.taxa.rare).toEqual([
    { taxon: 'Rare', occurrences: 2 },
    { taxon: 'Zero', occurrences: 0 }
  ]);
  const chosen = pairSamples(harmonisedTable(rows), { ...BASE, taxa: ['Rare', 'Nowhere'] });
  expect(chosen.abundance.colNames).toEqual(['Rare']);
  expect(chosen.report.taxa.notFound).toEqual(['Nowhere']);
  expect(chosen.report.samplesWithoutKeptTaxa).toBe(4);
  expect(() => pairSamples(harmonisedTable(rows), { ...BASE, minOccurrences: 7 })).toThrow(
    /no taxon occurs in 7 or more of the 6 paired samples/
  );
});

test('stations pair with their own hydrology; two biology datasets on one date stay two samples', () => {
  const d = Y2020 + 60;
  const table = harmonisedTable([
    count(d, 'Alpha', 1),
    count(d, 'Alpha', 2, { dataset: 'PHYTO-other' }),
    count(d, 'Alpha', 3, { site: 'site-b' }),
    ...hydro(d, { TEMP: 10, PSAL: 33 }),
    ...hydro(d + 1, { TEMP: 20, PSAL: 38 }, { site: 'site-b' })
  ]);
  const p = pairSamples(table, BASE);
  expect(p.abundance.rowNames).toEqual([
    'site-a|2020-03-01|PHYTO-other',
    'site-a|2020-03-01|PHYTO-test',
    'site-b|2020-03-01'
  ]);
  expect(Array.from(p.abundance.values)).toEqual([2, 1, 3]);
  expect(Array.from(p.environment.values.subarray(0, 3))).toEqual([10, 10, 20]);
  expect(Array.from(p.samples.latitude)).toEqual([50, 50, 44]);
  expect(p.report.sharedDates).toBe(1);
  expect(p.report.datasets).toEqual({
    biology: ['PHYTO-other', 'PHYTO-test'],
    environment: ['HYDRO-test']
  });
});

test('rows whose clock time is uncertain pair by their date and are counted', () => {
  const d = Y2020 + 3;
  const table = harmonisedTable(
    [
      count(d, 'Alpha', 1, { hour: 2, timeFlag: 'hour-uncertain-12h' }),
      ...hydro(d, { TEMP: 10, PSAL: 33 }, { hour: 14 })
    ],
    { timeFlag: true }
  );
  const p = pairSamples(table, BASE);
  expect(p.report.paired).toBe(1);
  expect(cell(p, 'lags', 0, 'TEMP')).toBe(0);
  expect(p.report.timeFlags).toEqual({ 'hour-uncertain-12h': 1 });
});

test('nothing to pair is an error that says what was found', () => {
  const table = harmonisedTable([
    count(Y2020, 'Alpha', 1),
    ...hydro(Y2020 + 30, { TEMP: 1, PSAL: 2 })
  ]);
  expect(() => pairSamples(table, BASE)).toThrow(
    /no biology sample could be paired with its hydrology: 1 biology samples, 0 paired, 1 dropped \(first: site-a 2020-01-01, no hydrology within ±3 days\)/
  );
});

test('options are checked with a message naming the option', () => {
  const table = harmonisedTable([count(Y2020, 'Alpha', 1)]);
  expect(() => pairSamples(table, { ...BASE, windowDays: -1 })).toThrow(
    /windowDays .*expected an integer ≥ 0, found -1/
  );
  expect(() => pairSamples(table, { ...BASE, environment: [] })).toThrow(
    /give the environmental variables/
  );
  expect(() => pairSamples(table, { ...BASE, years: [2022, 2020] })).toThrow(
    /years is \[first, last\]/
  );
  expect(() => pairSamples(table, { ...BASE, environment: ['TEMP', 'TEMP'] })).toThrow(
    /TEMP twice/
  );
  expect(() =>
    pairSamples(table, { environment: ['TEMP'] } as unknown as Parameters<typeof pairSamples>[1])
  ).toThrow(/abundance needs a parameter code/);
});
