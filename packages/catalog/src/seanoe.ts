/**
 * SEANOE, Ifremer's data publisher (DOI prefix 10.17882). Its records are read from two documented
 * services: DataCite's REST API (`GET /dois?query=…&prefix=10.17882`, `GET /dois/<doi>`: JSON:API
 * with titles, creators, publisher, rightsList, dates, geoLocations) for search and citation
 * metadata, and SEANOE's own API (`GET api/find-by-id/<id>`: title, authors, files with fileName,
 * fileUrl, size, openAccess, checksum, geoExtendList, temporalExtend) for the files. References in
 * testing/README.md.
 */
import { englishMessages, type Messages } from '@odatis-vre/harmonised';
import { fold, searchLocally } from './local';
import { SourceError, type Transport } from './transport';
import {
  blankRecord,
  type BBox,
  type CatalogSource,
  type DataFile,
  type DatasetRecord,
  type SearchQuery,
  type SearchResult,
  type TimeSpan
} from './types';

export const SEANOE_DOI_PREFIX = '10.17882';

/** The SEANOE record id of a DOI or landing page (10.17882/85178 → 85178). */
export function seanoeId(doiOrUrl: string): string | null {
  return (
    /10\.17882\/(\d+)/.exec(doiOrUrl)?.[1] ??
    /seanoe\.org\/data\/\d+\/(\d+)/.exec(doiOrUrl)?.[1] ??
    (/^\d+$/.test(doiOrUrl) ? doiOrUrl : null)
  );
}

interface DataCiteAttributes {
  doi?: string;
  titles?: { title?: string; lang?: string }[];
  creators?: { name?: string; givenName?: string; familyName?: string; nameType?: string }[];
  publisher?: string | { name?: string };
  publicationYear?: number | string;
  descriptions?: { description?: string; descriptionType?: string }[];
  subjects?: { subject?: string }[];
  rightsList?: { rights?: string; rightsUri?: string; rightsIdentifier?: string }[];
  dates?: { date?: string; dateType?: string }[];
  geoLocations?: {
    geoLocationPlace?: string;
    geoLocationPoint?: { pointLongitude?: number | string; pointLatitude?: number | string };
    geoLocationBox?: {
      westBoundLongitude?: number | string;
      eastBoundLongitude?: number | string;
      southBoundLatitude?: number | string;
      northBoundLatitude?: number | string;
    };
  }[];
  formats?: string[];
  sizes?: string[];
  url?: string;
}

/** A number the record states; absent, null or blank is unknown (null), never 0. */
function num(v: number | string | null | undefined): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

function bboxOfGeo(geo: DataCiteAttributes['geoLocations']): BBox | null {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const g of geo ?? []) {
    const b = g.geoLocationBox;
    if (b) {
      const w = num(b.westBoundLongitude);
      const e = num(b.eastBoundLongitude);
      const s = num(b.southBoundLatitude);
      const n = num(b.northBoundLatitude);
      if (w !== null && e !== null && s !== null && n !== null) {
        xs.push(w, e);
        ys.push(s, n);
      }
    }
    const p = g.geoLocationPoint;
    if (p && num(p.pointLongitude) !== null && num(p.pointLatitude) !== null) {
      xs.push(num(p.pointLongitude)!);
      ys.push(num(p.pointLatitude)!);
    }
  }
  return xs.length ? [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] : null;
}

/** DataCite's "Collected" date: `1996-05-25/2023-12-14`, or one date; an empty side is open. */
function collected(dates: DataCiteAttributes['dates']): TimeSpan | null {
  const d = dates?.find(x => x.dateType === 'Collected')?.date;
  if (!d) return null;
  const [start, end] = d.includes('/') ? d.split('/') : [d, d];
  return { start: start || null, end: end || null };
}

