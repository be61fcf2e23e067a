/**
 * ERDDAP's RESTful services: the advanced search (`search/advanced.json`), a dataset's metadata
 * (`info/<datasetID>/index.json`) and tabledap subsets (`tabledap/<datasetID>.csv?variables&
 * constraints`). ERDDAP answers JSON as `{"table": {"columnNames", "columnTypes", "rows"}}` and
 * errors as `Error { code=…; message="…"; }`; a search that finds nothing is a 404 whose message
 * says "Your query produced no matching results". References in testing/README.md.
 */
import { englishMessages, type Messages } from '@odatis-vre/harmonised';
import { erddapHeader } from '@odatis-vre/sno';
import { searchLocally, yearBounds } from './local';
import { hasCoordinates, unappliedFilters } from './snippets';
import { safeFileName, sha256Hex, type Retrieved } from './mydata';
import { plainExcerpt, SourceError, type Transport } from './transport';
import {
  blankRecord,
  emptyQuery,
  type BBox,
  type CatalogSource,
  type Contact,
  type DatasetRecord,
  type ErddapDatasetRef,
  type Parameter,
  type SearchQuery,
  type SearchResult
} from './types';

/** The ERDDAP dataset a URL points at, e.g. `…/erddap/tabledap/ID.html` → {server, ID}. */
export function erddapRefFromUrl(url: string): ErddapDatasetRef | null {
  const m =
    /^(https?:\/\/.+?\/erddap)\/(tabledap|griddap|info)\/([A-Za-z0-9_\-.]+?)(?:\.[a-zA-Z]+)?(?:\/index\.[a-z]+)?(?:[?#].*)?$/.exec(
      url
    );
  if (!m || m[3] === 'index') return null;
  return {
    server: m[1],
    datasetId: m[3],
    protocol: m[2] === 'griddap' ? 'griddap' : 'tabledap'
  };
}

export interface ErddapTable {
  columnNames: string[];
  columnTypes?: string[];
  rows: unknown[][];
}

/** The `table` of an ERDDAP JSON answer; anything else is not ERDDAP's format. */
export function erddapTable(json: unknown): ErddapTable {
  const table = (json as { table?: ErddapTable } | null)?.table;
  if (!table || !Array.isArray(table.columnNames) || !Array.isArray(table.rows)) {
    throw new Error(
      'the answer has no table.columnNames and table.rows: it is not an ERDDAP table'
    );
  }
  return table;
}

/** Rows as objects keyed by column name. */
export function erddapRows(table: ErddapTable): Record<string, unknown>[] {
  return table.rows.map(row => Object.fromEntries(table.columnNames.map((n, i) => [n, row[i]])));
}

/** The message of ERDDAP's error answer (`Error { code=404; message="…"; }`), else the text. */
export function erddapErrorMessage(body: string): string {
  return /message\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(body)?.[1] ?? body;
}

const NO_MATCH = /Your query produced no matching results/i;

/** ERDDAP's HTTP error answer as a SourceError carrying ERDDAP's own message; anything else as it is. */
function erddapFailure(e: unknown, label: string, url: string): unknown {
  if (e instanceof SourceError && e.detail.kind === 'http' && e.detail.body) {
    return new SourceError({
      ...e.detail,
      message: `${label}: ${erddapErrorMessage(e.detail.body)} (${url})`
    });
  }
  return e;
}

export function erddapSearchUrl(server: string, query: SearchQuery, itemsPerPage = 1000): string {
  const params = new URLSearchParams({
    page: '1',
    itemsPerPage: String(itemsPerPage),
    searchFor: query.text.trim(),
    protocol: 'tabledap'
  });
  const sno = query.facets.sno ?? [];
  if (sno.length === 1) params.set('institution', sno[0]);
  if (query.parameters.length) params.set('variableName', query.parameters[0]);
  if (query.bbox) {
    const [w, s, e, n] = query.bbox;
    params.set('minLon', String(w));
    params.set('maxLon', String(e));
    params.set('minLat', String(s));
    params.set('maxLat', String(n));
  }
  const { start, end } = yearBounds(query.years);
  if (start) params.set('minTime', start);
  if (end) params.set('maxTime', end);
  return `${server.replace(/\/+$/, '')}/search/advanced.json?${params}`;
}

/** What ERDDAP's map-area search leaves out, said with its answer. */
function areaNotes(query: SearchQuery, trans: Messages): string[] {
  return query.bbox
    ? [
        trans.__(
          'ERDDAP lists only datasets with coordinates in the map area: datasets without latitude and longitude are not shown (clear the area to see them).'
        )
      ]
    : [];
}

/** One row of the advanced search as a record (licence, extent and variables come with `info`). */
function searchRecord(
  row: Record<string, unknown>,
  server: string,
  trans: Messages
): DatasetRecord {
  const id = String(row['Dataset ID'] ?? '');
  const record = blankRecord('erddap', id, String(row.Title ?? id));
  const institution =
    typeof row.Institution === 'string' && row.Institution ? [row.Institution] : [];
  const link = (name: string) =>
    typeof row[name] === 'string' && row[name] ? (row[name] as string) : null;
  return {
    ...record,
    abstract: typeof row.Summary === 'string' ? row.Summary : null,
    sno: institution,
    formats: ['ERDDAP tabledap'],
    landingPage: link('tabledap') ?? `${server}/tabledap/${id}.html`,
    metadataUrl: link('Info') ?? `${server}/info/${id}/index.json`,
    links: link('Background Info')
      ? [
          {
            url: link('Background Info')!,
            name: 'Background information',
            protocol: 'WWW:LINK',
            description: null
          }
        ]
      : [],
    erddap: { server, datasetId: id, protocol: 'tabledap' },
    licenceUnread: true,
    notes: [
      trans.__('Licence, extent and variables are read from ERDDAP when the dataset is opened.')
    ]
  };
}

interface Attribute {
  type: string;
  value: string;
}

/** `info/<id>/index.json` as global attributes and variables with their attributes. */
export function erddapInfo(json: unknown): {
  global: Map<string, Attribute>;
  variables: Map<string, { type: string; attributes: Map<string, Attribute> }>;
} {
  const rows = erddapRows(erddapTable(json));
  const global = new Map<string, Attribute>();
  const variables = new Map<string, { type: string; attributes: Map<string, Attribute> }>();
  for (const r of rows) {
    const kind = String(r['Row Type'] ?? '');
    const variable = String(r['Variable Name'] ?? '');
    const name = String(r['Attribute Name'] ?? '');
    const type = String(r['Data Type'] ?? '');
    const value = r.Value === null || r.Value === undefined ? '' : String(r.Value);
    if (kind === 'variable') {
      variables.set(variable, { type, attributes: new Map() });
    } else if (kind === 'attribute' && variable === 'NC_GLOBAL') {
      global.set(name, { type, value });
    } else if (kind === 'attribute') {
      let v = variables.get(variable);
      if (!v) variables.set(variable, (v = { type: '', attributes: new Map() }));
      v.attributes.set(name, { type, value });
    }
  }
  return { global, variables };
}

const DOI = /\b(10\.\d{4,9}\/[^\s"<>,;]+[^\s"<>,;.)])/;

