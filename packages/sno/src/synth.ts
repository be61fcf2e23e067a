/**
 * Synthetic multi-site dataset with known truth, for checking that the NEO analyses recover it.
 *
 * Sites: the 12 SOMLIT stations; years 1998–2022 (25 years); two samples a month (days 5 and 20,
 * 10:00 UTC), surface (1 m).
 *
 * Environment (per site s, day-of-year d, year y), written to a SOMLIT-layout hydro file:
 *   T = Tmean_s + A_s·cos(2π(d − 225)/365.25) + warming·(y − 2010) + N(0, 0.4²)   [°C, 2 decimals]
 *   S = Smean_s − 0.5·cos(2π(d − 60)/365.25) + N(0, sdS_s²)                       [PSU, 2 decimals]
 *
 * Taxa, written to PHYTOBS-layout count files (one per site): each taxon k has a Gaussian response
 *   λ_k = Amax_k · exp(−(T − μT_k(y))² / (2 σT_k²)) · exp(−(S − μS_k)² / (2 σS_k²))   [cells/L]
 *   μT_k(y) = μT_k,2010 + shiftPerDecade_k · (y − 2010) / 10
 * with T and S the values as written in the hydro file. The count is n ~ Poisson(λ_k / 100) cells
 * counted, written as n·100 cells/L (sedimentation factor 100). Taxon "Synthetica duplex" is
 * counted in two size-class columns (form "<=20µm" and ">20µm"), each with half its λ.
 * About 3 % of count cells are left empty ("not recorded").
 * About 1 % of hydro values are missing (999999, flag 9) and 5 % carry flag 6 or 7 instead of 2.
 */
import {
  writePelagosWideExport,
  writeSomlitExport,
  somlitFileName,
  type NativeFile,
  type PelagosTaxonColumn,
  type SomlitRow
} from './native';
import { SOMLIT_SITES, type SiteEntry } from './sites';

/** Deterministic PRNG (mulberry32): the same seed gives the same files on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  let u = 0;
  while (u === 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Poisson draw: Knuth's product method below 30, rounded normal approximation above. */
function poisson(rand: () => number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    const L = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= rand();
    } while (p > L);
    return k - 1;
  }
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rand)));
}

export interface SynthTaxon {
  name: string;
  /** Maximum expected abundance at the optimum, cells/L. */
  amax: number;
  /** Temperature optimum in 2010, °C. */
  optimumT2010: number;
  toleranceT: number;
  optimumS: number;
  toleranceS: number;
  /** Shift of the temperature optimum, °C per decade. */
  shiftPerDecade: number;
}

export interface SynthSiteClimate {
  siteId: string;
  name: string;
  somlitId: number;
  latitude: number;
  longitude: number;
  meanT: number;
  amplitudeT: number;
  meanS: number;
  sdS: number;
}

export interface SynthTruth {
  seed: number;
  years: [number, number];
  referenceYear: number;
  warmingPerYear: number;
  sedimentationFactor: number;
  sites: SynthSiteClimate[];
  taxa: SynthTaxon[];
  formulas: string;
}

export interface SynthOptions {
  seed: number;
  firstYear?: number;
  lastYear?: number;
  /** Restrict to the first n sites (tests). */
  siteCount?: number;
}

export interface SynthDataset {
  truth: SynthTruth;
  files: NativeFile[];
}

