/** spearman and averageRanks equal R's cor(method = "spearman") and rank() (fixtures/spearman/make_spearman.R). */
import * as fs from 'fs';
import * as path from 'path';
import { averageRanks, NicheInputError, spearman } from '../src';

const rows = fs
  .readFileSync(path.join(__dirname, 'fixtures', 'spearman', 'spearman.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map(line => line.split(',').map(f => f.replace(/^"|"$/g, '')));
const numbers = (field: string) => field.split(';').map(Number);

test('spearman equals R’s cor(method = "spearman"), ties included; averageRanks equals rank()', () => {
  expect(rows.length).toBe(103);
  let tied = 0;
  for (const [a, b, ranksB, rho] of rows) {
    const [x, y] = [numbers(a), numbers(b)];
    if (new Set(x).size < x.length || new Set(y).size < y.length) tied++;
    expect(Array.from(averageRanks(y))).toEqual(numbers(ranksB));
    expect(Math.abs(spearman(x, y) - Number(rho))).toBeLessThanOrEqual(1e-14);
  }
  expect(tied).toBeGreaterThanOrEqual(40);
});

test('spearman: a missing value or a constant side gives NaN (R’s NA); unequal lengths are an error', () => {
  expect(spearman([1, 2, NaN], [1, 2, 3])).toBeNaN();
  expect(spearman([1, 2, 3], [4, 4, 4])).toBeNaN();
  expect(() => spearman([1, 2, 3], [1, 2])).toThrow(NicheInputError);
});
