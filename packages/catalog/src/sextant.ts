/**
 * Sextant, Ifremer's catalogue, is a GeoNetwork 4: its search API (`POST api/search/records/_search`)
 * takes an Elasticsearch request body and answers with Elasticsearch's response, whose documents
 * are GeoNetwork's index records (fields such as `resourceTitleObject`, `tag`,
 * `resourceTemporalDateRange`, `geom`, `contactForResource`, `link`). References: GeoNetwork's
 * `EsHTTPProxy.java` (the endpoint), `records.json` (the index mapping) and the iso19139 schema's
 * `index-fields/index.xsl` (which field holds what); see testing/README.md.
 */
import { erddapRefFromUrl } from './erddap';
import { yearBounds } from './local';
import { SourceError, type Transport } from './transport';
import {
  blankRecord,
  FACET_KEYS,
  type BBox,
  type CatalogSource,
  type Contact,
  type DatasetRecord,
  type FacetKey,
  type Link,
  type SearchQuery,
  type SearchResult,
  type TimeSpan
} from './types';

/** The index field counted for each facet (keyword fields of GeoNetwork 4's mapping). */
export const SEXTANT_FACET_FIELDS: Record<FacetKey, string> = {
  sno: 'OrgForResourceObject.default',
  keyword: 'tag.default',
  licence: 'MD_LegalConstraintsOtherConstraintsObject.default.keyword',
  format: 'format'
};

/** Fields searched by the full-text box, as GeoNetwork's own UI weighs them. */
const TEXT_FIELDS = [
  'resourceTitleObject.*^3',
  'tag.*^2',
  'resourceAbstractObject.*',
  'OrgForResourceObject.*',
  'any.*'
];

const SOURCE_FIELDS = [
  'uuid',
  'resourceTitleObject',
  'resourceAbstractObject',
  'tag',
  'OrgForResourceObject',
  'contactForResource',
  'resourceTemporalDateRange',
  'geom',
  'format',
  'link',
  'lineage',
  'lineageObject',
  'MD_LegalConstraintsOtherConstraintsObject',
  'MD_LegalConstraintsUseLimitationObject',
  'resourceIdentifier',
  'publicationDateForResource',
  'creationDateForResource',
  'resourceType'
];

/** Elasticsearch's query_string syntax reserves these characters: a person's words are escaped. */
export function escapeQueryString(text: string): string {
  return text.replace(/[+\-=&|><!(){}[\]^"~*?:\\/]/g, c => `\\${c}`);
}

type EsQuery = Record<string, unknown>;

function facetFilter(key: FacetKey, values: string[]): EsQuery {
  return { terms: { [SEXTANT_FACET_FIELDS[key]]: values } };
}

/** The Elasticsearch request body for a search. */
export function sextantSearchBody(query: SearchQuery, facetSize = 20): EsQuery {
  const must: EsQuery[] = query.text.trim()
    ? [
        {
          query_string: {
            query: query.text.trim().split(/\s+/).map(escapeQueryString).join(' '),
            default_operator: 'AND',
            fields: TEXT_FIELDS
          }
        }
      ]
    : [{ match_all: {} }];
  const filter: EsQuery[] = [{ term: { isTemplate: 'n' } }];
  if (query.bbox) {
    const [w, s, e, n] = query.bbox;
    filter.push({
      geo_shape: {
        geom: {
          shape: {
            type: 'envelope',
            coordinates: [
              [w, n],
              [e, s]
            ]
          },
          relation: 'intersects'
        }
      }
    });
  }
  if (query.years.from !== null || query.years.to !== null) {
    const { start, end } = yearBounds(query.years);
    const range: Record<string, string> = { relation: 'intersects' };
    if (start) range.gte = start;
    if (end) range.lte = end;
    filter.push({ range: { resourceTemporalDateRange: range } });
  }
  if (query.parameters.length) {
    filter.push({
      query_string: {
        query: query.parameters.map(p => `"${p.replace(/["\\]/g, '\\$&')}"`).join(' OR '),
        fields: ['tag.*', 'resourceTitleObject.*']
      }
    });
  }
  const chosen = FACET_KEYS.filter(k => query.facets[k]?.length);
  const others = (except: FacetKey | null) =>
    chosen.filter(k => k !== except).map(k => facetFilter(k, query.facets[k]!));
  const aggregations: Record<string, EsQuery> = {};
  for (const key of FACET_KEYS) {
    aggregations[key] = {
      filter: { bool: { filter: others(key) } },
      aggs: { values: { terms: { field: SEXTANT_FACET_FIELDS[key], size: facetSize } } }
    };
  }
  return {
    from: query.from,
    size: query.size,
    track_total_hits: true,
    query: { bool: { must, filter } },
    // Facet choices filter the hits, not the counts: each facet is counted without its own choice.
    post_filter: { bool: { filter: others(null) } },
    aggregations,
    _source: { includes: SOURCE_FIELDS },
    sort: ['_score', { 'resourceTitleObject.default.keyword': 'asc' }]
  };
}

/** GeoNetwork writes a field once as a value and several times as an array. */
function many<T>(value: T | T[] | undefined | null): T[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

/** A multilingual `*Object` field: the default text, else English, else French. */
function text(value: unknown): string | null {
  for (const v of many(value as unknown)) {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of ['default', 'langeng', 'langfre']) {
        if (typeof o[k] === 'string' && o[k]) return o[k] as string;
      }
    }
  }
  return null;
}

function texts(value: unknown): string[] {
  return many(value as unknown)
    .map(v => text(v))
    .filter((v): v is string => !!v);
}

function boundsOf(geometries: unknown): BBox | null {
  const xs: number[] = [];
  const ys: number[] = [];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && c.length >= 2 && typeof c[0] === 'number' && typeof c[1] === 'number') {
      xs.push(c[0]);
      ys.push(c[1]);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const g of many(geometries as unknown)) {
    if (g && typeof g === 'object') visit((g as { coordinates?: unknown }).coordinates);
  }
  return xs.length ? [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] : null;
}

