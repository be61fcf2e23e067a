/**
 * The WitOMI permutation tests against R: `make_subniche_tests.R` (in fixtures/subniche-tests) writes subniche's
 * `rtestrefor` and `rtestsubor` out from their description and runs them with R's stream on ade4's doubs (two
 * subsets, the subniche help example) and trichometeo (twelve subsets of consecutive nights, with taxa absent
 * from some); with `generator: 'R'` the TypeScript tests draw the same permutations. The observed subniche
 * marginalities must also be the WitOMIG and WitOMIG_k of `@odatis-vre/niche`'s `witomi` (equal to subniche's
 * `subparam.refor` / `subparam.subor`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Papa from 'papaparse';
import {
  environmentalPca,
  omiAnalysis,
  tableFromRows,
  witomi,
  type DataTable
} from '@odatis-vre/niche';
import { reforTest, subnicheTests, type SubnicheTest } from '../src';

const REFERENCE = path.resolve(__dirname, '../../../../shared/reference/niche');
const FIXTURES = path.join(__dirname, 'fixtures', 'subniche-tests');

function csv(file: string): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(fs.readFileSync(file, 'utf8'), {
    header: true,
    skipEmptyLines: true
  });
  return parsed.data;
}

/** A reference input table: first column the row id, the others numbers. */
function numericTable(file: string): DataTable {
  const rows = csv(file);
  const columns = Object.keys(rows[0]).slice(1);
  return tableFromRows(
    rows.map(r => columns.map(c => Number(r[c]))),
    columns,
    rows.map(r => Object.values(r)[0])
  );
}

function close(a: number, b: number, tolerance: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b));
}

function compare(ours: SubnicheTest, file: string): void {
  const reference = csv(file);
  const s = ours.species.length / ours.levels.length;
  const mismatches: string[] = [];
  for (const r of reference) {
    const k = ours.levels.indexOf(r.subset);
    expect(k).toBeGreaterThanOrEqual(0);
    const num = (key: string) => (r[key] === 'NaN' ? NaN : Number(r[key]));
    const check = (what: string, got: number, want: number, tol: number) => {
      if (!close(got, want, tol))
        mismatches.push(`${r.subset} ${r.species} ${what}: ${got}, R ${want}`);
    };
    check('G_K p', ours.subsetPValue[k], num('gk_p'), 1e-12);
    if (r.species === 'OMI.mean') {
      check('mean observed', ours.meanObserved[k], num('observed'), 1e-12);
      check('mean p', ours.meanPValue[k], num('p'), 1e-12);
      continue;
    }
    const j = ours.species.slice(k * s, (k + 1) * s).indexOf(r.species);
    expect(j).toBeGreaterThanOrEqual(0);
    const at = k * s + j;
    check('observed', ours.observed[at], num('observed'), 1e-12);
    check('expectation', ours.expectation[at], num('expectation'), 1e-12);
    check('species p', ours.speciesPValue[at], num('species_p'), 0);
    check('p', ours.pValue[at], num('p'), 1e-12);
  }
  expect(mismatches).toEqual([]);
  expect(reference.length).toBe(ours.levels.length * (s + 1));
}

describe.each([
  ['doubs', (y: DataTable) => y],
  ['trichometeo', (y: DataTable) => y]
])('%s', (name, prepare) => {
  const env = numericTable(path.join(REFERENCE, name, 'input_env.csv'));
  const y = prepare(numericTable(path.join(REFERENCE, name, 'input_Y_used.csv')));
  const factor = csv(path.join(REFERENCE, name, 'input_factor.csv')).map(r => r.factor);
  const omi = omiAnalysis(environmentalPca(env, { nf: 2 }), y);

  test("R's stream gives R's rtestrefor and rtestsubor", () => {
    const tests = subnicheTests(omi, factor, { permutations: 99, seed: 1, generator: 'R' });
    compare(tests.refor, path.join(FIXTURES, `${name}_refor_nrepet99_seed1.csv`));
    compare(tests.subor, path.join(FIXTURES, `${name}_subor_nrepet99_seed1.csv`));
  });

  test("reforTest alone is R's rtestrefor (drawn first from the same stream)", () => {
    const refor = reforTest(omi, factor, { permutations: 99, seed: 1, generator: 'R' });
    compare(refor, path.join(FIXTURES, `${name}_refor_nrepet99_seed1.csv`));
  });

  test('the observed marginalities are the WitOMIG and WitOMIG_k of witomi', () => {
    const wit = witomi(omi, factor);
    const tests = subnicheTests(omi, factor, { permutations: 9 });
    expect(tests.refor.levels).toEqual(wit.levels);
    for (const [test, params] of [
      [tests.refor, wit.witomiG],
      [tests.subor, wit.witomiGk]
    ] as const) {
      expect(test.species).toEqual(params.species);
      expect(test.subset).toEqual(params.subset);
      params.witomi.forEach((v, r) => expect(close(test.observed[r], v, 1e-12)).toBe(true));
    }
  });
});

test('the fast generator: seeded, reproducible, and agreeing with R within sampling error', () => {
  const env = numericTable(path.join(REFERENCE, 'doubs', 'input_env.csv'));
  const y = numericTable(path.join(REFERENCE, 'doubs', 'input_Y_used.csv'));
  const factor = csv(path.join(REFERENCE, 'doubs', 'input_factor.csv')).map(r => r.factor);
  const omi = omiAnalysis(environmentalPca(env, { nf: 2 }), y);
  const a = subnicheTests(omi, factor, { permutations: 299, seed: 7 });
  const b = subnicheTests(omi, factor, { permutations: 299, seed: 7 });
  expect(a.refor.pValue).toEqual(b.refor.pValue);
  const r = subnicheTests(omi, factor, { permutations: 299, seed: 7, generator: 'R' });
  // The null distributions agree: expectations within 4 standard errors of their difference.
  const outside = Array.from(a.refor.expectation).filter((e, i) => {
    const se = Math.sqrt((a.refor.sd[i] ** 2 + r.refor.sd[i] ** 2) / 299);
    return !Number.isNaN(e) && Math.abs(e - r.refor.expectation[i]) > 4 * se;
  });
  expect(outside).toEqual([]);
  expect(() => subnicheTests(omi, factor.slice(1))).toThrow(/one value per sample/);
  expect(() => subnicheTests(omi, factor, { permutations: 1 })).toThrow(
    /permutations is a count ≥ 2/
  );
});
