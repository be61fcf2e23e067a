/**
 * The browser-safe entry (index) must run in a Web Worker: no node built-ins in any module it
 * reaches, and no global Buffer/process use. Node I/O lives only in node.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const src = path.resolve(__dirname, '../src');
const NODE_BUILTINS = /^(node:|fs$|path$|zlib$|crypto$|os$|stream$|child_process$|worker_threads$)/;

function reachable(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const text = fs.readFileSync(entry, 'utf8');
  for (const m of text.matchAll(/from '(\.[^']+)'/g)) {
    const target = path.resolve(path.dirname(entry), m[1]);
    reachable(fs.existsSync(target + '.ts') ? target + '.ts' : path.join(target, 'index.ts'), seen);
  }
  return seen;
}

test('index.ts reaches no node built-in and never imports ./node', () => {
  const files = [...reachable(path.join(src, 'index.ts'))];
  expect(files.map(f => path.relative(src, f))).not.toContain('node.ts');
  const offenders: string[] = [];
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/from '([^'.][^']*)'/g))
      if (NODE_BUILTINS.test(m[1])) offenders.push(`${path.relative(src, f)} imports ${m[1]}`);
    if (/\bBuffer\.|\bprocess\./.test(text))
      offenders.push(`${path.relative(src, f)} uses Buffer or process`);
  }
  expect(offenders).toEqual([]);
  expect(files.length).toBeGreaterThan(10);
});