/** The union of `resourceTemporalDateRange` ranges; a range without `lte` is still running. */
function spanOf(ranges: unknown): TimeSpan | null {
  const list = many(ranges as unknown).filter(
    (r): r is { gte?: string; lte?: string } => !!r && typeof r === 'object'
  );
  if (!list.length) return null;
  const starts = list.map(r => r.gte ?? null);
  const ends = list.map(r => r.lte ?? null);
  const iso = (d: string) => (/^\d{4}-\d{2}-\d{2}$/.test(d) ? `${d}T00:00:00Z` : d);
  return {
    start: starts.includes(null) ? null : iso(starts.sort()[0]!),
    end: ends.includes(null) ? null : iso(ends.sort()[ends.length - 1]!)
  };
}

const DOI = /\b(10\.\d{4,9}\/[^\s"<>]+)/;

const AUTHOR_ROLES = ['author', 'originator', 'principalInvestigator', 'owner'];

/** A GeoNetwork index document (`_source`) as a dataset record. */
export function sextantRecord(source: Record<string, unknown>, apiUrl: string): DatasetRecord {
  const uuid = String(source.uuid ?? '');
  const record = blankRecord('sextant', uuid, text(source.resourceTitleObject) ?? '(untitled)');
  const contacts: Contact[] = many(source.contactForResource as Record<string, unknown>[]).map(
    c => ({
      name: typeof c.individual === 'string' && c.individual ? c.individual : null,
      organisation:
        text(c.organisationObject) ??
        (typeof c.organisation === 'string' && c.organisation ? c.organisation : null),
      role: typeof c.role === 'string' ? c.role : null,
      email: typeof c.email === 'string' && c.email ? c.email : null
    })
  );
  const links: Link[] = many(source.link as Record<string, unknown>[])
    .map(l => ({
      url: text(l.urlObject) ?? (typeof l.url === 'string' ? l.url : ''),
      name: text(l.nameObject) ?? (typeof l.name === 'string' && l.name ? l.name : null),
      protocol: typeof l.protocol === 'string' && l.protocol ? l.protocol : null,
      description:
        text(l.descriptionObject) ??
        (typeof l.description === 'string' && l.description ? l.description : null)
    }))
    .filter(l => l.url);
  const identifiers = many(source.resourceIdentifier as Record<string, unknown>[]).flatMap(i =>
    [i.code, i.link].filter((v): v is string => typeof v === 'string')
  );
  const doi =
    [...identifiers, ...links.map(l => l.url)].map(v => DOI.exec(v)?.[1] ?? null).find(Boolean) ??
    null;
  const date = [...many(source.publicationDateForResource), ...many(source.creationDateForResource)]
    .map(d => (typeof d === 'string' ? Number(d.slice(0, 4)) : NaN))
    .find(Number.isFinite);
  const authors = contacts
    .filter(c => c.role && AUTHOR_ROLES.includes(c.role))
    .map(c => c.name ?? c.organisation)
    .filter((v): v is string => !!v);
  const publisher =
    contacts.find(c => c.role === 'publisher' || c.role === 'distributor')?.organisation ?? null;
  const licenceText =
    text(source.MD_LegalConstraintsOtherConstraintsObject) ??
    text(source.MD_LegalConstraintsUseLimitationObject);
  const licenceLink = many(source.MD_LegalConstraintsOtherConstraintsObject as unknown[])
    .map(o => (o && typeof o === 'object' ? (o as { link?: unknown }).link : null))
    .find((l): l is string => typeof l === 'string' && !!l);
  const erddap = links.map(l => erddapRefFromUrl(l.url)).find(Boolean) ?? null;
  const base = apiUrl.replace(/\/+$/, '');
  return {
    ...record,
    abstract: text(source.resourceAbstractObject),
    sno: texts(source.OrgForResourceObject),
    keywords: texts(source.tag),
    timeSpan: spanOf(source.resourceTemporalDateRange),
    bbox: boundsOf(source.geom),
    doi,
    licence: licenceText ? { text: licenceText, url: licenceLink ?? null } : null,
    authors: [...new Set(authors)],
    publisher,
    year: date ?? null,
    lineage: text(source.lineageObject) ?? text(source.lineage),
    contacts,
    links,
    formats: many(source.format as string[]).filter(f => typeof f === 'string'),
    landingPage: `${base}/records/${encodeURIComponent(uuid)}`,
    metadataUrl: `${base}/search/records/_search`,
    erddap
  };
}

interface EsResponse {
  hits?: { total?: number | { value?: number }; hits?: { _source?: Record<string, unknown> }[] };
  aggregations?: Record<
    string,
    { values?: { buckets?: { key: unknown; doc_count: number }[] }; buckets?: unknown }
  >;
}

/** Reads an Elasticsearch response; anything else is a 'malformed' answer. */
export function sextantResult(json: unknown, apiUrl: string): SearchResult {
  const response = json as EsResponse;
  if (
    !response ||
    typeof response !== 'object' ||
    !response.hits ||
    !Array.isArray(response.hits.hits)
  ) {
    throw new Error('the answer has no hits.hits: it is not an Elasticsearch search response');
  }
  const total =
    typeof response.hits.total === 'number'
      ? response.hits.total
      : (response.hits.total?.value ?? 0);
  const facets = FACET_KEYS.map(key => ({
    key,
    buckets: (response.aggregations?.[key]?.values?.buckets ?? []).map(b => ({
      value: String(b.key),
      count: b.doc_count
    }))
  })).filter(f => f.buckets.length);
  return {
    source: 'sextant',
    total,
    records: response.hits.hits.map(h => sextantRecord(h._source ?? {}, apiUrl)),
    facets,
    notes: []
  };
}

export interface SextantOptions {
  /** The catalogue's API root, e.g. https://sextant.ifremer.fr/geonetwork/srv/api */
  url: string;
  transport: Transport;
  label?: string;
}

export class SextantSource implements CatalogSource {
  readonly id = 'sextant' as const;
  readonly label: string;
  private readonly url: string;
  private readonly transport: Transport;

  constructor(options: SextantOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.transport = options.transport;
    this.label = options.label ?? 'Sextant';
  }

  get searchUrl(): string {
    return `${this.url}/search/records/_search`;
  }

  private async post(body: unknown, signal?: AbortSignal): Promise<SearchResult> {
    const json = await this.transport.json(this.searchUrl, {
      source: this.label,
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' },
      signal
    });
    try {
      return sextantResult(json, this.url);
    } catch (e) {
      throw new SourceError({
        source: this.label,
        kind: 'malformed',
        url: this.searchUrl,
        message: `${this.label} answered JSON that is not a search response (${this.searchUrl}): ${(e as Error).message}`
      });
    }
  }

  search(query: SearchQuery, signal?: AbortSignal): Promise<SearchResult> {
    return this.post(sextantSearchBody(query), signal);
  }

  async record(uuid: string, signal?: AbortSignal): Promise<DatasetRecord> {
    const result = await this.post(
      {
        size: 1,
        query: { bool: { filter: [{ term: { uuid } }] } },
        _source: { includes: SOURCE_FIELDS }
      },
      signal
    );
    if (!result.records.length) {
      throw new SourceError({
        source: this.label,
        kind: 'http',
        status: 404,
        url: this.searchUrl,
        message: `${this.label} has no record ${uuid}`
      });
    }
    return result.records[0];
  }
}
