// The data browser's proxy in the embedded server, against the catalogue test server (which answers
// in the services' real formats): allowed hosts only, GET (and a catalogue search POST), bounded in
// time and size, the service's answer passed on unchanged.
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { serveSite } = require('../scripts/serve');
const { createProxy } = require('../scripts/proxy');
const { startTestServer } = require('@odatis-vre/catalog/testing/server.js');

describe('the proxy route of the embedded server', () => {
  let dir;
  let site;
  let base;
  let upstream;
  let proxied;

  beforeAll(async () => {
    upstream = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-proxy-'));
    fs.mkdirSync(path.join(dir, 'lab'));
    fs.writeFileSync(path.join(dir, 'lab', 'index.html'), '<html>lab</html>');
    // A prebuilt extension's settings schema names the catalogues it uses by default.
    const schemas = path.join(
      dir,
      'extensions',
      '@odatis-vre',
      'databrowser-extension',
      'schemas',
      '@odatis-vre',
      'databrowser-extension'
    );
    fs.mkdirSync(schemas, { recursive: true });
    fs.writeFileSync(
      path.join(schemas, 'plugin.json'),
      JSON.stringify({
        properties: {
          sources: {
            type: 'object',
            default: {
              sextant: { enabled: true, url: 'https://sextant.ifremer.fr/geonetwork/srv/api' },
              erddap: { enabled: true, url: 'https://erddap.ifremer.fr/erddap' }
            }
          }
        }
      })
    );
    process.env.ODATIS_VRE_PROXY_HOSTS = new URL(upstream.url).host;
    site = await serveSite(dir, { port: 0 });
    delete process.env.ODATIS_VRE_PROXY_HOSTS;
    base = site.url.replace(/lab\/$/, '');
    proxied = address => `${base}odatis-vre/proxy?url=${encodeURIComponent(address)}`;
  });

  afterAll(async () => {
    site.server.close();
    await upstream.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says which hosts it allows: the extensions’ default catalogues and the configured ones', async () => {
    const response = await fetch(`${base}odatis-vre/proxy`);
    expect(await response.json()).toEqual({
      hosts: ['sextant.ifremer.fr', 'erddap.ifremer.fr', new URL(upstream.url).host],
      maxBytes: 200 * 1024 * 1024,
      timeoutMs: 30_000
    });
  });

  it('passes an allowed service’s answer on unchanged, as data that cannot script the VRE', async () => {
    const address = `${upstream.url}/erddap/info/coast_hf_marel_carnot/index.json`;
    const direct = await (await fetch(address)).text();
    const response = await fetch(proxied(address));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(direct);
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(response.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    // The request left without the page's cookies.
    await fetch(proxied(address), { headers: { Cookie: 'session=secret' } });
    expect(upstream.requests[upstream.requests.length - 1].headers.cookie).toBeUndefined();
  });

  it('forwards byte ranges', async () => {
    const response = await fetch(proxied(`${upstream.url}/seanoe/data/00915/102656/data/11.csv`), {
      headers: { Range: 'bytes=0-99' }
    });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toMatch(/^bytes 0-99\/\d+$/);
    expect((await response.arrayBuffer()).byteLength).toBe(100);
  });

  it('passes a service error on with the service’s own body', async () => {
    const response = await fetch(proxied(`${upstream.url}/error/503/erddap/info/x/index.json`));
    expect(response.status).toBe(503);
    expect(response.headers.get('x-odatis-proxy-error')).toBeNull();
    expect(await response.text()).toMatch(/^Error \{\n    code=503;/);
  });

  it.each([
    ['another host', 'https://example.org/erddap/info/x/index.json'],
    ['the right name on another port', 'https://sextant.ifremer.fr:8443/geonetwork/srv/api'],
    ['credentials in the address', 'https://user:pw@erddap.ifremer.fr/erddap/'],
    ['another scheme', 'ftp://erddap.ifremer.fr/erddap/'],
    ['this server itself', 'http://127.0.0.1:1/odatis-vre/proxy']
  ])('refuses %s (no open proxy)', async (_, address) => {
    const response = await fetch(proxied(address));
    expect(response.status).toBe(403);
    expect(response.headers.get('x-odatis-proxy-error')).toBe('not-allowed');
    expect((await response.json()).message).toMatch(/is not in the proxy's allow-list/);
  });

  it('refuses a redirect to a host it does not allow', async () => {
    const response = await fetch(
      proxied(`${upstream.url}/redirect?to=${encodeURIComponent('https://example.org/')}`)
    );
    expect(response.status).toBe(403);
    expect((await response.json()).message).toMatch(
      /redirected to example\.org, which is not in the proxy's allow-list/
    );
  });

  it('forwards a catalogue search POST, and no other method or path', async () => {
    const search = `${upstream.url}/geonetwork/srv/api/search/records/_search`;
    const body = JSON.stringify({ size: 0, query: { term: { isTemplate: 'n' } } });
    const ok = await fetch(proxied(search), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body
    });
    expect(ok.status).toBe(200);
    expect((await ok.json()).hits.total).toEqual({ value: 6, relation: 'eq' });
    const otherPath = await fetch(proxied(`${upstream.url}/erddap/search/advanced.json`), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body
    });
    expect(otherPath.status).toBe(405);
    const put = await fetch(proxied(search), {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body
    });
    expect(put.status).toBe(405);
    const form = await fetch(proxied(search), {
      method: 'POST',
      body: 'a=b',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
    });
    expect(form.status).toBe(415);
    const huge = await fetch(proxied(search), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ q: 'x'.repeat(70_000) })
    }).catch(e => e);
    // Either the 413 arrives, or the connection is cut while the body is still being sent.
    if (huge instanceof Error) expect(huge.message).toMatch(/fetch failed/);
    else expect(huge.status).toBe(413);
  });

  /** The proxy's answer for `address`, from a proxy that allows `host` alone. */
  async function proxyAnswer(host, address) {
    const proxy = createProxy({ hosts: [host] });
    const server = http.createServer((req, res) => proxy.handle(req, res));
    await new Promise(r => server.listen(0, '127.0.0.1', r));
    try {
      const at = `http://127.0.0.1:${server.address().port}/odatis-vre/proxy?url=`;
      const response = await fetch(at + encodeURIComponent(address));
      return { response, body: await response.json() };
    } finally {
      server.close();
    }
  }

  it('says when an allowed service cannot be reached', async () => {
    const { response, body } = await proxyAnswer('127.0.0.1:9', 'http://127.0.0.1:9/erddap/');
    expect(response.status).toBe(502);
    expect(response.headers.get('x-odatis-proxy-error')).toBe('unreachable');
    expect(body.message).toBe(
      '127.0.0.1:9 could not be reached: ECONNREFUSED (it refused the connection: the service is down, or the port is wrong)'
    );
  });

  it('says in words why a host name leads nowhere (no internet, or a mistyped address)', async () => {
    // .invalid never resolves (RFC 2606): what every catalogue looks like from a machine without internet.
    const { response, body } = await proxyAnswer(
      'catalogue.invalid',
      'https://catalogue.invalid/erddap/'
    );
    expect(response.status).toBe(502);
    const { message } = body;
    // ENOTFOUND where DNS answers "no such name", EAI_AGAIN where there is no DNS at all
    expect(message).toMatch(
      /^catalogue\.invalid could not be reached: (ENOTFOUND \(no such host name: the VRE's server has no internet access, or the address in Settings → ODATIS data browser is mistyped\)|EAI_AGAIN \(its name could not be looked up: the VRE's server has no working network \(DNS\)\))$/
    );
  });
});

