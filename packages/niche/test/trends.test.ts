/** Trend tools against reference/niche/trends (base-R transcription of CRAN trend 1.1.6, checked against it). */
import {
  centroidTrend,
  correctedSeasonalKendall,
  mannKendall,
  NicheInputError,
  nicheCentroidTrends,
  periodOf,
  seasonalKendall,
  sensSlope,
  tableFromColumns,
  tableFromRows
} from '../src';
import { expectClose, readRef } from './reference';

const ref = readRef('trends', 'trend_reference.csv');
function value(caseName: string, statistic: string): number {
  const row = ref.rows.find(r => r[0] === caseName && r[1] === statistic);
  if (!row) throw new Error(`no ${caseName}/${statistic}`);
  return Number(row[2]);
}

function checkMkSen(caseName: string, x: ArrayLike<number>, t: ArrayLike<number>): void {
  const mk = mannKendall(x, t);
  expect(mk.n).toBe(value(caseName, 'mk_n'));
  expect(mk.S).toBe(value(caseName, 'mk_S'));
  expectClose([mk.varS], [value(caseName, 'mk_varS')], 1e-12, 'varS');
  expectClose([mk.tauB], [value(caseName, 'mk_tau_b')], 1e-12, 'tau b');
  expectClose([mk.zCorrected], [value(caseName, 'mk_z_cc')], 1e-12, 'z cc');
  expectClose([mk.z], [value(caseName, 'mk_z')], 1e-12, 'z');
  expectClose([mk.pCorrected], [value(caseName, 'mk_p_cc')], 1e-12, 'p cc');
  expectClose([mk.p], [value(caseName, 'mk_p')], 1e-12, 'p');
  expectClose([mk.pGreaterCorrected], [value(caseName, 'mk_p_greater_cc')], 1e-12, 'p greater');
  expectClose([mk.pLessCorrected], [value(caseName, 'mk_p_less_cc')], 1e-12, 'p less');
  const sen = sensSlope(x, t);
  expect(sen.nSlopes).toBe(value(caseName, 'sen_n_slopes'));
  expect(sen.lowerRank).toBe(value(caseName, 'sen_lower_rank'));
  expect(sen.upperRank).toBe(value(caseName, 'sen_upper_rank'));
  expectClose(
    [sen.slope, sen.lower, sen.upper],
    [value(caseName, 'sen_slope'), value(caseName, 'sen_lower'), value(caseName, 'sen_upper')],
    1e-12,
    'sen'
  );
  expectClose([sen.intercept], [value(caseName, 'sen_intercept_conover')], 1e-12, 'intercept');
}

test('Mann–Kendall and Sen slope: Nile (annual, ties in values)', () => {
  const d = readRef('trends', 'input_nile.csv');
  checkMkSen('nile', d.col('flow'), Float64Array.from(d.ids, Number));
});

test('Mann–Kendall and Sen slope: irregular dates, repeated dates, ties and missing values', () => {
  const d = readRef('trends', 'input_irregular.csv');
  checkMkSen('irregular', d.col('value'), Float64Array.from(d.ids, Number));
});

test('seasonal Kendall, seasonal Sen slope and covariance-corrected seasonal Kendall: nottem', () => {
  const d = readRef('trends', 'input_nottem.csv');
  const year = Float64Array.from(d.ids, Number);
  const month = d.col('month');
  const temp = d.col('temp_F');
  const sk = seasonalKendall(temp, month, year);
  expect(sk.S).toBe(value('nottem', 'smk_S'));
  expectClose([sk.varS], [value('nottem', 'smk_varS')], 1e-12, 'varS');
  expectClose(
    [sk.zCorrected, sk.z],
    [value('nottem', 'smk_z_cc'), value('nottem', 'smk_z')],
    1e-12,
    'z'
  );
  expectClose(
    [sk.pCorrected, sk.p],
    [value('nottem', 'smk_p_cc'), value('nottem', 'smk_p')],
    1e-12,
    'p'
  );
  expectClose([sk.sensSlope], [value('nottem', 'smk_seasonal_sen_slope')], 1e-12, 'seasonal sen');
  expect(sk.nSlopes).toBe(value('nottem', 'smk_n_slopes'));
  const per = readRef('trends', 'nottem_seasonal_per_month.csv');
  expect(sk.perSeason.map(s => s.season)).toEqual(per.ids);
  expect(sk.perSeason.map(s => s.S)).toEqual(Array.from(per.col('S')));
  expectClose(
    sk.perSeason.map(s => s.varS),
    per.col('varS'),
    1e-12,
    'per-season varS'
  );
  expectClose(
    sk.perSeason.map(s => s.tauB),
    per.col('tau_b'),
    1e-12,
    'per-season tau'
  );

  const years = [...new Set(year)];
  const rows = years.map(y =>
    Array.from(
      { length: 12 },
      (_, m) => temp[year.findIndex((v, i) => v === y && month[i] === m + 1)]
    )
  );
  const cs = correctedSeasonalKendall(
    tableFromRows(
      rows,
      Array.from({ length: 12 }, (_, m) => String(m + 1)),
      years.map(String)
    )
  );
  expect(cs.S).toBe(value('nottem', 'csmk_S'));
  expectClose(
    [cs.varS, cs.z, cs.p],
    [value('nottem', 'csmk_varS'), value('nottem', 'csmk_z'), value('nottem', 'csmk_p')],
    1e-12,
    'csmk'
  );

  const all = mannKendall(temp);
  expect(all.S).toBe(value('nottem', 'mk_all_months_S'));
  expectClose([all.pCorrected], [value('nottem', 'mk_all_months_p_cc')], 1e-12, 'all months');
});

