/** The package must run in a Web Worker: no node built-in, no DOM, only browser-safe dependencies. */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const SRC = join(__dirname, '..', 'src');
const ALLOWED = [
  /^\.\//,
  /^ml-matrix$/,
  /^@stdlib\/stats-base-dists-normal-(cdf|quantile)$/,
  /^apache-arrow$/
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
