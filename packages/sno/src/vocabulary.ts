/**
 * Controlled vocabularies: parameters (with SeaDataNet P01/P02 where known), units and quality-flag
 * schemes mapped onto SeaDataNet L20. The site register is in sites.ts.
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
    code: 'individual_abundance',
    label: 'Abundance of individuals of a taxon (zooplankton, benthos…)',
    p01: null,
    p02: null,
    unit: null
  },
  {
    code: 'taxon_measure',
    label:
      'A measurement of a taxon whose quantity the source does not name (no parameter code, unit not a count per volume)',
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
  DEPH: 'DEPTH',
  // CF standard names and plain names, as ERDDAP tables name their variables
  SEA_WATER_TEMPERATURE: 'TEMP',
  TEMPERATURE: 'TEMP',
  SEA_WATER_PRACTICAL_SALINITY: 'PSAL',
  SEA_WATER_SALINITY: 'PSAL',
  SALINITY: 'PSAL',
  MASS_CONCENTRATION_OF_CHLOROPHYLL_A_IN_SEA_WATER: 'CHLA',
  MOLE_CONCENTRATION_OF_DISSOLVED_MOLECULAR_OXYGEN_IN_SEA_WATER: 'DOXY',
  SEA_WATER_TURBIDITY: 'TURB',
  SEA_WATER_PH_REPORTED_ON_TOTAL_SCALE: 'PH'
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
  degree_c: 'degC',
  degrees_c: 'degC',
  degrees_celsius: 'degC',
  celsius: 'degC',
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
  'ind.m-3': 'ind/m3',
  'ind/m3': 'ind/m3',
  'ind.m3': 'ind/m3',
  'nb.m-3': 'ind/m3',
  'individus.m-3': 'ind/m3',
  'ind.l-1': 'ind/L',
  'ind/l': 'ind/L',
  'ind.m-2': 'ind/m2',
  'ind/m2': 'ind/m2',
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
    UNIT_SYNONYMS[key] ??
    UNIT_SYNONYMS[key.normalize('NFD').replace(/[\u0300-\u036f]/g, '')] ??
    // UDUNITS writes products with spaces ("mg m-3"), the sources with dots ("mg.m-3").
    UNIT_SYNONYMS[key.replace(/\s+/g, '.')] ??
    w
  );
}

/** What a canonical unit counts: cells or individuals per volume or area; null for anything else. */
export function unitKind(unit: string | null): 'cells' | 'individuals' | null {
  if (unit === 'cells/L' || unit === 'cells/mL') return 'cells';
  if (unit === 'ind/m3' || unit === 'ind/L' || unit === 'ind/m2') return 'individuals';
  return null;
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
