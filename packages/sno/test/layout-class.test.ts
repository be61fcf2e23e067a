/**
 * The class of layouts a native export may take once a person has opened, re-saved or re-typed it, per
 * reader: header names in another case, with spaces, accents composed or not, units after the names;
 * columns in another order; unknown columns; trailing separators; quoted fields; decimal commas; dates
 * and times as the services and spreadsheets write them; missing-value markers; UTF-8 with or without
 * BOM and Windows-1252; the bounded path's pieces. Each variant is built from a real shared file (PHYTOBS
 * Pelagos, Gravelines Quadrige) or from the documented layout (SOMLIT, COAST-HF, REPHY fixtures), read,
 * and checked: every value is written with the same numbers as the canonical file, or rejected with its
 * line, column and reason, or counted as a missing-value code — written + rejected + missing = read; a
 * variant that cannot be read is refused with an error naming file, line, expected and found.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { type ReadResult } from '../src';
import { detectFormat } from '../src/detect';
import { decodeBytes } from '../src/text';
import { coastHfFixture, mappedCsvFixture, rephyFixture, somlitFixture } from '../src/testing';
import { fatal, scratch, sharedFiles } from './helpers';
import { cp1252, read, readBothWays, textOf, utf8, valuesOf } from './values';

/** The variant reads into the canonical file's values, with nothing rejected or missing beyond it. */
function expectSameValues(variant: ReadResult, canonical: ReadResult): void {
  expect(valuesOf(variant.observations)).toEqual(valuesOf(canonical.observations));
  expect(variant.report.valuesRejected).toBe(canonical.report.valuesRejected);
  expect(variant.report.valuesMissing).toBe(canonical.report.valuesMissing);
  expect(variant.report.unknownColumns).toEqual(canonical.report.unknownColumns);
}

/** Lines of ";"-separated cells (the files used here quote nothing), and back. */
const table = (text: string, nl = '\n'): string[][] =>
  text
    .replace(new RegExp(`(${nl})+$`), '')
    .split(nl)
    .map(l => l.split(';'));
const untable = (rows: string[][], sep = ';', nl = '\n'): string =>
  rows.map(r => r.join(sep)).join(nl) + nl;
/** Every cell quoted, as a spreadsheet set to quote all text writes it. */
const quoted = (rows: string[][]): string[][] =>
  rows.map(r => r.map(c => `"${c.replace(/"/g, '""')}"`));
const upper = (s: string): string => s.toUpperCase();
const nfd = (s: string): string => s.normalize('NFD');

/**
 * Variants of a Pelagos wide export that read into the same values: names in other case, spacing,
 * accents or with units, fields in another order, a BOM, quotes, tabs, trailing separators, dates
 * written otherwise. The export's ";"-separated rows are given; each variant changes a copy.
 */
function pelagosVariants(rows: string[][]): [string, (rows: string[][]) => string[][]][] {
  const label = rows[0].indexOf('taxon_pelagos');
  const col = (h: string): number => rows[0].indexOf(h);
  return [
    [
      'field names and labels in upper case',
      rs => {
        rs[0] = rs[0].map((h, i) => (i <= label ? upper(h) : h));
        for (let k = 1; k < 6; k++) rs[k][label] = upper(rs[k][label]);
        return rs;
      }
    ],
    [
      'mixed case, spaces around names, accents written and decomposed (NFD), typographic apostrophe',
      rs => {
        rs[0] = rs[0].map((h, i) =>
          i > label
            ? h
            : h === "site d'echantillonnage*"
              ? nfd(' Site d’échantillonnage * ')
              : h === 'jeu de donnees*'
                ? nfd('Jeu de Données*')
                : h === 'sampling_date(dd/mm/yyyy)*'
                  ? 'Sampling_Date (dd/mm/yyyy) *'
                  : `  ${h[0].toUpperCase()}${h.slice(1)} `
        );
        rs[1][label] = ' Taxon_User ';
        rs[2][label] = 'AphiaId';
        return rs;
      }
    ],
    ['the whole file with decomposed accents (NFD)', rs => rs.map(r => r.map(nfd))],
    [
      'units written after field names',
      rs => {
        rs[0] = rs[0].map(h =>
          h === 'sampling_depth_min' ? 'sampling_depth_min (m)' : h === 'tide' ? 'tide (-)' : h
        );
        return rs;
      }
    ],
    [
      'sampling fields in another order',
      rs => rs.map(r => [...r.slice(0, label).reverse(), ...r.slice(label)])
    ],
    [
      'a UTF-8 byte-order mark, CRLF and upper-case names together',
      rs => {
        rs[0] = rs[0].map((h, i) => (i <= label ? upper(h) : h));
        rs[0][0] = '\ufeff' + rs[0][0];
        return rs;
      }
    ],
    ['every field quoted', quoted],
    [
      'tab-separated, as a spreadsheet saves "Text (tab-delimited)"',
      rs => rs.map(r => [r.join('\t')])
    ],
    [
      'a separator inside a quoted field',
      rs => {
        const station = rs[0].indexOf('station*');
        for (const r of rs.slice(6)) r[station] = '"Laboratoire BOREA; UNICAEN"';
        return rs;
      }
    ],
    ['a trailing separator on every line', rs => rs.map(r => [...r, ''])],
    [
      'a trailing separator on the data lines only',
      rs => rs.map((r, i) => (i < 6 ? r : [...r, '']))
    ],
    ['a trailing separator on the names line only', rs => rs.map((r, i) => (i ? r : [...r, '']))],
    [
      'dates written ISO yyyy-mm-dd, times zero-padded with seconds',
      rs => {
        const [d, t] = [col('sampling_date(dd/mm/yyyy)*'), col('sampling_time (hh:mm)')];
        for (const r of rs.slice(6)) {
          const [dd, mm, yyyy] = r[d].split('/');
          r[d] = `${yyyy}-${mm.padStart(2, '0')}-${dd.padStart(2, '0')}`;
          if (!r[t].includes(':')) continue;
          const [h, m] = r[t].split(':');
          r[t] = `${h.padStart(2, '0')}:${m.padStart(2, '0')}:00`;
        }
        return rs;
      }
    ]
  ];
}

