/**
 * Writers of native layouts, exactly as the producers lay them out (see shared/data/README.md):
 * used as test fixtures for formats with no real file at hand and by the synthetic generator.
 * Each returns the bytes and the list of values it wrote, so a reader can be checked against them.
 */
import { PELAGOS_METADATA_COLUMNS } from './readers/pelagos';

/** A value a native file holds, where, and what the harmonised row must say. */
export interface ExpectedValue {
  line: number;
  column: string;
  site_id: string;
  time: number;
  parameter: string;
  taxon: string | null;
  value: number;
  unit: string | null;
  quality: number;
  source_flag: string | null;
}

export interface NativeFile {
  name: string;
  bytes: Uint8Array;
  expected: ExpectedValue[];
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** ISO-8859-1 bytes (Quadrige web exports); characters outside Latin-1 become "?". */
export function latin1(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    b[i] = c < 256 ? c : 63;
  }
  return b;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const ymd = (t: number): string => {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};
const dmy = (t: number): string => {
  const d = new Date(t);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
};
const hms = (t: number): string => {
  const d = new Date(t);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

// ---------------------------------------------------------------------------------------------
// PHYTOBS Pelagos wide export

export interface PelagosTaxonColumn {
  name: string;
  taxonUser: string;
  aphiaId: number | null;
  stage?: string;
  form?: string;
  sex?: string;
}

export interface PelagosSample {
  station: string;
  site: string;
  dataset: string;
  sampleName: string;
  /** UTC ms; written as dd/mm/yyyy and h:m (not zero-padded). */
  time: number;
  depthMin: number;
  depthMax: number;
  /** One entry per taxon column; null = not recorded (empty cell). */
  counts: (number | null)[];
}

export function writePelagosWideExport(
  name: string,
  siteId: string,
  taxa: PelagosTaxonColumn[],
  samples: PelagosSample[]
): NativeFile {
  const empty = PELAGOS_METADATA_COLUMNS.map(() => '');
  const lines = [
    [...PELAGOS_METADATA_COLUMNS, 'taxon_pelagos', ...taxa.map(t => t.name)],
    [...empty, 'taxon_user', ...taxa.map(t => t.taxonUser)],
    [...empty, 'aphiaID', ...taxa.map(t => (t.aphiaId === null ? '' : String(t.aphiaId)))],
    [...empty, 'stage', ...taxa.map(t => t.stage ?? '')],
    [...empty, 'form', ...taxa.map(t => t.form ?? '')],
    [...empty, 'sex', ...taxa.map(t => t.sex ?? '')]
  ].map(r => r.join(';'));
  const expected: ExpectedValue[] = [];
  for (const s of samples) {
    const d = new Date(s.time);
    const meta = [...empty];
    meta[0] = s.station;
    meta[1] = s.site;
    meta[2] = s.dataset;
    meta[3] = s.sampleName;
    meta[4] = 'synthetic';
    meta[5] = dmy(s.time);
    meta[6] = `${d.getUTCHours()}:${d.getUTCMinutes()}`;
    meta[7] = s.depthMin.toFixed(1);
    meta[8] = s.depthMax.toFixed(1);
    meta[12] = 'bottle';
    meta[22] = 'Comptage taxinomique phytoplancton';
    const line = lines.length + 1;
    s.counts.forEach((c, k) => {
      if (c === null) return;
      expected.push({
        line,
        column: taxa[k].name,
        site_id: siteId,
        time: s.time - (s.time % 60000),
        parameter: 'cell_abundance',
        taxon: taxa[k].name,
        value: c,
        unit: 'cells/L',
        quality: 0,
        source_flag: null
      });
    });
    lines.push([...meta, '', ...s.counts.map(c => (c === null ? '' : String(c)))].join(';'));
  }
  return { name, bytes: utf8(lines.join('\n') + '\n'), expected };
}

// ---------------------------------------------------------------------------------------------
// SOMLIT export

export interface SomlitParameterColumn {
  code: string;
  /** Unit as written on the "//" units line. */
  unit: string;
  /** Harmonised expectations for this column. */
  parameter: string;
  canonicalUnit: string | null;
  taxon?: string | null;
}

export interface SomlitRow {
  somlitId: number;
  siteId: string;
  siteName: string;
  time: number;
  depth: number;
  /** value null = missing (written 999999); flag as written. */
  values: Record<string, { value: number | null; flag: string }>;
}

const SOMLIT_L20: Record<string, number> = {
  '0': 6,
  '1': 9,
  '2': 1,
  '3': 3,
  '4': 4,
  '5': 0,
  '6': 1,
  '7': 2,
  '8': 0,
  '9': 9
};

/** File name as SOMLIT's extraction service writes it. */
export function somlitFileName(
  kind: 'hydro' | 'piconano' | 'ctd',
  at: Date,
  hex16: string
): string {
  const d = `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}`;
  const t = `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
  return `Somlit_Extraction_${kind}_${d}_${t}_${hex16}.csv`;
}

export function writeSomlitExport(
  name: string,
  kind: 'hydro' | 'piconano' | 'ctd',
  params: SomlitParameterColumn[],
  rows: SomlitRow[],
  options: { blankLineBeforeData?: boolean; extractedAt?: Date; synthetic?: boolean } = {}
): NativeFile {
  const meta = [
    'ID_SITE',
    'nomSite*',
    'DATE',
    'HEURE',
    'COEF_MAREE',
    'MAREE',
    'PROF_TEXT',
    'PROF_NUM'
  ];
  const header = [...meta, ...params.flatMap(p => [p.code, `q${p.code}`])];
  const at = options.extractedAt ?? new Date(Date.UTC(2025, 0, 1));
  const lines = [
    options.synthetic
      ? `// SYNTHETIC DATA (odatis-vre generateSynthetic) - SOMLIT layout - extraction ${kind}`
      : `// SOMLIT - Service d'Observation en Milieu LITtoral - extraction ${kind}`,
    `// Date d'extraction : ${at.toISOString().slice(0, 19).replace('T', ' ')} ; valeur manquante : 999999`,
    header.join(';'),
    ['//', '', '', '', '', '', '', 'm', ...params.flatMap(p => [p.unit, ''])].join(';')
  ];
  if (options.blankLineBeforeData) lines.push(header.map(() => '').join(';'));
  const expected: ExpectedValue[] = [];
  for (const r of rows) {
    const line = lines.length + 1;
    const cells = [
      String(r.somlitId),
      r.siteName,
      ymd(r.time),
      hms(r.time),
      '',
      '',
      r.depth === 0 ? 'S' : 'F',
      String(r.depth)
    ];
    for (const p of params) {
      const v = r.values[p.code];
      if (!v) {
        cells.push('', '');
        continue;
      }
      cells.push(v.value === null ? '999999' : String(v.value), v.flag);
      if (v.value !== null) {
        expected.push({
          line,
          column: p.code,
          site_id: r.siteId,
          time: r.time,
          parameter: p.parameter,
          taxon: p.taxon ?? null,
          value: v.value,
          unit: p.canonicalUnit,
          quality: SOMLIT_L20[v.flag] ?? -1,
          source_flag: v.flag
        });
      }
    }
    lines.push(cells.join(';'));
  }
  return { name, bytes: utf8(lines.join('\n') + '\n'), expected };
}

// ---------------------------------------------------------------------------------------------
// REPHY / Quadrige web export

export const REPHY_COLUMNS = [
  'Lieu de surveillance : Mnémonique',
  'Lieu de surveillance : Libellé',
  'Passage : Date',
  'Passage : Heure',
  'Coordonnées passage : Coordonnées maxx',
  'Coordonnées passage : Coordonnées maxy',
  'Prélèvement : Immersion',
  'Résultat : Code paramètre',
  'Résultat : Libellé paramètre',
  'Résultat : Nom du taxon référent',
  'Résultat : Valeur de la mesure',
  'Résultat : Symbole unité de mesure associé au quintuplet',
  'Résultat : Niveau de qualité'
];

export interface RephyResult {
  siteCode: string;
  siteLabel: string;
  siteId: string;
  time: number;
  lat: number;
  lon: number;
  depth: number;
  paramCode: string;
  paramLabel: string;
  taxon: string | null;
  value: number;
  unit: string;
  /** Harmonised expectations. */
  parameter: string;
  canonicalUnit: string;
  quality: string;
}

const QUADRIGE_L20: Record<string, number> = { Bon: 1, Douteux: 3, Faux: 4, 'Non qualifié': 0 };
const comma = (v: number): string => String(v).replace('.', ',');

/** Hydrology block, repeated header row, taxa block; ISO-8859-1, decimal comma, dd/mm/yyyy. */
export function writeRephyExport(
  name: string,
  hydrology: RephyResult[],
  taxa: RephyResult[]
): NativeFile {
  const lines: string[] = [];
  const expected: ExpectedValue[] = [];
  for (const block of [hydrology, taxa]) {
    lines.push(REPHY_COLUMNS.join(';'));
    for (const r of block) {
      const line = lines.length + 1;
      lines.push(
        [
          r.siteCode,
          r.siteLabel,
          dmy(r.time),
          hms(r.time).slice(0, 5),
          comma(r.lon),
          comma(r.lat),
          comma(r.depth),
          r.paramCode,
          r.paramLabel,
          r.taxon ?? '',
          comma(r.value),
          r.unit,
          r.quality
        ].join(';')
      );
      expected.push({
        line,
        column: r.paramCode,
        site_id: r.siteId,
        time: r.time - (r.time % 60000),
        parameter: r.parameter,
        taxon: r.taxon,
        value: r.value,
        unit: r.canonicalUnit,
        quality: QUADRIGE_L20[r.quality] ?? -1,
        source_flag: r.quality
      });
    }
  }
  return { name, bytes: latin1(lines.join('\r\n') + '\r\n'), expected };
}

// ---------------------------------------------------------------------------------------------
// COAST-HF

export interface CoastHfParameterColumn {
  code: string;
  unit: string;
  parameter: string;
  canonicalUnit: string | null;
}

export interface CoastHfRecord {
  platform: string;
  siteId: string;
  time: number;
  lat: number;
  lon: number;
  depth: number;
  values: Record<string, { value: number | null; qc: string }>;
}

/**
 * The header of a COAST-HF CSV export: platform, date, position and depth (with its QC), then each
 * parameter's value and QC columns.
 */
export function coastHfHeader(params: Pick<CoastHfParameterColumn, 'code' | 'unit'>[]): string[] {
  return [
    'PLATFORM',
    'DATE (yyyy-mm-ddThh:mi:ssZ)',
    'LATITUDE (degree_north)',
    'LONGITUDE (degree_east)',
    'DEPH (meter)',
    'DEPH QC',
    ...params.flatMap(p => [`${p.code} (${p.unit})`, `${p.code} QC`])
  ];
}

export function writeCoastHfCsv(
  name: string,
  params: CoastHfParameterColumn[],
  records: CoastHfRecord[]
): NativeFile {
  const lines = [coastHfHeader(params).join(',')];
  const expected: ExpectedValue[] = [];
  for (const r of records) {
    const line = lines.length + 1;
    const cells = [
      r.platform,
      new Date(r.time).toISOString().slice(0, 19) + 'Z',
      String(r.lat),
      String(r.lon),
      String(r.depth),
      '1'
    ];
    for (const p of params) {
      const v = r.values[p.code];
      cells.push(v && v.value !== null ? String(v.value) : '', v ? v.qc : '9');
      if (v && v.value !== null) {
        expected.push({
          line,
          column: `${p.code} (${p.unit})`,
          site_id: r.siteId,
          time: r.time - (r.time % 1000),
          parameter: p.parameter,
          taxon: null,
          value: v.value,
          unit: p.canonicalUnit,
          quality: Number(v.qc),
          source_flag: v.qc
        });
      }
    }
    lines.push(cells.join(','));
  }
  return { name, bytes: utf8(lines.join('\n') + '\n'), expected };
}
