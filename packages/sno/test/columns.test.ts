/**
 * ObservationColumns keeps values in typed columns as they are read: what goes in comes back out — through
 * `column`, `row`, `append`/`select`, the Arrow table and a Parquet file — nulls as null, times as whole
 * milliseconds (before 1970, before year 100, at the ends of the Date range), text as it was.
 */
import { COLUMNS, type Observation } from '@odatis-vre/harmonised';
import { ObservationColumns, readParquet, tableToObservations, toParquet } from '../src';

const times = [
  0,
  1,
  -1,
  Date.UTC(2020, 0, 1, 12, 34, 56, 789),
  -62135596800000, // 0001-01-01
  8.64e15, // the last Date
  -8.64e15, // the first
  2 ** 32,
  2 ** 32 - 1,
  -(2 ** 32),
  -(2 ** 32) - 1
];

function row(k: number, time: number | null): Observation {
  const o = Object.fromEntries(COLUMNS.map(c => [c, null])) as unknown as Record<string, unknown>;
  return {
    ...o,
    sno: k % 2 ? 'SOMLIT' : 'PHYTOBS',
    site_id: `site-${k % 3}`,
    site_name: k % 3 ? `Site ${k % 3} « é »` : null,
    latitude: k % 4 ? 50 + k / 7 : null,
    time,
    parameter: 'TEMP',
    value: k % 5 ? k * 1.25 - 3 : -0,
    quality: k % 2,
    source_file: `f${k % 2}.csv`,
    source_row: k + 1,
    dataset: 'd'
  } as Observation;
}

test('values pushed come back by column, by row, selected, appended, and through Arrow and Parquet', () => {
  const rows = times.map((t, k) => row(k, t));
  rows.push(row(times.length, null));
  const obs = new ObservationColumns();
  for (const r of rows) obs.push(r);
  expect(obs.length).toBe(rows.length);
  for (const c of COLUMNS) expect(obs.column(c)).toEqual(rows.map(r => r[c]));
  expect(obs.row(3)).toEqual(rows[3]);
  expect(obs.distinct('source_file')).toEqual(new Set(['f0.csv', 'f1.csv']));

  const picked = [5, 0, 5, 11];
  expect(COLUMNS.map(c => obs.select(picked).column(c))).toEqual(
    COLUMNS.map(c => picked.map(i => rows[i][c]))
  );
  const twice = new ObservationColumns();
  twice.append(obs);
  twice.append(obs, picked);
  expect(twice.column('site_name')).toEqual([
    ...rows.map(r => r.site_name),
    ...picked.map(i => rows[i].site_name)
  ]);

  // Arrow: times as int64 milliseconds, exactly.
  const table = obs.toTable();
  expect(tableToObservations(table)).toEqual(rows);
  // Parquet, through parquet-wasm and back (time is a required column there: the rows that have one).
  const timed = times.map((_, k) => k);
  const back = readParquet(toParquet(obs.select(timed), { sourceFiles: [] }));
  expect(tableToObservations(back)).toEqual(timed.map(k => rows[k]));
  // The table keeps its rows when more are pushed after it was made.
  obs.push(row(99, 5));
  expect(tableToObservations(table)).toEqual(rows);
});

test('a time that is no whole number of milliseconds is refused when the table is made', () => {
  const obs = new ObservationColumns();
  obs.push(row(1, 1.5));
  expect(() => obs.toTable()).toThrow('time 1.5: not a whole number of milliseconds');
});

test("a record's fields given once as `base` fill every value of the record", () => {
  const obs = new ObservationColumns();
  const base = { sno: 'PHYTOBS', site_id: 'a', time: 10, source_file: 'f' };
  obs.pushParts({ parameter: 'p', value: 1 }, base);
  obs.pushParts({ parameter: 'q', value: 2, site_id: 'b' }, base);
  obs.pushParts({ parameter: 'r', value: 3 }, { sno: 'SOMLIT', time: 20 });
  obs.pushParts({ parameter: 's', value: 4 });
  expect(obs.column('site_id')).toEqual(['a', 'b', null, null]);
  expect(obs.column('sno')).toEqual(['PHYTOBS', 'PHYTOBS', 'SOMLIT', null]);
  expect(obs.column('time')).toEqual([10, 10, 20, null]);
  expect(obs.column('value')).toEqual([1, 2, 3, 4]);
});
