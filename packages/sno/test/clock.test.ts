/**
 * Issue #8, finding 4: Pelagos hours that look like a 12-hour clock without AM/PM are kept but
 * flagged (time_flag), the report says so, and times the sources do not give are flagged date-only.
 */
import { TIME_FLAGS } from '@odatis-vre/harmonised';
import { readSnoFile } from '../src';
import { somlitFixture, writePelagosWideExport, type PelagosSample } from '../src/testing';

const taxa = [{ name: 'Skeletonema', taxonUser: 'Skeletonema', aphiaId: null }];

/** Samples at these UTC hours and minutes of 2019-03-01, 2019-03-15…; [0, 0] writes "0:0". */
function pelagos(times: [number, number][]): { name: string; bytes: Uint8Array } {
  const samples: PelagosSample[] = times.map(([h, m], k) => ({
    station: 'Station Marine de Wimereux',
    site: 'Wimereux-SOMLIT-phyto-pointC',
    dataset: 'SOMLIT Wimereux',
    sampleName: `S${k}`,
    time: Date.UTC(2019, 2, 1 + 14 * k, h, m),
    depthMin: 1,
    depthMax: 1,
    counts: [100 + k]
  }));
  return writePelagosWideExport('PELAGOS_clock.csv', 'wimereux-point-c', taxa, samples);
}

function flags(f: { name: string; bytes: Uint8Array }) {
  const r = readSnoFile(f.name, f.bytes);
  const rows = Array.from({ length: r.observations.length }, (_, i) => r.observations.row(i));
  return {
    report: r.report,
    flags: rows.map(o => o.time_flag),
    hours: rows.map(o => new Date(o.time).getUTCHours())
  };
}

test('no afternoon hour in the file: the hours are kept and flagged uncertain, and the report says so', () => {
  const {
    report,
    flags: f,
    hours
  } = flags(
    pelagos([
      [7, 21],
      [9, 3],
      [0, 0],
      [11, 59]
    ])
  );
  expect(hours).toEqual([7, 9, 0, 11]);
  expect(f).toEqual([
    TIME_FLAGS.hourUncertain12h,
    TIME_FLAGS.hourUncertain12h,
    TIME_FLAGS.dateOnly,
    TIME_FLAGS.hourUncertain12h
  ]);
  expect(report.timeFlags).toEqual({ 'hour-uncertain-12h': 3, 'date-only': 1 });
  expect(Object.keys(report.warnings)).toContain(
    'sampling times look like a 12-hour clock without AM/PM (no hour ≥ 12 among 3 timed samples): ' +
      'time_flag "hour-uncertain-12h" — pair these samples by date, never by hour'
  );
});

test('one afternoon hour shows a 24-hour clock: hours are trusted', () => {
  const { report, flags: f } = flags(
    pelagos([
      [7, 21],
      [15, 40],
      [0, 0]
    ])
  );
  expect(f).toEqual([null, null, TIME_FLAGS.dateOnly]);
  expect(report.timeFlags).toEqual({ 'date-only': 1 });
  expect(Object.keys(report.warnings).some(w => /12-hour clock/.test(w))).toBe(false);
});

test('SOMLIT 00:00:00 (time unknown) is date-only; given times are trusted', () => {
  const f = somlitFixture('hydro', 1, 6);
  const lines = new TextDecoder().decode(f.bytes).split('\n');
  const heure = lines[2].split(';').indexOf('HEURE');
  const first = lines.findIndex((l, i) => i > 3 && /^\d/.test(l));
  const cells = lines[first].split(';');
  cells[heure] = '00:00:00';
  lines[first] = cells.join(';');
  const r = readSnoFile(f.name, new TextEncoder().encode(lines.join('\n')));
  const rows = Array.from({ length: r.observations.length }, (_, i) => r.observations.row(i));
  for (const o of rows) expect(o.time_flag).toBe(o.source_row === first + 1 ? 'date-only' : null);
  expect(rows.some(o => o.time_flag === 'date-only')).toBe(true);
});
