import { inertType } from '../src/mimetypes';

describe('inertType: what a file of the browser storage may be opened as', () => {
  it.each([
    ['image/svg+xml', 'text/plain; charset=utf-8'],
    ['text/html', 'text/plain; charset=utf-8'],
    ['text/html; charset=utf-8', 'text/plain; charset=utf-8'],
    ['application/xhtml+xml', 'text/plain; charset=utf-8'],
    ['text/xml', 'text/plain; charset=utf-8'],
    ['application/xml', 'text/plain; charset=utf-8'],
    ['text/xsl', 'text/plain; charset=utf-8'],
    ['IMAGE/SVG+XML', 'text/plain; charset=utf-8'],
    ['application/javascript', 'application/octet-stream'],
    ['application/x-shockwave-flash', 'application/octet-stream'],
    ['', 'application/octet-stream'],
    [null, 'application/octet-stream'],
    ['text/csv', 'text/csv'],
    ['text/plain', 'text/plain'],
    ['text/markdown', 'text/markdown'],
    ['image/png', 'image/png'],
    ['audio/mpeg', 'audio/mpeg'],
    ['video/mp4', 'video/mp4'],
    ['application/json', 'application/json'],
    ['application/x-ipynb+json', 'application/x-ipynb+json'],
    ['application/pdf', 'application/pdf'],
    ['application/vnd.apache.parquet', 'application/vnd.apache.parquet']
  ])('%j → %j', (type, expected) => {
    expect(inertType(type)).toBe(expected);
  });
});