test('niche-centroid workflow: yearly abundance-weighted centroids, breadth and their trend', () => {
  const d = readRef('trends', 'input_centroid_synthetic.csv');
  const tr = centroidTrend(d.col('abund'), d.col('temp'), d.col('year'));
  const annual = readRef('trends', 'centroid_synthetic_annual.csv');
  expect(Array.from(tr.periods)).toEqual(Array.from(annual.ids, Number));
  expectClose(tr.centroid, annual.col('centroid_temp'), 1e-12, 'centroid');
  expectClose(tr.breadth, annual.col('breadth_wsd'), 1e-9, 'breadth');
  expect(tr.emptyPeriods).toEqual([]);
  checkMkSen('centroid_synthetic', tr.centroid, tr.periods);
});

test('trend inputs that cannot give a test are errors, not NaN', () => {
  expect(() => mannKendall([1, 2])).toThrow(NicheInputError);
  expect(() => mannKendall([1, NaN, 2], [1, 2, 3])).toThrow(/at least 3/);
  expect(() => mannKendall([5, 5, 5, 5])).toThrow(/tied/);
  expect(() => mannKendall([1, 2, 3], [1, 2])).toThrow(/3 values but 2 times/);
  expect(() =>
    correctedSeasonalKendall(
      tableFromRows(
        [
          [1, 2],
          [NaN, 3],
          [2, 4]
        ],
        ['a', 'b']
      )
    )
  ).toThrow(/complete/);
});

test('periods: calendar years and multi-year windows from timestamps', () => {
  expect(periodOf(Date.UTC(1993, 6, 1))).toBe(1993);
  expect(periodOf(Date.UTC(1993, 0, 1) - 1)).toBe(1992); // 1992-12-31T23:59:59.999Z
  expect(periodOf(Date.UTC(1994, 11, 31), 5, 1990)).toBe(1990);
  expect(periodOf(Date.UTC(1995, 0, 1), 5, 1990)).toBe(1995);
  expect(periodOf(Date.UTC(1989, 5, 1), 5, 1990)).toBe(1985);
});

test('centroid trends for every species × variable, from monthly timestamps', () => {
  const d = readRef('trends', 'input_centroid_synthetic.csv');
  const years = d.col('year');
  const months = d.col('month');
  const period = Float64Array.from(years, (y, i) => periodOf(Date.UTC(y, months[i] - 1, 15)));
  const abundance = tableFromColumns({
    sp: d.col('abund'),
    doubled: d.col('abund').map(v => 2 * v)
  });
  const environment = tableFromColumns({ temp: d.col('temp') });
  const all = nicheCentroidTrends(abundance, environment, period);
  expect(all.map(t => `${t.species}/${t.variable}`)).toEqual(['sp/temp', 'doubled/temp']);
  const annual = readRef('trends', 'centroid_synthetic_annual.csv');
  for (const t of all) {
    expectClose(t.centroid, annual.col('centroid_temp'), 1e-12, t.species);
    expect(t.sensSlope.slope).toBeCloseTo(value('centroid_synthetic', 'sen_slope'), 12);
  }
  // five-year windows: six centroids, still an upward trend
  const windows = Float64Array.from(years, (y, i) =>
    periodOf(Date.UTC(y, months[i] - 1, 15), 5, 1991)
  );
  const w = centroidTrend(d.col('abund'), d.col('temp'), windows);
  expect(Array.from(w.periods)).toEqual([1991, 1996, 2001, 2006, 2011, 2016]);
  expect(w.mannKendall.S).toBeGreaterThan(0);
});
