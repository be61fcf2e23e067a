/**
 * Every file in ../shared/data converts, and the round trip is exact: each non-empty source value
 * appears exactly once in the written Parquet (and Arrow) output, with the same number, unit and
 * flag, or is listed as rejected with its line and column. The reference here is an independent,
 * deliberately naive split of the source text.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { tableFromIPC } from 'apache-arrow';
import type { Observation } from '@odatis-vre/harmonised';
import { canonicalUnit, lookupParameter, readParquet, tableToObservations } from '../src';
import { convertFiles, type ConvertReport } from '../src/node';
import { scratch, sha, sharedFiles } from './helpers';

interface SourceCell {
  file: string;
  line: number;
  col: number;
  raw: string;
  unit: string | null;
}

const lines = (p: string): string[] => {
  let buf = fs.readFileSync(p);
  if (p.endsWith('.gz')) buf = gunzipSync(buf);
  return buf
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
};

/** Non-empty value cells of a Pelagos wide export, by plain splitting. */
function pelagosCells(p: string): SourceCell[] {
  const ls = lines(p);
  const header = ls[0].split(';');
  let label = header.indexOf('taxon_pelagos');
  const cyto = label < 0;
  if (cyto) label = ls[1].split(';').indexOf('taxon_user');
  const isValue = (i: number): boolean =>
    cyto ? i < label && /^(Val_|valbeads)/.test(header[i]) : i > label;
  const out: SourceCell[] = [];
  ls.slice(6).forEach((l, k) => {
    l.split(';').forEach((c, i) => {
      if (c !== '' && isValue(i)) {
        out.push({
          file: path.basename(p),
          line: k + 7,
          col: i + 1,
          raw: c,
          unit: cyto
            ? /_(SSC|FL_)/.test(header[i])
              ? '1'
              : /^valbeads/.test(header[i])
                ? null
                : 'cells/mL'
            : 'cells/L'
        });
      }
    });
  });
  return out;
}

/** Non-empty results of a Quadrige make.names long file. */
function quadrigeCells(p: string): SourceCell[] {
  const ls = lines(p);
  const header = ls[0].split(';');
  const v = header.indexOf('Resultat...Valeur.de.la.mesure');
  const u = header.indexOf('Resultat...Symbole.unite.de.mesure.associe.au.quintuplet');
  const code = header.indexOf('Resultat...Code.parametre');
  const out: SourceCell[] = [];
  ls.slice(1).forEach((l, k) => {
    const cells = l.split(';');
    if (cells[v]) {
      const term = code >= 0 ? lookupParameter(cells[code]) : undefined;
      let unit = canonicalUnit(cells[u]) ?? term?.unit ?? null;
      if (term?.code === 'PSAL' && unit === '1') unit = 'PSU';
      out.push({ file: path.basename(p), line: k + 2, col: v + 1, raw: cells[v], unit });
    }
  });
  return out;
}

