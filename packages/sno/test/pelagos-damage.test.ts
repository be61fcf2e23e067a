/**
 * Damaged PHYTOBS Pelagos wide exports: shortened and lengthened lines, junk values, blank lines,
 * repeated header rows. Each damaged file reads with the affected values rejected, or fails with
 * an IngestError that names file, line, column, expected and found; never an "internal-error".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IngestError, generateSynthetic, invariantHolds, mulberry32, readSnoFile } from '../src';
import { convertFiles } from '../src/node';
import { fatal, scratch, sharedFiles } from './helpers';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/**
 * The smallest file that crashed the reader with "Cannot read properties of undefined (reading
 * 'trim')": its names row (line 1) stops before the label column, which is then found only
 * through "taxon_user" on line 2, beyond the end of line 1.
 */
const cutNamesRow = [
  "station*;site d'echantillonnage*;sampling_date(dd/mm/yyyy)*",
  ';;;taxon_user;Chaetoceros',
  ';;;aphiaID;148985',
  ';;;stage;',
  ';;;form;',
  ';;;sex;',
  'Wimereux;Point C;03/01/2018;;1200',
  ''
].join('\n');

describe('regression: a Pelagos names row cut before the label column', () => {
  test('is an IngestError naming line 1, the label column, expected and found', () => {
    const issue = fatal('cut-names.csv', enc(cutNamesRow));
    expect(issue).toEqual({
      file: 'cut-names.csv',
      line: 1,
      column: '4',
      expected:
        'column names on line 1 up to the label column "taxon_pelagos" (column 4), as on the label rows',
      found: 'a names row cut after 3 column(s), ending with "sampling_date(dd/mm/yyyy)*"',
      reason: 'truncated-header'
    });
  });

  test('the same damage to the synthetic Wimereux export, through convertFiles', async () => {
    const wimereux = generateSynthetic({
      seed: 5,
      firstYear: 2010,
      lastYear: 2010,
      siteCount: 1
    }).files.find(f => /PELAGOS_SYNTH_wimereux/.test(f.name))!;
    const lines = dec(wimereux.bytes).split('\n');
    lines[0] = lines[0].split(';').slice(0, 15).join(';');
    const dir = scratch('pelagos-cut');
    const src = path.join(dir, wimereux.name);
    fs.writeFileSync(src, lines.join('\n'));
    const report = await convertFiles([src], path.join(dir, 'out'));
    const file = report.files[0];
    expect(file.ok).toBe(false);
    expect(file.error).toMatchObject({
      file: wimereux.name,
      line: 1,
      column: '33',
      reason: 'truncated-header'
    });
    expect(file.error!.found).toContain('cut after 15 column(s)');
  });
});

/** Line-level damage, as a person editing or re-saving the export would cause it. */
function damage(text: string, rand: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
  const junk = ['', 'abc', 'X', '999999', '-5', '1,5', '7', 'douteux', ' ', '3.5e2', '0', 'sex'];
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(nl);
  const n = 1 + Math.floor(rand() * 6);
  for (let k = 0; k < n; k++) {
    // Half of the damage falls on the six header rows, where the reader is most fragile.
    const i = Math.floor(rand() * (rand() < 0.5 ? Math.min(7, lines.length) : lines.length));
    let cells = lines[i].split(';');
    const m = rand();
    if (m < 0.25) cells = cells.slice(0, Math.floor(rand() * cells.length));
    else if (m < 0.4) cells.push(...Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ''));
    else if (m < 0.75)
      for (let j = 0; j < 3; j++) cells[Math.floor(rand() * cells.length)] = pick(junk);
    else if (m < 0.82) cells = cells.map(() => '');
    else if (m < 0.88) cells = [''];
    else if (m < 0.94) {
      lines.splice(i, 1);
      continue;
    } else {
      lines.splice(i, 0, lines[Math.floor(rand() * Math.min(6, lines.length))]);
      continue;
    }
    lines[i] = cells.join(';');
  }
  return lines.join(nl);
}

describe('fuzzing Pelagos exports with line-level damage', () => {
  const synthetic = generateSynthetic({ seed: 5, firstYear: 2010, lastYear: 2010, siteCount: 2 })
    .files.filter(f => /^PELAGOS_/.test(f.name))
    .map(f => ({ name: f.name, text: dec(f.bytes) }));
  // The real exports, cut to their first lines: the damage is in the header and first samples.
  const real = sharedFiles('phytobs').map(p => {
    const text = fs.readFileSync(p, 'utf8');
    const lines = text.split('\n');
    return { name: path.basename(p), text: lines.slice(0, 40).join('\n') };
  });
  const seeds = [...synthetic, ...real];

  test('seed files are all Pelagos exports that read cleanly', () => {
    expect(synthetic.length).toBeGreaterThanOrEqual(2);
    expect(real.length).toBeGreaterThanOrEqual(5);
    for (const f of seeds)
      expect(readSnoFile(f.name, enc(f.text)).report.format).toBe('pelagos-wide');
  });

  test('600 damaged files: each reads (values counted) or fails with a located IngestError', () => {
    const rand = mulberry32(20261129);
    const reasons = new Map<string, number>();
    for (let k = 0; k < 600; k++) {
      const f = seeds[k % seeds.length];
      const name = `damaged-${k}-${f.name}`;
      const bytes = enc(damage(f.text, rand));
      try {
        const rep = readSnoFile(name, bytes).report;
        expect(rep.valuesRead).toBe(rep.valuesWritten + rep.valuesMissing + rep.valuesRejected);
        if (!invariantHolds(rep))
          throw new Error(`${name}: cells unaccounted ${JSON.stringify(rep.unaccounted)}`);
        // One expect per file, not per rejection: a damaged row rejects dozens of values.
        const unlocated = rep.rejected.filter(i => i.file !== name || i.line < 1 || !i.column);
        expect(unlocated).toEqual([]);
      } catch (e) {
        if (!(e instanceof IngestError)) throw e;
        const issue = e.issue;
        if (issue.reason === 'internal-error')
          throw new Error(`${name}: internal error on this damage:\n${dec(bytes).slice(0, 2000)}`);
        expect(issue.file).toBe(name);
        expect(issue.line).toBeGreaterThan(0);
        expect(issue.expected.length).toBeGreaterThan(0);
        expect(issue.found.length).toBeGreaterThan(0);
        reasons.set(issue.reason, (reasons.get(issue.reason) ?? 0) + 1);
      }
    }
    // The damage reaches the header: some files must have been refused, for a named reason.
    expect([...reasons.keys()].length).toBeGreaterThan(0);
  });
});
