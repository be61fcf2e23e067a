/**
 * Seeded conservation fuzz, for every reader: the real shared files and files in the documented layouts,
 * mutated line by line at random but reproducibly (a field dropped or added, a trailing separator, a quote,
 * a blank line, the last line cut, a number turned to text, a decimal comma) and as files (line ends mixed
 * CRLF/LF, a BOM, re-encoded in Windows-1252). Each mutated file is refused with a located error, or read
 * with written + rejected + missing = read, every record accounted for, and each line left alone keeping
 * exactly its values. The seed is printed on failure; FUZZ_SEED=<n> replays it.
 */
import * as fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { IngestError, readSnoFile, type ReadOptions } from '../src';
import { mulberry32 } from '../src/synth';
import {
  coastHfFixture,
  erddapCsvFixture,
  mappedCsvFixture,
  rephyFixture,
  somlitFixture
} from '../src/testing';
import { sharedFiles } from './helpers';
import { cp1252, textOf, utf8, valuesOf } from './values';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const ROUNDS = 8;

interface Source {
  what: string;
  name: string;
  bytes: Uint8Array;
  options?: ReadOptions;
}

const phytobs = sharedFiles('phytobs');
const mapped = mappedCsvFixture(3, 60);
const gravelines = textOf(gunzipSync(fs.readFileSync(sharedFiles('gravelines')[0])));
const SOURCES: Source[] = [
  ...['Luc', 'PICONANO'].map(k => {
    const f = phytobs.find(p => p.includes(k))!;
    return { what: `PHYTOBS Pelagos (real, ${k})`, name: 'pelagos.csv', bytes: fs.readFileSync(f) };
  }),
  {
    what: 'Quadrige make.names (real Gravelines, first 300 lines)',
    name: 'gravelines.csv',
    bytes: utf8(gravelines.split('\r\n').slice(0, 300).join('\r\n') + '\r\n')
  },
  { what: 'REPHY (documented layout)', ...rephyFixture(5, 40) },
  { what: 'SOMLIT hydro (documented layout)', ...somlitFixture('hydro', 5, 60) },
  { what: 'COAST-HF (documented layout)', ...coastHfFixture(5, 120) },
  { what: 'ERDDAP tabledap .csv', ...erddapCsvFixture(5, 60) },
  { what: 'CSV through a mapping', ...mapped.file, options: { mapping: mapped.mapping } }
];

/** A line's values, by what they are, without their line number. */
function byLine(values: string[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const v of values) {
    const at = v.indexOf('|');
    const line = Number(v.slice(0, at));
    out.set(line, [...(out.get(line) ?? []), v.slice(at)]);
  }
  return out;
}

const NUMBER = /^-?\d+\.\d+$/;

/** One line mutated in place: what was done, and the new line. */
const LINE_MUTATIONS: [string, (cells: string[], rand: () => number, sep: string) => string][] = [
  ['drop a field', (c, r, s) => c.filter((_, i) => i !== Math.floor(r() * c.length)).join(s)],
  [
    'add a field',
    (c, r, s) => {
      const i = Math.floor(r() * (c.length + 1));
      return [...c.slice(0, i), 'x', ...c.slice(i)].join(s);
    }
  ],
  ['trailing separator', (c, _, s) => c.join(s) + s],
  [
    'insert a quote',
    (c, r, s) => {
      const l = c.join(s);
      const i = Math.floor(r() * (l.length + 1));
      return l.slice(0, i) + '"' + l.slice(i);
    }
  ],
  [
    'a number to text',
    (c, r, s) => {
      const n = c.map((x, i) => (NUMBER.test(x) ? i : -1)).filter(i => i >= 0);
      if (n.length) c[n[Math.floor(r() * n.length)]] = 'n.d.';
      return c.join(s);
    }
  ],
  [
    'a decimal comma',
    (c, r, s) => {
      const n = c.map((x, i) => (NUMBER.test(x) ? i : -1)).filter(i => i >= 0);
      if (n.length) {
        const i = n[Math.floor(r() * n.length)];
        c[i] = c[i].replace('.', ',');
      }
      return c.join(s);
    }
  ]
];

interface Mutated {
  bytes: Uint8Array;
  /** What was done, for the failure message. */
  done: string[];
  /** New line number → the source line it is, for the lines left alone. */
  untouched: Map<number, number>;
}

