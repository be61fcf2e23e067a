/**
 * Files named in a query: `FROM 'shared/x.parquet'`, `JOIN "results/y.csv"`. DuckDB reads such a string
 * as a file of its own file system; in the browser the files live in the Jupyter contents instead, so the
 * kernel loads each one into the engine as a table named after its path and points the query at it.
 */
import { isQueryableFile } from '@odatis-vre/services';

export interface FileReference {
  /** The path as written. */
  path: string;
  /** Where it is in the SQL (the quotes included). */
  start: number;
  end: number;
}

/** Quoted names after FROM or JOIN that end like a queryable file (.parquet, .arrow, .csv…). */
export function fileReferences(sql: string): FileReference[] {
  const found: FileReference[] = [];
  const pattern = /\b(FROM|JOIN)\s+('((?:[^']|'')*)'|"((?:[^"]|"")*)")/gi;
  const masked = maskComments(sql);
  for (const match of masked.matchAll(pattern)) {
    const quoted = match[2];
    const path = (match[3] ?? match[4]).replace(quoted[0] === "'" ? /''/g : /""/g, quoted[0]);
    if (!isQueryableFile(path)) continue;
    const start = match.index! + match[0].length - quoted.length;
    found.push({ path, start, end: start + quoted.length });
  }
  return found;
}

/** The query with each reference replaced by the quoted table name the file was loaded as. */
export function pointAtTables(sql: string, references: FileReference[], names: string[]): string {
  let out = '';
  let from = 0;
  references.forEach((ref, i) => {
    out += sql.slice(from, ref.start) + `"${names[i].replace(/"/g, '""')}"`;
    from = ref.end;
  });
  return out + sql.slice(from);
}

/** Comments blanked out (same length), so that a path in a comment is not taken for a file. */
function maskComments(sql: string): string {
  return sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, comment => comment.replace(/[^\n]/g, ' '));
}
