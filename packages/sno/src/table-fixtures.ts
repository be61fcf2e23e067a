/**
 * Seeded fixtures of the column tables (tests only): an ERDDAP tabledap .csv and .parquet response,
 * and a CSV with its column mapping. Each returns the bytes and the values written.
 */
import {
  Field,
  Float64,
  Schema,
  Table,
  TimestampMillisecond,
  Utf8,
  tableToIPC,
  vectorFromArray
} from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import type { ExpectedValue, NativeFile } from './native';
import type { CsvMapping } from './readers/mapped';
import { SOMLIT_SITES } from './sites';
import { mulberry32 } from './synth';

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

interface Measure {
  column: string;
  units: string;
  parameter: string;
  unit: string;
  make: (rand: () => number) => number;
}

const MEASURES: Measure[] = [
  {
    column: 'sea_water_temperature',
    units: 'degree_C',
    parameter: 'TEMP',
    unit: 'degC',
    make: rand => r3(8 + 12 * rand())
  },
  {
    column: 'sea_water_practical_salinity',
    units: 'PSU',
    parameter: 'PSAL',
    unit: 'PSU',
    make: rand => r3(33 + 3 * rand())
  },
  {
    column: 'CPHL',
    units: 'mg m-3',
    parameter: 'CHLA',
    unit: 'mg/m3',
    make: rand => r3(5 * rand())
  }
];

interface Row {
  time: number;
  site: (typeof SOMLIT_SITES)[number];
  depth: number;
  values: (number | null)[];
  qc: string;
}

function erddapRows(seed: number, n: number): Row[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => ({
    time: Date.UTC(2022, i % 12, 1 + (i % 27), 6 + (i % 12), 15),
    site: SOMLIT_SITES[i % 3],
    depth: [1, 5, 10][i % 3],
    // About one number in ten is missing (NaN in the response).
    values: MEASURES.map(m => (rand() < 0.1 ? null : m.make(rand))),
    qc: String(1 + Math.floor(rand() * 4))
  }));
}

function expectedOf(rows: Row[], line: (i: number) => number): ExpectedValue[] {
  return rows.flatMap((r, i) =>
    MEASURES.flatMap((m, k) =>
      r.values[k] === null
        ? []
        : [
            {
              line: line(i),
              column: m.column,
              site_id: r.site.siteId,
              time: r.time,
              parameter: m.parameter,
              taxon: null,
              value: r.values[k]!,
              unit: m.unit,
              quality: 0,
              source_flag: k === 0 ? r.qc : null
            }
          ]
    )
  );
}

/** An ERDDAP tabledap .csv response: names, a units line, ISO times, NaN for missing numbers. */
export function erddapCsvFixture(seed = 1, n = 24): NativeFile {
  const rows = erddapRows(seed, n);
  const names = ['time', 'latitude', 'longitude', 'depth', 'station', MEASURES[0].column];
  const lines = [
    [...names, 'sea_water_temperature_qc', ...MEASURES.slice(1).map(m => m.column), 'comment'],
    [
      'UTC',
      'degrees_north',
      'degrees_east',
      'm',
      '',
      MEASURES[0].units,
      '',
      ...MEASURES.slice(1).map(m => m.units),
      ''
    ]
  ].map(l => l.join(','));
  for (const r of rows) {
    const v = r.values.map(x => (x === null ? 'NaN' : String(x)));
    lines.push(
      [
        new Date(r.time).toISOString().replace('.000Z', 'Z'),
        r.site.latitude,
        r.site.longitude,
        r.depth,
        r.site.name,
        v[0],
        r.qc,
        ...v.slice(1),
        '"bottle, surface"'
      ].join(',')
    );
  }
  return {
    name: 'erddap_somlit_demo.csv',
    bytes: new TextEncoder().encode(lines.join('\n') + '\n'),
    expected: expectedOf(rows, i => i + 3)
  };
}

