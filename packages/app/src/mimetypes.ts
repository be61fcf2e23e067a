/**
 * The type a file of the browser storage is handed out with (a blob: URL, e.g. "Open in New Browser Tab").
 * A blob: URL has the application's origin and carries no security header: a document that can run
 * script (HTML, SVG, XML) would run it with the application's storage. Such files are given as plain
 * text (the browser shows their source), types it cannot be sure of as bytes to download, and the
 * inert types (text, images, sound, video, JSON, PDF, data formats) as they are.
 */
export function inertType(mimetype: string | null | undefined): string {
  const type = (mimetype ?? '').split(';')[0].trim().toLowerCase();
  if (/(html|xml|svg|xsl)/.test(type)) {
    return 'text/plain; charset=utf-8';
  }
  if (/^(text|image|audio|video)\/[\w.+-]+$/.test(type)) {
    return mimetype!;
  }
  if (INERT_APPLICATION.has(type) || /^application\/[\w.-]+\+json$/.test(type)) {
    return mimetype!;
  }
  return 'application/octet-stream';
}

const INERT_APPLICATION = new Set([
  'application/json',
  'application/pdf',
  'application/octet-stream',
  'application/gzip',
  'application/zip',
  'application/x-tar',
  'application/vnd.apache.parquet',
  'application/vnd.apache.arrow.file',
  'application/vnd.apache.arrow.stream'
]);
