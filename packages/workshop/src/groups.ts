/**
 * Grouping factors of paired samples, for WitOMI subniches and trend periods: decade, period of years, season,
 * month, year or station. One label per sample, and the levels in their natural order.
 */
import { messageText } from '@odatis-vre/harmonised';
import { WorkshopError } from './errors';
import type { PairedSamples } from './pairing';

/** How samples are grouped: a named factor, or periods of years given as `[first, last]` pairs. */
export type Grouping =
  | 'decade'
  | 'season'
  | 'month'
  | 'year'
  | 'site'
  | { periods: readonly (readonly [number, number])[] };

export interface SampleFactor {
  /** One label per sample. */
  labels: string[];
  /** Levels in order (time order, or stations north to south). */
  levels: string[];
}

export const SEASONS = ['winter', 'spring', 'summer', 'autumn'] as const;

/** Northern-hemisphere meteorological seasons: winter = December–February, … */
export function seasonOf(month: number): (typeof SEASONS)[number] {
  return SEASONS[Math.floor((month % 12) / 3)];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function sampleFactor(samples: PairedSamples, grouping: Grouping): SampleFactor {
  const n = samples.siteId.length;
  const label = (f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));
  const present = (levels: string[], labels: string[]) => {
    const used = new Set(labels);
    return levels.filter(l => used.has(l));
  };
  if (typeof grouping === 'object' && grouping !== null && Array.isArray(grouping.periods)) {
    const periods = grouping.periods.map(([a, b]) => ({
      a,
      b,
      name: a === b ? `${a}` : `${a}–${b}`
    }));
    const labels = label(i => {
      const p = periods.find(q => samples.year[i] >= q.a && samples.year[i] <= q.b);
      if (!p) {
        throw new WorkshopError(
          'bad-option',
          messageText('sample %1 of %2 is in no period', samples.date[i], samples.siteId[i]),
          {
            column: 'grouping',
            expected: messageText('periods covering %1', samples.year[i]),
            found: periods.map(q => q.name).join(', ')
          }
        );
      }
      return p.name;
    });
    return {
      labels,
      levels: present(
        periods.map(p => p.name),
        labels
      )
    };
  }
  switch (grouping) {
    case 'decade': {
      const labels = label(i => `${Math.floor(samples.year[i] / 10) * 10}s`);
      return { labels, levels: [...new Set(labels)].sort() };
    }
    case 'year': {
      const labels = label(i => String(samples.year[i]));
      return { labels, levels: [...new Set(labels)].sort() };
    }
    case 'season': {
      const labels = label(i => seasonOf(samples.month[i]));
      return { labels, levels: present([...SEASONS], labels) };
    }
    case 'month': {
      const labels = label(i => MONTHS[samples.month[i] - 1]);
      return { labels, levels: present(MONTHS, labels) };
    }
    case 'site': {
      const labels = [...samples.siteId];
      const latitude = new Map(labels.map((s, i) => [s, samples.latitude[i]]));
      const levels = [...new Set(labels)].sort(
        (a, b) => (latitude.get(b) ?? 0) - (latitude.get(a) ?? 0) || (a < b ? -1 : 1)
      );
      return { labels, levels };
    }
    default:
      throw new WorkshopError('bad-option', messageText('unknown grouping of the samples'), {
        column: 'grouping',
        expected: messageText(
          '"decade", "season", "month", "year", "site" or { periods: [[1990, 1999], …] }'
        ),
        found: JSON.stringify(grouping)
      });
  }
}