describe('PHYTOBS Pelagos wide export (the real Luc-sur-Mer file)', () => {
  const file = sharedFiles('phytobs').find(f => /Luc/.test(f))!;
  const name = path.basename(file);
  const text = fs.readFileSync(file, 'utf8');
  const rows = table(text);
  const label = rows[0].indexOf('taxon_pelagos');
  const data = rows.slice(6);
  const canonical = read(name, utf8(text));
  const col = (h: string): number => rows[0].indexOf(h);
  const variant = (change: (rows: string[][]) => string[][], nl = '\n'): ReadResult =>
    read(name, utf8(untable(change(rows.map(r => [...r])), ';', nl)));

  test('the canonical file: no quotes, 6 header rows, thousands of values', () => {
    expect(text).not.toContain('"');
    expect(label).toBe(32);
    expect(canonical.report.valuesWritten).toBeGreaterThan(5000);
  });

  const same = pelagosVariants(rows);
  test.each(same)('%s: the same values', (_, change) => {
    const nl = /CRLF/.test(_) ? '\r\n' : '\n';
    expectSameValues(variant(change, nl), canonical);
  });

  test('Excel "Unicode text": UTF-16LE with its byte-order mark, tab-separated, CRLF: the same values', () => {
    const t = '\ufeff' + rows.map(r => r.join('\t')).join('\r\n') + '\r\n';
    const bytes = new Uint8Array(2 * t.length);
    for (let i = 0; i < t.length; i++) {
      bytes[2 * i] = t.charCodeAt(i) & 0xff;
      bytes[2 * i + 1] = t.charCodeAt(i) >> 8;
    }
    const got = read(name, bytes);
    expect(got.report.encoding).toBe('utf-16le');
    expectSameValues(got, canonical);
  });

  test('sampling fields moved among the taxa are read as fields, and said', () => {
    const moved = [col('sampling_date(dd/mm/yyyy)*'), col('tide_coefficient')];
    const got = variant(rs =>
      rs.map(r => [...r.filter((_, i) => !moved.includes(i)), ...moved.map(i => r[i])])
    );
    expectSameValues(got, canonical);
    expect(got.report.warnings).toHaveProperty(
      [
        'sampling fields found among the taxa, after taxon_pelagos, read as fields: sampling_date(dd/mm/yyyy)*, tide_coefficient'
      ],
      1
    );
  });

  test('a decimal comma reads as the decimal point does: counts and depth', () => {
    // Counts with a fraction (a mean of replicate counts), written both ways.
    const withFractions = (mark: string) => (rs: string[][]) =>
      rs.map((r, i) =>
        i < 6
          ? r
          : r.map((c, j) =>
              (j > label && /^\d+$/.test(c)) || j === col('sampling_depth_min')
                ? `${c.replace(/\.0$/, '')}${mark}25`
                : c
            )
      );
    const point = variant(withFractions('.'));
    const comma = variant(withFractions(','));
    expect(point.report.valuesRejected).toBe(0);
    expect(valuesOf(comma.observations)).toEqual(valuesOf(point.observations));
    expect(point.report.valuesWritten).toBe(canonical.report.valuesWritten);
    const o = comma.observations.row(0);
    expect(o.value % 1).toBeCloseTo(0.25, 10);
    expect(o.depth).toBe(2.25);
  });

  test('Windows-1252 text (’, œ, é) reads as the same characters as UTF-8, never as mojibake', () => {
    const sample = col('sample_name*');
    const change = (rs: string[][]): string[][] => {
      for (const r of rs.slice(6)) r[sample] = `Prélèvement d’œil – ${r[sample]}`;
      return rs;
    };
    const written = untable(change(rows.map(r => [...r])));
    const fromUtf8 = read(name, utf8(written));
    const from1252 = read(name, cp1252(written));
    expect(from1252.report.encoding).toBe('iso-8859-1');
    expectSameValues(from1252, canonical);
    const ids = (r: ReadResult): string[] => [
      ...new Set(
        Array.from({ length: r.observations.length }, (_, i) => r.observations.row(i).sample_id!)
      )
    ];
    expect(ids(from1252)).toEqual(ids(fromUtf8));
    expect(ids(from1252)[0]).toMatch(/^Prélèvement d’œil – PHYTO-LUC-/);
  });

  test('a UTF-8 file with one Windows-1252 byte: read as Windows-1252, its UTF-8 text repaired and said', () => {
    const [sample, station] = [col('sample_name*'), col('station*')];
    const change = (marker: string) => (rs: string[][]) => {
      for (const r of rs.slice(6)) r[sample] = `Prélèvement d’œil – ${r[sample]}`;
      rs[6][station] = `BOREA ${marker}`;
      return rs;
    };
    const clean = read(name, utf8(untable(change('X')(rows.map(r => [...r])))));
    const bytes = utf8(untable(change('\u0001')(rows.map(r => [...r]))));
    bytes[bytes.indexOf(1)] = 0xe9; // "é" in Windows-1252, no UTF-8 sequence
    const mixed = read(name, bytes);
    expect(mixed.report.encoding).toBe('iso-8859-1');
    expectSameValues(mixed, canonical);
    const ids = (r: ReadResult): (string | null)[] =>
      Array.from({ length: r.observations.length }, (_, i) => r.observations.row(i).sample_id);
    expect(ids(mixed)).toEqual(ids(clean));
    expect(
      mixed.report.warnings['mis-encoded accents repaired (UTF-8 read as Latin-1) in text cells']
    ).toBeGreaterThan(0);
  });

  test.each([
    ['as published', (r: string[]) => r],
    ['with a trailing separator on every line', (r: string[]) => [...r, '']]
  ])(
    'a separator inside an unquoted text (a field split in two, %s): that sample rejected, never shifted onto other taxa',
    (_, trailing) => {
      const station = col('station*');
      // A sample whose last taxon is not recorded: split, its line ends with an empty field too many.
      const r = rows.findIndex((x, i) => i >= 6 && x[x.length - 1] === '');
      const lines = rows.map(x => trailing([...x]).join(';'));
      const split = trailing([...rows[r]]);
      split[station] = 'Laboratoire BOREA; UNICAEN';
      lines[r] = split.join(';');
      const got = read(name, utf8(lines.join('\n') + '\n'));
      const onLine = (v: string[], line: number) => v.filter(x => x.startsWith(`${line}|`));
      const base = valuesOf(canonical.observations);
      expect(onLine(base, r + 1).length).toBeGreaterThan(0);
      expect(valuesOf(got.observations)).toEqual(base.filter(x => !x.startsWith(`${r + 1}|`)));
      expect(got.report.valuesRejected).toBe(onLine(base, r + 1).length);
      expect(got.report.rejected.every(i => i.line === r + 1 && i.reason === 'extra-fields')).toBe(
        true
      );
    }
  );

  test('missing-value markers are not empty cells: each is rejected with its line and taxon', () => {
    const placed: { line: number; column: string; found: string }[] = [];
    const got = variant(rs => {
      const markers = ['NA', 'nd', '-'];
      for (let r = 6; r < rs.length && markers.length; r++) {
        const j = rs[r].findIndex((c, k) => k > label && c === '');
        const m = markers.shift()!;
        rs[r][j] = m;
        placed.push({ line: r + 1, column: rs[0][j], found: `"${m}"` });
      }
      return rs;
    });
    expect(valuesOf(got.observations)).toEqual(valuesOf(canonical.observations));
    expect(got.report.rejected.map(({ line, column, found }) => ({ line, column, found }))).toEqual(
      placed
    );
    expect(got.report.rejectedByReason).toEqual({ 'not-a-number': 3 });
  });

  test('unknown columns, named among the fields or nameless among the taxa: listed, every cell rejected', () => {
    const got = variant(rs =>
      rs.map((r, i) => [
        ...r.slice(0, 3),
        i === 0 ? 'remarque' : i < 6 ? '' : 'vu',
        ...r.slice(3),
        i < 6 ? '' : '12'
      ])
    );
    expect(valuesOf(got.observations)).toEqual(valuesOf(canonical.observations));
    expect(got.report.unknownColumns).toEqual([
      { column: 'remarque', index: 4, cells: data.length },
      { column: `#${rows[0].length + 2}`, index: rows[0].length + 2, cells: data.length }
    ]);
    expect(got.report.valuesRejected).toBe(2 * data.length);
    expect(got.report.rejectedByReason).toEqual({ 'unknown-column': 2 * data.length });
  });

  test('a date written with two-digit year, or with a time: that sample rejected, with its line', () => {
    const d = col('sampling_date(dd/mm/yyyy)*');
    const got = variant(rs => {
      rs[6][d] = '30/01/18';
      rs[7][d] = '2018-02-19T10:00:00Z';
      return rs;
    });
    const lost = (line: number) =>
      valuesOf(canonical.observations).filter(v => v.startsWith(`${line}|`)).length;
    expect(got.report.valuesRejected).toBe(lost(7) + lost(8));
    expect(new Set(got.report.rejected.map(i => `${i.line}|${i.column}|${i.reason}`))).toEqual(
      new Set([`7|${rows[0][d]}|bad-date`, `8|${rows[0][d]}|bad-date`])
    );
  });

  test('refused, saying why: a sampling field named twice, a comma-separated re-save', () => {
    const twice = untable(
      rows.map((r, i) => (i ? r : r.map(h => (h === 'tide' ? 'Sampling_Date (yyyy-mm-dd)' : h))))
    );
    expect(fatal(name, utf8(twice))).toMatchObject({
      file: name,
      line: 1,
      column: 'Sampling_Date (yyyy-mm-dd)',
      expected: expect.stringContaining('one column "sampling_date"'),
      found: expect.stringMatching(/two: "sampling_date\(dd\/mm\/yyyy\)\*" \(column 6\) and/),
      reason: 'bad-header'
    });
    expect(fatal(name, utf8(untable(rows, ',')))).toMatchObject({
      line: 1,
      reason: 'wrong-separator',
      found: 'a header separated by ","'
    });
  });
});

