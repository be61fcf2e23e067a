// The static server of the embedded VRE site: correct types (wasm, parquet), HTTP range requests
// (DuckDB reads Parquet by ranges), long caching of hashed build assets, and the JupyterLab routes
// (/lab, /lab/tree/...) answered by the application page.
//
// It is a list of routes tried in order (`createHandler(siteDir, { routes })`): a route is an async
// function `(req, res, request) => boolean` that answers and returns true, or returns false to let
// the next route try. `request` is the parsed request path (see `parseRequestPath`). Whatever a route
// throws becomes a 4xx/5xx answer for that request only: no request can stop the server.
const fs = require('fs');
const http = require('http');
const path = require('path');
const { pipeline } = require('stream');
const { siteProxy, POLICY: PROXY_POLICY } = require('./proxy');
const { startQueryServer } = require('./query-server');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.ipynb': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.eot': 'application/vnd.ms-fontobject',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.gz': 'application/gzip',
  '.parquet': 'application/vnd.apache.parquet',
  '.arrow': 'application/vnd.apache.arrow.file'
};

/**
 * The policy of the application's own pages. JupyterLab injects <style> elements and style attributes
 * (hence 'unsafe-inline' for styles only); scripts come from this server alone. 'unsafe-eval' stays
 * because Vega compiles its expressions with `Function` (charts of the SQL workspace and of notebook
 * outputs); 'wasm-unsafe-eval' lets WebAssembly (parquet-wasm, DuckDB-WASM) compile. Workers get their
 * own policy from their script's response, which carries none: the kernel worker evaluates user code.
 * connect-src allows https: and http: because the data browser fetches catalogues that send CORS headers
 * and are not in the proxy's allow-list straight from the page (see @odatis-vre/catalog's Transport), and
 * many institutional ERDDAP and GeoNetwork servers still answer on plain http. Allowing any https: host
 * already lets a page's script send data out; http: adds no new reach.
 */
const APP_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' data: blob: https: http:",
  "media-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "frame-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'"
].join('; ');

/**
 * Data files (everything under /files/) may come from anyone: served in a sandbox, a document opened from
 * there (an SVG or HTML file in a new tab) runs no script and has an opaque origin, so it can reach
 * neither the application nor its storage. Fetching them (DuckDB, the contents API) is not affected.
 */
const DATA_POLICY = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/** An answer that ends a request with a status and a sentence. */
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * The path of a request URL as decoded segments: `/files/a%20b/c.csv` → `['files', 'a b', 'c.csv']`.
 * Empty segments (doubled or trailing slashes) are dropped; `trailingSlash` keeps whether there was
 * one. Throws a 400 HttpError for what no file name can be: malformed percent-encoding, `.` or `..`,
 * an encoded slash or backslash, a NUL byte.
 */
