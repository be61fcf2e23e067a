// A small static server for the embedded VRE site: correct types (wasm, parquet), HTTP range
// requests (DuckDB reads Parquet by ranges), long caching of hashed build assets, and the
// JupyterLab routes (/lab, /lab/tree/...) answered by the application page.
const fs = require('fs');
const http = require('http');
const path = require('path');
const { siteProxy } = require('./proxy');
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

function resolveFile(siteDir, urlPath) {
  let rel = decodeURIComponent(urlPath.split('?')[0]);
  const full = path.normalize(path.join(siteDir, rel));
  if (!full.startsWith(siteDir)) return null;
  if (fs.existsSync(full)) {
    const stat = fs.statSync(full);
    if (stat.isFile()) return { file: full, stat };
    const index = path.join(full, 'index.html');
    if (fs.existsSync(index)) return { file: index, stat: fs.statSync(index) };
  }
  // JupyterLab's client-side routes are served by the application page.
  if (/^\/lab(\/|$)/.test(rel)) {
    const page = path.join(siteDir, 'lab', 'index.html');
    return { file: page, stat: fs.statSync(page) };
  }
  return null;
}

function handler(siteDir, queryServer) {
  const proxy = siteProxy(siteDir);
  return (req, res) => {
    if (proxy.handles(req)) return proxy.handle(req, res);
    if (queryServer?.handles(req)) return void queryServer.handle(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const found = resolveFile(siteDir, req.url);
    if (!found) {
      if (process.env.ODATIS_VRE_LOG_404) console.error(`404 ${req.url}`);
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`Not found: ${req.url}\n`);
      return;
    }
    const { file, stat } = found;
    const headers = {
      'Content-Type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      'Last-Modified': stat.mtime.toUTCString(),
      // Hashed bundle chunks never change; everything else is revalidated.
      'Cache-Control': /\.[0-9a-f]{8}\.js$/.test(file)
        ? 'public, max-age=31536000, immutable'
        : 'no-cache'
    };
    const range = req.headers.range && /^bytes=(\d*)-(\d*)$/.exec(req.headers.range);
    if (range) {
      let start = range[1] === '' ? stat.size - Number(range[2]) : Number(range[1]);
      let end = range[1] !== '' && range[2] !== '' ? Number(range[2]) : stat.size - 1;
      end = Math.min(end, stat.size - 1);
      if (start < 0 || start > end) {
        res.writeHead(416, { 'Content-Range': `bytes */${stat.size}` }).end();
        return;
      }
      res.writeHead(206, {
        ...headers,
        'Content-Range': `bytes ${start}-${end}/${stat.size}`,
        'Content-Length': end - start + 1
      });
      if (req.method === 'HEAD') res.end();
      else fs.createReadStream(file, { start, end }).pipe(res);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': stat.size });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
  };
}

/**
 * Serves `siteDir` on host:port (port 0 = any free port); tries the next ports if busy. The server engine
 * (native DuckDB over the shared data, `/odatis-vre/query/`) is served too unless `queryServer` is false or
 * ODATIS_VRE_QUERY_SERVER=0; `queryServer` is that engine (or null) once started.
 */
async function serveSite(
  siteDir,
  { host = '127.0.0.1', port = 8686, tries = 20, queryServer: wanted = true } = {}
) {
  siteDir = path.resolve(siteDir);
  const queryServer = wanted ? await startQueryServer(siteDir) : null;
  return new Promise((resolve, reject) => {
    const attempt = (p, left) => {
      const server = http.createServer(handler(siteDir, queryServer));
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

module.exports = { serveSite };
