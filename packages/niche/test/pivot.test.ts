/** The harmonised long format (Arrow) pivoted to samples × species and samples × variables. */
import {
  Float64,
  Int32,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
  Table,
  Int8
} from 'apache-arrow';
import { environmentalPca, NicheInputError, omiAnalysis, pivotHarmonised } from '../src';
import { expectAxesClose, refTable } from './reference';

interface LongRow {
  site: string;
  time: number;
  depth: number | null;
  parameter: string | null;
  taxon: string | null;
  value: number | null;
  quality: number;
  unit?: string | null;
  time_flag?: string | null;
}

function toArrow(rows: LongRow[]): Table {
  return new Table({
    sno: vectorFromArray(
      rows.map(() => 'TEST'),
      new Utf8()
    ),
    site_id: vectorFromArray(
      rows.map(r => r.site),
      new Utf8()
    ),
    time: vectorFromArray(
      rows.map(r => r.time),
      new TimestampMillisecond()
    ),
    depth: vectorFromArray(
      rows.map(r => r.depth),
      new Float64()
    ),
    parameter: vectorFromArray(
      rows.map(r => r.parameter),
      new Utf8()
    ),
    taxon: vectorFromArray(
      rows.map(r => r.taxon),
      new Utf8()
    ),
    aphia_id: vectorFromArray(
      rows.map(() => null),
      new Int32()
    ),
    value: vectorFromArray(
      rows.map(r => r.value),
      new Float64()
    ),
    unit: vectorFromArray(
      rows.map(r => r.unit ?? null),
      new Utf8()
    ),
    time_flag: vectorFromArray(
      rows.map(r => r.time_flag ?? null),
      new Utf8()
    ),
    quality: vectorFromArray(
      rows.map(r => r.quality),
      new Int8()
    )
  });
}

// doubs as a long table: site k sampled at 2000-01-01 + k days, depth 0
const COUNT = 'fish_count';
const env = refTable('doubs', 'input_env.csv');
const Y = refTable('doubs', 'input_Y_used.csv');
const ALL = { abundance: { parameter: COUNT }, environment: env.colNames };
const day = 86400000;
const t0 = Date.UTC(2000, 0, 1);
function doubsLong(): LongRow[] {
  const rows: LongRow[] = [];
  for (let i = 0; i < env.nRows; i++) {
    const site = `S${String(i + 1).padStart(2, '0')}`;
    const base = { site, time: t0 + i * day, depth: 0 };
    env.colNames.forEach((p, k) =>
      rows.push({
        ...base,
        parameter: p,
        taxon: null,
        value: env.values[k * env.nRows + i],
        quality: 1
      })
    );
    Y.colNames.forEach((tx, j) => {
      const c = Y.values[j * Y.nRows + i];
      if (c === 0) return; // absences are not reported in a long table
      // split every count in two rows (e.g. two size classes): the pivot sums them
      rows.push({ ...base, parameter: COUNT, taxon: tx, value: c - 0.5, quality: 1 });
      rows.push({ ...base, parameter: COUNT, taxon: tx, value: 0.5, quality: 2 });
    });
  }
  return rows;
}

