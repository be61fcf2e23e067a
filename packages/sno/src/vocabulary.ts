/**
 * Controlled vocabularies: parameters (with SeaDataNet P01/P02 where known), units, quality-flag
 * schemes mapped onto SeaDataNet L20, and the site register.
 */

export interface ParameterTerm {
  /** Stable code used in the `parameter` column. */
  code: string;
  label: string;
  p01: string | null;
  p02: string | null;
  /** Canonical unit when the source gives none or a synonym. */
  unit: string | null;
}

// P01/P02 codes of the NERC Vocabulary Server. P01 are the generic ("ZZXX", unspecified phase and
// method) codes that SeaDataNet/EMODnet Chemistry aggregations use; only mappings we are sure of are
// filled in, the rest stay null rather than guessed.
const TERMS: ParameterTerm[] = [
  {
    code: 'TEMP',
    label: 'Temperature of the water body',
    p01: 'TEMPPR01',
    p02: 'TEMP',
    unit: 'degC'
  },
  {
    code: 'PSAL',
    label: 'Practical salinity of the water body',
    p01: 'PSALPR01',
    p02: 'PSAL',
    unit: 'PSU'
  },
  { code: 'DOXY', label: 'Dissolved oxygen', p01: 'DOXYZZXX', p02: 'DOXY', unit: null },
  { code: 'PH', label: 'pH', p01: 'PHXXZZXX', p02: 'ALKY', unit: '1' },
  { code: 'NH4', label: 'Ammonium', p01: 'AMONZZXX', p02: 'AMON', unit: 'umol/L' },
  { code: 'NO3', label: 'Nitrate', p01: 'NTRAZZXX', p02: 'NTRA', unit: 'umol/L' },
  { code: 'NO2', label: 'Nitrite', p01: 'NTRIZZXX', p02: 'NTRI', unit: 'umol/L' },
  { code: 'NO3+NO2', label: 'Nitrate + nitrite', p01: 'NTRZZZXX', p02: 'NTRA', unit: 'umol/L' },
  { code: 'PO4', label: 'Phosphate', p01: 'PHOSZZXX', p02: 'PHOS', unit: 'umol/L' },
  { code: 'SIOH4', label: 'Silicate', p01: 'SLCAZZXX', p02: 'SLCA', unit: 'umol/L' },
  { code: 'CHLA', label: 'Chlorophyll a', p01: 'CPHLZZXX', p02: 'CPWC', unit: 'ug/L' },
  { code: 'PHEO', label: 'Phaeopigments', p01: null, p02: 'PHWC', unit: 'ug/L' },
  { code: 'POC', label: 'Particulate organic carbon', p01: null, p02: null, unit: 'umol/L' },
  { code: 'PON', label: 'Particulate organic nitrogen', p01: null, p02: null, unit: 'umol/L' },
  { code: 'SPM', label: 'Suspended particulate matter', p01: null, p02: null, unit: 'mg/L' },
  { code: 'TURB', label: 'Turbidity', p01: 'TURBXXXX', p02: null, unit: 'NTU' },
  {
    code: 'DN15',
    label: 'delta 15N of particulate organic matter',
    p01: null,
    p02: null,
    unit: 'permil'
  },
  {
    code: 'DC13',
    label: 'delta 13C of particulate organic matter',
    p01: null,
    p02: null,
    unit: 'permil'
  },
  { code: 'FLUO', label: 'Chlorophyll fluorescence', p01: null, p02: null, unit: null },
  {
    code: 'PAR',
    label: 'Photosynthetically available radiation',
    p01: null,
    p02: null,
    unit: null
  },
  { code: 'DEPTH', label: 'Depth', p01: null, p02: null, unit: 'm' },
  {
    code: 'cell_abundance',
    label: 'Abundance of cells of a taxon or cytometric group',
    p01: null,
    p02: null,
    unit: null
  },
  {
    code: 'side_scatter_rel',
    label: 'Mean side scatter relative to reference beads (flow cytometry)',
    p01: null,
    p02: null,
    unit: '1'
  },
  {
    code: 'fluorescence_red_rel',
    label: 'Mean red fluorescence relative to reference beads',
    p01: null,
    p02: null,
    unit: '1'
  },
  {
    code: 'fluorescence_green_rel',
    label: 'Mean green fluorescence relative to reference beads',
    p01: null,
    p02: null,
    unit: '1'
  },
  {
    code: 'fluorescence_orange_rel',
    label: 'Mean orange fluorescence relative to reference beads',
    p01: null,
    p02: null,
    unit: '1'
  },
  {
    code: 'beads_value',
    label: 'Reference-bead value reported by the cytometry export (unit not stated)',
    p01: null,
    p02: null,
    unit: null
  }
];

