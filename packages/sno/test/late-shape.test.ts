/**
 * A file whose lines change shape after the first records a reader learns from (RecordShape, SHAPE_SAMPLE):
 * a second export appended with trailing separators, a first part re-saved with them, a separator inside
 * an unquoted text late in the file, a long preamble, a first piece made of very long lines. Each value is
 * read where it stands, or its record rejected with file, line, what was expected and what was found —
 * never shifted onto another column or dropped; and a file read in pieces reads as it does whole.
 */
import * as fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { SHAPE_WINDOW, type ReadResult } from '../src';
import { coastHfFixture, rephyFixture } from '../src/testing';
import { scratch, sharedFiles } from './helpers';
import { cp1252, read, readBothWays, textOf, utf8, valuesOf } from './values';

const dir = scratch('late-shape');

/** Read whole and in pieces of ~3 000 characters: the same values, counts and rejections. */
const bothWays = (name: string, bytes: Uint8Array): Promise<ReadResult> =>
  readBothWays(dir, name, bytes);

/** Values of these (1-based) lines, and of the others. */
const onLines = (values: string[], lines: number[]): string[] =>
  values.filter(v => lines.includes(Number(v.split('|')[0])));
const offLines = (values: string[], lines: number[]): string[] =>
  values.filter(v => !lines.includes(Number(v.split('|')[0])));
const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, k) => from + k);

/** The records rejected at a change of habit: before the recent lines show it (a majority of SHAPE_WINDOW). */
const BOUNDARY = Math.floor(SHAPE_WINDOW / 2) + 1;

describe('COAST-HF (documented layout), 400 records', () => {
  const canonical = coastHfFixture(2, 400);
  const text = textOf(canonical.bytes);
  const base = valuesOf(read(canonical.name, canonical.bytes).observations);

  test('trailing separators from line 150 on (a second export appended): read, the first few lines of the change rejected with their line and why', async () => {
    const lines = text.split('\n').map((l, i) => (i >= 149 && l ? `${l},` : l));
    const got = await bothWays('appended.csv', utf8(lines.join('\n')));
    const boundary = range(150, BOUNDARY);
    expect(valuesOf(got.observations)).toEqual(offLines(base, boundary));
    expect(got.report.valuesRejected).toBe(onLines(base, boundary).length);
    expect(new Set(got.report.rejected.map(i => i.line))).toEqual(new Set(boundary));
    expect(got.report.rejected[0]).toMatchObject({
      file: 'appended.csv',
      line: 150,
      expected: '16 fields separated by ","',
      found:
        '17 fields where the lines before have 16: 1 more, empty (a separator inside an unquoted text shifts the fields after it)',
      reason: 'extra-fields'
    });
  });

  test('trailing separators on the first 150 lines only, then a platform name split by a separator on a line with an empty last field: that line rejected', async () => {
    const lines = text.split('\n').map((l, i) => (i < 150 && i > 0 ? `${l},` : l));
    const cells = lines[300].split(',');
    cells[0] = 'SMILE,Luc';
    cells[cells.length - 1] = '';
    lines[300] = cells.join(',');
    const got = await bothWays('resaved.csv', utf8(lines.join('\n')));
    // The line's values, shifted onto other columns, are all rejected; no other value changes.
    expect(valuesOf(got.observations)).toEqual(offLines(base, [301]));
    expect(got.report.rejected.every(i => i.line === 301)).toBe(true);
    expect(got.report.valuesRejected).toBeGreaterThan(0);
  });
});

