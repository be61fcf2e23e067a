/** Short texts the panel and the dataset view share: spans, sizes, source names, facet names. */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { FacetKey, SourceId, TimeSpan, Widening } from '@odatis-vre/catalog';

export function sourceName(source: SourceId, trans: TranslationBundle): string {
  switch (source) {
    case 'shared':
      return trans.__('Shared data');
    case 'sextant':
      return trans.__('Sextant');
    case 'seanoe':
      return trans.__('SEANOE');
    case 'erddap':
      return trans.__('ERDDAP');
  }
}

export function facetName(key: FacetKey, trans: TranslationBundle): string {
  switch (key) {
    case 'sno':
      return trans.__('Observation service / organisation');
    case 'keyword':
      return trans.__('Keyword');
    case 'licence':
      return trans.__('Licence');
    case 'format':
      return trans.__('Format');
  }
}

const year = (iso: string | null) => (iso ? iso.slice(0, 4) : null);

/** "1996–2024", "1996–ongoing", or an empty string when unknown. */
export function spanText(span: TimeSpan | null, trans: TranslationBundle): string {
  if (!span) return '';
  const start = year(span.start);
  const end = year(span.end);
  if (start && end) return start === end ? start : `${start}–${end}`;
  if (start) return trans.__('%1–ongoing', start);
  if (end) return trans.__('until %1', end);
  return '';
}

/** A size in bytes, e.g. "4.1 MB" (an unknown size is the caller's to word: never "0 B"). */
export function bytesText(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function wideningText(w: Widening, trans: TranslationBundle): string {
  switch (w.kind) {
    case 'text':
      return trans.__('without the search words');
    case 'facet':
      return trans.__('without the %1 filter', facetName(w.key, trans).toLowerCase());
    case 'bbox':
      return trans.__('without the map area');
    case 'years':
      return trans.__('without the year range');
    case 'parameters':
      return trans.__('without the parameter filter');
  }
}