const BY_CODE = new Map(TERMS.map(t => [t.code, t]));

/** Aliases used by the sources, normalised to upper case without spaces. */
const ALIASES: Record<string, string> = {
  T: 'TEMP',
  TEMP: 'TEMP',
  S: 'PSAL',
  SALI: 'PSAL',
  PSAL: 'PSAL',
  O: 'DOXY',
  OXYGENE: 'DOXY',
  DOXY: 'DOXY',
  PH: 'PH',
  NH4: 'NH4',
  NO3: 'NO3',
  NO2: 'NO2',
  'NO3+NO2': 'NO3+NO2',
  PO4: 'PO4',
  SIOH: 'SIOH4',
  SIOH4: 'SIOH4',
  CHLA: 'CHLA',
  CHLOROA: 'CHLA',
  CPHL: 'CHLA',
  PHEO: 'PHEO',
  PPHEO: 'PHEO',
  COP: 'POC',
  NOP: 'PON',
  MES: 'SPM',
  TURB: 'TURB',
  DN15: 'DN15',
  DC13: 'DC13',
  FLUO: 'FLUO',
  PAR: 'PAR',
  DEPH: 'DEPTH'
};

export function parameterTerm(code: string): ParameterTerm | undefined {
  return BY_CODE.get(code);
}

/** Map a source parameter code (SOMLIT, Quadrige, COAST-HF) to the vocabulary; undefined if unknown. */
export function lookupParameter(sourceCode: string): ParameterTerm | undefined {
  const key = sourceCode.trim().toUpperCase().replace(/\s+/g, '');
  const code = ALIASES[key];
  return code ? BY_CODE.get(code) : undefined;
}

export const PARAMETERS: readonly ParameterTerm[] = TERMS;

/** Unit symbols as written by the sources → canonical symbol. */
const UNIT_SYNONYMS: Record<string, string> = {
  oc: 'degC',
  '°c': 'degC',
  degc: 'degC',
  degree_celsius: 'degC',
  'deg c': 'degC',
  c: 'degC',
  psu: 'PSU',
  pss: 'PSU',
  'pss-78': 'PSU',
  'sans unite': '1',
  '-': '1',
  '1': '1',
  'umol.l-1': 'umol/L',
  'µmol/l': 'umol/L',
  'umol/l': 'umol/L',
  'µmol.l-1': 'umol/L',
  µm: 'umol/L',
  'ug.l-1': 'ug/L',
  'µg/l': 'ug/L',
  'ug/l': 'ug/L',
  'µg.l-1': 'ug/L',
  'mg.l-1': 'mg/L',
  'mg/l': 'mg/L',
  'mg.m-3': 'mg/m3',
  'ml.l-1': 'mL/L',
  'ml/l': 'mL/L',
  'cell.l-1': 'cells/L',
  'cells.l-1': 'cells/L',
  'cel/l': 'cells/L',
  'cells/l': 'cells/L',
  'cell/l': 'cells/L',
  'cell.ml-1': 'cells/mL',
  'cells/ml': 'cells/mL',
  'cell/ml': 'cells/mL',
  'cells.ml-1': 'cells/mL',
  ntu: 'NTU',
  fnu: 'FNU',
  m: 'm',
  meter: 'm',
  '‰': 'permil',
  permil: 'permil',
  'µe/m2/s': 'umol/m2/s',
  'umol/m2/s': 'umol/m2/s'
};

