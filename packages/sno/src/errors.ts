/** Errors and rejections as values a person can act on: file, line, column, expected, found. */

export interface IngestIssue {
  file: string;
  /** 1-based physical line in the (decompressed) file; 0 when the issue concerns the whole file. */
  line: number;
  /** Column header (or 1-based index when there is no header). */
  column?: string;
  expected: string;
  found: string;
  /** Short machine-readable reason, e.g. "not-a-number", "bad-date", "unknown-flag". */
  reason: string;
}

export function formatIssue(i: IngestIssue): string {
  const where = [
    i.file,
    i.line > 0 ? `line ${i.line}` : null,
    i.column ? `column "${i.column}"` : null
  ]
    .filter(Boolean)
    .join(', ');
  return `${where}: expected ${i.expected}, found ${i.found} (${i.reason})`;
}

/** A file that cannot be converted at all. Nothing from it is written. */
export class IngestError extends Error {
  readonly issue: IngestIssue;
  constructor(issue: IngestIssue) {
    super(formatIssue(issue));
    this.name = 'IngestError';
    this.issue = issue;
  }
}

/** Show what was found, bounded and with invisible characters made visible. */
export function shown(text: string, max = 60): string {
  const t = text.length > max ? text.slice(0, max) + '…' : text;
  return JSON.stringify(t);
}

/** JSON of a file the user wrote (a site register, a mapping); invalid JSON is a located error. */
export function parseJsonFile(
  file: string,
  text: string,
  expected: string,
  reason: string
): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new IngestError({
      file,
      line: 0,
      expected,
      found: `invalid JSON (${(e as Error).message})`,
      reason
    });
  }
}
