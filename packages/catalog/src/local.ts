/**
 * Search over records held in memory: full text, facets with counts, map area, years and
 * parameters. The shared data is searched this way (offline), and remote answers are filtered this
 * way where a service cannot apply part of a query itself.
 */
import type {
  BBox,
  DatasetRecord,
  Facet,
  FacetKey,
  SearchQuery,
  TimeSpan,
  YearRange
} from './types';
import { FACET_KEYS } from './types';

/** Lower case without accents, for matching what people type against what catalogues write. */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The words of a query; quoted phrases stay whole. */
export function queryTerms(text: string): string[] {
  const terms: string[] = [];
  for (const m of fold(text).matchAll(/"([^"]+)"|(\S+)/g)) {
    const t = (m[1] ?? m[2]).trim();
    if (t) terms.push(t);
  }
  return terms;
}

/** The instants bounding a year range (inclusive years); null bounds stay open. */
export function yearBounds(years: YearRange): { start: string | null; end: string | null } {
  return {
    start: years.from === null ? null : `${String(years.from).padStart(4, '0')}-01-01T00:00:00Z`,
    end: years.to === null ? null : `${String(years.to).padStart(4, '0')}-12-31T23:59:59Z`
  };
}

/** Does a time span (open bounds allowed) meet the year range? A record without a span does not. */
export function spanMeetsYears(span: TimeSpan | null, years: YearRange): boolean {
  if (years.from === null && years.to === null) return true;
  if (!span) return false;
  const { start, end } = yearBounds(years);
  const spanStart = span.start ? Date.parse(span.start) : -Infinity;
  const spanEnd = span.end ? Date.parse(span.end) : Infinity;
  return (
    (end === null || spanStart <= Date.parse(end)) &&
    (start === null || spanEnd >= Date.parse(start))
  );
}

export function bboxesIntersect(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

export function inBBox(bbox: BBox, latitude: number | null, longitude: number | null): boolean {
  return (
    latitude !== null &&
    longitude !== null &&
    longitude >= bbox[0] &&
    longitude <= bbox[2] &&
    latitude >= bbox[1] &&
    latitude <= bbox[3]
  );
}

/** A record meets a map area when a station is inside it, or (no stations) its extent meets it. */
export function recordMeetsBBox(record: DatasetRecord, bbox: BBox | null): boolean {
  if (!bbox) return true;
  const located = record.stations.filter(s => s.latitude !== null && s.longitude !== null);
  if (located.length) return located.some(s => inBBox(bbox, s.latitude, s.longitude));
  return record.bbox !== null && bboxesIntersect(record.bbox, bbox);
}

export function recordMeetsParameters(record: DatasetRecord, parameters: string[]): boolean {
  if (!parameters.length) return true;
  const wanted = parameters.map(fold);
  return record.parameters.some(p =>
    [p.name, p.label, p.standardName].some(v => v !== null && wanted.includes(fold(v)))
  );
}

export const NO_LICENCE = 'No licence stated';

/** The values a record has for a facet. */
export function facetValues(record: DatasetRecord, key: FacetKey): string[] {
  switch (key) {
    case 'sno':
      return record.sno;
    case 'keyword':
      return record.keywords;
    case 'licence':
      // As the source states it, like the catalogues that count it themselves (Sextant).
      return [record.licence?.text ?? NO_LICENCE];
    case 'format':
      return record.formats;
  }
}

function meetsFacets(record: DatasetRecord, query: SearchQuery, except: FacetKey | null): boolean {
  return FACET_KEYS.every(key => {
    const wanted = query.facets[key];
    if (key === except || !wanted?.length) return true;
    const values = facetValues(record, key);
    return wanted.some(w => values.includes(w));
  });
}

/** The searchable text of a record: what it says of itself, and more words a source may add. */
export type TextOf = (record: DatasetRecord) => string;

export const defaultTextOf: TextOf = r =>
  [
    r.title,
    r.abstract ?? '',
    r.sno.join(' '),
    r.keywords.join(' '),
    r.parameters.map(p => `${p.name} ${p.label ?? ''} ${p.standardName ?? ''}`).join(' '),
    r.stations.map(s => `${s.name ?? ''} ${s.id}`).join(' '),
    r.doi ?? ''
  ].join(' ');

export interface LocalSearch {
  total: number;
  records: DatasetRecord[];
  facets: Facet[];
}

/**
 * Search records in memory. Facet counts follow the usual catalogue rule: each facet is counted
 * with every filter but its own, so choosing a value still shows how many the others would give.
 */
export function searchLocally(
  records: DatasetRecord[],
  query: SearchQuery,
  textOf: TextOf = defaultTextOf
): LocalSearch {
  const terms = queryTerms(query.text);
  const scored: { record: DatasetRecord; score: number }[] = [];
  for (const record of records) {
    const haystack = fold(textOf(record));
    if (!terms.every(t => haystack.includes(t))) continue;
    if (!spanMeetsYears(record.timeSpan, query.years)) continue;
    if (!recordMeetsBBox(record, query.bbox)) continue;
    if (!recordMeetsParameters(record, query.parameters)) continue;
    const title = fold(record.title);
    const score = terms.reduce((sum, t) => sum + (title.includes(t) ? 3 : 1), 0);
    scored.push({ record, score });
  }
  const facets: Facet[] = FACET_KEYS.map(key => {
    const counts = new Map<string, number>();
    for (const { record } of scored) {
      if (!meetsFacets(record, query, key)) continue;
      for (const v of new Set(facetValues(record, key))) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const buckets = [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    return { key, buckets };
  }).filter(f => f.buckets.length > 0);
  const hits = scored
    .filter(h => meetsFacets(h.record, query, null))
    .sort((a, b) => b.score - a.score || a.record.title.localeCompare(b.record.title));
  return {
    total: hits.length,
    records: hits.slice(query.from, query.from + query.size).map(h => h.record),
    facets
  };
}
