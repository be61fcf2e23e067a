/**
 * One search over several catalogues: every source is asked at once, each answer or failure is
 * kept per source (one service down never hides the others), and facets are merged.
 */
import { SourceError, type SourceErrorDetail } from './transport';
import {
  FACET_KEYS,
  type CatalogSource,
  type Facet,
  type SearchQuery,
  type SearchResult,
  type SourceId
} from './types';

export type SourceOutcome =
  | { source: SourceId; label: string; ok: true; result: SearchResult }
  | { source: SourceId; label: string; ok: false; error: SourceErrorDetail };

function failure(source: CatalogSource, e: unknown): SourceErrorDetail {
  if (e instanceof SourceError) return e.detail;
  return {
    source: source.label,
    kind: 'malformed',
    url: '',
    message: `${source.label}: ${(e as Error)?.message ?? String(e)}`
  };
}

/** Asks every source; never rejects (a failure is an outcome). */
export async function searchAll(
  sources: CatalogSource[],
  query: SearchQuery,
  signal?: AbortSignal
): Promise<SourceOutcome[]> {
  return Promise.all(
    sources.map(async (source): Promise<SourceOutcome> => {
      try {
        const result = await source.search(query, signal);
        return { source: source.id, label: source.label, ok: true, result };
      } catch (e) {
        return { source: source.id, label: source.label, ok: false, error: failure(source, e) };
      }
    })
  );
}

/** Facet counts summed over the sources that answered. */
export function mergeFacets(outcomes: SourceOutcome[]): Facet[] {
  return FACET_KEYS.map(key => {
    const counts = new Map<string, number>();
    for (const o of outcomes) {
      if (!o.ok) continue;
      for (const f of o.result.facets.filter(x => x.key === key)) {
        for (const b of f.buckets) counts.set(b.value, (counts.get(b.value) ?? 0) + b.count);
      }
    }
    return {
      key,
      buckets: [...counts]
        .map(([value, count]) => ({ value, count }))
        .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
    };
  }).filter(f => f.buckets.length);
}

/** A filter of a query that can be dropped to widen a search that found nothing. */
export type Widening =
  | { kind: 'text' }
  | { kind: 'facet'; key: keyof SearchQuery['facets'] }
  | { kind: 'bbox' }
  | { kind: 'years' }
  | { kind: 'parameters' };

/** The query without one of its filters. */
export function widen(query: SearchQuery, w: Widening): SearchQuery {
  switch (w.kind) {
    case 'text':
      return { ...query, text: '' };
    case 'facet': {
      const facets = { ...query.facets };
      delete facets[w.key];
      return { ...query, facets };
    }
    case 'bbox':
      return { ...query, bbox: null };
    case 'years':
      return { ...query, years: { from: null, to: null } };
    case 'parameters':
      return { ...query, parameters: [] };
  }
}

/** The filters a query applies, each one a way to widen it. */
export function wideningsOf(query: SearchQuery): Widening[] {
  const out: Widening[] = [];
  if (query.text.trim()) out.push({ kind: 'text' });
  for (const key of FACET_KEYS) if (query.facets[key]?.length) out.push({ kind: 'facet', key });
  if (query.bbox) out.push({ kind: 'bbox' });
  if (query.years.from !== null || query.years.to !== null) out.push({ kind: 'years' });
  if (query.parameters.length) out.push({ kind: 'parameters' });
  return out;
}

/**
 * How many records each widening would find in the given (local, cheap) sources: what the panel
 * says when a search finds nothing ("without the year range: 3 datasets").
 */
export async function widenings(
  sources: CatalogSource[],
  query: SearchQuery
): Promise<{ widening: Widening; total: number }[]> {
  const out: { widening: Widening; total: number }[] = [];
  for (const w of wideningsOf(query)) {
    const q = { ...widen(query, w), from: 0, size: 0 };
    let total = 0;
    for (const s of sources) {
      try {
        total += (await s.search(q)).total;
      } catch {
        // a source that fails here has already said so in the search itself
      }
    }
    out.push({ widening: w, total });
  }
  return out;
}
