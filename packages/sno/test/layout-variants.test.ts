/**
 * Variants a real export of each format may have that our fixtures do not (line ends, byte-order
 * mark, encoding, blank lines, concatenated exports, separators, decimal comma…): each reads into the
 * same values as the fixture, or is refused or rejected saying why, and the counts add up.
 */
import * as fs from 'node:fs';
import { LineGuard, readSnoFile, type ReadOptions } from '../src';
import {
  coastHfFixture,
  erddapCsvFixture,
  mappedCsvFixture,
  rephyFixture,
  somlitFixture
} from '../src/testing';
import { sharedFiles } from './helpers';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const latin1 = (s: string): Uint8Array => Uint8Array.from([...s].map(c => c.charCodeAt(0)));

function decode(b: Uint8Array): { text: string; latin: boolean } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(b), latin: false };
  } catch {
    return { text: new TextDecoder('latin1').decode(b), latin: true };
  }
}

interface Case {
  name: string;
  bytes: Uint8Array;
  options: ReadOptions;
}

function cases(): Case[] {
  const mapped = mappedCsvFixture();
  const pelagos = sharedFiles('phytobs').find(f => /Luc/.test(f))!;
  return [
    { name: 'quadrige', bytes: rephyFixture().bytes, options: {} },
    { name: 'somlit', bytes: somlitFixture('hydro').bytes, options: {} },
    { name: 'coast-hf', bytes: coastHfFixture().bytes, options: {} },
    { name: 'erddap', bytes: erddapCsvFixture().bytes, options: {} },
    { name: 'mapped', bytes: mapped.file.bytes, options: { mapping: mapped.mapping } },
    { name: 'pelagos', bytes: new Uint8Array(fs.readFileSync(pelagos)), options: {} }
  ];
}

/** What a reading gives, independent of line ends: every value with its line, column and time. */
function reading(file: string, bytes: Uint8Array, options: ReadOptions) {
  const r = readSnoFile(file, bytes, options);
  const o = r.observations;
  const values: string[] = [];
  for (let i = 0; i < o.length; i++) {
    const x = o.row(i);
    values.push(
      `${x.source_row}|${x.source_column}|${x.parameter}|${x.value}|${x.time}|${x.site_name}|${x.taxon}|${x.source_flag}`
    );
  }
  const rep = r.report;
  expect(rep.cellsSeen).toBe(rep.valuesWritten + rep.valuesRejected + rep.valuesMissing);
  return { values, report: rep };
}

const lineEnds: [string, (s: string) => string][] = [
  ['CRLF', s => s.replace(/\r?\n/g, '\r\n')],
  ['LF', s => s.replace(/\r\n/g, '\n')],
  ['CR alone (old Mac Excel)', s => s.replace(/\r?\n/g, '\r')],
  ['no final line end', s => s.replace(/(\r?\n)+$/, '')],
  ['UTF-8 byte-order mark', s => '\ufeff' + s]
];

describe.each(cases())('$name', ({ name, bytes, options }) => {
  const { text, latin } = decode(bytes);
  const base = reading(name, bytes, options);
  test.each(lineEnds)('%s: the same values, lines and counts', (_, change) => {
    const changed = change(text);
    const got = reading(name, latin ? latin1(changed) : utf8(changed), options);
    expect(got.values).toEqual(base.values);
    expect(got.report.valuesRejected).toBe(base.report.valuesRejected);
    expect(got.report.valuesMissing).toBe(base.report.valuesMissing);
    expect(got.report.linesRead).toBe(base.report.linesRead);
  });
  test(`${latin ? 'UTF-8' : 'ISO-8859-1'} instead of ${latin ? 'ISO-8859-1' : 'UTF-8'}: the same values`, () => {
    const got = reading(name, latin ? utf8(text) : latin1(text), options);
    expect(got.values).toEqual(base.values);
  });
});