test('pivot of the long format gives back the wide tables and the same OMI analysis', () => {
  const rows = doubsLong();
  // noise the pivot must leave out or fold in
  rows.push({
    site: 'S01',
    time: t0,
    depth: 0,
    parameter: 'dfs',
    taxon: null,
    value: 99999,
    quality: 4
  }); // bad flag
  rows.push({
    site: 'S01',
    time: t0,
    depth: 0,
    parameter: COUNT,
    taxon: 'Satr',
    value: null,
    quality: 9
  }); // missing
  rows.push({
    site: 'S02',
    time: t0 + day,
    depth: 0,
    parameter: COUNT,
    taxon: 'Cogo',
    value: NaN,
    quality: 1
  }); // NaN value
  rows.push({
    site: 'S99',
    time: t0,
    depth: 0,
    parameter: COUNT,
    taxon: 'Satr',
    value: 3,
    quality: 1
  }); // no environment
  rows.push({
    site: 'S98',
    time: t0,
    depth: 0,
    parameter: 'dfs',
    taxon: null,
    value: 3,
    quality: 1
  }); // no taxa
  rows.push({
    site: 'S97',
    time: t0,
    depth: 0,
    parameter: COUNT,
    taxon: 'Ghost',
    value: 0,
    quality: 1
  }); // zero count only
  // a duplicated environmental measurement is averaged: S03 'pH' given as v−0.1 and v+0.1
  const ph = env.colNames.indexOf('pH');
  const phRow = rows.findIndex(r => r.site === 'S03' && r.parameter === 'pH');
  const v = rows[phRow].value as number;
  rows[phRow].value = v - 0.1;
  rows.push({ ...rows[phRow], value: v + 0.1 });
  rows.reverse(); // row order must not matter

  const out = pivotHarmonised(toArrow(rows), {
    abundance: { parameter: COUNT },
    environment: [...env.colNames].sort(),
    keepSamplesWithoutTaxa: true // doubs site 8 has no fish
  });
  expect(out.abundance.nRows).toBe(30);
  expect(out.samples.siteId[0]).toBe('S01');
  expect(out.samples.time[4]).toBe(t0 + 4 * day);
  expect(out.abundance.rowNames[0]).toBe('S01|2000-01-01T00:00:00.000Z|0');
  expect([...out.environment.colNames]).toEqual([...env.colNames].sort());
  expect([...out.abundance.colNames]).toEqual([...Y.colNames].sort());
  expect(out.dropped).toEqual({
    rejectedQuality: 2, // flag 4, and the flag-9 (missing) row: quality is checked first
    missingValue: 1,
    otherUnit: 0,
    uncertainTime: 0,
    samplesMissingEnvironment: 3, // S99, S97 (taxa, no environment) and S98 (incomplete environment)
    samplesWithoutTaxa: 0,
    absentTaxa: ['Ghost']
  });
  for (const name of env.colNames) {
    const k = out.environment.colNames.indexOf(name);
    const kr = env.colNames.indexOf(name);
    for (let i = 0; i < 30; i++) {
      expect(out.environment.values[k * 30 + i]).toBeCloseTo(env.values[kr * 30 + i], 12);
    }
  }
  expect(out.environment.values[out.environment.colNames.indexOf('pH') * 30 + 2]).toBeCloseTo(
    env.values[ph * 30 + 2],
    12
  );
  for (const name of Y.colNames) {
    const j = out.abundance.colNames.indexOf(name);
    const jr = Y.colNames.indexOf(name);
    expect(Array.from(out.abundance.values.subarray(j * 30, (j + 1) * 30))).toEqual(
      Array.from(Y.values.subarray(jr * 30, (jr + 1) * 30))
    );
  }
  // same analysis: species coordinates match the ade4 reference (rows in pivot order = sorted names)
  const omi = omiAnalysis(environmentalPca(out.environment, { nf: 3 }), out.abundance);
  const ref = refTable('doubs', 'niche_li.csv');
  const order = [...omi.species].map(sp => ref.rowNames.indexOf(sp));
  const reordered = {
    ...ref,
    rowNames: order.map(q => ref.rowNames[q]),
    values: Float64Array.from(
      { length: ref.values.length },
      (_, x) => ref.values[Math.floor(x / ref.nRows) * ref.nRows + order[x % ref.nRows]]
    )
  };
  expectAxesClose(omi.li, reordered, 1e-9, 'li from the pivot');
});

