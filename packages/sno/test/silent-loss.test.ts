/**
 * Issue #8, finding 1: no value is lost in silence. Every Pelagos value column is read whatever the
 * label column's position, a column no reader understands is reported with its cells rejected, and
 * every reader keeps the invariant cells seen = written + rejected + documented missing, per file.
 * The files here are small and written for the purpose.
 */
import {
  ReadContext,
  generateSynthetic,
  invariantHolds,
  readSnoFile,
  type FileReport
} from '../src';
import { coastHfFixture, rephyFixture, somlitFixture } from '../src/testing';
import { PELAGOS_METADATA_COLUMNS } from '../src';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * A station running both programmes: two cytometry columns and a bead value before the label
 * column, two taxa after it, and the 32 metadata columns first.
 */
function mixedPelagos(extraBeforeLabel: string[] = []): string {
  const meta = PELAGOS_METADATA_COLUMNS;
  const empty = meta.map(() => '');
  const before = ['Val_Syn', 'Val_Syn_SSC', 'valbeadsbacteria', ...extraBeforeLabel];
  const blanks = before.map(() => '');
  const rows = [
    [...meta, ...before, 'taxon_pelagos', 'Skeletonema', 'Chaetoceros'],
    [...empty, ...blanks, 'taxon_user', 'Skeletonema costatum', 'Chaetoceros sp.'],
    [...empty, ...blanks, 'aphiaID', '149074', ''],
    [...empty, ...blanks, 'stage', '', ''],
    [...empty, ...blanks, 'form', '', ''],
    [...empty, ...blanks, 'sex', '', '']
  ];
  const sample = (date: string, values: string[]): string[] => {
    const m = [...empty];
    m[0] = 'Station Marine de Wimereux';
    m[1] = 'Wimereux-SOMLIT-phyto-pointC';
    m[2] = 'SOMLIT Wimereux';
    m[3] = `WX-${date}`;
    m[5] = date;
    m[6] = '9:30';
    m[7] = '1.0';
    return [...m, ...values];
  };
  const extra = extraBeforeLabel.map((_, k) => `note ${k}`);
  rows.push(sample('03/01/2018', ['12000', '0.81', '0.95', ...extra, '', '1500', '200']));
  rows.push(sample('17/01/2018', ['9000', '', '', ...extra, '', '', '0']));
  return rows.map(r => r.join(';')).join('\n') + '\n';
}

describe('Pelagos: values on both sides of the label column', () => {
  test('cytometry before the label and taxa after it are all read, and counted', () => {
    const r = readSnoFile('PELAGOS_mixed.csv', enc(mixedPelagos()));
    const rows = Array.from({ length: r.observations.length }, (_, i) => r.observations.row(i));
    const got = rows.map(
      o => `${o.source_row}|${o.source_column}|${o.parameter}|${o.unit}|${o.value}`
    );
    expect(got.sort()).toEqual(
      [
        '7|Val_Syn|cell_abundance|cells/mL|12000',
        '7|Val_Syn_SSC|side_scatter_rel|1|0.81',
        '7|valbeadsbacteria|beads_value|null|0.95',
        '7|Skeletonema|cell_abundance|cells/L|1500',
        '7|Chaetoceros|cell_abundance|cells/L|200',
        '8|Val_Syn|cell_abundance|cells/mL|9000',
        '8|Chaetoceros|cell_abundance|cells/L|0'
      ].sort()
    );
    expect(r.report).toMatchObject({
      dataset: 'PHYTOBS-Pelagos-counts-and-cytometry',
      valuesRead: 7,
      valuesWritten: 7,
      valuesRejected: 0,
      cellsSeen: 7,
      unknownColumns: []
    });
    expect(invariantHolds(r.report)).toBe(true);
    const skeletonema = rows.find(o => o.source_column === 'Skeletonema')!;
    expect(skeletonema).toMatchObject({ aphia_id: 149074, taxon_user: 'Skeletonema costatum' });
  });

  test('a column no reader knows is reported and each of its non-empty cells rejected', () => {
    const r = readSnoFile('PELAGOS_extra.csv', enc(mixedPelagos(['operator_comment'])));
    expect(r.report.unknownColumns).toEqual([{ column: 'operator_comment', index: 36, cells: 2 }]);
    expect(r.report.rejected).toEqual([
      expect.objectContaining({
        line: 7,
        column: 'operator_comment',
        found: '"note 0"',
        reason: 'unknown-column'
      }),
      expect.objectContaining({ line: 8, column: 'operator_comment', reason: 'unknown-column' })
    ]);
    expect(r.report.valuesWritten).toBe(7);
    expect(r.report.cellsSeen).toBe(9);
    expect(invariantHolds(r.report)).toBe(true);
  });

  test('a non-empty cell beyond the last header column is rejected with its position', () => {
    const text = mixedPelagos().split('\n');
    text[6] += ';4242';
    const r = readSnoFile('PELAGOS_long-line.csv', enc(text.join('\n')));
    expect(r.report.rejected).toContainEqual(
      expect.objectContaining({
        line: 7,
        column: '#39',
        reason: 'extra-fields',
        found: '"4242" beyond the last column'
      })
    );
    expect(invariantHolds(r.report)).toBe(true);
  });
});

