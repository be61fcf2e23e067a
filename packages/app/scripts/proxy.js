// The data browser's proxy: browsers refuse cross-origin answers without CORS headers (Sextant,
// SEANOE and doi.org send none), so the page asks this server, which asks the service.
// Never an open proxy: only the configured host names, only GET/HEAD (and POST to a GeoNetwork
// search endpoint, whose API takes its query as a JSON body), answers bounded in size and time,
// no cookies or credentials either way, and what it serves cannot script the VRE's origin.
//
//   GET  <route>                 → {"hosts": [...], "maxBytes": n, "timeoutMs": n}  (what it allows)
//   GET  <route>?url=<address>   → the service's answer (status, type, length, ranges)
//   POST <route>?url=<…/api/search/records/_search> with a JSON body (≤ 64 KiB)
// Its own failures carry `X-Odatis-Proxy-Error: not-allowed | unreachable | timeout | too-large |
// busy | bad-request` and a JSON body {error, message}.
const fs = require('fs');
const http = require('http');
const https = require('https');
const path = require('path');

const ROUTE = '/odatis-vre/proxy';
/** The policy of every answer of the proxy: data for the page's scripts, never a page of this origin. */
const POLICY = "sandbox; default-src 'none'";
/** The only POST the proxy forwards: GeoNetwork 4's search (an Elasticsearch body). */
const POST_PATHS = [/\/api\/search\/records\/_search$/];
const FORWARDED_REQUEST_HEADERS = ['accept', 'range', 'content-type'];
const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'content-range',
  'content-encoding',
  'accept-ranges',
  'last-modified',
  'etag'
];

/** The host of an address as the allow-list writes it: name, and port when not the default. */
function hostOf(url) {
  return url.host.toLowerCase();
}

function fail(res, status, error, message, extra = {}) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error, message });
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'X-Odatis-Proxy-Error': error,
    'Cache-Control': 'no-store',
    ...extra
  });
  res.end(body);
}

/** What a network error code means for the person who searched, and what to check. */
const UNREACHABLE = {
  ENOTFOUND:
    "no such host name: the VRE's server has no internet access, or the address in Settings → ODATIS data browser is mistyped",
  EAI_AGAIN: "its name could not be looked up: the VRE's server has no working network (DNS)",
  ECONNREFUSED: 'it refused the connection: the service is down, or the port is wrong',
  ECONNRESET: 'the connection was cut while it answered: try again later',
  EHOSTUNREACH: "no route to it: the VRE's server has no network to that host",
  ENETUNREACH: "no route to it: the VRE's server has no network to that host"
};

/**
 * A proxy for the given hosts (`name` or `name:port`).
 * @param {{hosts: string[], route?: string, timeoutMs?: number, maxBytes?: number,
 *          maxBody?: number, maxConcurrent?: number, maxRedirects?: number}} options
 */