describe.each(
  sharedFiles('phytobs')
    .filter(f => !/Luc|PICONANO/.test(f))
    .map(f => [path.basename(f), f])
)('PHYTOBS Pelagos wide export, the real %s', (name, file) => {
  const text = fs.readFileSync(file, 'utf8');
  const rows = table(text);
  const canonical = read(name, utf8(text));
  test('the canonical file: no quotes, values read', () => {
    expect(text).not.toContain('"');
    expect(canonical.report.valuesWritten).toBeGreaterThan(1000);
  });
  test.each(pelagosVariants(rows))('%s: the same values', (what, change) => {
    const changed = untable(change(rows.map(r => [...r])), ';', /CRLF/.test(what) ? '\r\n' : '\n');
    expectSameValues(read(name, utf8(changed)), canonical);
  });
});

describe('PHYTOBS Pelagos flow cytometry (the real PICONANO file: BOM, CRLF)', () => {
  const file = sharedFiles('phytobs').find(f => /PICONANO/.test(f))!;
  const name = path.basename(file);
  const text = fs.readFileSync(file, 'utf8').replace(/^\ufeff/, '');
  const rows = table(text, '\r\n');
  const canonical = read(name, fs.readFileSync(file));

  test('Val_* and valbeads* columns named in lower case, with LF line ends: the same values', () => {
    const changed = rows.map((r, i) =>
      i ? r : r.map(h => (/^val/i.test(h) ? h.toLowerCase() : h))
    );
    expect(changed[0].some(h => /^val_syn$/.test(h))).toBe(true);
    expectSameValues(read(name, utf8(untable(changed))), canonical);
  });
});