describe('the invariant', () => {
  test('fails, naming the record, when a reader skips a value cell', () => {
    // A reader that forgets its second value column, as the cytometry columns were forgotten.
    const ctx = new ReadContext(
      'skipping.csv',
      'pelagos-wide',
      { sno: 'X', dataset: 'X', title: 'X', doi: null, licence: null, citation: null },
      { encoding: 'utf-8', gzip: false, bom: false }
    );
    const header = ['date', 'a', 'b'];
    ctx.setFieldColumns(header, i => i === 0);
    ctx.record(['2020-01-01', '1', '2'], 2);
    ctx.value({
      sno: 'X',
      site_id: 's',
      time: 0,
      parameter: 'a',
      value: 1,
      quality: 0,
      source_file: 'skipping.csv',
      source_row: 2
    });
    ctx.record(['2020-01-02', '3', ''], 3);
    ctx.value({
      sno: 'X',
      site_id: 's',
      time: 0,
      parameter: 'a',
      value: 3,
      quality: 0,
      source_file: 'skipping.csv',
      source_row: 3
    });
    ctx.finish();
    const report: FileReport = ctx.report;
    expect(report.cellsSeen).toBe(3);
    expect(report.valuesWritten).toBe(2);
    expect(report.unaccounted).toEqual({ records: 1, first: [{ line: 2, seen: 2, accounted: 1 }] });
    expect(invariantHolds(report)).toBe(false);
  });

  test('holds for every reader on its fixtures', () => {
    const files = [
      rephyFixture(1, 5),
      somlitFixture('hydro', 2, 5),
      somlitFixture('piconano', 3, 5),
      somlitFixture('ctd', 4, 5),
      coastHfFixture(5, 6),
      ...generateSynthetic({ seed: 6, firstYear: 2001, lastYear: 2001, siteCount: 1 }).files,
      { name: 'PELAGOS_mixed.csv', bytes: enc(mixedPelagos(['x'])) }
    ];
    for (const f of files) {
      const r = readSnoFile(f.name, f.bytes).report;
      expect({ file: f.name, holds: invariantHolds(r) }).toEqual({ file: f.name, holds: true });
      expect(r.cellsSeen).toBeGreaterThan(0);
    }
  });

  test('SOMLIT: a quality column with no parameter and a blank-named column are unknown columns', () => {
    const f = somlitFixture('hydro', 7, 3);
    const lines = new TextDecoder().decode(f.bytes).split('\n');
    lines[2] += ';qXYZ;';
    for (let i = 4; i < lines.length; i++) if (lines[i].trim()) lines[i] += ';2;5';
    const r = readSnoFile(f.name, enc(lines.join('\n'))).report;
    expect(r.unknownColumns.map(u => u.column)).toEqual(['qXYZ', `#${lines[2].split(';').length}`]);
    expect(r.rejectedByReason['unknown-column']).toBe(2 * r.rowsRead);
    expect(invariantHolds(r)).toBe(true);
  });

  test('Quadrige: a line cut before the result column is said, not counted as a value', () => {
    const f = rephyFixture(2, 2);
    const text = new TextDecoder('latin1').decode(f.bytes).split('\r\n');
    text[2] = text[2].split(';').slice(0, 5).join(';');
    const r = readSnoFile(
      f.name,
      Uint8Array.from(text.join('\r\n'), c => c.charCodeAt(0))
    ).report;
    expect(Object.keys(r.warnings).some(w => /cut before the result column/.test(w))).toBe(true);
    expect(r.valuesWritten).toBe(f.expected.length - 1);
    expect(invariantHolds(r)).toBe(true);
  });
});