function mutate(source: Source, canonicalLines: Set<number>, rand: () => number): Mutated {
  const text = textOf(source.bytes).replace(/^\uFEFF/, '');
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.replace(new RegExp(`${nl}$`), '').split(nl);
  const sep = [';', '\t', ','].find(s => lines[lines.length - 1].includes(s)) ?? ',';
  const done: string[] = [];
  const out: string[] = [];
  const ends: string[] = [];
  const untouched = new Map<number, number>();
  const rate = 0.03 + rand() * 0.1;
  const mixEnds = rand() < 0.3;
  lines.forEach((line, k) => {
    const source = k + 1;
    const end = mixEnds && rand() < 0.3 ? (nl === '\n' ? '\r\n' : '\n') : nl;
    if (!canonicalLines.has(source) || rand() >= rate) {
      untouched.set(out.length + 1, source);
      out.push(line);
      ends.push(end);
      return;
    }
    if (rand() < 1 / 7) {
      done.push(`line ${source}: a blank line before it`);
      out.push('');
      ends.push(nl);
      untouched.set(out.length + 1, source);
      out.push(line);
      ends.push(end);
      return;
    }
    const [what, change] = LINE_MUTATIONS[Math.floor(rand() * LINE_MUTATIONS.length)];
    done.push(`line ${source}: ${what}`);
    out.push(change(line.split(sep), rand, sep));
    ends.push(end);
  });
  if (rand() < 0.2) {
    const last = out.length;
    if (untouched.delete(last)) done.push('the last line cut');
    out[last - 1] = out[last - 1].slice(0, Math.floor(out[last - 1].length / 2));
    ends[last - 1] = '';
  }
  if (mixEnds) done.push('CRLF and LF mixed');
  let body = out.map((l, i) => l + ends[i]).join('');
  if (rand() < 0.2) {
    done.push('a BOM');
    body = '\uFEFF' + body;
  }
  let bytes = utf8(body);
  if (rand() < 0.25 && [...body].every(c => c === '\uFEFF' || cp1252Encodable(c))) {
    done.push('Windows-1252');
    bytes = cp1252(body.replace(/^\uFEFF/, ''));
  }
  return { bytes, done, untouched };
}

function cp1252Encodable(c: string): boolean {
  try {
    cp1252(c);
    return true;
  } catch {
    return false;
  }
}

describe.each(SOURCES)('$what', source => {
  const canonical = readSnoFile(source.name, source.bytes, source.options);
  const canonicalValues = byLine(valuesOf(canonical.observations));
  // Lines of data records: those with a value or a rejection in the file as published.
  const dataLines = new Set([
    ...canonicalValues.keys(),
    ...canonical.report.rejected.map(i => i.line)
  ]);

  test(`${ROUNDS} mutated files (seed ${SEED}): each refused with its line, or every cell accounted for and the lines left alone read as before`, () => {
    expect(canonicalValues.size).toBeGreaterThan(10);
    let read = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const seed = SEED + round * 7919 + source.what.length;
      const m = mutate(source, dataLines, mulberry32(seed));
      const where = `${source.what}, seed ${seed} (FUZZ_SEED=${SEED}, round ${round}): ${m.done.join('; ') || 'nothing changed'}`;
      let result;
      try {
        result = readSnoFile(source.name, m.bytes, source.options);
      } catch (e) {
        if (!(e instanceof IngestError)) throw new Error(`${where}: ${(e as Error).stack}`);
        expect(e.issue.file).toBe(source.name);
        continue;
      }
      read++;
      const r = result.report;
      const problems: string[] = [];
      if (r.cellsSeen !== r.valuesWritten + r.valuesRejected + r.valuesMissing)
        problems.push(
          `cells read ${r.cellsSeen} ≠ written ${r.valuesWritten} + rejected ${r.valuesRejected} + missing ${r.valuesMissing}`
        );
      if (r.unaccounted.records) problems.push(`unaccounted: ${JSON.stringify(r.unaccounted)}`);
      const got = byLine(valuesOf(result.observations));
      for (const [line, source] of m.untouched) {
        const want = canonicalValues.get(source) ?? [];
        const have = got.get(line) ?? [];
        if (JSON.stringify(have) !== JSON.stringify(want))
          problems.push(
            `line ${line} (source line ${source}) left alone: ${have.length} values ${JSON.stringify(have.slice(0, 2))} where ${want.length} ${JSON.stringify(want.slice(0, 2))}`
          );
      }
      if (problems.length)
        throw new Error(
          `${where}\n${problems.slice(0, 6).join('\n')}\nrows read ${r.rowsRead}, rejected ${JSON.stringify(r.rejectedByReason)}, ` +
            `warnings ${JSON.stringify(r.warnings)}, first rejected ${JSON.stringify(r.rejected.slice(0, 3))}`
        );
    }
    // Many mutated files are read (a stray quote may refuse a file): the check is about reading.
    expect(read).toBeGreaterThanOrEqual(ROUNDS / 4);
  });
});
