/**
 * Broken and fuzzed inputs: every problem is an error or a rejection naming the file, line and
 * column, what was expected and what was found. No crash without context, no silently dropped
 * value, and a failed conversion leaves no partial output and an untouched source.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  IngestError,
  generateSynthetic,
  invariantHolds,
  mulberry32,
  readSnoFile,
  type ReadOptions
} from '../src';
import {
  coastHfFixture,
  erddapCsvFixture,
  erddapParquetFixture,
  mappedCsvFixture,
  rephyFixture,
  somlitFixture,
  type NativeFile
} from '../src/testing';
import { convertFiles } from '../src/node';
import { fatal, scratch, sha, sharedFiles } from './helpers';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

const pelagos = fs.readFileSync(
  sharedFiles('phytobs').find(f => f.endsWith('PELAGOS_Phyto-Unicaen_Luc.csv'))!
);
const somlit = somlitFixture('hydro', 3);

describe('whole-file errors', () => {
  test('empty file', () => {
    expect(fatal('empty.csv', new Uint8Array())).toMatchObject({
      line: 1,
      reason: 'empty-file',
      found: 'an empty file'
    });
    expect(fatal('blank.csv', enc(';;;\n;;;\n'))).toMatchObject({ reason: 'empty-file' });
  });

  test('binary file', () => {
    const png = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52
    ]);
    expect(fatal('picture.csv', png)).toMatchObject({
      reason: 'binary-file',
      expected: 'a text (CSV) file'
    });
    const rand = mulberry32(9);
    const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(rand() * 256));
    expect(fatal('noise.bin', noise).reason).toMatch(/binary-file|unknown-format/);
  });

  test('truncated gzip', () => {
    const gz = gzipSync(Buffer.from(pelagos));
    expect(fatal('cut.csv.gz', gz.subarray(0, gz.length >> 1))).toMatchObject({
      reason: 'bad-gzip',
      expected: 'a complete gzip stream'
    });
  });

  test('unknown format names what it expected and shows the first line', () => {
    const i = fatal('other.csv', enc('a;b;c\n1;2;3\n'));
    expect(i).toMatchObject({ line: 1, reason: 'unknown-format', found: '"a;b;c"' });
    expect(i.expected).toContain('PHYTOBS Pelagos wide export');
  });

  test('wrong separator: a Pelagos export re-saved with commas', () => {
    const text = dec(pelagos).replace(/;/g, ',');
    expect(fatal('PELAGOS_commas.csv', enc(text))).toMatchObject({
      line: 1,
      reason: 'wrong-separator',
      found: 'a header separated by ","'
    });
  });

  test('wrong separator: a SOMLIT export with commas (tabs are read: test/layout-class.test.ts)', () => {
    const text = dec(somlit.bytes).replace(/;/g, ',');
    expect(fatal(somlit.name, enc(text))).toMatchObject({ line: 3, reason: 'wrong-separator' });
  });

  test('Pelagos header rows out of order', () => {
    const ls = dec(pelagos).split('\n');
    [ls[2], ls[3]] = [ls[3], ls[2]];
    expect(fatal('swapped.csv', enc(ls.join('\n')))).toMatchObject({
      line: 3,
      column: 'taxon_pelagos',
      expected: 'header label "aphiaID"',
      found: '"stage"'
    });
  });

  test('file cut inside the header', () => {
    const ls = dec(pelagos).split('\n').slice(0, 3);
    expect(fatal('short.csv', enc(ls.join('\n')))).toMatchObject({ reason: 'truncated-header' });
  });
});

describe('value-level rejections are counted and listed with line and column', () => {
  test('truncated file: the cut line is rejected, earlier lines kept', () => {
    const text = dec(pelagos);
    const cut = text.slice(0, text.lastIndexOf('\n', text.length - 2) - 200); // mid-line
    const r = readSnoFile('cut.csv', enc(cut));
    const lastLine = cut.split('\n').length;
    expect(r.report.rejectedByReason['truncated-row']).toBeGreaterThan(0);
    expect(r.report.rejected.every(i => i.line === lastLine && i.reason === 'truncated-row')).toBe(
      true
    );
    expect(r.report.rejected[0].found).toMatch(/fields \(truncated line\?\)/);
    expect(r.report.valuesRead).toBe(r.report.valuesWritten + r.report.valuesRejected);
  });

  test('text in a numeric column, impossible date, unknown quality code (SOMLIT)', () => {
    const ls = dec(somlit.bytes).split('\n');
    const header = ls[2].split(';');
    const tCol = header.indexOf('T');
    const row = (k: number): string[] => ls[k].split(';');
    // line 6: text in T; line 7: 2019-02-30; line 8: qS = 12
    const a = row(5);
    a[tCol] = 'n/a';
    a[tCol + 1] = '2';
    ls[5] = a.join(';');
    const b = row(6);
    b[2] = '2019-02-30';
    ls[6] = b.join(';');
    const c = row(7);
    c[header.indexOf('S')] = '35.1';
    c[header.indexOf('qS')] = '12';
    ls[7] = c.join(';');
    const r = readSnoFile(somlit.name, enc(ls.join('\n')));
    const byReason = (reason: string) => r.report.rejected.filter(i => i.reason === reason);
    expect(byReason('not-a-number')).toEqual([
      {
        file: somlit.name,
        line: 6,
        column: 'T',
        expected: 'a number',
        found: '"n/a"',
        reason: 'not-a-number'
      }
    ]);
    expect(byReason('bad-date').length).toBeGreaterThan(0);
    expect(
      byReason('bad-date').every(
        i => i.line === 7 && i.column === 'DATE' && i.found === '"2019-02-30"'
      )
    ).toBe(true);
    expect(byReason('unknown-flag')).toEqual([
      {
        file: somlit.name,
        line: 8,
        column: 'qS',
        expected: 'a SOMLIT quality code 0–9',
        found: '"12"',
        reason: 'unknown-flag'
      }
    ]);
    expect(r.report.valuesRead).toBe(
      r.report.valuesWritten + r.report.valuesMissing + r.report.valuesRejected
    );
  });

  test('unknown QC code in COAST-HF and unknown quality level in REPHY', () => {
    const c = coastHfFixture(2, 4);
    const ls = dec(c.bytes).split('\n');
    const cells = ls[1].split(',');
    cells[6] = '12.5';
    cells[7] = '6'; // 6 is not in the COAST-HF scheme
    ls[1] = cells.join(',');
    const rc = readSnoFile(c.name, enc(ls.join('\n')));
    expect(rc.report.rejected).toEqual([
      {
        file: c.name,
        line: 2,
        column: 'TEMP QC',
        expected: 'a QC code 0,1,2,3,4,5,7,8,9',
        found: '"6"',
        reason: 'unknown-flag'
      }
    ]);

    const f = rephyFixture(3, 2);
    const text = new TextDecoder('latin1')
      .decode(f.bytes)
      .replace(/;(Bon|Douteux|Faux|Non qualifié)\r\n/, ';Excellent\r\n');
    const bytes = Uint8Array.from(text, ch => ch.charCodeAt(0));
    const rr = readSnoFile(f.name, bytes);
    expect(rr.report.rejected).toEqual([
      expect.objectContaining({
        line: 2,
        column: 'Résultat : Niveau de qualité',
        found: '"Excellent"',
        reason: 'unknown-flag'
      })
    ]);
  });

  test('impossible date in a Pelagos export', () => {
    const text = dec(pelagos).replace('30/01/2018', '31/02/2018');
    const r = readSnoFile('bad-date.csv', enc(text));
    expect(r.report.rejected.length).toBeGreaterThan(0);
    expect(
      r.report.rejected.every(
        i => i.line === 7 && i.column === 'sampling_date(dd/mm/yyyy)*' && i.found === '"31/02/2018"'
      )
    ).toBe(true);
  });
});

describe('fuzzing: mutated files never crash without context and never lose count', () => {
  const mapped = mappedCsvFixture(5, 8);
  const seeds: (NativeFile & { options?: ReadOptions })[] = [
    rephyFixture(1, 6),
    somlitFixture('piconano', 2, 6),
    coastHfFixture(3, 12),
    generateSynthetic({ seed: 4, firstYear: 2000, lastYear: 2000, siteCount: 1 }).files[1],
    { name: 'luc.csv', bytes: new Uint8Array(pelagos), expected: [] },
    erddapCsvFixture(6, 12),
    erddapParquetFixture(7, 12),
    { ...mapped.file, options: { mapping: mapped.mapping } }
  ];
  test('500 random mutations: each reads (with the count invariant) or fails with an IngestError', () => {
    const rand = mulberry32(2024);
    const pick = <T>(a: T[]): T => a[Math.floor(rand() * a.length)];
    let errors = 0;
    let reads = 0;
    for (let k = 0; k < 500; k++) {
      const f = pick(seeds);
      const b = Array.from(f.bytes);
      const op = Math.floor(rand() * 5);
      const at = Math.floor(rand() * b.length);
      if (op === 0)
        b.length = at; // truncate
      else if (op === 1)
        for (let j = 0; j < 8; j++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256); // flip bytes
      else if (op === 2)
        b.splice(at, 0, ...enc(pick([';', ',', '"', '\n', 'abc', '999999', '\t', '//']))); // insert
      else if (op === 3)
        b.splice(at, Math.floor(rand() * 200)); // delete a run
      else b.splice(at, 0, 0); // NUL byte
      const name = `fuzz-${k}-${f.name}`;
      try {
        const r = readSnoFile(name, Uint8Array.from(b), f.options);
        const rep = r.report;
        expect(rep.valuesRead).toBe(rep.valuesWritten + rep.valuesMissing + rep.valuesRejected);
        // Counted apart: every non-empty value cell of the damaged file is accounted for.
        if (!invariantHolds(rep))
          throw new Error(`${name}: cells unaccounted ${JSON.stringify(rep.unaccounted)}`);
        expect(r.observations.length).toBe(rep.valuesWritten);
        for (const i of rep.rejected) expect(i.file).toBe(name);
        reads++;
      } catch (e) {
        if (!(e instanceof IngestError))
          throw new Error(
            `${name} (op ${op} at ${at}): crashed without context: ${(e as Error).stack}`
          );
        expect(e.message).toContain(name);
        expect(e.issue.expected.length).toBeGreaterThan(0);
        errors++;
      }
    }
    expect(reads + errors).toBe(500);
  });
});

describe('atomic writes', () => {
  test('strict conversion with a failing file writes nothing and leaves the sources as they were', async () => {
    const dir = scratch('atomic');
    const good = path.join(dir, somlit.name);
    const bad = path.join(dir, 'broken.csv');
    fs.writeFileSync(good, somlit.bytes);
    fs.writeFileSync(bad, new Uint8Array([0, 1, 2, 3]));
    const before = [sha(good), sha(bad)];
    const out = path.join(dir, 'out');
    const report = await convertFiles([good, bad], out, { strict: true });
    expect(report.written).toBe(false);
    expect(report.files[1]).toMatchObject({
      ok: false,
      error: { file: 'broken.csv', reason: 'binary-file' }
    });
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir).sort()).toEqual(['broken.csv', somlit.name].sort()); // no staging left behind
    expect([sha(good), sha(bad)]).toEqual(before);
  });

  test('non-strict: the failing file is reported, the others written; refused conversions leave existing output untouched', async () => {
    const dir = scratch('atomic2');
    const good = path.join(dir, somlit.name);
    const bad = path.join(dir, 'empty.csv');
    fs.writeFileSync(good, somlit.bytes);
    fs.writeFileSync(bad, '');
    const out = path.join(dir, 'out');
    const r1 = await convertFiles([good, bad], out);
    expect(r1.written).toBe(true);
    expect(r1.totals.filesFailed).toBe(1);
    const catalogBefore = fs.readFileSync(path.join(out, 'catalog.json'), 'utf8');
    // A source inside the output directory is refused before anything is touched.
    fs.copyFileSync(good, path.join(out, 'inside.csv'));
    await expect(convertFiles([path.join(out, 'inside.csv')], out)).rejects.toThrow(
      /must not lie inside the output directory/
    );
    expect(fs.readFileSync(path.join(out, 'catalog.json'), 'utf8')).toBe(catalogBefore);
    // An existing directory that is not a converted dataset is never replaced.
    const foreign = path.join(dir, 'foreign');
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, 'thesis.tex'), 'precious');
    await expect(convertFiles([good], foreign)).rejects.toThrow(/not a converted dataset/);
    expect(fs.readFileSync(path.join(foreign, 'thesis.tex'), 'utf8')).toBe('precious');
  });

  test('the same file given twice, or two files with the same name, are refused (no doubled values)', async () => {
    const dir = scratch('dupes');
    const a = path.join(dir, somlit.name);
    fs.mkdirSync(path.join(dir, 'other'));
    const b = path.join(dir, 'other', somlit.name);
    const c = path.join(dir, 'copy.csv');
    fs.writeFileSync(a, somlit.bytes);
    fs.writeFileSync(b, somlitFixture('hydro', 99).bytes);
    fs.writeFileSync(c, somlit.bytes);
    const r = await convertFiles([a, a, b, c], path.join(dir, 'out'));
    expect(r.files.map(f => f.error?.reason ?? 'ok')).toEqual([
      'ok',
      'duplicate-file',
      'duplicate-name',
      'duplicate-file'
    ]);
    expect(r.totals.valuesWritten).toBe(r.files[0].report!.valuesWritten);
  });
});