test('pivot options: parameter subset, quality flags, missing columns', () => {
  const rows = doubsLong();
  const out = pivotHarmonised(toArrow(rows), {
    abundance: { parameter: COUNT },
    environment: ['pH', 'alt'],
    acceptedQuality: [1]
  });
  expect([...out.environment.colNames]).toEqual(['pH', 'alt']);
  // by default the fishless site 8 (no taxon row) is dropped and counted
  expect(out.abundance.nRows).toBe(29);
  expect(out.samples.siteId.includes('S08')).toBe(false);
  expect(out.dropped.samplesWithoutTaxa).toBe(1);
  // quality-2 halves rejected: counts are c − 0.5
  const j = out.abundance.colNames.indexOf('Satr');
  expect(out.abundance.values[j * 29 + 1]).toBe(
    Y.values[Y.colNames.indexOf('Satr') * 30 + 1] - 0.5
  );
  const noQuality = new Table({ site_id: vectorFromArray(['a'], new Utf8()) });
  expect(() => pivotHarmonised(noQuality, ALL)).toThrow(NicheInputError);
  expect(() => pivotHarmonised(noQuality, ALL)).toThrow(/no column "time"/);
});

describe('the pivot takes its quantities explicitly (issue #8, finding 5)', () => {
  /** Two samples at one site: cytometry counts, their scatter signal, beads, temperature. */
  function cytometry(countUnit2 = 'cells/mL'): LongRow[] {
    const rows: LongRow[] = [];
    [0, 1].forEach(k => {
      const base = { site: 'estacade', time: t0 + k * day, depth: 1, quality: 0 };
      rows.push({
        ...base,
        parameter: 'cell_abundance',
        taxon: 'Synechococcus',
        value: 1000 + k,
        unit: 'cells/mL'
      });
      rows.push({
        ...base,
        parameter: 'cell_abundance',
        taxon: 'Picoeukaryotes',
        value: 300 + k,
        unit: k ? countUnit2 : 'cells/mL'
      });
      rows.push({
        ...base,
        parameter: 'side_scatter_rel',
        taxon: 'Synechococcus',
        value: 0.8,
        unit: '1'
      });
      rows.push({ ...base, parameter: 'beads_value', taxon: null, value: 0.95, unit: null });
      rows.push({ ...base, parameter: 'TEMP', taxon: null, value: 12 + k, unit: 'degC' });
    });
    return rows;
  }

  test('a scatter signal with a taxon is no abundance; beads are no environment unless asked', () => {
    const out = pivotHarmonised(toArrow(cytometry()), {
      abundance: { parameter: 'cell_abundance' },
      environment: ['TEMP']
    });
    expect([...out.abundance.colNames]).toEqual(['Picoeukaryotes', 'Synechococcus']);
    expect(Array.from(out.abundance.values)).toEqual([300, 301, 1000, 1001]);
    expect([...out.environment.colNames]).toEqual(['TEMP']);
    expect(out.units).toEqual({ abundance: 'cells/mL', environment: ['degC'] });
  });

  test('values of one parameter in two units are refused, unless a unit is chosen', () => {
    const rows = toArrow(cytometry('cells/L'));
    const ask = { abundance: { parameter: 'cell_abundance' }, environment: ['TEMP'] };
    expect(() => pivotHarmonised(rows, ask)).toThrow(
      expect.objectContaining({
        code: 'mixed-units',
        found: '2 units: cells/mL (3 rows), cells/L (1 rows)'
      })
    );
    const out = pivotHarmonised(rows, {
      ...ask,
      abundance: { parameter: 'cell_abundance', unit: 'cells/mL' }
    });
    expect(out.dropped.otherUnit).toBe(1);
    expect(Array.from(out.abundance.values)).toEqual([300, 0, 1000, 1001]);
  });

  test('an ambiguous or absent quantity is an error that lists what the table holds', () => {
    const rows = toArrow(cytometry('cells/L'));
    // No abundance said: the taxon rows' parameters and units are listed, never guessed.
    expect(() =>
      pivotHarmonised(rows, { environment: ['TEMP'] } as unknown as Parameters<
        typeof pivotHarmonised
      >[1])
    ).toThrow(
      "abundance needs a parameter code (say what is counted per taxon, e.g. { parameter: 'cell_abundance', unit: 'cells/L' }; " +
        "the table's rows with a taxon hold cell_abundance [cells/mL] (3 rows), side_scatter_rel [1] (2 rows), cell_abundance [cells/L] (1 rows))"
    );
    // Two units of one parameter: both in the message, with the way to choose.
    expect(() =>
      pivotHarmonised(rows, { abundance: { parameter: 'cell_abundance' }, environment: ['TEMP'] })
    ).toThrow(
      'abundance "cell_abundance" has values in 2 units: cells/mL (3 rows), cells/L (1 rows); ' +
        "choose one with { parameter: 'cell_abundance', unit: 'cells/mL' } — values in different units are never added"
    );
    // A parameter or a unit the table does not have.
    expect(() =>
      pivotHarmonised(rows, { abundance: { parameter: 'abundance' }, environment: ['TEMP'] })
    ).toThrow(
      expect.objectContaining({
        code: 'not-present',
        message:
          'abundance "abundance": no rows with a taxon of abundance in the table; the table\'s rows with a taxon hold ' +
          'cell_abundance [cells/mL] (3 rows), side_scatter_rel [1] (2 rows), cell_abundance [cells/L] (1 rows)'
      })
    );
    expect(() =>
      pivotHarmonised(rows, {
        abundance: { parameter: 'cell_abundance', unit: 'cells/mL' },
        environment: [{ parameter: 'TEMP', unit: 'K' }]
      })
    ).toThrow(
      'parameter "TEMP": no rows without a taxon of TEMP [K] kept (left out of all quantities asked for: ' +
        "3 rows in another unit); the table's rows without a taxon hold beads_value [no unit] (2 rows), TEMP [degC] (2 rows)"
    );
  });

  test('no quantity, no pivot: the parameters must be named', () => {
    const rows = toArrow(cytometry());
    expect(() =>
      pivotHarmonised(rows, { environment: ['TEMP'] } as unknown as Parameters<
        typeof pivotHarmonised
      >[1])
    ).toThrow(/abundance needs a parameter code/);
    expect(() =>
      pivotHarmonised(rows, { abundance: { parameter: 'cell_abundance' } } as unknown as Parameters<
        typeof pivotHarmonised
      >[1])
    ).toThrow(/give the environmental parameters/);
  });
});