describe('the proxy’s bounds', () => {
  let upstream;
  let server;
  let at;

  beforeAll(async () => {
    upstream = await startTestServer();
    const proxy = createProxy({
      hosts: [new URL(upstream.url).host],
      timeoutMs: 300,
      maxBytes: 1000
    });
    server = http.createServer((req, res) => proxy.handle(req, res));
    await new Promise(r => server.listen(0, '127.0.0.1', r));
    at = address =>
      `http://127.0.0.1:${server.address().port}/odatis-vre/proxy?url=${encodeURIComponent(address)}`;
  });

  afterAll(async () => {
    server.close();
    await upstream.close();
  });

  it('gives up on a slow service', async () => {
    const response = await fetch(at(`${upstream.url}/slow/2000/erddap/search/advanced.json`));
    expect(response.status).toBe(504);
    expect(response.headers.get('x-odatis-proxy-error')).toBe('timeout');
    expect((await response.json()).message).toBe(
      `${new URL(upstream.url).host} did not answer within 0.3 s`
    );
  });

  it('refuses an answer larger than its bound', async () => {
    const response = await fetch(at(`${upstream.url}/seanoe/data/00915/102656/data/12.csv.gz`));
    expect(response.status).toBe(413);
    expect(response.headers.get('x-odatis-proxy-error')).toBe('too-large');
  });

  it('forwards a bounded number of requests at once', async () => {
    const proxy = createProxy({ hosts: [new URL(upstream.url).host], maxConcurrent: 2 });
    const busy = http.createServer((req, res) => proxy.handle(req, res));
    await new Promise(r => busy.listen(0, '127.0.0.1', r));
    // A small answer (ERDDAP's 404 "no matching results") that takes a while.
    const slow = `http://127.0.0.1:${busy.address().port}/odatis-vre/proxy?url=${encodeURIComponent(
      `${upstream.url}/slow/1000/erddap/search/advanced.json?searchFor=nothing`
    )}`;
    const statuses = await Promise.all([1, 2, 3].map(() => fetch(slow).then(r => r.status)));
    busy.close();
    expect(statuses.sort()).toEqual([404, 404, 503]);
  });
});