describe('PHYTOBS Pelagos (the real Luc-sur-Mer file)', () => {
  const file = sharedFiles('phytobs').find(f => /Luc/.test(f))!;
  const bytes = fs.readFileSync(file);
  const rows = textOf(bytes)
    .replace(/\n$/, '')
    .split('\n')
    .map(l => l.split(';'));
  const base = valuesOf(read('luc.csv', bytes).observations);
  const station = rows[0].indexOf('station*');

  test('trailing separators on its first 60 lines only (half the sample), then a station name split by a separator on a sample whose last taxon is empty: that sample rejected, never shifted onto other taxa', () => {
    const r = rows.findIndex((x, i) => i > 90 && x[x.length - 1] === '');
    expect(r).toBeGreaterThan(90);
    const lines = rows.map((x, i) => (i < 60 ? [...x, ''] : [...x]));
    lines[r][station] = 'Laboratoire BOREA; UNICAEN';
    const got = read('luc.csv', utf8(lines.map(x => x.join(';')).join('\n') + '\n'));
    expect(onLines(base, [r + 1]).length).toBeGreaterThan(0);
    expect(valuesOf(got.observations)).toEqual(offLines(base, [r + 1]));
    expect(got.report.valuesRejected).toBe(onLines(base, [r + 1]).length);
    expect(got.report.rejected.every(i => i.line === r + 1 && i.reason === 'extra-fields')).toBe(
      true
    );
    expect(got.report.rejected[0].found).toContain(
      `${rows[0].length + 1} fields where the lines before have ${rows[0].length}: 1 more, empty`
    );
  });
});

describe('REPHY / Quadrige web export (documented layout), 300 samples', () => {
  const canonical = rephyFixture(3, 300);
  const text = textOf(canonical.bytes);
  const lines = (): string[][] => text.split('\r\n').map(l => l.split(';'));
  const header = lines()[0];
  const label = header.indexOf('Résultat : Libellé paramètre');
  const quality = header.indexOf('Résultat : Niveau de qualité');
  const base = valuesOf(read(canonical.name, canonical.bytes).observations);
  const bytesOf = (rs: string[][]): Uint8Array => cp1252(rs.map(r => r.join(';')).join('\r\n'));

  test.each([
    ['empty', ''],
    ['"Bon"', 'Bon']
  ])(
    'a parameter name split by a separator on line 1201, its quality %s: the result (now in the unit column) rejected with that line, never dropped as an empty result',
    async (_, q) => {
      const rs = lines();
      rs[1200][quality] = q;
      rs[1200][label] = 'Température; eau';
      const got = await bothWays('split.csv', bytesOf(rs));
      expect(valuesOf(got.observations)).toEqual(offLines(base, [1201]));
      expect(got.report.rejected.length).toBeGreaterThan(0);
      expect(got.report.rejected.every(i => i.line === 1201 && i.reason === 'extra-fields')).toBe(
        true
      );
      expect(got.report.rejected.at(-1)).toMatchObject({
        file: 'split.csv',
        expected: '13 fields, as in the header'
      });
    }
  );

  test('its first 64 KiB made of very long lines with trailing separators, the rest without: read whole and in pieces alike, every value in place', async () => {
    const rs = lines().map((r, i) =>
      i > 0 && i <= 40
        ? [...r.slice(0, label), r[label] + ' …'.repeat(1500), ...r.slice(label + 1), '']
        : r
    );
    const bytes = bytesOf(rs);
    expect(bytes.indexOf(0x0a, 40 * 3000)).toBeGreaterThan(1 << 16);
    const got = await bothWays('long-lines.csv', bytes);
    expect(valuesOf(got.observations)).toEqual(base);
    expect(got.report.valuesRejected).toBe(0);
  });
});

describe('Quadrige make.names (the real Gravelines hydrology file)', () => {
  const gz = sharedFiles('gravelines').find(g => /Hydro/.test(g))!;
  const text = textOf(gunzipSync(fs.readFileSync(gz)));
  const base = valuesOf(read('gravelines.csv', utf8(text)).observations);

  test('a long preamble of blank lines (2 000, where the format is told from the first 12), then trailing separators from line 150 of the data on: read whole and in pieces alike, only the first lines of the change rejected', async () => {
    const preamble = ';;;;\r\n'.repeat(2_000);
    const lines = text.split('\r\n').map((l, i) => (i >= 149 && l ? `${l};` : l));
    const got = await bothWays('preamble.csv', utf8(preamble + lines.join('\r\n')));
    const boundary = range(2_000 + 150, BOUNDARY);
    const shifted = (vs: string[]): string[] =>
      vs.map(v => v.replace(/^\d+/, n => `${Number(n) - 2_000}`)).sort();
    expect(shifted(valuesOf(got.observations))).toEqual(offLines(base, range(150, BOUNDARY)));
    expect(new Set(got.report.rejected.map(i => i.line))).toEqual(new Set(boundary));
    expect(got.report.linesRead).toBe(2_000 + text.split('\r\n').length - 1);
  });
});
