/**
 * What a template ran on, and how to cite it: the datasets whose rows were used, read from the catalogue of
 * the harmonised dataset (`catalog.json`), with their DOI and licence. A dataset the catalogue does not list,
 * or a licence it does not state, is said so, never left out.
 */
import type { Catalog, CatalogDataset } from '@odatis-vre/harmonised';
import type { Pairing } from './pairing';
import { escapeHtml, tableOutput, type MimeBundle } from './tables';

/** A harmonised dataset as a notebook reads it: its folder, what to query, its catalogue. */
export interface HarmonisedSource {
  /** Folder of the dataset (holds catalog.json), from the file browser's root. */
  folder: string;
  /** What SQL reads: the relation attached by the VRE (`harmonised`) or the path of the dataset's Arrow file. */
  source: string;
  catalog: Catalog;
}

/** The service code of synthetic data (`@odatis-vre/sno` synthetic generator). */
export const SYNTHETIC_SNO = 'SYNTH';

export interface Citation {
  dataset: string;
  title: string | null;
  service: string | null;
  doi: string | null;
  licence: string | null;
  citation: string | null;
  synthetic: boolean;
  /** False when the catalogue does not list the dataset (its rows name it, the catalogue does not). */
  inCatalogue: boolean;
}

/** The datasets a pairing used (its biology and its hydrology), as the catalogue describes them. */
export function citationsOf(catalog: Catalog, datasetIds: readonly string[]): Citation[] {
  const byId = new Map<string, CatalogDataset>(catalog.datasets.map(d => [d.id, d]));
  return [...new Set(datasetIds)].sort().map(id => {
    const d = byId.get(id);
    return {
      dataset: id,
      title: d?.title ?? null,
      service: d?.sno ?? null,
      doi: d?.doi ?? null,
      licence: d?.licence ?? null,
      citation: d?.citation ?? null,
      synthetic: d?.sno === SYNTHETIC_SNO,
      inCatalogue: d !== undefined
    };
  });
}

export function usedDatasets(pairing: Pairing): string[] {
  return [...pairing.report.datasets.biology, ...pairing.report.datasets.environment];
}

/** Whether every dataset used is synthetic, some are, or none. */
function syntheticShare(citations: readonly Citation[]): 'all' | 'some' | 'none' {
  const n = citations.filter(c => c.synthetic).length;
  return n === 0 ? 'none' : n === citations.length ? 'all' : 'some';
}

/** "This notebook ran on …": the dataset folder, whether it is real or synthetic, stations, years, samples. */
export function dataStatement(source: HarmonisedSource, pairing: Pairing): MimeBundle {
  const citations = citationsOf(source.catalog, usedDatasets(pairing));
  const synthetic = syntheticShare(citations);
  const r = pairing.report;
  const dates = pairing.samples.date;
  const stations = r.sites.filter(s => s.paired > 0);
  const kind =
    synthetic === 'all'
      ? 'SYNTHETIC data with a known truth (the workshop training set), not observations'
      : synthetic === 'some'
        ? 'a mix of real observations and SYNTHETIC data'
        : 'real observations';
  const text =
    `This notebook ran on ${kind}: the harmonised dataset ${source.folder} (read as ${source.source}; ` +
    `catalogue generated ${source.catalog.generated}), ` +
    `${stations.length} station${stations.length === 1 ? '' : 's'} (${stations.map(s => s.siteId).join(', ')}), ` +
    `samples from ${dates[0]} to ${dates[dates.length - 1]}, datasets ${citations.map(c => c.dataset).join(', ')}.`;
  const banner =
    synthetic === 'none'
      ? ''
      : '<p class="neo-workshop-synthetic"><b>SYNTHETIC DATA.</b> Generated with a known truth ' +
        '(see truth.json beside the dataset) for training and testing; these numbers say nothing about the ocean.</p>';
  return {
    'text/html': `<div class="neo-workshop-data">${banner}<p>${escapeHtml(text)}</p></div>`,
    'text/plain': (synthetic === 'none' ? '' : 'SYNTHETIC DATA. ') + text
  };
}

/** The citations of every dataset used, as a table with a CSV download. */
export function citationTable(
  source: HarmonisedSource,
  pairing: Pairing,
  filename = 'citations'
): MimeBundle {
  const citations = citationsOf(source.catalog, usedDatasets(pairing));
  const rows = citations.map(c => ({
    dataset: c.dataset,
    title: c.title ?? 'not in the catalogue',
    service: c.service,
    DOI: c.doi ? `https://doi.org/${c.doi}` : c.synthetic ? 'none (synthetic)' : 'not stated',
    licence:
      c.licence ??
      (c.inCatalogue
        ? 'not stated in the catalogue: see the README of the shared data'
        : 'unknown'),
    citation: c.citation ?? '',
    synthetic: c.synthetic ? 'yes' : 'no'
  }));
  return tableOutput(rows, {
    title: 'Data used and how to cite it',
    filename,
    note: `from ${source.folder}/catalog.json`
  });
}