describe('the proxy behind the embedded server’s hardening', () => {
  let dir;
  let site;
  let base;
  let hostile;
  let hostileUrl;
  const streaming = new Set();

  beforeAll(async () => {
    // A service that answers active content (HTML and SVG with scripts) and an endless stream.
    hostile = http.createServer((req, res) => {
      if (req.url === '/page.html') {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<html><script>localStorage.setItem("pwned", "yes")</script></html>');
      } else if (req.url === '/image.svg') {
        res.writeHead(200, { 'Content-Type': 'image/svg+xml' });
        res.end('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
      } else if (req.url === '/endless') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        streaming.add(res);
        res.on('close', () => streaming.delete(res));
        const timer = setInterval(() => res.write('x'.repeat(16 * 1024)), 5);
        res.on('close', () => clearInterval(timer));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise(r => hostile.listen(0, '127.0.0.1', r));
    hostileUrl = `http://127.0.0.1:${hostile.address().port}`;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'odatis-proxy-hardened-'));
    fs.mkdirSync(path.join(dir, 'lab'));
    fs.writeFileSync(path.join(dir, 'lab', 'index.html'), '<html>lab</html>');
    process.env.ODATIS_VRE_PROXY_HOSTS = new URL(hostileUrl).host;
    site = await serveSite(dir, { port: 0 });
    delete process.env.ODATIS_VRE_PROXY_HOSTS;
    base = site.url.replace(/lab\/$/, '');
  });

  afterAll(async () => {
    site.server.close();
    site.server.closeAllConnections();
    hostile.close();
    hostile.closeAllConnections();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const proxied = address => `${base}odatis-vre/proxy?url=${encodeURIComponent(address)}`;

  it('serves a service’s HTML or SVG sandboxed, never as a page of the VRE', async () => {
    for (const file of ['page.html', 'image.svg']) {
      const response = await fetch(proxied(`${hostileUrl}/${file}`));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<script>');
      expect(response.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('sandboxes the proxy’s own answers too, and turns malformed requests into a 4xx', async () => {
    const answers = [
      [`${base}odatis-vre/proxy`, 200],
      [proxied('https://example.org/'), 403],
      [`${base}odatis-vre/proxy?url=%`, 400],
      [`${base}odatis-vre/proxy?url=%E0%A4%A`, 400],
      [`${base}odatis-vre/proxy?url=${encodeURIComponent('http://[::1')}`, 400]
    ];
    for (const [url, status] of answers) {
      const response = await fetch(url);
      expect([url, response.status]).toEqual([url, status]);
      expect(response.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    // Malformed paths never reach the proxy: the server's path reading answers them.
    for (const bad of ['odatis-vre/proxy%', 'odatis-vre%2Fproxy?url=x', 'odatis-vre/%/proxy']) {
      expect((await fetch(base + bad)).status).toBe(400);
    }
    expect((await fetch(`${base}lab/`)).status).toBe(200);
  });

  it('closes the service’s stream when the page goes away', async () => {
    const controller = new AbortController();
    const response = await fetch(proxied(`${hostileUrl}/endless`), { signal: controller.signal });
    const reader = response.body.getReader();
    await reader.read();
    expect(streaming.size).toBe(1);
    controller.abort();
    const deadline = Date.now() + 10_000;
    while (streaming.size > 0 && Date.now() < deadline) await new Promise(r => setTimeout(r, 50));
    expect(streaming.size).toBe(0);
    expect((await fetch(`${base}lab/`)).status).toBe(200);
  });
});
