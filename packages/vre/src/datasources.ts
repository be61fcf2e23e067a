/**
 * The shared data folder documents each dataset in a README: one `## <folder>/ — <title>`
 * section per dataset, with its DOI and licence written in prose. This module reads that
 * README into records the VRE can show (About dialog, data browser, citations).
 */

/** One dataset of the shared data, as its README describes it. */
export interface DataSource {
  /** Folder of the dataset inside the shared data, e.g. `phytobs`. */
  folder: string;
  /** Title of the section, e.g. `PHYTOBS microphytoplankton counts, Pelagos "wide" export`. */
  title: string;
  /** DOIs cited in the section, e.g. `10.17882/85178`. */
  dois: string[];
  /** The licence statement, or null when the README states none. */
  licence: string | null;
  /** The citation requirement, e.g. `cite the DOI and keep share-alike`, or null. */
  citation: string | null;
  /** The section's text (Markdown) below its heading: layout, sites, spans. */
  description: string;
}

const SECTION = /^##\s+([^\s/]+)\/\s*[—–-]\s*(.+?)\s*$/;
const DOI = /\b10\.\d{4,9}\/[^\s;,)]+[^\s;,.)]/g;
const LICENCE = /Licen[cs]e(?: of the data)?\s*:\s*([^—.\n]+?(?:\d+\.\d+)?)\s*(?:[—.]|$)/i;
const CITE = /\b(cite the DOI[^.\n]*)/i;

/** Reads the dataset sections of a shared-data README (Markdown). */
export function parseDataSources(markdown: string): DataSource[] {
  const sources: DataSource[] = [];
  let current: { folder: string; title: string; lines: string[] } | null = null;
  const flush = () => {
    if (!current) return;
    const body = [current.title, ...current.lines].join('\n');
    const licence = LICENCE.exec(body);
    const citation = CITE.exec(body);
    sources.push({
      folder: current.folder,
      title: current.title.replace(/,?\s*(SEANOE\s+)?DOI\s+10\.\S+/i, '').trim(),
      dois: [...new Set(body.match(DOI) ?? [])],
      licence: licence ? licence[1].trim() : null,
      citation: citation ? citation[1].trim() : null,
      description: current.lines.join('\n').trim()
    });
  };
  for (const line of markdown.split(/\r?\n/)) {
    const heading = SECTION.exec(line);
    if (heading) {
      flush();
      current = { folder: heading[1], title: heading[2], lines: [] };
    } else if (/^##\s/.test(line)) {
      flush();
      current = null;
    } else if (current) {
      current.lines.push(line);
    }
  }
  flush();
  return sources;
}

/** The resolvable address of a DOI. */
export function doiUrl(doi: string): string {
  return `https://doi.org/${doi}`;
}
