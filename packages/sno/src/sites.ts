/**
 * The site register: where each station is, and the names the sources give it. A deployment adds
 * its own stations with a site-register file (JSON, see `parseSiteRegister` and the README); a name
 * the register cannot match is listed in the conversion report as an unknown station, never turned
 * in silence into an id without coordinates.
 */
import { IngestError, parseJsonFile } from './errors';

export interface SiteEntry {
  siteId: string;
  name: string;
  latitude: number;
  longitude: number;
  /** SOMLIT ID_SITE when the site is a SOMLIT station. */
  somlitId?: number;
  /**
   * Names under which the sources write this site. Compared without case, accents, hyphens or
   * punctuation, in any word order, and found inside longer texts ("SOMLIT-Antioche point somlit").
   */
  aliases: string[];
}

// Coordinates are those of the station descriptions (SOMLIT, Pelagos, Quadrige), rounded to
// about 0.01° (1 km): good for maps and latitudinal gradients, not for navigation.
export const SITES: SiteEntry[] = [
  {
    siteId: 'wimereux-point-c',
    name: 'Wimereux Point C',
    latitude: 50.68,
    longitude: 1.52,
    somlitId: 1,
    aliases: ['SOMLIT-WX-C', 'Wimereux-SOMLIT-phyto-pointC', 'Point C', 'Wimereux']
  },
  {
    siteId: 'roscoff-astan',
    name: 'Roscoff Astan',
    latitude: 48.78,
    longitude: -3.94,
    somlitId: 3,
    aliases: ['Astan', 'Roscoff']
  },
  {
    siteId: 'roscoff-estacade',
    name: 'Roscoff Estacade',
    latitude: 48.73,
    longitude: -3.98,
    aliases: ['SOMLIT-Estacade', 'Estacade']
  },
  {
    siteId: 'brest-portzic',
    name: 'Brest Portzic',
    latitude: 48.36,
    longitude: -4.55,
    somlitId: 5,
    aliases: ['Portzic', 'Brest']
  },
  {
    siteId: 'arcachon-eyrac',
    name: 'Arcachon Eyrac',
    latitude: 44.67,
    longitude: -1.16,
    somlitId: 6,
    aliases: ['Eyrac']
  },
  {
    siteId: 'arcachon-bouee-13',
    name: 'Arcachon Bouée 13',
    latitude: 44.63,
    longitude: -1.24,
    aliases: ['SOMLIT - Bouée13', 'Arcachon - Bouée 13', 'Bouée 13', 'Bouee 13']
  },
  {
    siteId: 'gironde-pk86',
    name: 'Gironde pk 86',
    latitude: 45.52,
    longitude: -0.95,
    somlitId: 7,
    aliases: ['Gironde', 'pk 86', 'pk86']
  },
  {
    siteId: 'banyuls-sola',
    name: 'Banyuls Sola',
    latitude: 42.49,
    longitude: 3.15,
    somlitId: 10,
    aliases: ['Sola', 'Banyuls']
  },
  {
    siteId: 'marseille-frioul',
    name: 'Marseille Frioul',
    latitude: 43.24,
    longitude: 5.29,
    somlitId: 11,
    aliases: ['Frioul', 'Marseille']
  },
  {
    siteId: 'villefranche-point-b',
    name: 'Villefranche Point B',
    latitude: 43.69,
    longitude: 7.32,
    somlitId: 12,
    aliases: ['Point B', 'Villefranche']
  },
  {
    siteId: 'luc-sur-mer',
    name: 'Luc-sur-Mer',
    latitude: 49.33,
    longitude: -0.33,
    somlitId: 17,
    aliases: ['Luc', 'Luc sur Mer', 'PHYTO-UNICAEN-LUC']
  },
  {
    siteId: 'la-rochelle-antioche',
    name: 'La Rochelle Antioche',
    latitude: 46.08,
    longitude: -1.31,
    somlitId: 18,
    aliases: ['SOMLIT-Antioche', 'Antioche', 'LaRochelle-SOMLIT-Antioche']
  },
  {
    siteId: 'dinard-bizeux',
    name: 'Dinard Bizeux',
    latitude: 48.63,
    longitude: -2.03,
    somlitId: 19,
    aliases: ['Bizeux', 'Dinard']
  },
  {
    siteId: 'sete',
    name: 'Sète',
    latitude: 43.38,
    longitude: 3.66,
    somlitId: 22,
    aliases: ['Sete']
  },
  {
    siteId: 'gravelines-canal-amenee',
    name: 'Gravelines Canal Amenée',
    latitude: 51.02219,
    longitude: 2.15003,
    aliases: ['Canal Amenee', 'Canal Amenée']
  }
];