/** Canonical unit symbol; unknown symbols are kept as written (never dropped). */
export function canonicalUnit(written: string | null | undefined): string | null {
  if (written === null || written === undefined) return null;
  const w = written.trim();
  if (w === '') return null;
  const key = w.toLowerCase();
  return (
    UNIT_SYNONYMS[key] ?? UNIT_SYNONYMS[key.normalize('NFD').replace(/[\u0300-\u036f]/g, '')] ?? w
  );
}

/**
 * Unit of a value of a given parameter: the written unit made canonical, else the vocabulary's.
 * Salinity written as dimensionless ("-", "sans unité") is practical salinity, PSU.
 */
export function unitFor(
  term: ParameterTerm | undefined,
  written: string | null | undefined
): string | null {
  const u = canonicalUnit(written);
  if (term?.code === 'PSAL' && (u === null || u === '1')) return 'PSU';
  return u ?? term?.unit ?? null;
}

// ---------------------------------------------------------------------------------------------
// Quality flags → SeaDataNet L20 (0 no QC, 1 good, 2 probably good, 3 probably bad, 4 bad,
// 5 changed, 6 below detection, 7 in excess, 8 interpolated, 9 missing)

export const L20_LABELS: Record<number, string> = {
  0: 'no quality control',
  1: 'good value',
  2: 'probably good value',
  3: 'probably bad value',
  4: 'bad value',
  5: 'changed value',
  6: 'value below detection',
  7: 'value in excess',
  8: 'interpolated value',
  9: 'missing value'
};

/**
 * SOMLIT codes → L20. 0 below detection → 6; 1 sampled not measured → 9; 2 good → 1;
 * 3 questionable → 3; 4 bad → 4; 5 not yet reported → 0; 6 good (mean of replicates) → 1;
 * 7 good outside SOMLIT protocol → 2; 8 unflagged → 0; 9 no sample → 9.
 */