describe('shared data: every file converts, values round-trip exactly', () => {
  const phytobs = sharedFiles('phytobs');
  const gravelines = sharedFiles('gravelines');
  const files = [...phytobs, ...gravelines];
  let out: string;
  let report: ConvertReport;
  let parquetRows: Observation[];
  let arrowRows: Observation[];
  const before = new Map(files.map(f => [f, sha(f)]));

  beforeAll(async () => {
    out = path.join(scratch('shared'), 'out');
    report = await convertFiles(files, out, { now: new Date('2026-01-01T00:00:00Z') });
    parquetRows = [];
    for (const f of report.catalog!.parquetFiles) {
      parquetRows.push(
        ...tableToObservations(readParquet(fs.readFileSync(path.join(out, f.path))))
      );
    }
    arrowRows = tableToObservations(
      tableFromIPC(fs.readFileSync(path.join(out, 'observations.arrow')))
    );
  });

  test('all seven files convert, nothing fails, sources untouched', () => {
    expect(files).toHaveLength(7);
    expect(report.written).toBe(true);
    expect(report.files.filter(f => !f.ok)).toEqual([]);
    for (const f of files) expect(sha(f)).toBe(before.get(f));
  });

  test('per file: cells seen = values written + missing + rejected', () => {
    for (const f of report.files) {
      const r = f.report!;
      expect(r.valuesRead).toBe(r.valuesWritten + r.valuesMissing + r.valuesRejected);
      expect(r.cellsSeen).toBe(r.valuesRead);
      expect(r.unaccounted.records).toBe(0);
      expect(r.unknownColumns).toEqual([]);
      expect(r.rejected).toHaveLength(r.valuesRejected);
    }
  });

  test.each([
    ['parquet', () => parquetRows],
    ['arrow', () => arrowRows]
  ])(
    'every non-empty source value appears once in the %s output with the same number, unit and flag',
    (_, rows) => {
      const written = new Map<string, Observation[]>();
      for (const o of rows()) {
        const k = `${o.source_file}|${o.source_row}|${o.source_column_index}`;
        const a = written.get(k);
        if (a) a.push(o);
        else written.set(k, [o]);
      }
      const rejected = new Set(
        report.files.flatMap(f => f.report!.rejected.map(i => `${i.file}|${i.line}|${i.column}`))
      );
      const expected = [...phytobs.flatMap(pelagosCells), ...gravelines.flatMap(quadrigeCells)];
      let matched = 0;
      let rejectedCount = 0;
      // Collect mismatches and assert once: 160k expect() calls would dominate the run time.
      const problems: string[] = [];
      for (const c of expected) {
        const where = `${c.file}:${c.line}:${c.col}`;
        const hits = written.get(`${c.file}|${c.line}|${c.col}`) ?? [];
        if (Number.isNaN(Number(c.raw))) {
          const header = lines(files.find(f => path.basename(f) === c.file)!)[0].split(';')[
            c.col - 1
          ];
          if (hits.length !== 0 || !rejected.has(`${c.file}|${c.line}|${header}`))
            problems.push(`${where} ${c.raw} not rejected`);
          rejectedCount++;
          continue;
        }
        if (hits.length !== 1) problems.push(`${where} written ${hits.length} times`);
        else if (hits[0].value !== Number(c.raw))
          problems.push(`${where} value ${hits[0].value} != ${c.raw}`);
        else if (hits[0].unit !== c.unit)
          problems.push(`${where} unit ${hits[0].unit} != ${c.unit}`);
        // Neither Pelagos nor these SEANOE files carry flags: no flag, quality 0 (no QC).
        else if (hits[0].source_flag !== null || hits[0].quality !== 0)
          problems.push(`${where} flag`);
        else matched++;
      }
      expect(problems.slice(0, 10)).toEqual([]);
      // Nothing written that is not in the source.
      expect(rows()).toHaveLength(matched);
      expect(matched).toBe(report.totals.valuesWritten);
      expect(rejectedCount).toBe(report.totals.valuesRejected);
      expect(matched).toBe(161093);
      expect(rejectedCount).toBe(82);
    }
  );

  const find = (file: string, line: number, col: number): Observation => {
    const o = parquetRows.find(
      r => r.source_file === file && r.source_row === line && r.source_column_index === col
    );
    if (!o) throw new Error(`no output row for ${file} line ${line} column ${col}`);
    return o;
  };

  test('hand-checked rows: dates, sites, taxa', () => {
    // Arcachon line 8: SB13_20180817_1m, 17/08/2018 8:10, "Alexandrium" (taxon_user Alexandrium sp., aphia 109470) = 880
    const a = find('PELAGOS_Arcachon_Bouee13.csv', 8, 37);
    expect(a).toMatchObject({
      sno: 'PHYTOBS',
      site_id: 'arcachon-bouee-13',
      taxon: 'Alexandrium',
      taxon_user: 'Alexandrium sp.',
      aphia_id: 109470,
      value: 880,
      unit: 'cells/L',
      sample_id: 'SB13_20180817_1m',
      depth: 1,
      parameter: 'cell_abundance'
    });
    expect(new Date(a.time).toISOString()).toBe('2018-08-17T08:10:00.000Z');
    // The next column is the same genus, distinguished by sex "cysts".
    const cysts = parquetRows.filter(
      r => r.source_file === 'PELAGOS_Arcachon_Bouee13.csv' && r.source_column_index === 38
    );
    expect(new Set(cysts.map(r => r.taxon_qualifier))).toEqual(new Set(['sex: cysts']));
    // Wimereux line 7: 25/05/1996, a counted zero is a value 0 (not dropped).
    const w = parquetRows.filter(
      r => r.source_file === 'PELAGOS_Wimereux_SOMLIT_phyto_pointC.csv' && r.source_row === 7
    );
    expect(w.some(r => r.value === 0)).toBe(true);
    expect(
      w.every(
        r =>
          r.site_id === 'wimereux-point-c' &&
          new Date(r.time).toISOString() === '1996-05-25T00:00:00.000Z'
      )
    ).toBe(true);
    // PICONANO line 7: RE080103, 03/01/2008, total bacteria 604635 cells/mL; accents repaired.
    const p = find('PELAGOS_PICONANO_Estacade_2008_2012.csv', 7, 44);
    expect(p).toMatchObject({
      site_id: 'roscoff-estacade',
      taxon: 'Heterotrophic bacteria',
      value: 604635,
      unit: 'cells/mL',
      method: 'Cytométrie en flux',
      dataset: 'PHYTOBS-PICONANO-cytometry'
    });
    expect(new Date(p.time).toISOString()).toBe('2008-01-03T00:00:00.000Z');
    // Gravelines hydro line 2: 1978-02-07 15:00 at UT+1, CHLOROA 0.62 µg/L.
    const g = find('SEANOE_Gravelines_Process_Hydro.csv.gz', 2, 4);
    expect(g).toMatchObject({
      sno: 'IGA',
      site_id: 'gravelines-canal-amenee',
      parameter: 'CHLA',
      p02: 'CPWC',
      value: 0.62,
      unit: 'ug/L',
      latitude: 51.02219,
      longitude: 2.15003
    });
    expect(new Date(g.time).toISOString()).toBe('1978-02-07T14:00:00.000Z');
    // Gravelines phyto line 2: Actinoptychus 2000 cells/L.
    const f = find('SEANOE_Gravelines_Process_Phyto.csv.gz', 2, 4);
    expect(f).toMatchObject({
      taxon: 'Actinoptychus',
      value: 2000,
      unit: 'cells/L',
      parameter: 'cell_abundance'
    });
  });

  test('"no beads" in the cytometry file is rejected with line and column, not dropped silently', () => {
    const r = report.files.find(f => f.name === 'PELAGOS_PICONANO_Estacade_2008_2012.csv')!.report!;
    expect(r.rejectedByReason).toEqual({ 'not-a-number': 82 });
    expect(r.rejected[0]).toMatchObject({
      line: 32,
      column: 'Val_PicoE_SSC',
      found: '"no beads"',
      expected: 'a number'
    });
  });

  test('catalogue lists datasets with DOI and licence, sites with coordinates, parameters and taxa', () => {
    const cat = JSON.parse(fs.readFileSync(path.join(out, 'catalog.json'), 'utf8'));
    expect(cat.rowCount).toBe(161093);
    const phy = cat.datasets.find((d: { id: string }) => d.id === 'PHYTOBS-Pelagos');
    expect(phy).toMatchObject({ doi: '10.17882/85178', licence: 'CC-BY-SA 2.0' });
    expect(phy.sourceFiles).toHaveLength(4);
    expect(cat.datasets.find((d: { id: string }) => d.id === 'IGA-Gravelines-hydro').doi).toBe(
      '10.17882/102656'
    );
    const sites = Object.fromEntries(cat.sites.map((s: { siteId: string }) => [s.siteId, s]));
    expect(Object.keys(sites).sort()).toEqual([
      'arcachon-bouee-13',
      'gravelines-canal-amenee',
      'la-rochelle-antioche',
      'luc-sur-mer',
      'roscoff-estacade',
      'wimereux-point-c'
    ]);
    expect(sites['wimereux-point-c'].timeSpan.start.slice(0, 10)).toBe('1996-05-25');
    expect(sites['gravelines-canal-amenee'].latitude).toBe(51.02219);
    const temp = cat.parameters.find((p: { parameter: string }) => p.parameter === 'TEMP');
    expect(temp).toMatchObject({ p01: 'TEMPPR01', p02: 'TEMP', units: ['degC'] });
    expect(cat.taxa.length).toBeGreaterThan(300);
    const sum = cat.parquetFiles.reduce((a: number, f: { rowCount: number }) => a + f.rowCount, 0);
    expect(sum).toBe(161093);
    for (const f of cat.parquetFiles)
      expect(f.path).toMatch(/^parquet\/sno=[^/]+\/site=[^/]+\/year=\d{4}\/part-0\.parquet$/);
  });

  test('Parquet metadata keeps provenance: source names, sha256, DOI, licence', () => {
    const f = report.catalog!.parquetFiles.find(p => p.sno === 'PHYTOBS')!;
    const t = readParquet(fs.readFileSync(path.join(out, f.path)));
    const sources = JSON.parse(t.schema.metadata.get('odatis.source_files')!);
    expect(sources[0]).toMatchObject({ doi: '10.17882/85178', licence: 'CC-BY-SA 2.0' });
    expect(sources[0].sha256).toBe(sha(phytobs.find(p => path.basename(p) === sources[0].name)!));
    expect(t.schema.metadata.get('odatis.schema_version')).toBe('1.0.0');
    // The Arrow IPC file carries the same provenance, for all seven files.
    const arrow = tableFromIPC(fs.readFileSync(path.join(out, 'observations.arrow')));
    const all = JSON.parse(arrow.schema.metadata.get('odatis.source_files')!);
    expect(all.map((f: { name: string }) => f.name).sort()).toEqual(
      files.map(f => path.basename(f)).sort()
    );
    expect(arrow.schema.metadata.get('odatis.doi')).toBe('10.17882/85178 10.17882/102656');
    // Every column is documented in the field metadata.
    expect(arrow.schema.fields.every(f => (f.metadata.get('description') ?? '').length > 10)).toBe(
      true
    );
  });
});