/** The 12 SOMLIT coastal stations, north to south order is not implied. */
export const SOMLIT_SITES: SiteEntry[] = SITES.filter(s => s.somlitId !== undefined);

/** Lower case, no accents, every run of other characters one space. */
const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** Stable identifier for a site not in the register. */
export function slugSiteId(name: string): string {
  return fold(name).replace(/ /g, '-') || 'unknown-site';
}

/** What a name matched: one site, several equally well (ambiguous), or none. */
export interface SiteMatch {
  site?: SiteEntry;
  /** Sites matched equally well: none is chosen. */
  ambiguous?: SiteEntry[];
}

interface Alias {
  site: SiteEntry;
  words: string[];
  /** The words in alphabetical order, to compare names whatever their word order. */
  sorted: string;
  /** The words run together: "Point C" → "pointc". */
  compact: string;
}

/**
 * Sites and their names, looked up as a person would: exactly; then in any word order; then as
 * whole words inside a longer text ("SOMLIT-Sola", "Brest-Portzic point somlit"); then as a
 * one-word contraction of two of a site's names ("RoscoffAstan", "WimereuxPointC"). The longest
 * name found wins; two sites found by names of the same length are ambiguous, never guessed.
 */
export class SiteRegister {
  private readonly exact = new Map<string, SiteEntry[]>();
  private readonly aliases: Alias[] = [];
  private readonly cache = new Map<string, SiteMatch>();

  constructor(readonly entries: readonly SiteEntry[]) {
    for (const site of entries) {
      for (const name of new Set([site.name, site.siteId, ...site.aliases])) {
        const folded = fold(name);
        if (!folded) continue;
        const same = this.exact.get(folded) ?? [];
        if (!same.includes(site)) this.exact.set(folded, [...same, site]);
        const words = folded.split(' ');
        this.aliases.push({
          site,
          words,
          sorted: [...words].sort().join(' '),
          compact: words.join('')
        });
      }
    }
  }

  /** The built-in register with a deployment's stations added (same siteId: the deployment's wins). */
  withStations(extra: readonly SiteEntry[]): SiteRegister {
    const ids = new Set(extra.map(s => s.siteId));
    return new SiteRegister([...this.entries.filter(s => !ids.has(s.siteId)), ...extra]);
  }

  /** The first of the names that matches one site. */
  find(...names: (string | null | undefined)[]): SiteEntry | undefined {
    for (const n of names) {
      const site = n ? this.match(n).site : undefined;
      if (site) return site;
    }
    return undefined;
  }

  findSomlit(id: number): SiteEntry | undefined {
    return this.entries.find(s => s.somlitId === id);
  }

  match(text: string): SiteMatch {
    const key = fold(text);
    let m = this.cache.get(key);
    if (!m) this.cache.set(key, (m = this.lookUp(key)));
    return m;
  }

  private lookUp(key: string): SiteMatch {
    if (!key) return {};
    const exact = this.exact.get(key);
    if (exact) return exact.length === 1 ? { site: exact[0] } : { ambiguous: exact };
    const words = key.split(' ');
    const wordSet = new Set(words);
    const sorted = [...words].sort().join(' ');
    const compact = words.join('');
    const best = new Map<SiteEntry, number>();
    const score = (site: SiteEntry, n: number): void => {
      if (n > (best.get(site) ?? 0)) best.set(site, n);
    };
    const WHOLE = 1000; // the whole text is the name, reordered or run together
    for (const a of this.aliases) {
      if (a.sorted === sorted || a.compact === compact) score(a.site, WHOLE + a.compact.length);
      else if (a.words.every(w => wordSet.has(w))) score(a.site, a.compact.length);
    }
    if (best.size === 0) this.contractions(words, score);
    const ranked = [...best].sort((a, b) => b[1] - a[1]);
    if (!ranked.length) return {};
    const top = ranked.filter(([, n]) => n === ranked[0][1]).map(([s]) => s);
    return top.length === 1 ? { site: top[0] } : { ambiguous: top };
  }