describe('SOMLIT export (documented layout)', () => {
  const f = somlitFixture('hydro');
  const text = textOf(f.bytes);
  const rows = table(text);
  const h = 2; // header line (after the two "//" lines)
  const canonical = read(f.name, f.bytes);
  const first = rows.findIndex((r, i) => i > h + 1 && r[0] !== '');
  const variant = (change: (rows: string[][]) => string[][], nl = '\n'): ReadResult =>
    read(f.name, utf8(untable(change(rows.map(r => [...r])), ';', nl)));
  const headerAs = (map: (h: string) => string) => (rs: string[][]) => {
    rs[h] = rs[h].map(map);
    return rs;
  };

  test('the canonical file has values, flags and missing codes', () => {
    expect(canonical.report.valuesWritten).toBeGreaterThan(300);
    expect(canonical.report.valuesMissing).toBeGreaterThan(0);
  });

  test.each<[string, (rows: string[][]) => string[][]]>([
    ['names in lower case (t;qt;…)', headerAs(s => s.toLowerCase())],
    [
      'parameters (each with its quality column) in another order',
      rs =>
        rs.map(r => {
          if (r.length !== rs[h].length) return r;
          const pairs: string[][] = [];
          for (let i = 8; i < r.length; i += 2) pairs.push(r.slice(i, i + 2));
          return [...r.slice(0, 8), ...pairs.reverse().flat()];
        })
    ],
    ['names in upper case (QT…)', headerAs(upper)],
    ['names with spaces around them', headerAs(s => ` ${s} `)],
    [
      'a UTF-8 byte-order mark and CRLF',
      rs => [[`\ufeff${rs[0][0]}`, ...rs[0].slice(1)], ...rs.slice(1)]
    ],
    ['a trailing separator on every line', rs => rs.map(r => [...r, ''])],
    [
      'a trailing separator on the data lines only',
      rs => rs.map((r, i) => (i <= h + 1 ? r : [...r, '']))
    ],
    [
      'a trailing separator on the header line only',
      rs => rs.map((r, i) => (i === h ? [...r, ''] : r))
    ],
    ['trailing empty lines', rs => [...rs, [''], [''], [';;;']]],
    ['every field quoted', rs => [...rs.slice(0, 2), ...quoted(rs.slice(2))]],
    [
      'tab-separated, as a spreadsheet saves "Text (tab-delimited)"',
      rs => rs.map(r => [r.join('\t')])
    ],
    [
      'dates dd/mm/yyyy and times hh:mm (re-saved by a French spreadsheet)',
      rs =>
        rs.map((r, i) =>
          i < first
            ? r
            : r.map((c, j) =>
                j === 2
                  ? c.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$3/$2/$1')
                  : j === 3
                    ? c.replace(/^(\d{2}:\d{2}):00$/, '$1')
                    : c
              )
        )
    ],
    [
      'the missing-value code written 999999.0 or 999999,0',
      rs =>
        rs.map((r, i) =>
          i < first ? r : r.map((c, j) => (c === '999999' ? (j % 2 ? '999999.0' : '999999,0') : c))
        )
    ]
  ])('%s: the same values', (what, change) => {
    expectSameValues(variant(change, /CRLF/.test(what) ? '\r\n' : '\n'), canonical);
  });

  test('a station the register lacks, named in Windows-1252: its name read as written', () => {
    const change = (rs: string[][]): string[][] => {
      rs[first][0] = '99';
      rs[first][1] = 'Étang de l’Œuf – bouée';
      return rs;
    };
    const written = untable(change(rows.map(r => [...r])));
    const got = read(f.name, cp1252(written));
    expect(got.report.encoding).toBe('iso-8859-1');
    expect(got.report.unknownStations.map(s => s.name)).toEqual(['Étang de l’Œuf – bouée']);
    expect(valuesOf(got.observations).length).toBe(canonical.report.valuesWritten);
  });

  test('a date with a time, or a quality code written 2.0: rejected with line, column and reason', () => {
    // A record whose temperature is a value (not the missing code) with its flag.
    const flagged = rows.findIndex((r, i) => i > first && /^\d+\.\d+$/.test(r[8]) && r[9] !== '');
    const got = variant(rs => {
      rs[first][2] = `${rs[first][2]}T10:00:00Z`;
      rs[flagged][9] = '2.0';
      return rs;
    });
    const rejected = got.report.rejected;
    const onFirst = rejected.filter(i => i.line === first + 1);
    expect(onFirst.length).toBeGreaterThan(0);
    expect(onFirst.every(i => i.reason === 'bad-date' && i.column === 'DATE')).toBe(true);
    expect(rejected.filter(i => i.line === flagged + 1)).toEqual([
      expect.objectContaining({ column: 'qT', found: '"2.0"', reason: 'unknown-flag' })
    ]);
  });

  test('refused, saying why: a comma-separated re-save', () => {
    expect(fatal(f.name, utf8(untable(rows, ',')))).toMatchObject({
      line: 3,
      reason: 'wrong-separator',
      found: 'a header separated by ","'
    });
  });
});