test('a file whose lines end with CR alone is no single over-long line', () => {
  const guard = new LineGuard('mac.csv', 100);
  const line = 'a;b;c;' + '1'.repeat(60) + '\r';
  expect(() => guard.feed(utf8(line.repeat(50)))).not.toThrow();
  expect(() => new LineGuard('unix.csv', 100).feed(utf8(line.replace('\r', '').repeat(5)))).toThrow(
    /line 1: expected lines of at most 100 bytes/
  );
});

describe('exports concatenated into one file: the repeated header lines are skipped and said', () => {
  const twice = (name: string, bytes: Uint8Array, options: ReadOptions): void => {
    const { text, latin } = decode(bytes);
    const once = reading(name, bytes, options);
    const joined = text.endsWith('\n') ? text + text : `${text}\n${text}`;
    const got = reading(name, latin ? latin1(joined) : utf8(joined), options);
    expect(got.report.valuesRejected).toBe(2 * once.report.valuesRejected);
    expect(got.report.valuesWritten).toBe(2 * once.report.valuesWritten);
    expect(got.report.valuesMissing).toBe(2 * once.report.valuesMissing);
    expect(got.values.slice(0, once.values.length)).toEqual(once.values);
    expect(Object.keys(got.report.warnings).join('\n')).toMatch(
      /header line repeated|repeated header/
    );
  };
  test.each(cases().filter(c => c.name !== 'pelagos'))('$name', ({ name, bytes, options }) =>
    twice(name, bytes, options)
  );
});

describe('a decimal comma is read wherever the separator leaves no doubt', () => {
  /** Each value by line, parameter, number and time (header spellings aside). */
  const numbers = (name: string, text: string, latin = false): string[] => {
    const r = reading(name, latin ? latin1(text) : utf8(text), {});
    expect(r.report.valuesRejected).toBe(0);
    return r.values.map(v => {
      const [row, , parameter, value, time] = v.split('|');
      return `${row}|${parameter}|${value}|${time}`;
    });
  };
  const commas = (text: string, from: number): string =>
    text
      .split('\n')
      .map((l, i) => (i < from ? l : l.replace(/(\d)\.(\d)/g, '$1,$2')))
      .join('\n');

  test.each([';', '\t'])('COAST-HF separated by %j, numbers written 12,5', sep => {
    const f = coastHfFixture();
    const text = decode(f.bytes).text;
    const base = numbers(f.name, text);
    expect(base.length).toBeGreaterThan(100);
    expect(numbers(f.name, commas(text.replace(/,/g, sep), 1))).toEqual(base);
  });

  test('SOMLIT re-saved with decimal commas', () => {
    const f = somlitFixture('hydro');
    const text = decode(f.bytes).text;
    const base = numbers(f.name, text);
    expect(numbers(f.name, commas(text, 4))).toEqual(base);
  });

  test('Quadrige: the decimal comma does not hang on the header spelling ("Résultat:Valeur…")', () => {
    const f = rephyFixture();
    const { text, latin } = decode(f.bytes);
    const base = numbers(f.name, text, latin);
    const lines = text.split('\n');
    lines[0] = lines[0].replace(/ : /g, ':');
    expect(numbers(f.name, lines.join('\n'), latin)).toEqual(base);
  });
});

test('Quadrige: a column the reader does not use is named in the report, its values untouched', () => {
  const f = rephyFixture();
  const { text, latin } = decode(f.bytes);
  const base = reading(f.name, f.bytes, {});
  expect(Object.keys(base.report.warnings).some(w => /columns not read/.test(w))).toBe(false);
  const lines = text
    .split('\r\n')
    .map(l => (l === '' ? l : `${l};${/Passage/.test(l) ? 'Résultat : Commentaire' : 'vu'}`));
  const got = reading(f.name, latin ? latin1(lines.join('\r\n')) : utf8(lines.join('\r\n')), {});
  expect(got.values).toEqual(base.values);
  expect(
    got.report.warnings['columns not read (kept in the source file only): Résultat : Commentaire']
  ).toBe(base.report.warnings['repeated header rows (blocks)'] + 1);
});