  /** A word that is one name run together, or two names of one site run together. */
  private contractions(words: string[], score: (site: SiteEntry, n: number) => void): void {
    for (const word of words) {
      for (const a of this.aliases) {
        if (a.words.length > 1 && a.compact === word) {
          score(a.site, word.length);
          continue;
        }
        if (word.length < 6 || a.compact.length < 3 || !word.includes(a.compact)) continue;
        const rest = word.startsWith(a.compact)
          ? word.slice(a.compact.length)
          : word.endsWith(a.compact)
            ? word.slice(0, -a.compact.length)
            : null;
        if (rest && this.aliases.some(b => b.site === a.site && b.compact === rest))
          score(a.site, word.length);
      }
    }
  }
}

/** The register of the stations this package knows. */
export const DEFAULT_SITE_REGISTER = new SiteRegister(SITES);

/** Find a site of the built-in register by one of its names (see SiteRegister). */
export function findSite(...names: (string | null | undefined)[]): SiteEntry | undefined {
  return DEFAULT_SITE_REGISTER.find(...names);
}

export function findSomlitSite(id: number): SiteEntry | undefined {
  return DEFAULT_SITE_REGISTER.findSomlit(id);
}

/**
 * Stations of a site-register file: a JSON array (or `{ "sites": [...] }`) of
 * `{ siteId, name, latitude, longitude, aliases?, somlitId? }`. Errors name the file, the entry
 * and the field.
 */
export function parseSiteRegister(file: string, text: string): SiteEntry[] {
  const json = parseJsonFile(file, text, 'a JSON site register', 'bad-site-register');
  const list = Array.isArray(json) ? json : (json as { sites?: unknown })?.sites;
  const fail = (where: string, expected: string, found: unknown): never => {
    throw new IngestError({
      file,
      line: 0,
      column: where,
      expected,
      found: JSON.stringify(found) ?? 'nothing',
      reason: 'bad-site-register'
    });
  };
  if (!Array.isArray(list))
    return fail('(top level)', 'an array of sites, or { "sites": [...] }', json);
  const ids = new Set<string>();
  return list.map((raw, k) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const at = (field: string): string => `sites[${k}].${field}`;
    const text = (field: string): string =>
      typeof e[field] === 'string' && (e[field] as string).trim()
        ? (e[field] as string).trim()
        : fail(at(field), 'a non-empty text', e[field]);
    const coordinate = (field: string, limit: number): number =>
      typeof e[field] === 'number' && Math.abs(e[field] as number) <= limit
        ? (e[field] as number)
        : fail(at(field), `a number of degrees within ±${limit}`, e[field]);
    const siteId = text('siteId');
    if (slugSiteId(siteId) !== siteId)
      fail(at('siteId'), `an id in lower case with hyphens (e.g. "${slugSiteId(siteId)}")`, siteId);
    if (ids.has(siteId)) fail(at('siteId'), 'each siteId once', siteId);
    ids.add(siteId);
    const aliases = e.aliases ?? [];
    if (!Array.isArray(aliases) || aliases.some(a => typeof a !== 'string'))
      fail(at('aliases'), 'an array of names', aliases);
    if (e.somlitId !== undefined && !Number.isInteger(e.somlitId))
      fail(at('somlitId'), 'a SOMLIT ID_SITE number', e.somlitId);
    return {
      siteId,
      name: text('name'),
      latitude: coordinate('latitude', 90),
      longitude: coordinate('longitude', 180),
      ...(e.somlitId !== undefined ? { somlitId: e.somlitId as number } : {}),
      aliases: aliases as string[]
    };
  });
}
