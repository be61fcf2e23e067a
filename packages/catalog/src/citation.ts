/**
 * Citations of a dataset, ready to paste: plain text in DataCite's recommended form
 * ("Creator (Year). Title. Publisher. https://doi.org/…"), BibTeX and RIS. Remote metadata may hold
 * HTML: every field is reduced to plain text first.
 */
import { doiUrl } from '@odatis-vre/vre/lib/datasources';
import { identifyLicence } from './licence';
import type { DatasetRecord } from './types';

export type CitationFormat = 'text' | 'bibtex' | 'ris';

export const CITATION_FORMATS: readonly CitationFormat[] = ['text', 'bibtex', 'ris'];

/** Plain text of a metadata field that may carry HTML: tags dropped, entities decoded, spaces folded. */
export function plainText(html: string): string {
  const named: Record<string, string> = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: ' ',
    eacute: 'é',
    egrave: 'è',
    agrave: 'à',
    ccedil: 'ç'
  };
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, code: string) => {
      if (code[0] === '#') {
        const n =
          code[1].toLowerCase() === 'x' ? parseInt(code.slice(2), 16) : Number(code.slice(1));
        return Number.isFinite(n) && n > 0 && n < 0x110000 ? String.fromCodePoint(n) : whole;
      }
      return named[code.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** What a citation needs, in plain text. */
interface CitationFields {
  /** The producer's own wording, used as the text citation when given. */
  preferred: string | null;
  authors: string[];
  year: number | null;
  title: string;
  publisher: string | null;
  doi: string | null;
  url: string | null;
  licence: string | null;
}

function fields(record: DatasetRecord): CitationFields {
  const licence = identifyLicence(record.licence);
  return {
    preferred: record.preferredCitation ? plainText(record.preferredCitation) : null,
    authors: record.authors.map(plainText).filter(Boolean),
    year: record.year,
    title: plainText(record.title),
    publisher: record.publisher ? plainText(record.publisher) : null,
    doi: record.doi,
    url: record.doi ? doiUrl(record.doi) : record.landingPage,
    licence: licence ? (licence.id ?? licence.statement) : null
  };
}

function textCitation(f: CitationFields): string {
  if (f.preferred) {
    return f.url && !f.preferred.includes(f.url) ? `${f.preferred}. ${f.url}` : f.preferred;
  }
  const who = f.authors.length ? f.authors.join('; ') : (f.publisher ?? 'Unknown producer');
  const parts = [`${who} (${f.year ?? 'n.d.'}).`, `${f.title.replace(/\.$/, '')}.`];
  if (f.publisher && f.authors.length) parts.push(`${f.publisher}.`);
  if (f.url) parts.push(f.url);
  return parts.join(' ');
}

/** BibTeX needs its special characters escaped; braces keep the title's capitals. */
function bibEscape(text: string): string {
  return text.replace(/[\\{}%&$#_~^]/g, c =>
    c === '\\'
      ? '\\textbackslash{}'
      : c === '~'
        ? '\\textasciitilde{}'
        : c === '^'
          ? '\\textasciicircum{}'
          : `\\${c}`
  );
}

function bibKey(f: CitationFields): string {
  const first = (f.authors[0] ?? f.publisher ?? 'dataset').split(/[,\s]/)[0];
  const ascii = first.normalize('NFKD').replace(/[^A-Za-z0-9]/g, '');
  return `${ascii || 'dataset'}${f.year ?? ''}`;
}

function bibtex(f: CitationFields): string {
  const entries: [string, string | null][] = [
    ['author', f.authors.length ? f.authors.map(bibEscape).join(' and ') : null],
    ['title', `{${bibEscape(f.title)}}`],
    ['year', f.year === null ? null : String(f.year)],
    ['publisher', f.publisher ? bibEscape(f.publisher) : null],
    ['doi', f.doi ? bibEscape(f.doi) : null],
    ['url', f.url],
    ['note', f.licence ? `Licence: ${bibEscape(f.licence)}` : null]
  ];
  const body = entries
    .filter((e): e is [string, string] => e[1] !== null)
    .map(([k, v]) => `  ${k} = {${v}}`)
    .join(',\n');
  return `@misc{${bibKey(f)},\n${body}\n}\n`;
}

function ris(f: CitationFields): string {
  const lines = ['TY  - DATA'];
  for (const a of f.authors) lines.push(`AU  - ${a}`);
  lines.push(`TI  - ${f.title}`);
  if (f.year !== null) lines.push(`PY  - ${f.year}`);
  if (f.publisher) lines.push(`PB  - ${f.publisher}`);
  if (f.doi) lines.push(`DO  - ${f.doi}`);
  if (f.url) lines.push(`UR  - ${f.url}`);
  if (f.licence) lines.push(`N1  - Licence: ${f.licence}`);
  lines.push('ER  - ');
  return `${lines.join('\r\n')}\r\n`;
}

/** The citation of a record in one of the three formats. */
export function citation(record: DatasetRecord, format: CitationFormat): string {
  const f = fields(record);
  return format === 'bibtex' ? bibtex(f) : format === 'ris' ? ris(f) : textCitation(f);
}