function numberOr(value: string | undefined): number | null {
  const n = value === undefined || value.trim() === '' ? NaN : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** The dataset view's record from `info/<id>/index.json`. */
export function erddapInfoRecord(json: unknown, ref: ErddapDatasetRef): DatasetRecord {
  const { global, variables } = erddapInfo(json);
  const g = (name: string) => global.get(name)?.value.trim() || null;
  const record = blankRecord('erddap', ref.datasetId, g('title') ?? ref.datasetId);
  const parameters: Parameter[] = [...variables].map(([name, v]) => ({
    name,
    label: v.attributes.get('long_name')?.value ?? null,
    unit: v.attributes.get('units')?.value ?? null,
    standardName: v.attributes.get('standard_name')?.value ?? null
  }));
  const lon = [
    numberOr(g('geospatial_lon_min') ?? g('Westernmost_Easting') ?? undefined),
    numberOr(g('geospatial_lon_max') ?? g('Easternmost_Easting') ?? undefined)
  ];
  const lat = [
    numberOr(g('geospatial_lat_min') ?? g('Southernmost_Northing') ?? undefined),
    numberOr(g('geospatial_lat_max') ?? g('Northernmost_Northing') ?? undefined)
  ];
  const bbox: BBox | null =
    lon[0] !== null && lon[1] !== null && lat[0] !== null && lat[1] !== null
      ? [lon[0], lat[0], lon[1], lat[1]]
      : null;
  const contacts: Contact[] = [];
  if (g('creator_name') || g('creator_email')) {
    contacts.push({
      name: g('creator_name'),
      organisation: g('creator_institution') ?? g('institution'),
      role: 'creator',
      email: g('creator_email')
    });
  }
  if (g('publisher_name') || g('publisher_email')) {
    contacts.push({
      name: g('publisher_name'),
      organisation: g('publisher_institution'),
      role: 'publisher',
      email: g('publisher_email')
    });
  }
  const doi =
    [g('doi'), g('id'), g('references'), g('infoUrl')]
      .map(v => (v ? (DOI.exec(v)?.[1] ?? null) : null))
      .find(Boolean) ?? null;
  const year = [g('date_issued'), g('date_created')]
    .map(d => (d ? Number(d.slice(0, 4)) : NaN))
    .find(Number.isFinite);
  const base = ref.server.replace(/\/+$/, '');
  const infoUrl = g('infoUrl');
  return {
    ...record,
    abstract: g('summary'),
    sno: [g('institution')].filter((v): v is string => !!v),
    keywords: (g('keywords') ?? '')
      .split(',')
      .map(k => k.split('>').pop()!.trim())
      .filter(Boolean),
    parameters,
    timeSpan:
      g('time_coverage_start') || g('time_coverage_end')
        ? { start: g('time_coverage_start'), end: g('time_coverage_end') }
        : null,
    bbox,
    doi,
    licence: g('license') ? { text: g('license')!, url: null } : null,
    authors: (g('creator_name') ?? '').split(/\s*[,;]\s*/).filter(Boolean),
    publisher: g('publisher_name') ?? g('institution'),
    year: year ?? null,
    lineage: g('history'),
    contacts,
    links: infoUrl
      ? [{ url: infoUrl, name: 'Background information', protocol: 'WWW:LINK', description: null }]
      : [],
    formats: ['ERDDAP tabledap'],
    landingPage: `${base}/${ref.protocol}/${ref.datasetId}.html`,
    metadataUrl: `${base}/info/${ref.datasetId}/index.json`,
    erddap: { ...ref, server: base }
  };
}

export interface TabledapRequest {
  variables: string[];
  time?: { start: string | null; end: string | null } | null;
  bbox?: BBox | null;
  /** ERDDAP file type: csv (names then units row), csvp (units in the names), parquet… */
  format: 'csv' | 'csvp' | 'parquet' | 'json' | 'nc';
  /** Further constraints or filters, e.g. `orderByLimit("100")` or `distinct()`. */
  extra?: string[];
}

/** A tabledap subset URL; operators and values are percent-encoded as ERDDAP requires. */
export function tabledapUrl(ref: ErddapDatasetRef, request: TabledapRequest): string {
  const parts: string[] = [request.variables.map(encodeURIComponent).join(',')];
  const constraint = (name: string, op: '>=' | '<=', value: string | number) =>
    parts.push(`${name}${encodeURIComponent(op)}${encodeURIComponent(String(value))}`);
  if (request.time?.start) constraint('time', '>=', request.time.start);
  if (request.time?.end) constraint('time', '<=', request.time.end);
  if (request.bbox) {
    const [w, s, e, n] = request.bbox;
    constraint('latitude', '>=', s);
    constraint('latitude', '<=', n);
    constraint('longitude', '>=', w);
    constraint('longitude', '<=', e);
  }
  for (const x of request.extra ?? []) parts.push(encodeURIComponent(x));
  return `${ref.server.replace(/\/+$/, '')}/tabledap/${encodeURIComponent(ref.datasetId)}.${request.format}?${parts.join('&')}`;
}

export interface ErddapOptions {
  /** The server's root, e.g. https://erddap.ifremer.fr/erddap */
  url: string;
  transport: Transport;
  label?: string;
  /** The language of its notices: `translator.load('odatis_vre')`; default English. */
  trans?: Messages;
}

export class ErddapSource implements CatalogSource {
  readonly id = 'erddap' as const;
  readonly label: string;
  readonly url: string;
  private readonly transport: Transport;

  constructor(options: ErddapOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.transport = options.transport;
    this.label = options.label ?? 'ERDDAP';
    this.trans = options.trans ?? englishMessages;
  }

  private readonly trans: Messages;

  private malformed(url: string, e: unknown): SourceError {
    return new SourceError({
      source: this.label,
      kind: 'malformed',
      url,
      message: `${this.label} answered JSON that is not in ERDDAP's format (${url}): ${(e as Error).message}`
    });
  }

  async search(query: SearchQuery, signal?: AbortSignal): Promise<SearchResult> {
    const url = erddapSearchUrl(this.url, query);
    let json: unknown;
    try {
      json = await this.transport.json(url, { source: this.label, signal });
    } catch (e) {
      // ERDDAP says "nothing found" with a 404.
      if (
        e instanceof SourceError &&
        e.detail.status === 404 &&
        NO_MATCH.test(e.detail.body ?? '')
      ) {
        return {
          source: this.id,
          total: 0,
          records: [],
          facets: [],
          notes: areaNotes(query, this.trans)
        };
      }
      throw erddapFailure(e, this.label, url);
    }
    let records: DatasetRecord[];
    try {
      records = erddapRows(erddapTable(json)).map(r => searchRecord(r, this.url, this.trans));
    } catch (e) {
      throw this.malformed(url, e);
    }
    // The server applied text, area, time, one institution and one variable; the rest is applied here.
    const rest = {
      ...query,
      text: '',
      bbox: null,
      years: { from: null, to: null },
      parameters: []
    };
    const found = searchLocally(records, rest);
    const notes = areaNotes(query, this.trans);
    if (query.parameters.length > 1) {
      notes.push(
        this.trans.__(
          'ERDDAP searched for the variable %1 only (it takes one variable name).',
          query.parameters[0]
        )
      );
    }
    return { source: this.id, ...found, notes };
  }

  /**
   * A dataset's `info`, read once per source: the cards' licences and the dataset view share it
   * (so the shared request is not cancelled by one caller's signal; a failure is asked again).
   */
  async record(datasetId: string, signal?: AbortSignal): Promise<DatasetRecord> {
    let info = this.infos.get(datasetId);
    if (!info) {
      const ref: ErddapDatasetRef = { server: this.url, datasetId, protocol: 'tabledap' };
      info = erddapRecord(this.transport, ref, this.label);
      this.infos.set(datasetId, info);
      info.catch(() => this.infos.delete(datasetId));
    }
    if (signal?.aborted)
      throw new Error(this.trans.__('The request to %1 was cancelled', this.label));
    return info;
  }

  /**
   * The licences of search hits: ERDDAP's search answer has no licence column (nor has its
   * `allDatasets` table), so each dataset's `info` is read, at most `INFO_CONCURRENCY` at a time and
   * once per dataset. A hit whose `info` cannot be read keeps `licenceUnread`.
   */
  async complete(records: DatasetRecord[], signal?: AbortSignal): Promise<DatasetRecord[]> {
    return mapBounded(records, INFO_CONCURRENCY, async r => {
      if (!r.licenceUnread || r.source !== this.id || signal?.aborted) return r;
      try {
        const full = await this.record(r.id, signal);
        return { ...r, licence: full.licence, licenceUnread: false };
      } catch {
        return r;
      }
    });
  }

  private readonly infos = new Map<string, Promise<DatasetRecord>>();
}

/** How many `info` requests the licences of a page of hits make at once. */
export const INFO_CONCURRENCY = 4;

/** `map` with at most `limit` calls under way, results in order. */
async function mapBounded<T, U>(items: T[], limit: number, f: (x: T) => Promise<U>): Promise<U[]> {
  const out: U[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Reads a dataset's `info` from any ERDDAP server (a Sextant record may point at one). */
export async function erddapRecord(
  transport: Transport,
  ref: ErddapDatasetRef,
  label = 'ERDDAP',
  signal?: AbortSignal
): Promise<DatasetRecord> {
  const url = `${ref.server.replace(/\/+$/, '')}/info/${encodeURIComponent(ref.datasetId)}/index.json`;
  let json: unknown;
  try {
    json = await transport.json(url, { source: label, signal });
  } catch (e) {
    throw erddapFailure(e, label, url);
  }
  try {
    return erddapInfoRecord(json, ref);
  } catch (e) {
    throw new SourceError({
      source: label,
      kind: 'malformed',
      url,
      message: `${label} answered JSON that is not in ERDDAP's format (${url}): ${(e as Error).message}`
    });
  }
}

/**
 * The tabledap `.csv` subset of an ERDDAP record for a search's years and map area, as "Add to my
 * data" takes it: all the dataset's variables (read from `info` when the record is a search hit),
 * its DOI and licence. ERDDAP's "no matching results" and its other errors become messages, never a
 * file; so does an answer that is not a tabledap .csv (a sign-in page, an error text).
 */
export async function erddapSubset(
  transport: Transport,
  record: DatasetRecord,
  query: Pick<SearchQuery, 'years' | 'bbox'>,
  options: {
    label?: string;
    signal?: AbortSignal;
    onProgress?: (received: number, total: number | null) => void;
    /** The language of the subset's notes: `translator.load('odatis_vre')`; default English. */
    trans?: Messages;
  } = {}
): Promise<Retrieved> {
  const label = options.label ?? 'ERDDAP';
  const trans = options.trans ?? englishMessages;
  const ref = record.erddap;
  if (!ref) throw new Error(trans.__('%1 is not an ERDDAP dataset', record.title));
  if (ref.protocol !== 'tabledap')
    throw new Error(
      trans.__('%1 is a griddap dataset: only tabledap subsets are read here', ref.datasetId)
    );
  const full = record.parameters.length
    ? record
    : await erddapRecord(transport, ref, label, options.signal);
  const variables = full.parameters.map(p => p.name);
  if (!variables.length) {
    throw new Error(trans.__('%1 lists no variable for %2', label, ref.datasetId));
  }
  const has = (name: string) => variables.includes(name);
  const time = has('time') ? yearBounds(query.years) : null;
  const bbox = hasCoordinates(full) ? query.bbox : null;
  const notes = unappliedFilters(full, { ...emptyQuery(), ...query }, options.trans);
  const url = tabledapUrl(ref, { format: 'csv', variables, time, bbox });
  const asked = [
    time?.start || time?.end ? `time ${time.start ?? '…'} to ${time.end ?? '…'}` : null,
    bbox ? `the map area ${bbox.join(', ')}` : null
  ].filter(Boolean);
  let bytes: Uint8Array;
  try {
    bytes = await transport.bytes(url, {
      source: label,
      signal: options.signal,
      onProgress: options.onProgress
    });
  } catch (e) {
    if (e instanceof SourceError && e.detail.status === 404 && NO_MATCH.test(e.detail.body ?? '')) {
      throw new SourceError({
        ...e.detail,
        message:
          `${label} has no rows of ${ref.datasetId}` +
          (asked.length ? ` for ${asked.join(' and ')}: widen the years or the map area` : '') +
          ` (${url})`
      });
    }
    throw erddapFailure(e, label, url);
  }
  const head = new TextDecoder().decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, '');
  if (!erddapHeader(head.split(/\r?\n/, 2))) {
    throw new SourceError({
      source: label,
      kind: 'malformed',
      url,
      message: `${label} did not answer a tabledap .csv (${url}): ${plainExcerpt(erddapErrorMessage(head))}`
    });
  }
  const stamp = asked.length
    ? `_${(await sha256Hex(new TextEncoder().encode(url))).slice(0, 8)}`
    : '';
  return {
    name: safeFileName(`${ref.datasetId}${stamp}.csv`),
    url,
    bytes,
    retrieved: new Date().toISOString(),
    doi: full.doi,
    licence: full.licence?.text ?? null,
    citation: full.preferredCitation,
    notes,
    record: {
      source: record.source,
      id: record.id,
      title: full.title,
      landingPage: full.landingPage
    }
  };
}
