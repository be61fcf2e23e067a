/**
 * One vocabulary for every catalogue the data browser searches: a dataset record, a search query,
 * facets with counts and a search result. Each client (shared data, Sextant, SEANOE, ERDDAP) maps
 * its service's own format onto these types, so the panel never knows which service answered.
 */
import type { QueryPlace } from '@odatis-vre/harmonised';

/** The catalogues the data browser knows. */
export type SourceId = 'shared' | 'sextant' | 'seanoe' | 'erddap';

/** A time span as ISO 8601 instants; a null bound is open (e.g. a series still running). */
export interface TimeSpan {
  start: string | null;
  end: string | null;
}

/** West, south, east, north in decimal degrees (WGS84). */
export type BBox = [west: number, south: number, east: number, north: number];

/** A measured property, as the source names it, with its unit. */
export interface Parameter {
  name: string;
  label: string | null;
  unit: string | null;
  /** CF standard name or vocabulary code (P01) when the source gives one. */
  standardName: string | null;
}

export interface Station {
  id: string;
  name: string | null;
  latitude: number | null;
  longitude: number | null;
  sno: string[];
  timeSpan: TimeSpan | null;
  rowCount: number | null;
}

export interface Contact {
  name: string | null;
  organisation: string | null;
  role: string | null;
  email: string | null;
}

export interface Link {
  url: string;
  name: string | null;
  protocol: string | null;
  description: string | null;
}

/** A file a dataset offers for download. */
export interface DataFile {
  name: string;
  url: string | null;
  bytes: number | null;
  format: string | null;
  openAccess: boolean;
  checksum: string | null;
}

/** The licence as the source states it; `id` is an SPDX-like identifier when it is recognised. */
export interface LicenceStatement {
  text: string;
  url: string | null;
}

/** Where an ERDDAP dataset lives: enough to build info and tabledap requests. */
export interface ErddapDatasetRef {
  server: string;
  datasetId: string;
  protocol: 'tabledap' | 'griddap';
}

/** A dataset of the shared data: its id in the harmonised catalogue. */
export interface SharedDatasetRef {
  datasetId: string;
  sourceFiles: string[];
  /** Where the catalogue says it can be queried (browser, server or both). */
  queryPlace: QueryPlace;
}

/**
 * A dataset as the data browser shows it. Text fields from remote services may hold HTML: render
 * them through a sanitiser, never as is.
 */
export interface DatasetRecord {
  source: SourceId;
  /** Identifier within its source (dataset id, GeoNetwork uuid, DOI, ERDDAP datasetID). */
  id: string;
  title: string;
  abstract: string | null;
  /** Observation services (SNO) or producing organisations. */
  sno: string[];
  keywords: string[];
  parameters: Parameter[];
  /** True when the parameters are those measured at the dataset's stations, not its own. */
  parametersApproximate: boolean;
  timeSpan: TimeSpan | null;
  bbox: BBox | null;
  stations: Station[];
  doi: string | null;
  licence: LicenceStatement | null;
  /**
   * True when the source states the licence in a part of the record not read yet (an ERDDAP search
   * hit before its `info`): an empty licence then means "see the record", not "none stated".
   */
  licenceUnread?: boolean;
  /** Citation requirement as the producer words it (e.g. "cite the DOI and keep share-alike"). */
  citationNote: string | null;
  /** The citation the producer asks for, word for word, when it gives one. */
  preferredCitation: string | null;
  authors: string[];
  publisher: string | null;
  year: number | null;
  lineage: string | null;
  contacts: Contact[];
  links: Link[];
  files: DataFile[];
  formats: string[];
  rowCount: number | null;
  landingPage: string | null;
  /** The address the record was read from. */
  metadataUrl: string | null;
  erddap: ErddapDatasetRef | null;
  shared: SharedDatasetRef | null;
  /** What a person should know about this record (approximations, parts that could not be read). */
  notes: string[];
}

/** Facets shared by all sources; a source fills those it can count. */
export type FacetKey = 'sno' | 'keyword' | 'licence' | 'format';

export const FACET_KEYS: readonly FacetKey[] = ['sno', 'keyword', 'licence', 'format'];

export interface FacetBucket {
  value: string;
  count: number;
}

export interface Facet {
  key: FacetKey;
  buckets: FacetBucket[];
}

export interface YearRange {
  from: number | null;
  to: number | null;
}

/** What a person asks for. Values within a facet are alternatives; facets, bbox and years all apply. */
export interface SearchQuery {
  text: string;
  facets: Partial<Record<FacetKey, string[]>>;
  bbox: BBox | null;
  years: YearRange;
  /** Parameter names or codes (any of them). */
  parameters: string[];
  from: number;
  size: number;
}

export function emptyQuery(partial: Partial<SearchQuery> = {}): SearchQuery {
  return {
    text: '',
    facets: {},
    bbox: null,
    years: { from: null, to: null },
    parameters: [],
    from: 0,
    size: 20,
    ...partial
  };
}

/** One page of one source's answer. */
export interface SearchResult {
  source: SourceId;
  total: number;
  records: DatasetRecord[];
  facets: Facet[];
  /** How the service answered the query when it could not apply all of it (e.g. filters on the first page only). */
  notes: string[];
}

/** A client of one catalogue. */
export interface CatalogSource {
  readonly id: SourceId;
  /** Name shown to people, e.g. "Sextant (Ifremer)". */
  readonly label: string;
  search(query: SearchQuery, signal?: AbortSignal): Promise<SearchResult>;
  /** The full record (dataset view); `id` as in DatasetRecord.id. */
  record(id: string, signal?: AbortSignal): Promise<DatasetRecord>;
  /**
   * Fills in what a search answer lacks (e.g. ERDDAP's licences, stated in each dataset's `info`),
   * for the records shown, in a bounded number of requests; records it could not complete come back
   * as they were.
   */
  complete?(records: DatasetRecord[], signal?: AbortSignal): Promise<DatasetRecord[]>;
}

/** A record with every optional field empty: clients fill what their service says. */
export function blankRecord(source: SourceId, id: string, title: string): DatasetRecord {
  return {
    source,
    id,
    title,
    abstract: null,
    sno: [],
    keywords: [],
    parameters: [],
    parametersApproximate: false,
    timeSpan: null,
    bbox: null,
    stations: [],
    doi: null,
    licence: null,
    citationNote: null,
    preferredCitation: null,
    authors: [],
    publisher: null,
    year: null,
    lineage: null,
    contacts: [],
    links: [],
    files: [],
    formats: [],
    rowCount: null,
    landingPage: null,
    metadataUrl: null,
    erddap: null,
    shared: null,
    notes: []
  };
}
