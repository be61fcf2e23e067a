/** rMean equals R's mean() bit for bit, and Mann–Kendall's ties are R's (fixtures/r-mean/make_r_mean.R, R 4.2.2 on amd64). */
import * as fs from 'fs';
import * as path from 'path';
import { mannKendall, rMean } from '../src';

const rows = fs
  .readFileSync(path.join(__dirname, 'fixtures', 'r-mean', 'r_mean.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map(line => line.split(',').map(f => f.replace(/^"|"$/g, '')));

test('rMean equals R’s mean() exactly, where a plain sum / n does not', () => {
  let differs = 0;
  for (const [values, mean, plain] of rows) {
    const x = values.split(';').map(Number);
    expect([values, rMean(x)]).toEqual([values, Number(mean)]);
    if (mean !== plain) {
      differs++;
      expect(x.reduce((a, b) => a + b, 0) / x.length).toBe(Number(plain));
    }
  }
  expect(rows.length).toBe(504);
  expect(differs).toBe(112);
});

test('rMean of an empty vector, NaN and infinite values', () => {
  expect(rMean([])).toBeNaN();
  expect(rMean([1, NaN, 2])).toBeNaN();
  expect(rMean([1, Infinity])).toBe(Infinity);
  expect(rMean([-Infinity, Infinity])).toBeNaN();
  expect(rMean([7.28])).toBe(7.28);
});

test('Mann–Kendall ties are R’s table() groups (15 significant digits), S compares the values', () => {
  const [header, line] = fs
    .readFileSync(path.join(__dirname, 'fixtures', 'r-mean', 'mk_last_bit_ties.csv'), 'utf8')
    .trim()
    .split('\n');
  const fields = line.split(',').map(f => f.replace(/^"|"$/g, ''));
  expect(header).toBe('"values","S","varS","tau_b","p_cc"');
  const x = fields[0].split(';').map(Number);
  const mk = mannKendall(x);
  expect(mk.S).toBe(Number(fields[1]));
  expect(mk.varS).toBe(Number(fields[2]));
  expect(mk.tauB).toBeCloseTo(Number(fields[3]), 14);
  expect(mk.pCorrected).toBeCloseTo(Number(fields[4]), 14);
});