export const SOMLIT_TO_L20: Record<string, number> = {
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

/**
 * COAST-HF (OceanSITES/SeaDataNet 0–9): 0 no QC, 1 good, 2 probably good, 3 probably bad, 4 bad,
 * 5 changed, 7 nominal, 8 interpolated, 9 missing. Same numbers on L20, except 7 "nominal"
 * which L20 has no digit for: it is kept as 7 and the source flag says what it was.
 */
export const COASTHF_TO_L20: Record<string, number> = {
  '0': 0,
  '1': 1,
  '2': 2,
  '3': 3,
  '4': 4,
  '5': 5,
  '7': 7,
  '8': 8,
  '9': 9
};

/** Quadrige "Niveau de qualité" → L20. */
export const QUADRIGE_TO_L20: Record<string, number> = {
  bon: 1,
  douteux: 3,
  faux: 4,
  'non qualifié': 0,
  'non qualifie': 0,
  '': 0
};

// ---------------------------------------------------------------------------------------------
// Sites

export interface SiteEntry {
  siteId: string;
  name: string;
  latitude: number;
  longitude: number;
  /** SOMLIT ID_SITE when the site is a SOMLIT station. */
  somlitId?: number;
  /** Names under which the sources write this site (compared case- and accent-insensitively). */
  aliases: string[];
}

// Coordinates are those of the station descriptions (SOMLIT, Pelagos, Quadrige), rounded to
// about 0.01° (1 km): good for maps and latitudinal gradients, not for navigation.
export const SITES: SiteEntry[] = [
  {
    siteId: 'wimereux-point-c',
    name: 'Wimereux Point C',
    latitude: 50.68,
    longitude: 1.52,
    somlitId: 1,
    aliases: ['SOMLIT-WX-C', 'Wimereux-SOMLIT-phyto-pointC', 'Point C', 'Wimereux']
  },
  {
    siteId: 'roscoff-astan',
    name: 'Roscoff Astan',
    latitude: 48.78,
    longitude: -3.94,
    somlitId: 3,
    aliases: ['Astan', 'Roscoff']
  },
  {
    siteId: 'roscoff-estacade',
    name: 'Roscoff Estacade',
    latitude: 48.73,
    longitude: -3.98,
    aliases: ['SOMLIT-Estacade', 'Estacade']
  },
  {
    siteId: 'brest-portzic',
    name: 'Brest Portzic',
    latitude: 48.36,
    longitude: -4.55,
    somlitId: 5,
    aliases: ['Portzic', 'Brest']
  },
  {
    siteId: 'arcachon-eyrac',
    name: 'Arcachon Eyrac',
    latitude: 44.67,
    longitude: -1.16,
    somlitId: 6,
    aliases: ['Eyrac']
  },
  {
    siteId: 'arcachon-bouee-13',
    name: 'Arcachon Bouée 13',
    latitude: 44.63,
    longitude: -1.24,
    aliases: ['SOMLIT - Bouée13', 'Arcachon - Bouée 13', 'Bouée 13', 'Bouee 13']
  },
  {
    siteId: 'gironde-pk86',
    name: 'Gironde pk 86',
    latitude: 45.52,
    longitude: -0.95,
    somlitId: 7,
    aliases: ['Gironde', 'pk 86', 'pk86']
  },
  {
    siteId: 'banyuls-sola',
    name: 'Banyuls Sola',
    latitude: 42.49,
    longitude: 3.15,
    somlitId: 10,
    aliases: ['Sola', 'Banyuls']
  },
  {
    siteId: 'marseille-frioul',
    name: 'Marseille Frioul',
    latitude: 43.24,
    longitude: 5.29,
    somlitId: 11,
    aliases: ['Frioul', 'Marseille']
  },
  {
    siteId: 'villefranche-point-b',
    name: 'Villefranche Point B',
    latitude: 43.69,
    longitude: 7.32,
    somlitId: 12,
    aliases: ['Point B', 'Villefranche']
  },
  {
    siteId: 'luc-sur-mer',
    name: 'Luc-sur-Mer',
    latitude: 49.33,
    longitude: -0.33,
    somlitId: 17,
    aliases: ['Luc', 'Luc sur Mer', 'PHYTO-UNICAEN-LUC']
  },
  {
    siteId: 'la-rochelle-antioche',
    name: 'La Rochelle Antioche',
    latitude: 46.08,
    longitude: -1.31,
    somlitId: 18,
    aliases: ['SOMLIT-Antioche', 'Antioche', 'LaRochelle-SOMLIT-Antioche']
  },
  {
    siteId: 'dinard-bizeux',
    name: 'Dinard Bizeux',
    latitude: 48.63,
    longitude: -2.03,
    somlitId: 19,
    aliases: ['Bizeux', 'Dinard']
  },
  {
    siteId: 'sete',
    name: 'Sète',
    latitude: 43.38,
    longitude: 3.66,
    somlitId: 22,
    aliases: ['Sete']
  },
  {
    siteId: 'gravelines-canal-amenee',
    name: 'Gravelines Canal Amenée',
    latitude: 51.02219,
    longitude: 2.15003,
    aliases: ['Canal Amenee', 'Canal Amenée']
  }
];

/** The 12 SOMLIT coastal stations, north to south order is not implied. */
export const SOMLIT_SITES: SiteEntry[] = SITES.filter(s => s.somlitId !== undefined);

const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const ALIAS_INDEX = new Map<string, SiteEntry>();
for (const s of SITES) {
  for (const a of [s.name, s.siteId, ...s.aliases]) ALIAS_INDEX.set(fold(a), s);
}

/** Find a site by one of its names; exact alias first, then the first alias contained in the text. */
export function findSite(...names: (string | null | undefined)[]): SiteEntry | undefined {
  for (const n of names) {
    if (!n) continue;
    const hit = ALIAS_INDEX.get(fold(n));
    if (hit) return hit;
  }
  return undefined;
}

export function findSomlitSite(id: number): SiteEntry | undefined {
  return SITES.find(s => s.somlitId === id);
}

/** Stable identifier for a site not in the register. */
export function slugSiteId(name: string): string {
  return fold(name).replace(/ /g, '-') || 'unknown-site';
}
