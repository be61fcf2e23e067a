/**
 * Seeded fixtures for the formats with no real file in shared/data (REPHY web export, SOMLIT
 * piconano/ctd, COAST-HF), laid out as documented in shared/data/README.md.
 */
import {
  writeCoastHfCsv,
  writeRephyExport,
  writeSomlitExport,
  somlitFileName,
  type NativeFile,
  type RephyResult,
  type SomlitParameterColumn,
  type SomlitRow
} from './native';
import { mulberry32 } from './synth';
import { SOMLIT_SITES } from './sites';

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** REPHY web export: hydrology block then taxa block, ISO-8859-1, decimal comma. */
export function rephyFixture(seed = 1, samples = 20): NativeFile {
  const rand = mulberry32(seed);
  const hydro: RephyResult[] = [];
  const taxa: RephyResult[] = [];
  const place = {
    siteCode: '014-P-015',
    siteLabel: 'Antifer ponton pétrolier',
    siteId: 'antifer-ponton-petrolier',
    lat: 49.6667,
    lon: 0.1333
  };
  const quality = (): string => {
    const u = rand();
    return u < 0.8 ? 'Bon' : u < 0.9 ? 'Douteux' : u < 0.95 ? 'Faux' : 'Non qualifié';
  };
  for (let i = 0; i < samples; i++) {
    const time = Date.UTC(2019, i % 12, 1 + ((i * 7) % 27), 9 + (i % 5), (i * 13) % 60);
    const base = { ...place, time, depth: 1 };
    hydro.push({
      ...base,
      paramCode: 'TEMP',
      paramLabel: "Température de l'eau",
      taxon: null,
      value: r3(8 + 10 * rand()),
      unit: '°C',
      parameter: 'TEMP',
      canonicalUnit: 'degC',
      quality: quality()
    });
    hydro.push({
      ...base,
      paramCode: 'SALI',
      paramLabel: 'Salinité',
      taxon: null,
      value: r3(30 + 5 * rand()),
      unit: 'sans unité',
      parameter: 'PSAL',
      canonicalUnit: 'PSU',
      quality: quality()
    });
    hydro.push({
      ...base,
      paramCode: 'CHLOROA',
      paramLabel: 'Chlorophylle a',
      taxon: null,
      value: r3(10 * rand()),
      unit: 'µg.l-1',
      parameter: 'CHLA',
      canonicalUnit: 'ug/L',
      quality: quality()
    });
    for (const t of ['Pseudo-nitzschia', 'Dinophysis acuminata', 'Skeletonema']) {
      taxa.push({
        ...base,
        paramCode: 'FLORTOT',
        paramLabel: 'Flore Totale - abondance de cellules',
        taxon: t,
        value: 100 * Math.floor(rand() * 500),
        unit: 'cel/L',
        parameter: 'cell_abundance',
        canonicalUnit: 'cells/L',
        quality: quality()
      });
    }
  }
  return writeRephyExport('REPHY_export_fixture.csv', hydro, taxa);
}

const somlitRows = (
  rand: () => number,
  params: SomlitParameterColumn[],
  gen: Record<string, () => number>,
  n: number,
  depths: number[]
): SomlitRow[] => {
  const rows: SomlitRow[] = [];
  for (let i = 0; i < n; i++) {
    const site = SOMLIT_SITES[i % SOMLIT_SITES.length];
    const time = Date.UTC(2020, (i * 5) % 12, 1 + (i % 28), 8 + (i % 4), 0, 0);
    for (const depth of depths) {
      const values: SomlitRow['values'] = {};
      for (const p of params) {
        const u = rand();
        const flag =
          u < 0.03 ? '9' : u < 0.06 ? '0' : u < 0.09 ? '3' : u < 0.12 ? '6' : u < 0.15 ? '7' : '2';
        values[p.code] = { value: flag === '9' ? null : gen[p.code](), flag };
      }
      rows.push({
        somlitId: site.somlitId!,
        siteId: site.siteId,
        siteName: site.name,
        time,
        depth,
        values
      });
    }
  }
  return rows;
};