function parseRequestPath(url) {
  if (typeof url !== 'string' || !url.startsWith('/')) {
    throw new HttpError(400, 'The request path must start with "/".');
  }
  const raw = url.replace(/[?#].*$/s, '');
  const segments = [];
  for (const part of raw.split('/')) {
    if (part === '') continue;
    let segment;
    try {
      segment = decodeURIComponent(part);
    } catch {
      throw new HttpError(400, `Malformed percent-encoding in the request path: "${part}".`);
    }
    if (segment === '.' || segment === '..') {
      throw new HttpError(400, 'The request path cannot contain "." or ".." segments.');
    }
    if (/[/\\\0]/.test(segment)) {
      throw new HttpError(400, `The request path segment "${part}" encodes a slash or a NUL byte.`);
    }
    segments.push(segment);
  }
  return { segments, trailingSlash: raw.length > 1 && raw.endsWith('/') };
}

/** Whether `child` is `parent` or inside it, compared by path segments (not by string prefix). */
function isInside(parent, child) {
  const rel = path.relative(parent, child);
  return rel === '' || (!path.isAbsolute(rel) && rel.split(path.sep)[0] !== '..');
}

/**
 * The real path of `segments` under `root` (a real path itself), or null if it does not exist or
 * resolves outside `root` (a symlink leading out of the site is treated as absent).
 */
async function containedRealPath(root, segments) {
  let real;
  try {
    real = await fs.promises.realpath(path.join(root, ...segments));
  } catch (error) {
    // Absent, or no file name can reach it (too long, a loop of links, not allowed).
    if (['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP', 'EACCES'].includes(error.code)) return null;
    throw error;
  }
  return isInside(root, real) ? real : null;
}

/**
 * The byte range asked by a Range header for a file of `size` bytes: `{ start, end }` (inclusive),
 * 'unsatisfiable', or null when the header is absent or not a single byte range (then the whole
 * file is sent, as RFC 9110 allows).
 */
function parseRange(header, size) {
  const match = typeof header === 'string' && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start;
  let end;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (match[2] !== '' && Number(match[2]) < start) return null;
  }
  if (!Number.isSafeInteger(start) || start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * Names of build files (under build/ and extensions/) carrying a content hash, which never change: the host's chunks and assets
 * (`12345.0f3687d3.js`, `fa-solid-900.cd7322bf.svg`) and the prebuilt extensions' (`515.24e8e7e97224a8c0.js`,
 * `remoteEntry.<hash>.js`, `f56fa53c150ad9e4.wasm`).
 */
const HASHED = /(^|[.-])[0-9a-f]{8,20}\.[a-z0-9]+$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Whether the browser's cached copy (If-None-Match, else If-Modified-Since) is still the file's. */
function notModified(req, etag, mtime) {
  const match = req.headers['if-none-match'];
  if (match !== undefined) return match.split(',').some(tag => tag.trim() === etag);
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return Number.isFinite(since) && Math.floor(mtime.getTime() / 1000) * 1000 <= since;
}

/** Answers with a short plain-text message (unless the answer has begun: then the connection ends). */
function sendText(res, status, text, headers = {}) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${text}\n`);
}

/**
 * Sends one file, whole or a byte range. The file is opened first (its size and bytes then come from
 * the same open file); the stream is closed when the client goes away, and a read error ends this
 * response only.
 */
async function sendFile(req, res, file, extraHeaders = {}) {
  let handle;
  try {
    // Non-blocking: opening a named pipe would otherwise wait for a writer, holding a worker thread.
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if (error.code === 'EMFILE' || error.code === 'ENFILE') {
      throw new HttpError(503, 'The server has too many open files; try again in a moment.');
    }
    throw error;
  }
  let streaming = false;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new HttpError(404, 'Not found.');
    const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    const headers = {
      'Content-Type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      'Last-Modified': stat.mtime.toUTCString(),
      ETag: etag,
      // Revalidated on each use (a 304 when unchanged); content-hashed build files say otherwise.
      'Cache-Control': 'no-cache',
      ...extraHeaders
    };
    if (!req.headers.range && notModified(req, etag, stat.mtime)) {
      res.writeHead(304, headers).end();
      return;
    }
    const range = parseRange(req.headers.range, stat.size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { 'Content-Range': `bytes */${stat.size}` }).end();
      return;
    }
    const { start, end } = range || { start: 0, end: stat.size - 1 };
    res.writeHead(range ? 206 : 200, {
      ...headers,
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${stat.size}` } : {}),
      'Content-Length': Math.max(0, end - start + 1)
    });
    if (req.method === 'HEAD' || end < start) {
      res.end();
      return;
    }
    // The stream owns the file from here: it closes it at its end, on error, and when destroyed.
    const stream = handle.createReadStream({ start, end, autoClose: true });
    streaming = true;
    await new Promise(resolve =>
      pipeline(stream, res, error => {
        // A client that went away, or a read error after the headers: this response is over.
        if (error && !res.destroyed) res.destroy();
        resolve();
      })
    );
  } finally {
    if (!streaming) await handle.close().catch(() => undefined);
  }
}

/** Files of the site; folders answer with their index.html. Data under /files/ is sandboxed. */
function staticFiles(siteDir) {
  return async (req, res, { segments }) => {
    const real = await containedRealPath(siteDir, segments);
    if (!real) return false;
    let file = real;
    if ((await fs.promises.stat(real)).isDirectory()) {
      file = await containedRealPath(siteDir, [...segments, 'index.html']);
      if (!file) return false;
    }
    const isData = segments[0] === 'files';
    const isPage = !isData && path.extname(file) === '.html';
    const isHashed =
      (segments[0] === 'build' || segments[0] === 'extensions') && HASHED.test(path.basename(file));
    await sendFile(
      req,
      res,
      file,
      isData
        ? { 'Content-Security-Policy': DATA_POLICY }
        : isPage
          ? { 'Content-Security-Policy': APP_POLICY }
          : isHashed
            ? { 'Cache-Control': IMMUTABLE }
            : {}
    );
    return true;
  };
}