describe('samples never pair by an uncertain hour (issue #8, finding 4)', () => {
  /** Counts at a 12-hour-clock hour (flagged), temperature the same day at 14:00 from another service. */
  const rows: LongRow[] = [0, 1].flatMap(k => [
    {
      site: 'wimereux',
      time: t0 + k * day + 9 * 3600_000,
      depth: 1,
      parameter: 'cell_abundance',
      taxon: 'Skeletonema',
      value: 100 * (k + 1),
      quality: 0,
      unit: 'cells/L',
      time_flag: 'hour-uncertain-12h'
    },
    {
      site: 'wimereux',
      time: t0 + k * day + 14 * 3600_000,
      depth: 1,
      parameter: 'TEMP',
      taxon: null,
      value: 10 + k,
      quality: 1,
      unit: 'degC'
    }
  ]);
  const ask = { abundance: { parameter: 'cell_abundance' }, environment: ['TEMP'] };

  test('by instant, the flagged rows are left out and counted, and the error says how to pair', () => {
    expect(() => pivotHarmonised(toArrow(rows), ask)).toThrow(
      'abundance "cell_abundance": no rows with a taxon of cell_abundance kept (left out of all quantities ' +
        "asked for: 2 with an uncertain hour (time_flag: pair by day with pairBy: 'day')); " +
        "the table's rows with a taxon hold cell_abundance [cells/L] (2 rows)"
    );
  });

  test('by day, they pair with the same day of the other service', () => {
    const out = pivotHarmonised(toArrow(rows), { ...ask, pairBy: 'day' });
    expect(out.abundance.rowNames).toEqual([
      'wimereux|2000-01-01T00:00:00.000Z|1',
      'wimereux|2000-01-02T00:00:00.000Z|1'
    ]);
    expect(Array.from(out.abundance.values)).toEqual([100, 200]);
    expect(Array.from(out.environment.values)).toEqual([10, 11]);
    expect(out.dropped.uncertainTime).toBe(0);
  });
});