/** SOMLIT hydro, piconano or ctd export with all 12 sites. */
export function somlitFixture(kind: 'hydro' | 'piconano' | 'ctd', seed = 1, n = 24): NativeFile {
  const rand = mulberry32(seed);
  const at = new Date(Date.UTC(2025, 5, 30, 14, 5, 9));
  const hex = Array.from({ length: 16 }, () => Math.floor(rand() * 16).toString(16)).join('');
  let params: SomlitParameterColumn[];
  let gen: Record<string, () => number>;
  let depths = [1];
  if (kind === 'hydro') {
    params = [
      { code: 'T', unit: '°C', parameter: 'TEMP', canonicalUnit: 'degC' },
      { code: 'S', unit: '-', parameter: 'PSAL', canonicalUnit: 'PSU' },
      { code: 'O', unit: 'ml/l', parameter: 'DOXY', canonicalUnit: 'mL/L' },
      { code: 'PH', unit: '-', parameter: 'PH', canonicalUnit: '1' },
      { code: 'NH4', unit: 'µmol/l', parameter: 'NH4', canonicalUnit: 'umol/L' },
      { code: 'NO3', unit: 'µmol/l', parameter: 'NO3', canonicalUnit: 'umol/L' },
      { code: 'NO2', unit: 'µmol/l', parameter: 'NO2', canonicalUnit: 'umol/L' },
      { code: 'PO4', unit: 'µmol/l', parameter: 'PO4', canonicalUnit: 'umol/L' },
      { code: 'SIOH4', unit: 'µmol/l', parameter: 'SIOH4', canonicalUnit: 'umol/L' },
      { code: 'COP', unit: 'µg/l', parameter: 'POC', canonicalUnit: 'ug/L' },
      { code: 'NOP', unit: 'µg/l', parameter: 'PON', canonicalUnit: 'ug/L' },
      { code: 'MES', unit: 'mg/l', parameter: 'SPM', canonicalUnit: 'mg/L' },
      { code: 'CHLA', unit: 'µg/l', parameter: 'CHLA', canonicalUnit: 'ug/L' }
    ];
    gen = Object.fromEntries(
      params.map((p, k) => [
        p.code,
        () => r3((k + 1) * rand() + (p.code === 'S' ? 33 : p.code === 'PH' ? 7.5 : 0))
      ])
    );
  } else if (kind === 'piconano') {
    const groups: [string, string][] = [
      ['TBACT', 'Heterotrophic bacteria'],
      ['SYNE', 'Synechococcus'],
      ['PROC', 'Prochlorococcus'],
      ['PEUK', 'Picoeukaryotes'],
      ['NEUK', 'Nanoeukaryotes'],
      ['CRYPT', 'Cryptophyceae']
    ];
    params = groups.map(([code, taxon]) => ({
      code,
      unit: 'cell/ml',
      parameter: 'cell_abundance',
      canonicalUnit: 'cells/mL',
      taxon
    }));
    gen = Object.fromEntries(
      groups.map(([code], k) => [code, () => Math.round(10 ** (2 + (k === 0 ? 4 : 2) * rand()))])
    );
  } else {
    params = [
      { code: 'T', unit: '°C', parameter: 'TEMP', canonicalUnit: 'degC' },
      { code: 'S', unit: '-', parameter: 'PSAL', canonicalUnit: 'PSU' },
      { code: 'O', unit: 'ml/l', parameter: 'DOXY', canonicalUnit: 'mL/L' },
      { code: 'FLUO', unit: 'µg/l', parameter: 'FLUO', canonicalUnit: 'ug/L' },
      { code: 'TURB', unit: 'NTU', parameter: 'TURB', canonicalUnit: 'NTU' }
    ];
    gen = Object.fromEntries(
      params.map(p => [p.code, () => r3(p.code === 'S' ? 33 + 3 * rand() : 20 * rand())])
    );
    depths = [0, 5, 10, 20];
  }
  const rows = somlitRows(rand, params, gen, n, depths);
  return writeSomlitExport(somlitFileName(kind, at, hex), kind, params, rows, {
    blankLineBeforeData: kind !== 'ctd',
    extractedAt: at
  });
}

/** COAST-HF buoy CSV: hourly records of TEMP, PSAL, DOXY, CPHL, TURB with QC columns. */
export function coastHfFixture(seed = 1, hours = 48): NativeFile {
  const rand = mulberry32(seed);
  const params = [
    { code: 'TEMP', unit: 'degree_Celsius', parameter: 'TEMP', canonicalUnit: 'degC' },
    { code: 'PSAL', unit: 'psu', parameter: 'PSAL', canonicalUnit: 'PSU' },
    { code: 'DOXY', unit: 'micromole/kg', parameter: 'DOXY', canonicalUnit: 'micromole/kg' },
    { code: 'CPHL', unit: 'mg/m3', parameter: 'CHLA', canonicalUnit: 'mg/m3' },
    { code: 'TURB', unit: 'NTU', parameter: 'TURB', canonicalUnit: 'NTU' }
  ];
  const records = [];
  for (let h = 0; h < hours; h++) {
    const values: Record<string, { value: number | null; qc: string }> = {};
    for (const p of params) {
      const u = rand();
      const qc =
        u < 0.04
          ? '9'
          : u < 0.08
            ? '4'
            : u < 0.12
              ? '3'
              : u < 0.2
                ? '2'
                : u < 0.22
                  ? '8'
                  : u < 0.24
                    ? '0'
                    : '1';
      values[p.code] = {
        value: qc === '9' ? null : r3(p.code === 'PSAL' ? 34 + rand() : 15 * rand()),
        qc
      };
    }
    records.push({
      platform: 'SMILE',
      siteId: 'smile',
      time: Date.UTC(2021, 6, 1, h, 0, 0),
      lat: 49.3436,
      lon: -0.3242,
      depth: 1.5,
      values
    });
  }
  return writeCoastHfCsv('COAST-HF_SMILE_fixture.csv', params, records);
}