/** JupyterLab's client-side routes (/lab, /lab/tree/...) are answered by the application page. */
function labPage(siteDir) {
  return async (req, res, { segments }) => {
    if (segments[0] !== 'lab') return false;
    const page = await containedRealPath(siteDir, ['lab', 'index.html']);
    if (!page) throw new HttpError(500, 'The site has no lab/index.html: rebuild it (npm start).');
    await sendFile(req, res, page, { 'Content-Security-Policy': APP_POLICY });
    return true;
  };
}

/**
 * The data browser's proxy (./proxy.js) as a route. It takes GET, HEAD and a catalogue-search POST;
 * whatever it answers, its own errors included, is data for the page's scripts and never a page of
 * this origin: sandboxed like the data files.
 */
function proxyRoute(proxy) {
  return async (req, res) => {
    if (!proxy.handles(req)) return false;
    res.setHeader('Content-Security-Policy', PROXY_POLICY);
    proxy.handle(req, res);
    return true;
  };
}

/**
 * The request handler: `routes` (e.g. the proxy) are tried first, with any method; then, for GET and
 * HEAD only, the site's files and pages. `siteDir` must be a real path (see serveSite).
 */
function createHandler(siteDir, { routes = [] } = {}) {
  const site = [staticFiles(siteDir), labPage(siteDir)];
  return async (req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    try {
      const request = parseRequestPath(req.url);
      for (const route of routes) {
        if (await route(req, res, request)) return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new HttpError(405, `${req.method} is not served here.`);
      }
      for (const route of site) {
        if (await route(req, res, request)) return;
      }
      if (process.env.ODATIS_VRE_LOG_404) console.error(`404 ${req.url}`);
      throw new HttpError(404, 'Not found.');
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) console.error(`500 ${req.method} ${req.url}:`, error);
      sendText(
        res,
        status,
        status === 500 ? 'Internal server error.' : error.message,
        status === 405 ? { Allow: 'GET, HEAD' } : {}
      );
    }
  };
}

/**
 * The server engine (./query-server.js: native DuckDB over the shared data) as a route. Its answers are
 * Arrow streams and JSON for the page's scripts, sandboxed like the data files if ever opened as a page.
 */
function queryRoute(queryServer) {
  return async (req, res) => {
    if (!queryServer.handles(req)) return false;
    res.setHeader('Content-Security-Policy', DATA_POLICY);
    await queryServer.handle(req, res);
    return true;
  };
}

/**
 * Serves `siteDir` on host:port (port 0 = any free port); tries the next ports if busy. The data
 * browser's proxy (configured by the site's extensions and ODATIS_VRE_PROXY_HOSTS) comes before `routes`.
 * The server engine (native DuckDB over the shared data, `/odatis-vre/query/`) is served too unless
 * `queryServer` is false or ODATIS_VRE_QUERY_SERVER=0; the answer's `queryServer` is that engine (or null).
 */
async function serveSite(
  siteDir,
  { host = '127.0.0.1', port = 8686, tries = 20, routes = [], queryServer: wanted = true } = {}
) {
  const root = fs.realpathSync(path.resolve(siteDir));
  const queryServer = wanted ? await startQueryServer(path.resolve(siteDir)) : null;
  const all = [
    proxyRoute(siteProxy(root)),
    ...(queryServer ? [queryRoute(queryServer)] : []),
    ...routes
  ];
  return new Promise((resolve, reject) => {
    const attempt = (p, left) => {
      const server = http.createServer(createHandler(root, { routes: all }));
      server.once('close', () => void queryServer?.close());
      server.once('error', err => {
        if (err.code === 'EADDRINUSE' && left > 0 && p !== 0) attempt(p + 1, left - 1);
        else reject(err);
      });
      server.listen(p, host, () => {
        const { port: actual } = server.address();
        resolve({
          server,
          queryServer,
          url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}/lab/`
        });
      });
    };
    attempt(port, tries);
  });
}

module.exports = {
  serveSite,
  createHandler,
  parseRequestPath,
  parseRange,
  isInside,
  sendFile,
  sendText,
  HttpError,
  APP_POLICY,
  DATA_POLICY,
  PROXY_POLICY
};
