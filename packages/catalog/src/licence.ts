/**
 * Licences of ocean data as catalogues state them ("CC-BY-SA 2.0", a Creative Commons URL,
 * "Licence Ouverte / Open Licence", "ODbL"…), recognised into an identifier and the obligations a
 * person takes on by using the data.
 */
import type { LicenceStatement } from './types';

export type Obligation =
  /** Credit the producer and cite the dataset (DOI). */
  | 'attribution'
  /** Anything derived from the data must be shared under the same licence. */
  | 'share-alike'
  | 'non-commercial'
  | 'no-derivatives'
  /** Say what was changed. */
  | 'indicate-changes';

export interface Licence {
  /** SPDX identifier when known (e.g. CC-BY-SA-2.0), else null. */
  id: string | null;
  /** Short name for a badge, e.g. "CC BY-SA 2.0". */
  short: string;
  /** The statement as the source wrote it. */
  statement: string;
  url: string | null;
  /** Open: reuse allowed for any purpose (with the obligations below). */
  open: boolean;
  obligations: Obligation[];
}

export const OBLIGATION_TEXT: Record<Obligation, string> = {
  attribution: 'Credit the producer and cite the dataset (its DOI) wherever you use it.',
  'share-alike':
    'Share-alike: what you derive from these data (tables, figures, merged datasets) must be shared under the same licence.',
  'non-commercial': 'Non-commercial use only.',
  'no-derivatives': 'No derivatives: you may not share modified versions of the data.',
  'indicate-changes': 'Indicate the changes you made to the data.'
};

const CC_OBLIGATIONS: Record<string, Obligation[]> = {
  by: ['attribution', 'indicate-changes'],
  'by-sa': ['attribution', 'indicate-changes', 'share-alike'],
  'by-nc': ['attribution', 'indicate-changes', 'non-commercial'],
  'by-nc-sa': ['attribution', 'indicate-changes', 'non-commercial', 'share-alike'],
  'by-nd': ['attribution', 'no-derivatives'],
  'by-nc-nd': ['attribution', 'non-commercial', 'no-derivatives']
};

/** Creative Commons: "CC-BY-SA 2.0", "CC BY 4.0", "creativecommons.org/licenses/by-nc/4.0", spelled out. */
function creativeCommons(text: string): { kind: string; version: string | null } | null {
  const url = /creativecommons\.org\/licen[cs]es\/([a-z-]+)\/(\d\.\d)/i.exec(text);
  if (url) return { kind: url[1].toLowerCase(), version: url[2] };
  if (/creativecommons\.org\/publicdomain\/zero|\bCC0\b|CC[-\s]?ZERO/i.test(text)) {
    return { kind: 'zero', version: '1.0' };
  }
  const code =
    /\bCC[-\s_]*(BY(?:[-\s_]*(?:NC|SA|ND)){0,2})\b[-\s_]*(?:v(?:ersion)?\s*)?(\d\.\d)?/i.exec(text);
  if (code) {
    return {
      kind: code[1]
        .toLowerCase()
        .replace(/[\s_]+/g, '-')
        .replace(/-+/g, '-'),
      version: code[2] ?? null
    };
  }
  if (/creative\s+commons/i.test(text)) {
    const parts = ['by'];
    if (/non[-\s]?commercial/i.test(text)) parts.push('nc');
    if (/no\s*deriv/i.test(text)) parts.push('nd');
    if (/share[-\s]?alike/i.test(text)) parts.push('sa');
    const version = /\b(\d\.\d)\b/.exec(text);
    if (/attribution/i.test(text)) return { kind: parts.join('-'), version: version?.[1] ?? null };
  }
  return null;
}

/** Recognises a licence statement; an unknown one is kept as written, not guessed. */
export function identifyLicence(statement: LicenceStatement | string | null): Licence | null {
  if (!statement) return null;
  const s = typeof statement === 'string' ? { text: statement, url: null } : statement;
  const text = `${s.text} ${s.url ?? ''}`.trim();
  if (!text) return null;
  const cc = creativeCommons(text);
  if (cc) {
    if (cc.kind === 'zero') {
      return {
        id: 'CC0-1.0',
        short: 'CC0',
        statement: s.text,
        url: s.url ?? 'https://creativecommons.org/publicdomain/zero/1.0/',
        open: true,
        obligations: []
      };
    }
    const obligations = CC_OBLIGATIONS[cc.kind];
    if (obligations) {
      const upper = cc.kind.toUpperCase();
      return {
        id: cc.version ? `CC-${upper}-${cc.version}` : null,
        short: `CC ${upper}${cc.version ? ` ${cc.version}` : ''}`,
        statement: s.text,
        url:
          s.url ??
          (cc.version ? `https://creativecommons.org/licenses/${cc.kind}/${cc.version}/` : null),
        open: !cc.kind.includes('nc') && !cc.kind.includes('nd'),
        obligations
      };
    }
  }
  if (/\bODbL\b|open\s+database\s+licen[cs]e/i.test(text)) {
    return {
      id: 'ODbL-1.0',
      short: 'ODbL',
      statement: s.text,
      url: s.url ?? 'https://opendatacommons.org/licenses/odbl/1-0/',
      open: true,
      obligations: ['attribution', 'share-alike']
    };
  }
  if (/licence\s+ouverte|open\s+licen[cs]e|etalab/i.test(text)) {
    const v2 = /2\.0/.test(text) || /etalab-2/i.test(text);
    return {
      id: v2 ? 'etalab-2.0' : null,
      short: `Licence Ouverte${v2 ? ' 2.0' : ''}`,
      statement: s.text,
      url: s.url ?? (v2 ? 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/' : null),
      open: true,
      obligations: ['attribution']
    };
  }
  return {
    id: null,
    short: shortStatement(s.text),
    statement: s.text,
    url: s.url,
    open: false,
    obligations: []
  };
}

function shortStatement(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 24 ? `${t.slice(0, 22)}…` : t;
}

/** Obligations in words, for the dataset view; an unrecognised licence says to read it. */
export function obligationsText(licence: Licence | null): string[] {
  if (!licence) {
    return ['No licence is stated: ask the producer before reusing these data.'];
  }
  if (licence.id === null && !licence.open && licence.obligations.length === 0) {
    return [`Licence not recognised: read it before reuse ("${licence.statement}").`];
  }
  return licence.obligations.map(o => OBLIGATION_TEXT[o]);
}