function createProxy(options) {
  const route = options.route || ROUTE;
  const hosts = [...new Set(options.hosts.map(h => h.trim().toLowerCase()).filter(Boolean))];
  const timeoutMs = options.timeoutMs || 30_000;
  const maxBytes = options.maxBytes || 200 * 1024 * 1024;
  const maxBody = options.maxBody || 64 * 1024;
  const maxConcurrent = options.maxConcurrent || 16;
  const maxRedirects = options.maxRedirects ?? 3;
  let active = 0;

  const allowed = url =>
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    !url.username &&
    !url.password &&
    hosts.includes(hostOf(url));

  function handles(req) {
    const p = (req.url || '').split('?')[0];
    return p === route;
  }

  /** One upstream request; follows redirects to allowed hosts only. */
  function forward(req, res, target, body, redirects, deadline) {
    const client = target.protocol === 'https:' ? https : http;
    const headers = { 'User-Agent': 'odatis-vre-proxy', Accept: '*/*' };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      if (req.headers[name]) headers[name] = req.headers[name];
    }
    if (body) headers['Content-Length'] = body.length;
    const upstream = client.request(target, { method: req.method, headers }, answer => {
      const status = answer.statusCode || 502;
      if (status >= 300 && status < 400 && answer.headers.location) {
        answer.resume();
        let next;
        try {
          next = new URL(answer.headers.location, target);
        } catch {
          fail(res, 502, 'unreachable', `${target.host} redirected to an invalid address`);
          return;
        }
        if (redirects >= maxRedirects) {
          fail(
            res,
            502,
            'unreachable',
            `${target.host} redirected more than ${maxRedirects} times`
          );
        } else if (!allowed(next)) {
          fail(
            res,
            403,
            'not-allowed',
            `${target.host} redirected to ${next.host}, which is not in the proxy's allow-list`
          );
        } else {
          forward(
            req,
            res,
            next,
            status === 307 || status === 308 ? body : null,
            redirects + 1,
            deadline
          );
        }
        return;
      }
      const declared = Number(answer.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        answer.destroy();
        fail(
          res,
          413,
          'too-large',
          `${target.host} answers ${declared} bytes, more than the proxy's ${maxBytes}`
        );
        return;
      }
      const out = {
        // What the proxy serves is data for the page's scripts, never a page of this origin.
        'Content-Security-Policy': POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
        'X-Odatis-Proxy-Upstream': target.href
      };
      for (const name of FORWARDED_RESPONSE_HEADERS) {
        if (answer.headers[name] !== undefined) out[name] = answer.headers[name];
      }
      res.writeHead(status, out);
      let size = 0;
      answer.on('data', chunk => {
        size += chunk.length;
        if (size > maxBytes) {
          // Past the bound mid-way: the page sees a cut answer, never a silently short one.
          answer.destroy();
          res.destroy();
        }
      });
      answer.on('error', () => res.destroy());
      answer.pipe(res);
    });
    const remaining = Math.max(1, deadline - Date.now());
    upstream.setTimeout(remaining, () =>
      upstream.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }))
    );
    upstream.on('error', error => {
      if (error.code === 'ETIMEDOUT') {
        fail(res, 504, 'timeout', `${target.host} did not answer within ${timeoutMs / 1000} s`);
      } else {
        const why = UNREACHABLE[error.code];
        fail(
          res,
          502,
          'unreachable',
          `${target.host} could not be reached: ${error.code || error.message}${why ? ` (${why})` : ''}`
        );
      }
    });
    res.on('close', () => upstream.destroy());
    upstream.end(body || undefined);
  }

  function handle(req, res) {
    let url;
    try {
      url = new URL(req.url, 'http://proxy');
    } catch {
      fail(res, 400, 'bad-request', 'The proxy address cannot be read');
      return;
    }
    const address = url.searchParams.get('url');
    if (!address) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        fail(res, 405, 'bad-request', 'Only GET', { Allow: 'GET' });
        return;
      }
      const body = JSON.stringify({ hosts, maxBytes, timeoutMs });
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store'
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    let target;
    try {
      target = new URL(address);
    } catch {
      fail(res, 400, 'bad-request', `Not an absolute address: ${address.slice(0, 200)}`);
      return;
    }
    if (!allowed(target)) {
      fail(
        res,
        403,
        'not-allowed',
        `${target.host || address.slice(0, 100)} is not in the proxy's allow-list (${hosts.join(', ') || 'empty'}); ` +
          'a deployment adds hosts with ODATIS_VRE_PROXY_HOSTS'
      );
      return;
    }
    const isPost = req.method === 'POST';
    if (!(
      req.method === 'GET' ||
      req.method === 'HEAD' ||
      (isPost && POST_PATHS.some(p => p.test(target.pathname)))
    )) {
      fail(
        res,
        405,
        'bad-request',
        `The proxy forwards GET, and POST to a catalogue search only (not ${req.method} ${target.pathname})`,
        {
          Allow: 'GET, HEAD'
        }
      );
      return;
    }
    if (isPost && !/^application\/json\b/i.test(req.headers['content-type'] || '')) {
      fail(
        res,
        415,
        'bad-request',
        'A catalogue search is a JSON body (Content-Type: application/json)'
      );
      return;
    }
    if (active >= maxConcurrent) {
      fail(res, 503, 'busy', `The proxy already forwards ${maxConcurrent} requests; try again`, {
        'Retry-After': '1'
      });
      return;
    }
    active++;
    res.on('close', () => active--);
    const deadline = Date.now() + timeoutMs;
    if (!isPost) {
      forward(req, res, target, null, 0, deadline);
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', chunk => {
      size += chunk.length;
      if (size > maxBody) {
        fail(res, 413, 'too-large', `A search body is at most ${maxBody} bytes`);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (!res.writableEnded) forward(req, res, target, Buffer.concat(chunks), 0, deadline);
    });
  }

  return { route, hosts, handles, handle };
}

/** Host names of the URLs in a settings value (e.g. the data browser's `sources` default). */
function hostsIn(value) {
  if (typeof value === 'string') {
    try {
      const url = new URL(value);
      return /^https?:$/.test(url.protocol) ? [hostOf(url)] : [];
    } catch {
      return [];
    }
  }
  if (Array.isArray(value)) return value.flatMap(hostsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(hostsIn);
  return [];
}

/**
 * The proxy of a built site: the hosts of the catalogues the installed extensions configure by
 * default (their settings schemas' `sources`), plus ODATIS_VRE_PROXY_HOSTS (comma-separated).
 */
function siteProxy(siteDir, env = process.env) {
  const hosts = [];
  const walk = dir => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json') && full.includes(`${path.sep}schemas${path.sep}`)) {
        try {
          const schema = JSON.parse(fs.readFileSync(full, 'utf8'));
          hosts.push(...hostsIn(schema.properties?.sources?.default));
        } catch {
          // not a settings schema
        }
      }
    }
  };
  walk(path.join(siteDir, 'extensions'));
  hosts.push(...(env.ODATIS_VRE_PROXY_HOSTS || '').split(','));
  return createProxy({
    hosts,
    timeoutMs: Number(env.ODATIS_VRE_PROXY_TIMEOUT_MS) || undefined,
    maxBytes: Number(env.ODATIS_VRE_PROXY_MAX_BYTES) || undefined
  });
}

module.exports = { createProxy, siteProxy, hostsIn, ROUTE, POLICY };