/** The same response as .parquet (units in field metadata, time a UTC timestamp); rows as lines. */
export function erddapParquetFixture(seed = 1, n = 24): NativeFile {
  const rows = erddapRows(seed, n);
  const unit = (units: string) => new Map([['units', units]]);
  const number = (name: string, units: string, values: (number | null)[]) => ({
    field: new Field(name, new Float64(), true, unit(units)),
    vector: vectorFromArray(values, new Float64())
  });
  const columns = [
    {
      field: new Field('time', new TimestampMillisecond('UTC'), true, unit('UTC')),
      vector: vectorFromArray(
        rows.map(r => r.time),
        new TimestampMillisecond('UTC')
      )
    },
    number(
      'latitude',
      'degrees_north',
      rows.map(r => r.site.latitude)
    ),
    number(
      'longitude',
      'degrees_east',
      rows.map(r => r.site.longitude)
    ),
    number(
      'depth',
      'm',
      rows.map(r => r.depth)
    ),
    {
      field: new Field('station', new Utf8(), true),
      vector: vectorFromArray(
        rows.map(r => r.site.name),
        new Utf8()
      )
    },
    ...MEASURES.map((m, k) =>
      number(
        m.column,
        m.units,
        rows.map(r => r.values[k])
      )
    ),
    {
      field: new Field('sea_water_temperature_qc', new Utf8(), true),
      vector: vectorFromArray(
        rows.map(r => r.qc),
        new Utf8()
      )
    }
  ];
  const plain = new Table(Object.fromEntries(columns.map(c => [c.field.name, c.vector])));
  // The vectors carry no field metadata: put the schema with the units back around the batches.
  const withUnits = new Table(new Schema(columns.map(c => c.field)), plain.batches);
  const bytes = parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(withUnits, 'stream')));
  return { name: 'erddap_somlit_demo.parquet', bytes, expected: expectedOf(rows, i => i + 1) };
}

/** A semicolon CSV with a decimal comma, dates and times in two columns, and the mapping to read it. */
export function mappedCsvFixture(seed = 1, n = 12): { file: NativeFile; mapping: CsvMapping } {
  const rand = mulberry32(seed);
  const lines = ['date;heure;lieu;prof;temperature;salinite;remarque'];
  const expected: ExpectedValue[] = [];
  for (let i = 0; i < n; i++) {
    const site = SOMLIT_SITES[(i * 5) % SOMLIT_SITES.length];
    const time = Date.UTC(2021, i % 12, 3, 8 + (i % 9), 30);
    const temp = r3(9 + 10 * rand());
    const sal = rand() < 0.15 ? null : r3(30 + 5 * rand());
    const d = new Date(time);
    const dmy = `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
    const line = lines.length + 1;
    lines.push(
      [
        dmy,
        `${d.getUTCHours()}:${d.getUTCMinutes()}`,
        site.name,
        '2',
        String(temp).replace('.', ','),
        sal === null ? 'NA' : String(sal).replace('.', ','),
        i % 4 ? '' : 'houle'
      ].join(';')
    );
    const base = { line, site_id: site.siteId, time, taxon: null, quality: 0, source_flag: null };
    expected.push({ ...base, column: 'temperature', parameter: 'TEMP', value: temp, unit: 'degC' });
    if (sal !== null)
      expected.push({ ...base, column: 'salinite', parameter: 'PSAL', value: sal, unit: 'PSU' });
  }
  const mapping: CsvMapping = {
    sno: 'SEANOE',
    dataset: 'SEANOE-demo-hydro',
    decimalComma: true,
    time: 'date',
    timeFormat: 'dd/mm/yyyy',
    timeOfDay: 'heure',
    station: 'lieu',
    depth: 'prof',
    values: {
      temperature: { parameter: 'TEMP', unit: '°C' },
      salinite: { parameter: 'PSAL' }
    },
    missing: ['NA'],
    ignore: ['remarque']
  };
  return {
    file: {
      name: 'seanoe_demo_hydro.csv',
      bytes: new TextEncoder().encode(lines.join('\r\n') + '\r\n'),
      expected
    },
    mapping
  };
}
