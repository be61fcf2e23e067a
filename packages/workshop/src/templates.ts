/**
 * The NEO workshop templates and their parameters. Each template is a notebook in
 * `examples/templates/` whose cell tagged `parameters` (papermill's convention) assigns one `const` per
 * parameter; the launcher's form offers a choice for each, from the catalogue of the harmonised data, and
 * writes the chosen values into that cell (see `notebook.ts`).
 */
import { msgid } from '@odatis-vre/harmonised';
import type { Quantity } from './pairing';

/** Every parameter a template may have, with its meaning (written as a comment above it in the notebook). */
export const PARAMETER_DOCS = {
  data: msgid(
    'Folder of the harmonised dataset (its catalog.json): "shared/harmonised", the shared observations, "shared/synthetic/harmonised", the synthetic training set, or the folder of a dataset you converted'
  ),
  datasets: msgid('Datasets of the catalogue to use (ids); [] = all'),
  sites: msgid('Stations (site ids of the catalogue); [] = all'),
  years: msgid('First and last year of the biology samples'),
  abundance: msgid('What is counted per taxon: the parameter, and the one unit to keep'),
  environment: msgid('Environmental variables (parameter codes), in the order of the tables'),
  taxa: msgid('Taxa to consider; [] = every taxon with at least minOccurrences occurrences'),
  minOccurrences: msgid('A taxon is kept when it occurs in at least this many paired samples'),
  windowDays: msgid(
    'Pairing window: hydrology of the nearest date within ± this many days of the biology date'
  ),
  depthLayer: msgid('Depth layer in metres, e.g. { "min": 0, "max": 10 }; null = every depth'),
  transform: msgid('Counts as they are ("none") or log(x + 1) ("log1p")'),
  grouping: msgid(
    'Subsets of the samples: "decade", "season", "month", "year", "site", or { "periods": [[2000, 2009], [2010, 2019]] }'
  ),
  variable: msgid('Variable along which niche centroids are compared'),
  permutations: msgid('Permutations of the tests'),
  seed: msgid('Seed of the permutations (same seed, same p-values)'),
  alpha: msgid('Significance level')
} as const;

export type ParameterName = keyof typeof PARAMETER_DOCS;

/** The values of a template's parameters cell. */
export interface TemplateValues {
  data: string;
  datasets: string[];
  sites: string[];
  years: [number, number];
  abundance: Quantity;
  environment: string[];
  taxa: string[];
  minOccurrences: number;
  windowDays: number;
  depthLayer: { min: number; max: number } | null;
  transform: 'none' | 'log1p';
  grouping: string | { periods: [number, number][] };
  variable: string;
  permutations: number;
  seed: number;
  alpha: number;
}

export interface TemplateSpec {
  id: 'omi' | 'witomi' | 'trends' | 'latitude';
  /** Notebook file in the templates folder. */
  file: string;
  title: string;
  description: string;
  /** Parameters of the notebook, in the order of its parameters cell. */
  parameters: readonly ParameterName[];
  /** Default values, as in the committed notebook. */
  defaults: Partial<TemplateValues>;
}

export const SHARED_HARMONISED = 'shared/harmonised';
export const SYNTHETIC_HARMONISED = 'shared/synthetic/harmonised';

const PAIRING: readonly ParameterName[] = [
  'data',
  'datasets',
  'sites',
  'years',
  'abundance',
  'environment',
  'taxa',
  'minOccurrences',
  'windowDays',
  'depthLayer',
  'transform'
];

const GRAVELINES = {
  data: SHARED_HARMONISED,
  datasets: [],
  sites: ['gravelines-canal-amenee'],
  abundance: { parameter: 'cell_abundance', unit: 'cells/L' },
  taxa: [],
  windowDays: 3,
  depthLayer: null
} satisfies Partial<TemplateValues>;

export const TEMPLATES: readonly TemplateSpec[] = [
  {
    id: 'omi',
    file: 'community-niche-omi.ipynb',
    title: msgid('Community niche (OMI)'),
    description: msgid(
      'Environmental PCA, Outlying Mean Index analysis with its permutation test and the niche parameters of every taxon, on one or several stations.'
    ),
    parameters: [...PAIRING, 'permutations', 'seed', 'alpha'],
    defaults: {
      ...GRAVELINES,
      years: [2013, 2022],
      environment: ['TEMP', 'PSAL', 'NO3', 'NH4'],
      minOccurrences: 100,
      transform: 'log1p',
      permutations: 999,
      seed: 1,
      alpha: 0.05
    }
  },
  {
    id: 'witomi',
    file: 'subniches-witomi.ipynb',
    title: msgid('Subniches by period or season (WitOMI)'),
    description: msgid(
      'Within Outlying Mean Indexes: the niche of each taxon in subsets of the samples (decades, periods, seasons, stations), G_K marginality, subniche parameters and their tests.'
    ),
    parameters: [...PAIRING, 'grouping', 'permutations', 'seed', 'alpha'],
    defaults: {
      ...GRAVELINES,
      years: [2000, 2022],
      environment: ['TEMP', 'NO3', 'NH4'],
      minOccurrences: 150,
      transform: 'log1p',
      grouping: 'decade',
      permutations: 99,
      seed: 1,
      alpha: 0.05
    }
  },
  {
    id: 'trends',
    file: 'trends-centroid-shift.ipynb',
    title: msgid('Trends and niche-centroid shift'),
    description: msgid(
      'Trends of the environment (Mann–Kendall, Sen slope) and the shift of each taxon’s niche centroid over the years.'
    ),
    parameters: [...PAIRING, 'variable'],
    defaults: {
      ...GRAVELINES,
      years: [1990, 2022],
      environment: ['TEMP'],
      minOccurrences: 200,
      transform: 'none',
      variable: 'TEMP'
    }
  },
  {
    id: 'latitude',
    file: 'latitudinal-comparison.ipynb',
    title: msgid('Latitudinal comparison across stations'),
    description: msgid(
      'Each taxon’s niche centroid and breadth at each station against latitude, and one community niche with the stations as WitOMI subsets; by default on the synthetic training set (twelve stations with a known truth).'
    ),
    parameters: [...PAIRING, 'variable', 'permutations', 'seed', 'alpha'],
    defaults: {
      data: SYNTHETIC_HARMONISED,
      datasets: [],
      sites: [],
      years: [2010, 2019],
      abundance: { parameter: 'cell_abundance', unit: 'cells/L' },
      environment: ['TEMP', 'PSAL'],
      taxa: [],
      minOccurrences: 50,
      windowDays: 3,
      depthLayer: null,
      transform: 'none',
      variable: 'TEMP',
      permutations: 99,
      seed: 1,
      alpha: 0.05
    }
  }
];

export function templateById(id: string): TemplateSpec | undefined {
  return TEMPLATES.find(t => t.id === id);
}
