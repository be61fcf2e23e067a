/**
 * The shared data as a catalogue: the harmonised dataset's catalog.json (datasets, stations,
 * parameters, taxa, spans, row counts) and the shared-data README (titles, DOIs, licences,
 * citation requirements). Searched in memory: it answers offline.
 */
import { queryPlaceOf, type Catalog, type CatalogDataset } from '@odatis-vre/harmonised';
import { parseDataSources, type DataSource } from '@odatis-vre/vre/lib/datasources';
import { defaultTextOf, searchLocally } from './local';
import {
  blankRecord,
  type BBox,
  type CatalogSource,
  type DatasetRecord,
  type Parameter,
  type SearchQuery,
  type SearchResult,
  type Station
} from './types';

/** DOI prefix of SEANOE, the publisher of the shared datasets' DOIs. */
const SEANOE_PREFIX = '10.17882/';

export interface SharedDataInput {
  catalog: Catalog;
  /** The shared data's README.md (Markdown), when it could be read. */
  readme?: string | null;
  /** Where the harmonised dataset lives, relative to the user's files (e.g. shared/harmonised). */
  harmonisedPath?: string;
}

function extentOf(stations: Station[]): BBox | null {
  const located = stations.filter(s => s.latitude !== null && s.longitude !== null);
  if (!located.length) return null;
  const lons = located.map(s => s.longitude!);
  const lats = located.map(s => s.latitude!);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}

function readmeSection(sources: DataSource[], dataset: CatalogDataset): DataSource | null {
  return (
    sources.find(s => dataset.doi !== null && s.dois.includes(dataset.doi)) ??
    sources.find(s => dataset.sourceFiles.some(f => s.description.includes(f.name))) ??
    null
  );
}

/** One record per dataset of the harmonised catalogue. */
export function sharedRecords(input: SharedDataInput): DatasetRecord[] {
  const { catalog } = input;
  const sections = input.readme ? parseDataSources(input.readme) : [];
  const stationsById = new Map<string, Station>(
    catalog.sites.map(s => [
      s.siteId,
      {
        id: s.siteId,
        name: s.siteName,
        latitude: s.latitude,
        longitude: s.longitude,
        sno: s.sno,
        timeSpan: s.timeSpan,
        rowCount: s.rowCount
      }
    ])
  );
  return catalog.datasets.map(d => {
    const section = readmeSection(sections, d);
    const stations = d.sites.flatMap(id => stationsById.get(id) ?? []);
    const atStations = (sites: string[]) => sites.some(s => d.sites.includes(s));
    // The catalogue lists parameters and taxa per station, not per dataset: a dataset sharing its
    // stations with another shows the other's parameters too.
    const parameters: Parameter[] = catalog.parameters
      .filter(p => atStations(p.sites))
      .map(p => ({
        name: p.parameter,
        label: p.label,
        unit: p.units.length ? p.units.join(', ') : null,
        standardName: p.p01
      }));
    const shared = catalog.datasets.some(
      other => other.id !== d.id && other.sites.some(s => d.sites.includes(s))
    );
    const record = blankRecord('shared', d.id, d.title);
    return {
      ...record,
      abstract: section?.description ?? null,
      sno: [d.sno],
      parameters,
      parametersApproximate: shared,
      timeSpan: d.timeSpan,
      bbox: extentOf(stations),
      stations,
      doi: d.doi,
      licence: d.licence
        ? { text: d.licence, url: null }
        : section?.licence
          ? { text: section.licence, url: null }
          : null,
      citationNote: section?.citation ?? null,
      preferredCitation: d.citation,
      publisher: d.doi?.startsWith(SEANOE_PREFIX) ? 'SEANOE' : null,
      files: d.sourceFiles.map(f => ({
        name: f.name,
        url: null,
        bytes: f.bytes,
        format: f.format,
        openAccess: true,
        checksum: `sha256:${f.sha256}`
      })),
      formats: [...new Set(d.sourceFiles.map(f => f.format))],
      rowCount: d.rowCount,
      landingPage: d.doi ? `https://doi.org/${d.doi}` : null,
      metadataUrl: input.harmonisedPath ? `${input.harmonisedPath}/catalog.json` : null,
      shared: {
        datasetId: d.id,
        sourceFiles: d.sourceFiles.map(f => f.name),
        queryPlace: queryPlaceOf(d)
      },
      notes: shared
        ? [
            'Parameters and taxa are those measured at the dataset’s stations, which it shares with another dataset.'
          ]
        : []
    };
  });
}

/** Taxa names of the stations of each dataset, so that a search for a genus finds its series. */
function taxaText(catalog: Catalog): Map<string, string> {
  const text = new Map<string, string>();
  for (const d of catalog.datasets) {
    text.set(
      d.id,
      catalog.taxa
        .filter(t => t.sites.some(s => d.sites.includes(s)))
        .map(t => t.taxon)
        .join(' ')
    );
  }
  return text;
}

export class SharedDataSource implements CatalogSource {
  readonly id = 'shared' as const;
  readonly label: string;
  readonly records: DatasetRecord[];
  private readonly taxa: Map<string, string>;

  constructor(input: SharedDataInput, label = 'Shared data') {
    this.label = label;
    this.records = sharedRecords(input);
    this.taxa = taxaText(input.catalog);
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const found = searchLocally(
      this.records,
      query,
      r =>
        `${defaultTextOf(r)} ${r.shared?.sourceFiles.join(' ') ?? ''} ${this.taxa.get(r.id) ?? ''}`
    );
    return { source: this.id, ...found, notes: [] };
  }

  async record(id: string): Promise<DatasetRecord> {
    const found = this.records.find(r => r.id === id);
    if (!found) throw new Error(`The shared data has no dataset "${id}"`);
    return found;
  }
}