export const SYNTH_TAXA: SynthTaxon[] = [
  {
    name: 'Synthetica borealis',
    amax: 2.0e5,
    optimumT2010: 9,
    toleranceT: 2.5,
    optimumS: 34.5,
    toleranceS: 2.0,
    shiftPerDecade: 0.5
  },
  {
    name: 'Synthetica temperata',
    amax: 5.0e5,
    optimumT2010: 13,
    toleranceT: 3.0,
    optimumS: 34.0,
    toleranceS: 3.0,
    shiftPerDecade: 0.3
  },
  {
    name: 'Synthetica aestiva',
    amax: 1.0e6,
    optimumT2010: 18,
    toleranceT: 2.0,
    optimumS: 35.0,
    toleranceS: 2.5,
    shiftPerDecade: 0.4
  },
  {
    name: 'Synthetica mediterranea',
    amax: 3.0e5,
    optimumT2010: 20,
    toleranceT: 3.0,
    optimumS: 37.8,
    toleranceS: 1.0,
    shiftPerDecade: 0.2
  },
  {
    name: 'Synthetica estuarina',
    amax: 8.0e5,
    optimumT2010: 15,
    toleranceT: 4.0,
    optimumS: 22.0,
    toleranceS: 5.0,
    shiftPerDecade: 0.0
  },
  {
    name: 'Synthetica eurytherma',
    amax: 1.5e5,
    optimumT2010: 14,
    toleranceT: 6.0,
    optimumS: 35.0,
    toleranceS: 6.0,
    shiftPerDecade: 0.1
  },
  {
    name: 'Synthetica frigida',
    amax: 4.0e5,
    optimumT2010: 7,
    toleranceT: 1.5,
    optimumS: 34.8,
    toleranceS: 1.5,
    shiftPerDecade: 0.6
  },
  {
    name: 'Synthetica duplex',
    amax: 6.0e5,
    optimumT2010: 16,
    toleranceT: 2.5,
    optimumS: 33.5,
    toleranceS: 3.5,
    shiftPerDecade: 0.35
  }
];

/** Mean salinity by site: Mediterranean high, estuaries low, Channel/Atlantic near 34–35. */
const SITE_SALINITY: Record<string, [number, number]> = {
  'wimereux-point-c': [34.2, 0.4],
  'roscoff-astan': [35.2, 0.15],
  'brest-portzic': [34.6, 0.5],
  'arcachon-eyrac': [32.5, 1.2],
  'gironde-pk86': [18.0, 3.0],
  'banyuls-sola': [37.9, 0.3],
  'marseille-frioul': [38.0, 0.2],
  'villefranche-point-b': [38.1, 0.15],
  'luc-sur-mer': [33.6, 0.6],
  'la-rochelle-antioche': [33.8, 0.6],
  'dinard-bizeux': [34.9, 0.3],
  sete: [37.4, 0.5]
};