/** A DataCite DOI record (the `attributes` of JSON:API) as a dataset record. */
export function dataciteRecord(attributes: DataCiteAttributes): DatasetRecord {
  const doi = attributes.doi ?? '';
  const title =
    attributes.titles?.find(t => !t.lang || /^en/i.test(t.lang))?.title ??
    attributes.titles?.[0]?.title ??
    doi;
  const record = blankRecord('seanoe', doi, title);
  const rights = attributes.rightsList?.find(r => r.rights || r.rightsUri);
  const publisher =
    typeof attributes.publisher === 'string'
      ? attributes.publisher
      : (attributes.publisher?.name ?? null);
  return {
    ...record,
    abstract:
      attributes.descriptions?.find(d => d.descriptionType === 'Abstract')?.description ??
      attributes.descriptions?.[0]?.description ??
      null,
    keywords: (attributes.subjects ?? []).map(s => s.subject ?? '').filter(Boolean),
    timeSpan: collected(attributes.dates),
    bbox: bboxOfGeo(attributes.geoLocations),
    doi: doi || null,
    licence: rights
      ? {
          text: rights.rights ?? rights.rightsIdentifier ?? rights.rightsUri!,
          url: rights.rightsUri ?? null
        }
      : null,
    authors: (attributes.creators ?? [])
      .map(c => c.name ?? [c.familyName, c.givenName].filter(Boolean).join(', '))
      .filter(Boolean),
    publisher,
    year: num(attributes.publicationYear),
    formats: attributes.formats ?? [],
    landingPage: attributes.url ?? (doi ? `https://doi.org/${doi}` : null)
  };
}

/** SEANOE's find-by-id answer: the parts the data browser reads. */
export interface SeanoeJson {
  title?: string | Record<string, string>;
  publicationDoi?: string;
  authors?: unknown[];
  files?: {
    fileName?: string;
    fileUrl?: string;
    size?: number | string | null;
    openAccess?: boolean;
    checksum?: string;
    label?: string | Record<string, string>;
  }[];
  geoExtendList?: {
    west?: number | string;
    east?: number | string;
    south?: number | string;
    north?: number | string;
  }[];
  temporalExtend?: { begin?: string | null; end?: string | null };
}

function localised(value: string | Record<string, string> | undefined): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object')
    return value.en ?? value.fr ?? Object.values(value)[0] ?? null;
  return null;
}

/** An author of find-by-id: a name string, or an object with the usual name keys. */
function authorName(a: unknown): string | null {
  if (typeof a === 'string') return a;
  if (!a || typeof a !== 'object') return null;
  const o = a as Record<string, unknown>;
  const s = (k: string) => (typeof o[k] === 'string' && o[k] ? (o[k] as string) : null);
  const family = s('lastName') ?? s('lastname') ?? s('familyName') ?? s('surname');
  const given = s('firstName') ?? s('firstname') ?? s('givenName');
  return family ? (given ? `${family}, ${given}` : family) : (s('name') ?? s('fullName'));
}

/** Files, extent and authors from SEANOE's find-by-id, over a DataCite record. */
export function withSeanoeDetails(
  record: DatasetRecord,
  json: SeanoeJson,
  url: string
): DatasetRecord {
  if (
    !json ||
    typeof json !== 'object' ||
    (!Array.isArray(json.files) && !json.publicationDoi && !json.title)
  ) {
    throw new Error(
      'the answer has neither files, publicationDoi nor title: it is not a SEANOE record'
    );
  }
  const files: DataFile[] = (json.files ?? []).map(f => ({
    name: f.fileName ?? localised(f.label) ?? '(unnamed file)',
    url: f.openAccess === false ? null : (f.fileUrl ?? null),
    bytes: num(f.size),
    format: (f.fileName ?? '').replace(/^.*?((\.[a-z0-9]+)+)$/i, '$1').replace(/^\./, '') || null,
    openAccess: f.openAccess !== false,
    checksum: f.checksum ?? null
  }));
  const boxes = (json.geoExtendList ?? [])
    .map(b => [num(b.west), num(b.south), num(b.east), num(b.north)])
    .filter((b): b is BBox => b.every(v => v !== null));
  const bbox: BBox | null = boxes.length
    ? [
        Math.min(...boxes.map(b => b[0])),
        Math.min(...boxes.map(b => b[1])),
        Math.max(...boxes.map(b => b[2])),
        Math.max(...boxes.map(b => b[3]))
      ]
    : null;
  const span = json.temporalExtend;
  const authors = (json.authors ?? []).map(authorName).filter((a): a is string => !!a);
  return {
    ...record,
    title: record.title === record.id ? (localised(json.title) ?? record.title) : record.title,
    doi: record.doi ?? json.publicationDoi ?? null,
    authors: record.authors.length ? record.authors : authors,
    files,
    formats: [
      ...new Set([...record.formats, ...files.map(f => f.format).filter((f): f is string => !!f)])
    ],
    bbox: record.bbox ?? bbox,
    timeSpan:
      record.timeSpan ??
      (span && (span.begin || span.end)
        ? { start: span.begin ?? null, end: span.end ?? null }
        : null),
    metadataUrl: url
  };
}