describe('COAST-HF CSV (documented layout)', () => {
  const f = coastHfFixture();
  const text = textOf(f.bytes);
  const rows = text
    .replace(/\n+$/, '')
    .split('\n')
    .map(l => l.split(','));
  const canonical = read(f.name, f.bytes);
  const variant = (change: (rows: string[][]) => string[][], sep = ',', nl = '\n'): ReadResult =>
    read(f.name, utf8(untable(change(rows.map(r => [...r])), sep, nl)));
  const headerAs = (map: (h: string) => string) => (rs: string[][]) => {
    rs[0] = rs[0].map(map);
    return rs;
  };
  const date = 1;

  test.each<[string, (rows: string[][]) => string[][], string?]>([
    ['names in lower case', headerAs(s => s.toLowerCase())],
    [
      'columns in another order (parameters reversed, PLATFORM last)',
      rs =>
        rs.map(r => {
          const pairs: string[][] = [];
          for (let i = 6; i < r.length; i += 2) pairs.push(r.slice(i, i + 2));
          return [...r.slice(1, 6), ...pairs.reverse().flat(), r[0]];
        })
    ],
    [
      'names in mixed case, spaces around, no space before the unit',
      headerAs(s => ` ${s.replace(/^(\w)(\w+) \(/, (_, a, b) => `${a}${b.toLowerCase()}(`)} `)
    ],
    ['a trailing separator on every line', rs => rs.map(r => [...r, ''])],
    ['a trailing separator on the data lines only', rs => rs.map((r, i) => (i ? [...r, ''] : r))],
    ['every field quoted', quoted],
    ['tab-separated', rs => rs, '\t'],
    [
      'times with a UTC offset (+02:00) or without seconds',
      rs =>
        rs.map((r, i) => {
          if (!i) return r;
          const t = new Date(r[date]);
          const local = new Date(t.getTime() + 2 * 3600_000).toISOString().slice(0, 19);
          r[date] = i % 2 ? `${local}+02:00` : r[date].replace(/:00Z$/, 'Z');
          return r;
        })
    ]
  ])('%s: the same values', (_, change, sep = ',') => {
    expectSameValues(variant(change, sep), canonical);
  });

  test('NaN flagged 9 ("missing value") is a missing-value code; NaN flagged good is rejected', () => {
    const temp = rows[0].indexOf('TEMP (degree_Celsius)');
    const got = variant(rs => {
      rs[1][temp] = 'NaN';
      rs[1][temp + 1] = '9';
      rs[2][temp] = 'NaN';
      return rs;
    });
    expect(got.report.valuesMissing).toBe(canonical.report.valuesMissing + 1);
    expect(got.report.rejected).toEqual([
      expect.objectContaining({
        line: 3,
        column: 'TEMP (degree_Celsius)',
        found: '"NaN"',
        reason: 'not-a-number'
      })
    ]);
    const tempOn = (line: number) =>
      valuesOf(canonical.observations).filter(v => v.startsWith(`${line}|TEMP|`)).length;
    expect(got.report.valuesWritten).toBe(canonical.report.valuesWritten - tempOn(2) - tempOn(3));
  });

  test('a date re-written by a spreadsheet (dd/mm/yyyy hh:mm): that record rejected, with its line', () => {
    const got = variant(rs => {
      rs[1][date] = '01/07/2021 00:00';
      return rs;
    });
    const onLine2 = valuesOf(canonical.observations).filter(v => v.startsWith('2|')).length;
    expect(got.report.valuesRejected).toBe(onLine2);
    expect(got.report.rejected.every(i => i.line === 2 && i.reason === 'bad-date')).toBe(true);
  });
});

describe('REPHY / Quadrige web export (documented layout: ISO-8859-1, CRLF, decimal comma)', () => {
  const f = rephyFixture();
  const text = textOf(f.bytes);
  const rows = table(text, '\r\n');
  const canonical = read(f.name, f.bytes);
  const latin = (s: string): Uint8Array => cp1252(s);
  const variant = (change: (rows: string[][]) => string[][], encode = latin): ReadResult =>
    read(f.name, encode(untable(change(rows.map(r => [...r])), ';', '\r\n')));
  const isHeader = (r: string[]): boolean => r[0] === rows[0][0];
  const headersAs = (map: (h: string) => string) => (rs: string[][]) =>
    rs.map(r => (isHeader(r) ? r.map(map) : r));

  test.each<[string, (rows: string[][]) => string[][], ((s: string) => Uint8Array)?]>([
    ['names in upper case', headersAs(upper)],
    ['columns in another order (reversed)', rs => rs.map(r => [...r].reverse())],
    ['names decomposed (NFD) in UTF-8', headersAs(nfd), utf8],
    ['UTF-8 with a byte-order mark', rs => rs, s => utf8('\ufeff' + s)],
    ['a trailing separator on every line', rs => rs.map(r => (r.length > 1 ? [...r, ''] : r))],
    [
      'a trailing separator on the data lines only',
      rs => rs.map(r => (r.length > 1 && !isHeader(r) ? [...r, ''] : r))
    ],
    ['every field quoted', rs => rs.map(r => (r.length > 1 ? quoted([r])[0] : r))],
    [
      'a separator inside a quoted label',
      rs =>
        rs.map(r =>
          isHeader(r) || r.length < 2 ? r : r.map((c, j) => (j === 8 ? `"${c}; surface"` : c))
        )
    ],
    [
      'dates written ISO yyyy-mm-dd',
      rs =>
        rs.map(r =>
          isHeader(r)
            ? r
            : r.map((c, j) => (j === 2 ? c.replace(/^(\d\d)\/(\d\d)\/(\d{4})$/, '$3-$2-$1') : c))
        )
    ]
  ])('%s: the same values', (_, change, encode = latin) => {
    expectSameValues(variant(change, encode), canonical);
  });

  test('a place the register lacks, named in Windows-1252: its name read as written', () => {
    const got = variant(rs =>
      rs.map(r =>
        isHeader(r) || r.length < 2 ? r : ['099-P-001', 'Anse de l’Œuf – bouée', ...r.slice(2)]
      )
    );
    expect(got.report.unknownStations.map(s => s.name)).toEqual(['Anse de l’Œuf – bouée']);
    expect(got.report.valuesWritten).toBe(canonical.report.valuesWritten);
  });

  test('tab-separated (a spreadsheet\'s "Text (tab-delimited)"): the same values', () => {
    expectSameValues(read(f.name, latin(untable(rows, '\t', '\r\n'))), canonical);
  });

  test('refused, saying why: a comma-separated re-save', () => {
    expect(fatal(f.name, latin(untable(rows, ',', '\r\n')))).toMatchObject({
      line: 1,
      reason: 'wrong-separator',
      found: 'a header separated by ","'
    });
  });
});

/**
 * A table as R's write.csv2 writes it: row names first, text quoted, numbers unquoted with a decimal
 * comma, a missing value NA, lines ended by LF.
 */
function asWriteCsv2(text: string): string {
  const rows = Papa.parse<string[]>(text.replace(/\r?\n$/, ''), { delimiter: ';' }).data;
  const cell = (c: string): string =>
    c === ''
      ? 'NA'
      : /^-?\d+(\.\d+)?$/.test(c)
        ? c.replace('.', ',')
        : `"${c.replace(/"/g, '""')}"`;
  return (
    rows
      .map((r, i) => [i ? `"${i}"` : '""', ...r.map(c => (i ? cell(c) : `"${c}"`))].join(';'))
      .join('\n') + '\n'
  );
}

describe('Quadrige make.names (the real Gravelines hydrology file)', () => {
  const file = sharedFiles('gravelines').find(g => /Hydro/.test(g))!;
  const name = path.basename(file).replace(/\.gz$/, '');
  const text = gunzipSync(fs.readFileSync(file)).toString('utf8');
  const canonical = read(name, utf8(text));

  test('written again by R (write.csv2: row names, quotes, decimal comma, NA): the same values', () => {
    // Results sampled at no stated time (empty Passage...Heure): NA once written by R.
    expect(canonical.report.timeFlags['date-only']).toBeGreaterThan(100);
    const got = read(name, utf8(asWriteCsv2(text)));
    expect(valuesOf(got.observations)).toEqual(valuesOf(canonical.observations));
    expect(got.report.valuesRejected).toBe(canonical.report.valuesRejected);
    expect(got.report.timeFlags).toEqual(canonical.report.timeFlags);
  });

  test('a result written NA by R is a missing value, counted; NA in a web export is rejected', () => {
    const lines = asWriteCsv2(text).split('\n');
    lines[1] = lines[1].replace(/^((?:[^;]*;){4})0,62;/, '$1NA;');
    const got = read(name, utf8(lines.join('\n')));
    expect(got.report.valuesMissing).toBe(canonical.report.valuesMissing + 1);
    expect(got.report.valuesWritten).toBe(canonical.report.valuesWritten - 1);
    const web = rephyFixture();
    const rows = table(textOf(web.bytes), '\r\n');
    rows[1][10] = 'NA';
    const rejected = read(web.name, cp1252(untable(rows, ';', '\r\n'))).report.rejected;
    expect(rejected).toEqual([
      expect.objectContaining({ line: 2, found: '"NA"', reason: 'not-a-number' })
    ]);
  });
});

describe('the bounded path (inputs above 32 MiB, read in pieces) gives what the whole-file path gives', () => {
  const dir = scratch('layout-class');
  /** Read both ways: whole, and in pieces of ~3 000 characters after a first piece of 64 KiB. */
  const bothWays = (name: string, bytes: Uint8Array) => readBothWays(dir, name, bytes);

  const rephy = rephyFixture(3, 300);
  const rephyText = textOf(rephy.bytes);
  const coast = coastHfFixture(2, 2000);
  const coastText = textOf(coast.bytes);
  const gravelines = gunzipSync(
    fs.readFileSync(sharedFiles('gravelines').find(g => /Hydro/.test(g))!)
  );

  test('the files are larger than a first piece', () => {
    for (const b of [rephy.bytes, coast.bytes, gravelines])
      expect(b.length).toBeGreaterThan(1 << 17);
  });

  test.each<[string, string, () => Uint8Array]>([
    [
      'REPHY',
      'Windows-1252 with a UTF-8 BOM kept in front',
      () => new Uint8Array([0xef, 0xbb, 0xbf, ...cp1252(rephyText)])
    ],
    ['REPHY', 'UTF-8 with a BOM, names decomposed (NFD)', () => utf8('\ufeff' + nfd(rephyText))],
    [
      'REPHY',
      'a trailing separator on every line',
      () => cp1252(rephyText.replace(/([^\n])\r\n/g, '$1;\r\n'))
    ],
    [
      'REPHY',
      'every field quoted, a separator inside',
      () =>
        cp1252(
          rephyText
            .split('\r\n')
            .map(l =>
              l
                ? l
                    .split(';')
                    .map(c => `"${c}"`)
                    .join(';')
                : l
            )
            .join('\r\n')
            .replace(/"Salinité"/g, '"Salinité; surface"')
        )
    ],
    [
      'COAST-HF',
      'lower-case names, CRLF, trailing separators',
      () => utf8(coastText.replace(/^[^\n]*/, h => h.toLowerCase()).replace(/\n/g, ',\r\n'))
    ],
    [
      'COAST-HF',
      'tab-separated with decimal commas and a BOM',
      () =>
        utf8(
          '\ufeff' +
            coastText
              .split('\n')
              .map(l => l.replace(/,/g, '\t'))
              .map((l, i) => (i ? l.replace(/(\d)\.(\d)/g, '$1,$2') : l))
              .join('\n')
        )
    ],
    ['REPHY', 'tab-separated', () => cp1252(rephyText.replace(/;/g, '\t'))],
    ['Gravelines (real, make.names)', 'as published', () => gravelines],
    [
      'Gravelines (real, make.names)',
      'written again by R (write.csv2)',
      () => utf8(asWriteCsv2(textOf(gravelines)))
    ],
    [
      'Gravelines (real, make.names)',
      'names in upper case, trailing separators',
      () =>
        utf8(
          textOf(gravelines)
            .replace(/^[^\r\n]*/, upper)
            .replace(/\r\n/g, ';\r\n')
        )
    ]
  ])('%s, %s', async (what, _, bytes) => {
    const b = bytes();
    const whole = await bothWays(`${what.split(' ')[0]}-variant.csv`, b);
    expect(whole.report.valuesWritten).toBeGreaterThan(1000);
    expect(whole.report.valuesRejected).toBe(0);
  });
});

describe('header names folded never capture a user’s own table', () => {
  const mapped = mappedCsvFixture();
  test.each([
    [
      'id_site first, without SOMLIT’s HEURE and PROF_NUM',
      'id_site;date;temp\n1;2020-01-01;12.5\n'
    ],
    [
      '"date (utc)" and "temp qc" without COAST-HF’s PLATFORM',
      'station,date (utc),temp,temp qc\nA,2020-01-01,12.5,1\n'
    ]
  ])('%s: read through the mapping, not as a native export', (_, text) => {
    const name = 'own-table.csv';
    expect(detectFormat(name, decodeBytes(name, utf8(text)), { mapping: mapped.mapping })).toBe(
      'mapped-csv'
    );
  });
});
