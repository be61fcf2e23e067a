/**
 * What a file that is not a data table looks like, so its error can say so: "a ZIP archive", "a JSON
 * document with keys …", "an HTML page". Judged from content, never from the name.
 */

const startsWith = (b: Uint8Array, ...sig: number[]): boolean =>
  b.length >= sig.length && sig.every((x, i) => b[i] === x);
const ascii = (s: string): number[] => [...s].map(c => c.charCodeAt(0));

/** File signatures (magic numbers) of the formats people send instead of a CSV. */
const SIGNATURES: [number[], string][] = [
  [
    ascii('PK\x03\x04'),
    'a ZIP archive (an .xlsx or .ods workbook is one): extract it, or export the sheet as CSV'
  ],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an Excel 97–2003 workbook (.xls): export the sheet as CSV'],
  [ascii('%PDF'), 'a PDF document'],
  [ascii('CDF\x01'), 'a NetCDF-3 file: download the table as ERDDAP .csv or .parquet instead'],
  [
    ascii('CDF\x02'),
    'a NetCDF-3 (64-bit) file: download the table as ERDDAP .csv or .parquet instead'
  ],
  [
    [0x89, ...ascii('HDF')],
    'a NetCDF-4/HDF5 file: download the table as ERDDAP .csv or .parquet instead'
  ],
  [[0x89, ...ascii('PNG')], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [ascii('GIF8'), 'a GIF image'],
  [ascii('ARROW1'), 'an Arrow IPC file (already a table: open it in the SQL workspace)'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'a Zstandard-compressed file: decompress it first'],
  [ascii('BZh'), 'a bzip2-compressed file: decompress it first'],
  [[0xfd, ...ascii('7zXZ')], 'an xz-compressed file: decompress it first'],
  [ascii('7z'), 'a 7-Zip archive: extract it first']
];

/** What binary content is, from its first bytes; null when no known signature matches. */
export function describeBinary(bytes: Uint8Array): string | null {
  for (const [sig, what] of SIGNATURES) if (startsWith(bytes, ...sig)) return what;
  return null;
}

/** True for Parquet bytes (the "PAR1" magic at both ends). */
export function isParquet(bytes: Uint8Array): boolean {
  const par1 = ascii('PAR1');
  return (
    bytes.length >= 12 &&
    startsWith(bytes, ...par1) &&
    par1.every((x, i) => bytes[bytes.length - 4 + i] === x)
  );
}

/**
 * What a text that is not a delimited table is: JSON (with its top-level keys), XML, HTML, an ERDDAP
 * error response. Null when it may be a table.
 */
export function describeText(text: string): string | null {
  const head = text.slice(0, 4096).trimStart();
  if (/^Error\s*\{/.test(head)) {
    const message = /message\s*=\s*"?([^"\n;]*)/.exec(head)?.[1]?.trim();
    return `an ERDDAP error response${message ? `: ${message}` : ''}`;
  }
  if (/^<\?xml/i.test(head)) return 'an XML document';
  if (/^<(!doctype html|html)/i.test(head))
    return 'an HTML page (a web page, or a server error or login page, saved instead of the data)';
  if (head.startsWith('{') || head.startsWith('[')) {
    try {
      return describeJson(JSON.parse(text));
    } catch {
      return 'JSON-like text that is not valid JSON';
    }
  }
  return null;
}

function describeJson(json: unknown): string {
  if (Array.isArray(json))
    return `a JSON document: an array of ${json.length} item(s), not a table`;
  if (json && typeof json === 'object') {
    const keys = Object.keys(json);
    const shown = keys
      .slice(0, 5)
      .map(k => `"${k}"`)
      .join(', ');
    return `a JSON document: an object with key(s) ${shown}${keys.length > 5 ? ', …' : ''} (an extraction filter or metadata?), not a table`;
  }
  return 'a JSON value, not a table';
}
