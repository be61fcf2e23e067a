/**
 * Issue #8, finding 6: formats beyond the five. ERDDAP tabledap responses (.csv with its units line,
 * .csvp, .parquet), any CSV read through a column mapping (kept with the provenance), and a clear
 * error for files that are no data. Files written for the purpose.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  IngestError,
  checkCsvMapping,
  invariantHolds,
  parseCsvMapping,
  readParquet,
  readSnoFile,
  toParquet
} from '../src';
import { convertFiles } from '../src/node';
import {
  erddapCsvFixture,
  erddapParquetFixture,
  mappedCsvFixture,
  somlitFixture
} from '../src/testing';
import { checkRoundTrip, fatal, scratch } from './helpers';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('ERDDAP tabledap responses', () => {
  test('.csv: names, units line, NaN for missing numbers; every value round-trips', () => {
    const f = erddapCsvFixture(3, 40);
    const r = readSnoFile(f.name, f.bytes);
    expect(r.report.format).toBe('erddap-csv');
    expect(r.report.valuesMissing).toBeGreaterThan(0); // the NaN cells
    expect(invariantHolds(r.report)).toBe(true);
    checkRoundTrip(f);
    const o = r.observations.row(0);
    // CF standard names through the vocabulary; ERDDAP units made canonical; flags as written.
    expect(o).toMatchObject({ parameter: 'TEMP', p01: 'TEMPPR01', unit: 'degC', quality: 0 });
    expect(o.source_flag).toMatch(/^[1-4]$/);
    expect(Object.keys(r.report.warnings)).toContain(
      'text columns, descriptive, not read as values: comment'
    );
  });

  test('.csvp (one header line, name (units)) reads the same values, gzipped or not', () => {
    const f = erddapCsvFixture(4, 10);
    const [names, units, ...rows] = new TextDecoder().decode(f.bytes).split('\n');
    const u = units.split(',');
    const csvp = [
      names
        .split(',')
        .map((n, i) => (u[i] ? `${n} (${u[i]})` : n))
        .join(','),
      ...rows
    ];
    const bytes = gzipSync(Buffer.from(csvp.join('\n')));
    const r = readSnoFile('demo.csvp.gz', bytes);
    expect(r.report.format).toBe('erddap-csv');
    expect(r.report.valuesWritten).toBe(f.expected.length);
    expect(r.observations.row(0).source_row).toBe(2);
  });

  test('.parquet: units from the field metadata, times from the timestamp column', () => {
    const f = erddapParquetFixture(5, 30);
    const r = readSnoFile(f.name, f.bytes);
    expect(r.report.format).toBe('erddap-parquet');
    checkRoundTrip(f);
    expect(invariantHolds(r.report)).toBe(true);
  });

  test('a station column, altitude for depth, a position given as NaN: said, never 0', () => {
    const text = [
      'time,latitude,longitude,altitude,station_id,TEMP',
      'UTC,degrees_north,degrees_east,m,,degree_C',
      '2021-06-01T10:00:00Z,NaN,NaN,-5,Anse de Morgat,14.5',
      '2021-06-02T10:00:00Z,43.69,7.32,-2,Point B,15.25'
    ].join('\n');
    const r = readSnoFile('morgat.csv', enc(text));
    const [a, b] = [0, 1].map(i => r.observations.row(i));
    expect(a).toMatchObject({
      site_id: 'anse-de-morgat',
      latitude: null,
      longitude: null,
      depth: 5
    });
    expect(b).toMatchObject({ site_id: 'villefranche-point-b', latitude: 43.69, depth: 2 });
    expect(r.report.warnings).toMatchObject({
      'latitude not given ("NaN"): the site register\'s position is used, if any': 1,
      'longitude not given ("NaN"): the site register\'s position is used, if any': 1
    });
    expect(r.report.unknownStations).toEqual([
      expect.objectContaining({ name: 'Anse de Morgat', line: 3, coordinates: 'none' })
    ]);
  });

  test('what the data are can be said by the caller (the data browser knows the dataset)', () => {
    const f = erddapCsvFixture(6, 3);
    const r = readSnoFile(f.name, f.bytes, {
      source: { sno: 'SOMLIT', dataset: 'somlit-demo', doi: '10.1234/demo' }
    });
    expect(r.source).toMatchObject({ sno: 'SOMLIT', dataset: 'somlit-demo', doi: '10.1234/demo' });
    expect(r.observations.row(0)).toMatchObject({ sno: 'SOMLIT', dataset: 'somlit-demo' });
  });

  test('an ERDDAP error response, a damaged Parquet, the harmonised dataset itself: each said', () => {
    expect(
      fatal(
        'x.csv',
        enc(
          'Error {\n    code=404;\n    message="Not Found: Your query produced no matching results.";\n}\n'
        )
      )
    ).toMatchObject({
      reason: 'not-data',
      found: 'an ERDDAP error response: Not Found: Your query produced no matching results.'
    });
    const f = erddapParquetFixture(7, 5);
    const damaged = Uint8Array.from(f.bytes);
    damaged.fill(7, 8, 200);
    expect(fatal(f.name, damaged).reason).toBe('bad-parquet');
    const ours = toParquet(readSnoFile(f.name, f.bytes).observations, { sourceFiles: [] });
    expect(readParquet(ours).numRows).toBe(f.expected.length);
    expect(fatal('part-0.parquet', ours)).toMatchObject({ reason: 'already-harmonised' });
  });
});

describe('a CSV read through a column mapping', () => {
  test('every mapped value round-trips; missing codes and ignored columns are said, not lost', () => {
    const { file, mapping } = mappedCsvFixture(2, 30);
    checkRoundTrip(file, { mapping });
    const r = readSnoFile(file.name, file.bytes, { mapping });
    expect(r.report).toMatchObject({
      format: 'mapped-csv',
      dataset: 'SEANOE-demo-hydro',
      unknownColumns: []
    });
    expect(r.report.valuesMissing).toBeGreaterThan(0); // the "NA" salinities
    expect(invariantHolds(r.report)).toBe(true);
    expect(r.source.mapping).toEqual(mapping);
  });

  test('a column the mapping does not mention is reported and its cells rejected', () => {
    const { file, mapping } = mappedCsvFixture(3, 4);
    const r = readSnoFile(file.name, file.bytes, { mapping: { ...mapping, ignore: [] } });
    expect(r.report.unknownColumns).toEqual([{ column: 'remarque', index: 7, cells: 1 }]);
    expect(r.report.rejectedByReason).toEqual({ 'unknown-column': 1 });
    expect(invariantHolds(r.report)).toBe(true);
  });

  test('a mapping naming a column the file lacks is refused with the columns it has', () => {
    const { file, mapping } = mappedCsvFixture(3, 2);
    expect(
      fatal(file.name, file.bytes, { mapping: { ...mapping, depth: 'depth_m' } })
    ).toMatchObject({
      reason: 'bad-mapping',
      column: 'depth_m',
      found:
        'no such column; the header has "date", "heure", "lieu", "prof", "temperature", "salinite", "remarque"'
    });
  });

  test.each([
    [
      { time: 'date', station: 'lieu', values: { t: { parameter: 'TEMP' } } },
      'sno',
      /non-empty text/
    ],
    [{ sno: 'X', time: 'date', values: { t: { parameter: 'TEMP' } } }, 'station', /station column/],
    [
      { sno: 'X', time: 'date', station: 'lieu', values: {} },
      'values',
      /at least one value column/
    ],
    [
      {
        sno: 'X',
        time: 'date',
        station: 'lieu',
        timeFormat: 'mm/dd/yyyy',
        values: { t: { parameter: 'T' } }
      },
      'timeFormat',
      /iso/
    ],
    [
      { sno: 'X', time: 'date', station: 'lieu', values: { t: { unit: 'degC' } } },
      'values.t.parameter',
      /parameter code/
    ]
  ])('a bad mapping is refused, naming the field: %j', (mapping, column, expected) => {
    try {
      checkCsvMapping('mapping.json', mapping);
      throw new Error('expected an IngestError');
    } catch (e) {
      expect(e).toBeInstanceOf(IngestError);
      expect((e as IngestError).issue).toMatchObject({
        file: 'mapping.json',
        column,
        reason: 'bad-mapping'
      });
      expect((e as IngestError).issue.expected).toMatch(expected);
    }
    expect(() => parseCsvMapping('mapping.json', '{ "sno": ')).toThrow(
      /mapping.json: expected a JSON mapping/
    );
  });

  test('the mapping is stored with the provenance: in the catalogue and in the Parquet metadata', async () => {
    const { file, mapping } = mappedCsvFixture(4, 6);
    const dir = scratch('mapped');
    const src = path.join(dir, file.name);
    fs.writeFileSync(src, file.bytes);
    const somlit = somlitFixture('hydro', 1, 2);
    fs.writeFileSync(path.join(dir, somlit.name), somlit.bytes);
    const out = path.join(dir, 'out');
    const report = await convertFiles([src, path.join(dir, somlit.name)], out, {
      read: { mapping }
    });
    expect(report.files.map(f => f.report?.format)).toEqual(['mapped-csv', 'somlit']);
    const sources = report.catalog!.datasets.flatMap(d => d.sourceFiles);
    expect(sources.find(s => s.name === file.name)!.mapping).toEqual(mapping);
    expect(sources.find(s => s.name === somlit.name)!.mapping).toBeUndefined();
    const part = report.catalog!.parquetFiles.find(p => p.sno === 'SEANOE')!;
    const meta = readParquet(fs.readFileSync(path.join(out, part.path))).schema.metadata;
    expect(JSON.parse(meta.get('odatis.source_files')!)[0].mapping).toEqual(mapping);
  });
});

describe('files that are no data say what they look like', () => {
  test.each([
    [
      'filter.json',
      enc('{"filters": {"station": "Point B"}, "fields": ["TEMP"], "format": "csv"}'),
      'not-data',
      /JSON document: an object with key\(s\) "filters", "fields", "format"/
    ],
    ['list.json', enc('[1, 2, 3]'), 'not-data', /JSON document: an array of 3 item\(s\)/],
    [
      'page.csv',
      enc('<!DOCTYPE html>\n<html><body>Login</body></html>'),
      'not-data',
      /an HTML page/
    ],
    ['meta.xml', enc('<?xml version="1.0"?><a/>'), 'not-data', /an XML document/],
    [
      'book.xlsx',
      Uint8Array.from([0x50, 0x4b, 3, 4, 20, 0, 6, 0]),
      'binary-file',
      /a ZIP archive \(an \.xlsx/
    ],
    [
      'old.xls',
      Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      'binary-file',
      /Excel 97–2003/
    ],
    ['doc.csv', enc('%PDF-1.7\n%âãÏÓ\n'), 'binary-file', /a PDF document/],
    ['data.nc', Uint8Array.from([0x43, 0x44, 0x46, 1, 0, 0, 0, 0]), 'binary-file', /NetCDF-3/]
  ])('%s', (name, bytes, reason, found) => {
    const issue = fatal(name, bytes);
    expect(issue.reason).toBe(reason);
    expect(issue.found).toMatch(found);
  });
});