export interface SeanoeOptions {
  /** SEANOE's API root, e.g. https://www.seanoe.org/api */
  url: string;
  /** DataCite's REST API root, e.g. https://api.datacite.org */
  dataciteUrl: string;
  transport: Transport;
  /** DOI prefix searched in DataCite; default SEANOE's 10.17882. */
  prefix?: string;
  label?: string;
  /** The language of its notices: `translator.load('odatis_vre')`; default English. */
  trans?: Messages;
}

interface DataCiteList {
  data?: { attributes?: DataCiteAttributes }[];
  meta?: { total?: number };
}

export class SeanoeSource implements CatalogSource {
  readonly id = 'seanoe' as const;
  readonly label: string;
  private readonly url: string;
  private readonly datacite: string;
  private readonly transport: Transport;
  private readonly prefix: string;

  constructor(options: SeanoeOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.datacite = options.dataciteUrl.replace(/\/+$/, '');
    this.transport = options.transport;
    this.prefix = options.prefix ?? SEANOE_DOI_PREFIX;
    this.label = options.label ?? 'SEANOE';
    this.trans = options.trans ?? englishMessages;
  }

  private readonly trans: Messages;

  /** DataCite's query: the words, and the parameters as alternatives. */
  searchUrl(query: SearchQuery, pageSize = 100): string {
    const words = query.text.trim();
    const params = query.parameters.map(p => `"${p.replace(/["\\]/g, '')}"`).join(' OR ');
    const q = [words, params && `(${params})`].filter(Boolean).join(' AND ');
    const search = new URLSearchParams({
      prefix: this.prefix,
      'page[size]': String(pageSize),
      'page[number]': '1'
    });
    if (q) search.set('query', q);
    return `${this.datacite}/dois?${search}`;
  }

  private malformed(url: string, e: unknown): SourceError {
    return new SourceError({
      source: this.label,
      kind: 'malformed',
      url,
      message: `${this.label} answered JSON that is not in the expected format (${url}): ${(e as Error).message}`
    });
  }

  async search(query: SearchQuery, signal?: AbortSignal): Promise<SearchResult> {
    const url = this.searchUrl(query);
    const json = await this.transport.json<DataCiteList>(url, { source: this.label, signal });
    if (!json || !Array.isArray(json.data)) {
      throw this.malformed(url, new Error('no data array: not a DataCite JSON:API list'));
    }
    const records = json.data.map(d => dataciteRecord(d.attributes ?? {}));
    // DataCite has matched the words; facets, area and years are applied to the answers read.
    const found = searchLocally(records, { ...query, text: '', parameters: [] });
    const total = json.meta?.total ?? records.length;
    const filtered =
      query.bbox ||
      query.years.from !== null ||
      query.years.to !== null ||
      Object.values(query.facets).some(v => v?.length);
    const notes =
      filtered && total > records.length
        ? [
            this.trans.__(
              'Map area, years and facets were applied to the first %1 of %2 matches.',
              records.length,
              total
            )
          ]
        : [];
    return { source: this.id, ...found, notes };
  }

  /** The record of a DOI: DataCite's metadata, with SEANOE's files and extent. */
  async record(doi: string, signal?: AbortSignal): Promise<DatasetRecord> {
    const dataciteUrl = `${this.datacite}/dois/${encodeURIComponent(doi)}`;
    const json = await this.transport.json<{ data?: { attributes?: DataCiteAttributes } }>(
      dataciteUrl,
      {
        source: this.label,
        signal
      }
    );
    if (!json?.data?.attributes) throw this.malformed(dataciteUrl, new Error('no data.attributes'));
    let record = dataciteRecord(json.data.attributes);
    const id = seanoeId(doi);
    if (!id) {
      return { ...record, notes: [this.trans.__('%1 is not a SEANOE DOI: no file list.', doi)] };
    }
    const url = `${this.url}/find-by-id/${id}`;
    try {
      const details = await this.transport.json<SeanoeJson>(url, { source: this.label, signal });
      try {
        record = withSeanoeDetails(record, details, url);
      } catch (e) {
        throw this.malformed(url, e);
      }
    } catch (e) {
      if (!(e instanceof SourceError) || e.kind === 'aborted') throw e;
      // The citation metadata stands on its own; say why the files are missing.
      return {
        ...record,
        notes: [...record.notes, this.trans.__('The file list could not be read: %1', e.message)]
      };
    }
    return record;
  }
}

/** Does a file look like a table the ingestion readers can take (CSV/TSV, maybe gzip)? */
export function isTabularFile(file: DataFile): boolean {
  return /\.(csv|tsv|txt)(\.gz)?$/i.test(fold(file.name));
}
