/**
 * A data file's kind guessed from its name: the one place that knows which extensions are Parquet, Arrow
 * or CSV (the query engines, the SQL workspace's Open With and its table names all ask here). What a
 * native SNO export is, is judged from its content by `@odatis-vre/sno`, never from its name.
 */

/** Data file formats the query engines read. */
export type FileFormat = 'parquet' | 'csv' | 'arrow';

/** Extensions of each format, lower case with the dot; `.gz` may follow any of them. */
export const FILE_EXTENSIONS: Readonly<Record<FileFormat, readonly string[]>> = {
  parquet: ['.parquet'],
  arrow: ['.arrow', '.arrows', '.feather', '.ipc'],
  csv: ['.csv', '.tsv']
};

export interface DataFileName {
  /** The file name without its folder, data extension and `.gz`: `SEANOE Hydro.csv.gz` → `SEANOE Hydro`. */
  stem: string;
  /** The format its extension names, or null when it names none. */
  format: FileFormat | null;
  /** True when the name ends in `.gz`. */
  gzip: boolean;
}

/** What a file's path or URL says of the file (a URL's query and fragment are not part of the name). */
export function parseDataFileName(location: string): DataFileName {
  const path = /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? location.split(/[?#]/)[0] : location;
  const base = path.split('/').pop() ?? '';
  const gzip = /\.gz$/i.test(base);
  const name = gzip ? base.slice(0, -3) : base;
  const lower = name.toLowerCase();
  for (const format of Object.keys(FILE_EXTENSIONS) as FileFormat[]) {
    const ext = FILE_EXTENSIONS[format].find(e => lower.endsWith(e));
    if (ext) return { stem: name.slice(0, -ext.length), format, gzip };
  }
  return { stem: name, format: null, gzip };
}

/**
 * The format of a file from its URL or path: `.csv`/`.tsv` (gzip or not) are CSV, `.arrow`, `.arrows`,
 * `.feather` and `.ipc` are Arrow, anything else is taken for Parquet, the harmonised dataset's format.
 */
export function guessFormat(location: string): FileFormat {
  return parseDataFileName(location).format ?? 'parquet';
}