export function siteClimate(s: SiteEntry): SynthSiteClimate {
  const med = s.longitude > 2.9 && s.latitude < 44;
  const [meanS, sdS] = SITE_SALINITY[s.siteId] ?? [34.5, 0.5];
  return {
    siteId: s.siteId,
    name: s.name,
    somlitId: s.somlitId!,
    latitude: s.latitude,
    longitude: s.longitude,
    meanT: Math.round((12 + 0.45 * (50.7 - s.latitude) + (med ? 1.5 : 0)) * 100) / 100,
    amplitudeT: Math.round((4 + 0.25 * (50.7 - s.latitude)) * 100) / 100,
    meanS,
    sdS
  };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Generate the native files and their truth. Same seed → byte-identical files. */
export function generateSynthetic(options: SynthOptions): SynthDataset {
  const { seed } = options;
  const firstYear = options.firstYear ?? 1998;
  const lastYear = options.lastYear ?? 2022;
  const referenceYear = 2010;
  const warmingPerYear = 0.03;
  const factor = 100;
  const rand = mulberry32(seed);
  const sites = SOMLIT_SITES.slice(0, options.siteCount ?? SOMLIT_SITES.length).map(siteClimate);
  const taxa = SYNTH_TAXA;
  const columns: PelagosTaxonColumn[] = [];
  const columnTaxon: number[] = [];
  taxa.forEach((t, k) => {
    if (t.name === 'Synthetica duplex') {
      columns.push({ name: t.name, taxonUser: `${t.name} petite`, aphiaId: null, form: '<=20µm' });
      columns.push({ name: t.name, taxonUser: `${t.name} grande`, aphiaId: null, form: '>20µm' });
      columnTaxon.push(k, k);
    } else {
      columns.push({ name: t.name, taxonUser: t.name, aphiaId: null });
      columnTaxon.push(k);
    }
  });

  const hydroRows: SomlitRow[] = [];
  const phyto: NativeFile[] = [];
  for (const site of sites) {
    const samples = [];
    for (let y = firstYear; y <= lastYear; y++) {
      for (let m = 0; m < 12; m++) {
        for (const day of [5, 20]) {
          // Morning and afternoon samples, as a tide-bound sampling gives (and a 24-hour clock shows).
          const time = Date.UTC(y, m, day, day === 5 ? 10 : 14, 0, 0);
          const doy = (time - Date.UTC(y, 0, 1)) / 86400000 + 1;
          const T = round2(
            site.meanT +
              site.amplitudeT * Math.cos((2 * Math.PI * (doy - 225)) / 365.25) +
              warmingPerYear * (y - referenceYear) +
              0.4 * normal(rand)
          );
          const S = round2(
            site.meanS -
              0.5 * Math.cos((2 * Math.PI * (doy - 60)) / 365.25) +
              site.sdS * normal(rand)
          );
          const flag = (): string => {
            const u = rand();
            return u < 0.01 ? '9' : u < 0.035 ? '6' : u < 0.06 ? '7' : '2';
          };
          const fT = flag();
          const fS = flag();
          hydroRows.push({
            somlitId: site.somlitId,
            siteId: site.siteId,
            siteName: site.name,
            time,
            depth: 1,
            values: {
              T: { value: fT === '9' ? null : T, flag: fT },
              S: { value: fS === '9' ? null : S, flag: fS }
            }
          });
          const counts = columns.map((_, c) => {
            const t = taxa[columnTaxon[c]];
            const muT = t.optimumT2010 + (t.shiftPerDecade * (y - referenceYear)) / 10;
            const lambda =
              t.amax *
              Math.exp(-((T - muT) ** 2) / (2 * t.toleranceT ** 2)) *
              Math.exp(-((S - t.optimumS) ** 2) / (2 * t.toleranceS ** 2)) *
              (t.name === 'Synthetica duplex' ? 0.5 : 1);
            const n = poisson(rand, lambda / factor) * factor;
            return rand() < 0.03 ? null : n;
          });
          samples.push({
            station: 'SYNTHETIC',
            site: site.name,
            dataset: `SYNTH-${site.siteId}`,
            sampleName: `SYNTH-${site.siteId}-${y}${String(m + 1).padStart(2, '0')}${String(day).padStart(2, '0')}`,
            time,
            depthMin: 1,
            depthMax: 1,
            counts
          });
        }
      }
    }
    phyto.push(
      writePelagosWideExport(`PELAGOS_SYNTH_${site.siteId}.csv`, site.siteId, columns, samples)
    );
  }
  const hex = Array.from({ length: 16 }, () => Math.floor(rand() * 16).toString(16)).join('');
  const hydro = writeSomlitExport(
    somlitFileName('hydro', new Date(Date.UTC(2025, 0, 1, 12, 0, 0)), hex),
    'hydro',
    [
      { code: 'T', unit: '°C', parameter: 'TEMP', canonicalUnit: 'degC' },
      { code: 'S', unit: '-', parameter: 'PSAL', canonicalUnit: 'PSU' }
    ],
    hydroRows,
    {
      blankLineBeforeData: true,
      synthetic: true,
      extractedAt: new Date(Date.UTC(2025, 0, 1, 12, 0, 0))
    }
  );
  return {
    truth: {
      seed,
      years: [firstYear, lastYear],
      referenceYear,
      warmingPerYear,
      sedimentationFactor: factor,
      sites,
      taxa,
      formulas: SYNTH_FORMULAS
    },
    files: [hydro, ...phyto]
  };
}

export const SYNTH_FORMULAS = [
  'T = meanT + amplitudeT*cos(2*pi*(doy-225)/365.25) + warmingPerYear*(year-referenceYear) + N(0,0.4^2), rounded to 0.01',
  'S = meanS - 0.5*cos(2*pi*(doy-60)/365.25) + N(0,sdS^2), rounded to 0.01',
  'lambda = amax * exp(-(T-muT)^2/(2*toleranceT^2)) * exp(-(S-optimumS)^2/(2*toleranceS^2)) [x0.5 per column for Synthetica duplex]',
  'muT = optimumT2010 + shiftPerDecade*(year-referenceYear)/10',
  'count = Poisson(lambda/sedimentationFactor)*sedimentationFactor cells/L; T and S as written in the hydro file'
].join('\n');
