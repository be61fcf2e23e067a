/** The package must run in a Web Worker: no node built-in, no DOM, only browser-safe dependencies. */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { environmentalPca, nicheParameters, omiAnalysis, omiPermutationTest, witomi } from '../src';
import { readRef, refTable } from './reference';

const SRC = join(__dirname, '..', 'src');
const ALLOWED = [
  /^\.\//,
  /^ml-matrix$/,
  /^@stdlib\/stats-base-dists-normal-(cdf|quantile)$/,
  /^apache-arrow$/,
  // the harmonised contract: browser-safe, imports nothing itself (tested in its own package)
  /^@odatis-vre\/harmonised$/
];

test.each(readdirSync(SRC).filter(f => f.endsWith('.ts')))(
  '%s imports only browser-safe modules',
  file => {
    const text = readFileSync(join(SRC, file), 'utf8');
    const specifiers = [...text.matchAll(/(?:from|require\()\s*'([^']+)'/g)].map(m => m[1]);
    for (const s of specifiers) expect(ALLOWED.some(re => re.test(s))).toBe(true);
    expect(text).not.toMatch(/\b(window|document|process)\./);
    // apache-arrow is only a type here: the pivot reads any Arrow Table without loading the library
    if (specifiers.includes('apache-arrow'))
      expect(text).toMatch(/import type \{[^}]*\} from 'apache-arrow'/);
  }
);

test('results survive structured cloning (what postMessage does between a worker and the page)', () => {
  const env = refTable('doubs', 'input_env.csv');
  const Y = refTable('doubs', 'input_Y_used.csv');
  const omi = omiAnalysis(environmentalPca(env, { nf: 3 }), Y);
  const results = {
    omi,
    params: nicheParameters(omi),
    test: omiPermutationTest(omi, { permutations: 9 }),
    witomi: witomi(
      omi,
      readRef('doubs', 'input_factor.csv').rows.map(r => r[1])
    )
  };
  const copy = structuredClone(results);
  expect(copy).toEqual(results);
  // (jest's sandbox has its own Float64Array constructor, so compare the tag rather than the class)
  expect(Object.prototype.toString.call(copy.omi.li.values)).toBe('[object Float64Array]');
  // a cloned analysis is still a working input
  expect(nicheParameters(copy.omi)).toEqual(results.params);
});
